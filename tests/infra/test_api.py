"""The REST API of each deployed module (infra.app.DEPLOYED_MODULES, from opsdesk.apimap): resources, authorizers,
functions, gateway responses and the stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.app import DEPLOYED_MODULES
from opsdesk.apimap import MODULE_STAGE_VARIABLE, ApiModule, Auth, FunctionGroup
from opsdesk.dialects import DIALECTS
from opsdesk.errors import Forbidden, RateLimited, Unauthorized
from opsdesk.tables import ALL_TABLES
from tests.infra.conftest import (
    PROD_ORIGIN,
    Synthesized,
    exported_values,
    methods_by_path,
    resources_of_type,
)

pytestmark = pytest.mark.xdist_group("infra")

TABLES_BY_ID = {definition.logical_id: definition for definition in ALL_TABLES}
MODULES = DEPLOYED_MODULES
GROUPS = [pytest.param(module, group, id=group.name) for module in MODULES for group in module.groups]
EVERY_GROUP = [
    pytest.param(module, group, id=group.name)
    for module in MODULES
    for group in (*module.groups, *(job.group for job in module.scheduled),
                  *(consumer.group for consumer in module.stream_consumers))
]
"""Routed groups, and the module's groups no route invokes (scheduled jobs, stream consumers): same function."""
COGNITO_MODULES = [module for module in MODULES if any(group.auth is Auth.COGNITO for group in module.groups)]
AUTHORIZATION_TYPES = {
    Auth.COGNITO: ("COGNITO_USER_POOLS", "COGNITO_USER_POOLS"),
    Auth.COOKIE_JWT: ("CUSTOM", "REQUEST"),
}
"""A group's auth -> (its methods' AuthorizationType, their authorizer's Type)."""


def _group_function(template: dict[str, Any], group: FunctionGroup) -> tuple[str, dict[str, Any]]:
    functions = {
        name: resource
        for name, resource in resources_of_type(template, "AWS::Lambda::Function").items()
        if resource["Properties"].get("Description") == f"opsdesk {group.name}"
    }
    assert len(functions) == 1, f"one function for {group.name}, found {sorted(functions)}"
    return next(iter(functions.items()))


def _integrated_function(method: dict[str, Any]) -> str:
    """The logical id of the Lambda function a proxy integration invokes."""
    parts = method["Integration"]["Uri"]["Fn::Join"][1]
    return next(part["Fn::GetAtt"][0] for part in parts if isinstance(part, dict) and "Fn::GetAtt" in part)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_every_non_preflight_method_of_a_protected_resource_uses_the_authorizer_its_group_names(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)
    authorizers = resources_of_type(template, "AWS::ApiGateway::Authorizer")
    auth_by_path = {path: group.auth for group in module.groups for path in group.resources}

    checked = 0
    for path, method in methods_by_path(template):
        if method["HttpMethod"] == "OPTIONS" or auth_by_path[path] is Auth.NONE:
            continue
        method_type, authorizer_type = AUTHORIZATION_TYPES[auth_by_path[path]]
        assert method["AuthorizationType"] == method_type, f"{method['HttpMethod']} {path}"
        authorizer_id = method["AuthorizerId"]["Ref"]
        assert authorizers[authorizer_id]["Properties"]["Type"] == authorizer_type
        checked += 1
    assert checked == sum(len(g.resources) for g in module.groups if g.auth is not Auth.NONE)


@pytest.mark.parametrize("module", COGNITO_MODULES, ids=lambda m: m.name)
def test_cognito_authorizer_reads_the_bearer_header_and_trusts_the_platform_user_pool(
    dev: Synthesized, module: ApiModule
) -> None:
    (authorizer,) = [a for a in resources_of_type(dev.module(module.name), "AWS::ApiGateway::Authorizer").values()
                     if a["Properties"]["Type"] == "COGNITO_USER_POOLS"]
    exports = exported_values(dev.platform)

    assert authorizer["Properties"]["IdentitySource"] == "method.request.header.Authorization"
    (provider,) = authorizer["Properties"]["ProviderARNs"]
    (user_pool_id,) = resources_of_type(dev.platform, "AWS::Cognito::UserPool")
    assert exports[provider["Fn::ImportValue"]] == {"Fn::GetAtt": [user_pool_id, "Arn"]}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_public_resources_and_preflights_have_no_authorizer(dev: Synthesized, module: ApiModule) -> None:
    public_paths = {path for group in module.groups if group.auth is Auth.NONE for path in group.resources}

    for path, method in methods_by_path(dev.module(module.name)):
        if method["HttpMethod"] == "OPTIONS" or path in public_paths:
            assert method["AuthorizationType"] == "NONE", f"{method['HttpMethod']} {path}"
            assert "AuthorizerId" not in method


@pytest.mark.parametrize(("module", "group"), GROUPS)
def test_each_group_resource_has_one_any_method_proxying_to_the_group_function(
    dev: Synthesized, module: ApiModule, group: FunctionGroup
) -> None:
    template = dev.module(module.name)
    function_id, _ = _group_function(template, group)
    methods = methods_by_path(template)

    for path in group.resources:
        any_methods = [m for p, m in methods if p == path and m["HttpMethod"] == "ANY"]
        assert len(any_methods) == 1, path
        assert any_methods[0]["Integration"]["Type"] == "AWS_PROXY"
        assert _integrated_function(any_methods[0]) == function_id


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_api_has_no_methods_beyond_the_groups_resources_and_their_preflights(
    dev: Synthesized, module: ApiModule
) -> None:
    declared = {path for group in module.groups for path in group.resources}

    routed = {(path, m["HttpMethod"]) for path, m in methods_by_path(dev.module(module.name))}

    assert routed == {(path, verb) for path in declared for verb in ("ANY", "OPTIONS")}


@pytest.mark.parametrize(("module", "group"), EVERY_GROUP)
def test_group_function_runs_python_311_on_arm64_with_the_layer_tracing_and_its_table_names(
    dev: Synthesized, module: ApiModule, group: FunctionGroup
) -> None:
    template = dev.module(module.name)
    _, function = _group_function(template, group)
    properties = function["Properties"]
    exports = exported_values(dev.platform)
    (layer_id,) = resources_of_type(template, "AWS::Lambda::LayerVersion")

    assert properties["Runtime"] == "python3.11"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == ("run.sh" if group.streaming else "handler.lambda_handler")
    assert properties["TracingConfig"] == {"Mode": "Active"}
    assert properties["Layers"][0] == {"Ref": layer_id}
    variables = properties["Environment"]["Variables"]
    if group.streaming:
        # The Lambda Web Adapter runs the ASGI app and streams its response.
        assert len(properties["Layers"]) == 2
        assert "LambdaAdapterLayerArm64" in json.dumps(properties["Layers"][1])
        assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
        assert variables["AWS_LWA_INVOKE_MODE"] == "response_stream"
    else:
        assert len(properties["Layers"]) == 1
    assert variables["POWERTOOLS_SERVICE_NAME"] == module.name
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "opsdesk"
    assert variables["LOG_LEVEL"] == "INFO"
    for logical_id in {*group.tables, *group.read_only_tables}:
        env_value = variables[TABLES_BY_ID[logical_id].name_env_var]
        assert exports[env_value["Fn::ImportValue"]] == {"Ref": logical_id}
    # The authorizer does not check `aud`: the function is told which app clients' tokens to accept, the
    # platform's and the copilot's own (15-minute tokens), and a copilot function signs users in with the latter.
    clients = resources_of_type(dev.platform, "AWS::Cognito::UserPoolClient")
    client_export = exports[variables["COGNITO_APP_CLIENT_ID"]["Fn::ImportValue"]]
    assert client_export["Ref"] in clients and client_export["Ref"].startswith("AuthUserPoolAppClient")
    module_clients = exports[variables["COGNITO_MODULE_CLIENT_IDS"]["Fn::ImportValue"]]
    assert module_clients["Ref"] in clients and module_clients["Ref"].startswith("AuthUserPoolCopilotClient")
    if module.own_client_setting:
        assert variables[module.own_client_setting] == variables["COGNITO_MODULE_CLIENT_IDS"]
    assert not {"COPILOT_APP_CLIENT_ID"} & set(variables) or module.name == "copilot"


@pytest.mark.parametrize(("module", "group"), EVERY_GROUP)
def test_group_function_logs_to_its_own_log_group_with_retention(
    dev: Synthesized, module: ApiModule, group: FunctionGroup
) -> None:
    template = dev.module(module.name)
    _, function = _group_function(template, group)

    log_group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    assert template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 14


def _role_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = [
        p for p in resources_of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    assert "ManagedPolicyArns" not in template["Resources"][role_id]["Properties"]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


def _table_arn_export(template: dict[str, Any], logical_id: str) -> str:
    return next(
        name for name, value in exported_values(template).items() if value == {"Fn::GetAtt": [logical_id, "Arn"]}
    )


@pytest.mark.parametrize(("module", "group"), EVERY_GROUP)
def test_group_role_reaches_only_its_tables_and_their_named_indexes_and_never_scans(
    dev: Synthesized, module: ApiModule, group: FunctionGroup
) -> None:
    template = dev.module(module.name)
    _, function = _group_function(template, group)
    statements = _role_statements(template, function)

    for statement in statements:
        assert "dynamodb:Scan" not in statement["Action"]
    # Table grants: item reads (and writes). A stream consumer's stream reads are test_stream_consumers.py's.
    dynamodb_statements = [s for s in statements if "dynamodb:GetItem" in s["Action"]]
    granted = {}
    for statement in dynamodb_statements:
        # One resource (a table without indexes) is rendered as a single value, not a list.
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        granted[resources[0]["Fn::ImportValue"]] = resources
    expected = {_table_arn_export(dev.platform, t): t for t in {*group.tables, *group.read_only_tables}}
    assert set(granted) == set(expected)
    for table_import, logical_id in expected.items():
        resources = granted[table_import]
        index_suffixes = [r["Fn::Join"][1][1] for r in resources[1:]]
        assert index_suffixes == [f"/index/{index.name}" for index in TABLES_BY_ID[logical_id].indexes]
        statement = next(s for s in dynamodb_statements if resources[0] in
                         (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]))
        writes = "dynamodb:PutItem" in statement["Action"]
        assert writes == (logical_id in group.tables)


def gateway_responses(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Response type -> properties of each AWS::ApiGateway::GatewayResponse."""
    return {r["Properties"]["ResponseType"]: r["Properties"]
            for r in resources_of_type(template, "AWS::ApiGateway::GatewayResponse").values()}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
@pytest.mark.parametrize(("response_type", "error", "status"), [
    ("UNAUTHORIZED", Unauthorized(), "401"),
    ("ACCESS_DENIED", Forbidden(), "403"),
    ("WAF_FILTERED", Forbidden(), "403"),
    ("QUOTA_EXCEEDED", RateLimited(), "429"),
])
def test_authorizer_rejections_speak_the_module_error_envelope_with_cors(
    dev: Synthesized, module: ApiModule, response_type: str, error: Any, status: str
) -> None:
    responses = gateway_responses(dev.module(module.name))
    _, expected_body = DIALECTS[module.dialect](error)

    response = responses[response_type]
    assert response["StatusCode"] == status
    assert json.loads(response["ResponseTemplates"]["application/json"]) == expected_body
    headers = response["ResponseParameters"]
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'http://localhost:3000'"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_unknown_routes_answer_404_in_the_module_envelope_instead_of_missing_authentication_token(
    dev: Synthesized, module: ApiModule
) -> None:
    responses = gateway_responses(dev.module(module.name))

    response = responses["MISSING_AUTHENTICATION_TOKEN"]

    assert response["StatusCode"] == "404"
    body = json.loads(response["ResponseTemplates"]["application/json"])
    assert "Route not found" in json.dumps(body)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_default_4xx_keeps_api_gateway_status_and_is_json_once_the_message_is_filled_in(
    dev: Synthesized, module: ApiModule
) -> None:
    responses = gateway_responses(dev.module(module.name))

    default_4xx = responses["DEFAULT_4XX"]

    assert "StatusCode" not in default_4xx
    template = default_4xx["ResponseTemplates"]["application/json"]
    # `$context.error.messageString` is API Gateway's message as a quoted JSON string.
    body = json.loads(template.replace("$context.error.messageString", json.dumps("Invalid request body")))
    assert "Invalid request body" in json.dumps(body)
    assert {"DEFAULT_5XX", "THROTTLED", "RESOURCE_NOT_FOUND", "INTEGRATION_TIMEOUT"} <= set(responses)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_stage_traces_logs_access_and_errors_throttles_and_never_logs_bodies(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)
    (stage,) = resources_of_type(template, "AWS::ApiGateway::Stage").values()
    properties = stage["Properties"]

    assert properties["StageName"] == "dev"
    assert properties["Variables"] == {MODULE_STAGE_VARIABLE: module.name}  # the session authorizer reads it
    assert properties["TracingEnabled"] is True
    access_log = properties["AccessLogSetting"]
    fields = json.loads(access_log["Format"])
    assert fields["requestId"] == "$context.requestId"
    assert fields["resourcePath"] == "$context.resourcePath"
    # a path holding a credential (the CSAT survey's token) is never written to the log; other paths are
    assert ("path" in fields) is not module.paths_hold_credentials
    log_group_id = access_log["DestinationArn"]["Fn::GetAtt"][0]
    assert template["Resources"][log_group_id]["Type"] == "AWS::Logs::LogGroup"
    (all_methods,) = [s for s in properties["MethodSettings"] if s["ResourcePath"] == "/*"]
    assert all_methods["LoggingLevel"] == "ERROR"
    assert all_methods["DataTraceEnabled"] is False
    assert all_methods["ThrottlingRateLimit"] > 0
    assert all_methods["ThrottlingBurstLimit"] > 0


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_rest_api_validates_requests(dev: Synthesized, module: ApiModule) -> None:
    template = dev.module(module.name)
    (validator_id, validator) = next(iter(resources_of_type(template, "AWS::ApiGateway::RequestValidator").items()))

    assert validator["Properties"]["ValidateRequestBody"] is True
    assert validator["Properties"]["ValidateRequestParameters"] is True
    for _, method in methods_by_path(template):
        if method["HttpMethod"] != "OPTIONS":
            assert method["RequestValidatorId"] == {"Ref": validator_id}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_prod_stage_sits_behind_the_platform_web_acl(prod: Synthesized, module: ApiModule) -> None:
    template = prod.module(module.name)
    exports = exported_values(prod.platform)
    (association,) = resources_of_type(template, "AWS::WAFv2::WebACLAssociation").values()
    (web_acl_id,) = resources_of_type(prod.platform, "AWS::WAFv2::WebACL")

    assert exports[association["Properties"]["WebACLArn"]["Fn::ImportValue"]] == {"Fn::GetAtt": [web_acl_id, "Arn"]}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_prod_gateway_responses_name_the_configured_origin(prod: Synthesized, module: ApiModule) -> None:
    for response in resources_of_type(prod.module(module.name), "AWS::ApiGateway::GatewayResponse").values():
        headers = response["Properties"]["ResponseParameters"]
        assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{PROD_ORIGIN}'"


def test_function_code_assets_carry_no_bytecode_caches(dev: Synthesized) -> None:
    staged = [path for path in dev.directory.glob("asset.*") if path.is_dir()]

    assert staged, "function code is staged as directories"
    for asset in staged:
        assert not list(asset.rglob("__pycache__")), asset
        assert (asset / "handler.py").is_file() or (asset / "run.sh").is_file()


def test_public_groups_get_no_authorizer_and_pass_cdk_nag_with_their_acknowledgement(tmp_path: Path) -> None:
    from tests.infra.conftest import synthesize

    public_only = ApiModule(
        name="probe",
        base_path="/probe",
        dialect="copilot",
        groups=(FunctionGroup("support_catalog", resources=("/health", "/auth/{proxy+}"), auth=Auth.NONE),),
    )

    synthesized = synthesize(tmp_path, {}, modules=(public_only,))  # raises if cdk-nag finds anything

    template = synthesized.module("probe")
    assert resources_of_type(template, "AWS::ApiGateway::Authorizer") == {}
    methods = methods_by_path(template)
    assert {(path, m["HttpMethod"]) for path, m in methods} == {
        (path, verb) for path in ("/health", "/auth/{proxy+}") for verb in ("ANY", "OPTIONS")
    }
    assert all(m["AuthorizationType"] == "NONE" for _, m in methods)
    _, function = _group_function(template, public_only.groups[0])
    assert not [s for s in _role_statements(template, function) if any(a.startswith("dynamodb:") for a in s["Action"])]


@pytest.mark.parametrize(("module", "group"), GROUPS)
def test_streaming_groups_integrate_in_stream_mode_and_others_buffer(
    dev: Synthesized, module: ApiModule, group: FunctionGroup
) -> None:
    template = dev.module(module.name)
    function_id, _ = _group_function(template, group)

    modes = {
        method["Properties"]["Integration"].get("ResponseTransferMode", "BUFFERED")
        for method in resources_of_type(template, "AWS::ApiGateway::Method").values()
        if function_id in json.dumps(method["Properties"].get("Integration", {}).get("Uri", ""))
    }

    assert modes == ({"STREAM"} if group.streaming else {"BUFFERED"})
