"""Capabilities of the API map (opsdesk.apimap.Capability), module by module: each grant and each setting reaches
exactly the function groups that declare it (routed, scheduled and stream-consumer groups alike), names the one
resource it is for, and no module is named in infra to get there."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

import pytest

from infra.constructs.alerts import ALERTS_BUS_ENV
from infra.constructs.api import COOKIE_LOGIN_ENV, stage_switched
from infra.constructs.identity import USER_DIRECTORY_ACTIONS, USER_LOOKUP_ACTIONS
from infra.constructs.integrations import SECRET_ACTIONS, SECRET_PREFIX_ENV
from infra.constructs.mail import mail_environment
from infra.settings import DEFAULT_CHAT_MODEL
from opsdesk.apimap import MODULES, ApiModule, Capability, FunctionGroup
from opsdesk.secrets import TYPE_TAG
from tests.infra.conftest import (
    Synthesized,
    actions,
    exported_values,
    functions_by_group,
    listed,
    rendered,
    resources_of_type,
    role_statements,
    variables,
)

pytestmark = pytest.mark.xdist_group("infra")

BUCKET_CAPABILITIES = (Capability.ATTACHMENTS_BUCKET, Capability.EXPORTS_BUCKET)
ARN_PREFIX = "arn:${AWS::Partition}:{service}:${AWS::Region}:${AWS::AccountId}:"


def every_group(module: ApiModule) -> dict[str, FunctionGroup]:
    """Routed, scheduled, stream- and queue-consumer groups by name: everything infra makes a function of."""
    groups = (*module.groups, *(job.group for job in module.scheduled),
              *(consumer.group for consumer in module.stream_consumers),
              *(consumer.group for consumer in module.queue_consumers))
    return {group.name: group for group in groups}


def declares(module: ApiModule, name: str, capability: Capability) -> bool:
    """Whether the function `name` of the module's stack declares `capability` (the session authorizer never
    does: it is no group of the map)."""
    group = every_group(module).get(name)
    return group is not None and capability in group.capabilities


def statements_with(template: dict[str, Any], function: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [s for s in role_statements(template, function) if any(a.startswith(prefix) for a in actions(s))]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_every_group_of_the_module_has_one_function_in_its_stack(dev: Synthesized, module: ApiModule) -> None:
    functions = functions_by_group(dev.module(module.name))

    assert set(every_group(module)) <= set(functions)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_user_directory_and_lookup_groups_may_use_the_user_pool_and_only_the_platform_pool(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)
    exports = exported_values(dev.platform)
    (pool_id,) = resources_of_type(dev.platform, "AWS::Cognito::UserPool")

    for name, function in functions_by_group(template).items():
        statements = statements_with(template, function, "cognito-idp:")
        granted = {capability: declares(module, name, capability)
                   for capability in (Capability.USER_DIRECTORY, Capability.USER_LOOKUP)}
        if not any(granted.values()):
            assert statements == [], name
            continue
        (statement,) = statements
        expected = set(USER_DIRECTORY_ACTIONS) if granted[Capability.USER_DIRECTORY] else set()
        expected |= set(USER_LOOKUP_ACTIONS) if granted[Capability.USER_LOOKUP] else set()
        assert actions(statement) == expected, name
        (resource,) = listed(statement["Resource"])
        assert exports[resource["Fn::ImportValue"]] == {"Fn::GetAtt": [pool_id, "Arn"]}, name
        assert "Condition" not in statement
        pool_variable = variables(function)["COGNITO_USER_POOL_ID"]
        assert exports[pool_variable["Fn::ImportValue"]] == {"Ref": pool_id}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_integration_secret_groups_manage_secrets_and_only_under_the_stage_prefix_of_their_module(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)
    prefix = f"opsdesk-{dev.stage}/{module.name}/integrations"

    for name, function in functions_by_group(template).items():
        under_prefix = [s for s in statements_with(template, function, "secretsmanager:")
                        if any(":secret:" in rendered(r) for r in listed(s["Resource"]))]
        cleanup_only = declares(module, name, Capability.INTEGRATION_SECRET_CLEANUP)
        read_only = declares(module, name, Capability.INTEGRATION_SECRET_READ)
        if not declares(module, name, Capability.INTEGRATION_SECRETS) and not cleanup_only and not read_only:
            assert under_prefix == [], name
            assert SECRET_PREFIX_ENV not in variables(function), name
            continue
        (statement,) = under_prefix
        expected = {"secretsmanager:DeleteSecret"} if cleanup_only else \
            {"secretsmanager:GetSecretValue"} if read_only else set(SECRET_ACTIONS)
        assert actions(statement) == expected, name
        assert statement.get("Condition") == ({"StringEquals": {f"secretsmanager:ResourceTag/{TYPE_TAG}": "cloudwatch"}}
                                              if read_only else None), name
        assert [rendered(r) for r in listed(statement["Resource"])] == [
            ARN_PREFIX.replace("{service}", "secretsmanager") + f"secret:{prefix}/*"
        ]
        assert variables(function)[SECRET_PREFIX_ENV] == prefix


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_customer_role_groups_assume_roles_and_never_one_in_the_platforms_account(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)

    for name, function in functions_by_group(template).items():
        statements = statements_with(template, function, "sts:AssumeRole")
        if not declares(module, name, Capability.CUSTOMER_ROLES):
            assert statements == [], name
            continue
        by_effect = {s.get("Effect"): [rendered(r) for r in listed(s["Resource"])] for s in statements}
        assert by_effect == {"Allow": ["arn:${AWS::Partition}:iam::*:role/*"],
                             "Deny": ["arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"]}, name
        assert all(actions(s) == {"sts:AssumeRole"} for s in statements), name


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_alerts_bus_groups_put_events_and_only_on_the_alerts_bus(dev: Synthesized, module: ApiModule) -> None:
    template = dev.module(module.name)
    alerts = dev.templates[f"opsdesk-{dev.stage}-alerts"]
    exports = exported_values(alerts)
    (bus_id,) = resources_of_type(alerts, "AWS::Events::EventBus")

    for name, function in functions_by_group(template).items():
        statements = statements_with(template, function, "events:")
        if not declares(module, name, Capability.ALERTS_BUS):
            assert statements == [], name
            assert ALERTS_BUS_ENV not in variables(function), name
            continue
        (statement,) = statements
        assert actions(statement) == {"events:PutEvents"}
        (resource,) = listed(statement["Resource"])
        assert exports[resource["Fn::ImportValue"]] == {"Fn::GetAtt": [bus_id, "Arn"]}, name
        assert exports[variables(function)[ALERTS_BUS_ENV]["Fn::ImportValue"]] == {"Ref": bus_id}, name


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_ai_model_groups_call_bedrock_with_the_configured_model(dev: Synthesized, module: ApiModule) -> None:
    template = dev.module(module.name)

    for name, function in functions_by_group(template).items():
        statements = statements_with(template, function, "bedrock:")
        environment = variables(function)
        if not declares(module, name, Capability.AI_MODEL):
            assert statements == [], name
            assert "BEDROCK_MODEL_ID" not in environment, name
            continue
        assert environment["AI_PROVIDER"] == "bedrock"
        assert environment["BEDROCK_MODEL_ID"] == f"us.{DEFAULT_CHAT_MODEL}"
        granted = {rendered(r) for s in statements for r in listed(s["Resource"])}
        assert granted == {
            ARN_PREFIX.replace("{service}", "bedrock") + f"inference-profile/us.{DEFAULT_CHAT_MODEL}",
            f"arn:${{AWS::Partition}}:bedrock:*::foundation-model/{DEFAULT_CHAT_MODEL}",
        }, name
        assert all(actions(s) == {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}
                   for s in statements)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
@pytest.mark.parametrize("stage", ["dev", "with_mail"])
def test_a_module_has_buckets_only_when_a_group_declares_a_bucket_capability(
    stage: str, module: ApiModule, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    template = synthesized.module(module.name)
    wants_buckets = any(module.groups_using(capability) for capability in BUCKET_CAPABILITIES)

    buckets = resources_of_type(template, "AWS::S3::Bucket")

    assert bool(buckets) == wants_buckets
    for name, function in functions_by_group(template).items():
        if not any(declares(module, name, capability) for capability in BUCKET_CAPABILITIES):
            assert statements_with(template, function, "s3:") == [], name


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_mail_groups_send_from_the_stage_sender_under_their_module_settings_names(
    with_mail: Synthesized, module: ApiModule
) -> None:
    from tests.infra.conftest import DOMAIN, MAIL_FROM

    template = with_mail.module(module.name)
    from_variable, url_variable = mail_environment(module)

    for name, function in functions_by_group(template).items():
        statements = statements_with(template, function, "ses:")
        environment = variables(function)
        if not declares(module, name, Capability.MAIL):
            assert statements == [], name
            assert not [v for v in environment if v.endswith(("_MAIL_FROM", "_PUBLIC_URL"))], name
            continue
        (statement,) = statements
        assert actions(statement) == {"ses:SendEmail"}
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": MAIL_FROM}}
        assert (environment[from_variable], environment[url_variable]) == (MAIL_FROM, f"https://{DOMAIN}")


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_credentials_are_allowed_cross_origin_exactly_for_cookie_session_modules(
    dev: Synthesized, module: ApiModule
) -> None:
    template = dev.module(module.name)
    preflights = [m["Properties"] for m in resources_of_type(template, "AWS::ApiGateway::Method").values()
                  if m["Properties"]["HttpMethod"] == "OPTIONS"]
    responses = resources_of_type(template, "AWS::ApiGateway::GatewayResponse").values()

    assert preflights
    for preflight in preflights:
        (answer,) = preflight["Integration"]["IntegrationResponses"]
        credentials = answer["ResponseParameters"].get("method.response.header.Access-Control-Allow-Credentials")
        assert (credentials == "'true'") == module.cookie_sessions
    for response in responses:
        headers = response["Properties"]["ResponseParameters"]
        credentials = headers.get("gatewayresponse.header.Access-Control-Allow-Credentials")
        assert (credentials == "'true'") == module.cookie_sessions


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_modules_whose_stage_switches_the_cookie_tell_their_functions_whether_it_counts(
    dev: Synthesized, module: ApiModule
) -> None:
    for name, function in functions_by_group(dev.module(module.name)).items():
        assert (COOKIE_LOGIN_ENV in variables(function)) == stage_switched(module), name


@pytest.mark.parametrize("stage", ["dev", "prod", "with_mail"])
def test_no_function_on_aws_may_call_plain_http_or_private_addresses(
    stage: str, request: pytest.FixtureRequest
) -> None:
    """OUTBOUND_ALLOWED_HTTP_HOSTS opens the outbound guard for the local stack's own services only."""
    synthesized: Synthesized = request.getfixturevalue(stage)

    assert "OUTBOUND_ALLOWED_HTTP_HOSTS" not in json.dumps(synthesized.templates)


def test_the_integration_secrets_the_store_writes_fall_under_the_granted_prefix(dev: Synthesized) -> None:
    from opsdesk.secrets import SecretsManagerStore

    class Recorder:
        def __init__(self) -> None:
            self.names: list[str] = []

        def create_secret(self, *, Name: str, SecretString: str) -> dict[str, str]:  # noqa: N803 - boto3's names
            self.names.append(Name)
            return {"ARN": f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{Name}-AbCdEf"}

    for module in MODULES:
        template = dev.module(module.name)
        for group in module.groups_using(Capability.INTEGRATION_SECRETS):
            function = functions_by_group(template)[group.name]
            (statement,) = statements_with(template, function, "secretsmanager:CreateSecret")
            pattern = rendered(listed(statement["Resource"])[0]).split(":secret:", 1)[1]
            recorder = Recorder()
            store = SecretsManagerStore(variables(function)[SECRET_PREFIX_ENV], region="eu-west-1", client=recorder)

            arn = store.put("tenant-1", "integration-1", {"api_key": "x"})

            (name,) = recorder.names
            assert fnmatchcase(name, pattern), (name, pattern)
            assert fnmatchcase(arn.split(":secret:", 1)[1], pattern)


def test_every_function_logs_under_the_service_the_api_map_names_for_it(dev: Synthesized) -> None:
    from opsdesk.apimap import service_name

    logged: dict[str, set[str]] = {}
    for template in dev.templates.values():
        for name, function in functions_by_group(template).items():
            logged.setdefault(name, set()).add(variables(function)["POWERTOOLS_SERVICE_NAME"])

    authorizers = logged.pop("session_authorizer")  # one per module's stack, under the module's name
    assert authorizers <= {module.name for module in MODULES}
    assert logged and all(services == {service_name(name)} for name, services in logged.items()), logged
