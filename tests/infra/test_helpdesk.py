"""The helpdesk module on AWS (issue #5, point 10): its REST API under the cookie-session authorizer, gateway
responses in the document's envelope, CORS as the document requires, the attachments and exports buckets, the
scheduled SLA check, and each function's settings and least-privilege access."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from opsdesk.apimap import HELPDESK, MODULES, SUPPORT, Capability
from opsdesk.errors import Forbidden, NotFound, RateLimited, Unauthorized
from opsdesk.helpdesk.attachments import PENDING_TAG, check_upload
from opsdesk.helpdesk.exports import export_key
from opsdesk.helpdesk.requests import AttachmentUpload
from opsdesk.http import CORS_ALLOWED_HEADERS
from opsdesk.settings import HelpdeskSlaCheckSettings
from tests.infra.conftest import (
    DOMAIN,
    MAIL_CONTEXT,
    MAIL_FROM,
    PROD_ORIGIN,
    Synthesized,
    actions,
    exported_values,
    function_named,
    methods_by_path,
    one,
    rendered,
    resources_allowed,
    resources_of_type,
    role_statements,
    synthesize,
)

pytestmark = pytest.mark.xdist_group("infra")

# The document's public routes (health, the local-mode login, the CSAT form, Prometheus); everything else needs
# a bearer token or the session cookie.
PUBLIC_PATHS = {"/livez", "/readyz", "/healthz", "/login", "/logout", "/csat/{token}", "/metrics",
                "/docs", "/redoc", "/openapi.json"}  # the module's API documentation (opsdesk.apidocs)
PROTECTED_PATHS = {
    "/me", "/requesters", "/requesters/{id}", "/tickets", "/tickets/{id}", "/tickets/{id}/{proxy+}",
    "/tickets/{id}/attachments", "/tickets/{id}/attachments/{proxy+}", "/exports/{proxy+}", "/metrics/{proxy+}",
    "/events",
}
SESSION_AUTHORIZER = "session_authorizer"
SLA_CHECK = "helpdesk_sla_check"
TWO_ORIGINS = ("https://helpdesk.example.com", "https://portal.example.com")
TENANT, TICKET, ITEM = "t-1", "6f1c2a7e-0000-4000-8000-000000000001", "6f1c2a7e-0000-4000-8000-000000000002"


@pytest.fixture(scope="module")
def two_origins(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """A dev stage with two allowed origins and the cookie login switched on."""
    return synthesize(tmp_path_factory.mktemp("helpdesk"),
                      {"corsAllowedOrigins": ",".join(TWO_ORIGINS), "cookieLogin": "true"})


def helpdesk(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.module(HELPDESK.name)


def variables(function: dict[str, Any]) -> dict[str, Any]:
    return dict(function["Properties"]["Environment"]["Variables"])


def s3_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in role_statements(template, function) if any(a.startswith("s3:") for a in actions(s))]


def buckets(template: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """"attachments" / "exports" / "logs" -> (logical id, properties), told apart by their logging prefix."""
    found = {}
    for logical_id, bucket in resources_of_type(template, "AWS::S3::Bucket").items():
        properties = bucket["Properties"]
        prefix = properties.get("LoggingConfiguration", {}).get("LogFilePrefix", "logs/")
        found[prefix.rstrip("/")] = (logical_id, properties)
    assert set(found) == {"attachments", "exports", "logs"}
    return found


def bucket_policy(template: dict[str, Any], bucket_id: str) -> list[dict[str, Any]]:
    (policy,) = [p for p in resources_of_type(template, "AWS::S3::BucketPolicy").values()
                 if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def object_pattern(resource: dict[str, Any], bucket_id: str) -> str:
    """`<bucket ARN>/<pattern>` as CloudFormation renders it -> the key pattern."""
    head, pattern = resource["Fn::Join"][1]
    assert head == {"Fn::GetAtt": [bucket_id, "Arn"]}
    return str(pattern).removeprefix("/")


# --- routes and the authorizer ------------------------------------------------------------------------------------


def test_only_the_documented_public_routes_skip_the_authorizer(dev: Synthesized) -> None:
    methods = [(path, m) for path, m in methods_by_path(helpdesk(dev)) if m["HttpMethod"] == "ANY"]
    public = {path for path, m in methods if m["AuthorizationType"] == "NONE"}
    protected = {path for path, m in methods if m["AuthorizationType"] == "CUSTOM"}

    assert public == PUBLIC_PATHS
    assert protected >= PROTECTED_PATHS
    assert public | protected == {path for path, _ in methods}
    assert all("AuthorizerId" not in m for path, m in methods if path in public)


def test_cookie_routes_share_one_request_authorizer_without_identity_sources_or_cache(dev: Synthesized) -> None:
    template = helpdesk(dev)
    authorizer_id, authorizer = one(resources_of_type(template, "AWS::ApiGateway::Authorizer"))
    function_id, _ = function_named(template, SESSION_AUTHORIZER)

    properties = authorizer["Properties"]
    assert properties["Type"] == "REQUEST"
    # Bearer OR cookie: any identity source would be required, and answer 401 before the function runs.
    assert "IdentitySource" not in properties
    assert properties["AuthorizerResultTtlInSeconds"] == 0
    assert {"Fn::GetAtt": [function_id, "Arn"]} in properties["AuthorizerUri"]["Fn::Join"][1]
    for path, method in methods_by_path(template):
        if method["AuthorizationType"] == "CUSTOM":
            assert method["AuthorizerId"] == {"Ref": authorizer_id}, path


def test_api_gateway_may_invoke_the_authorizer_function_as_this_authorizer_only(dev: Synthesized) -> None:
    template = helpdesk(dev)
    authorizer_id, _ = one(resources_of_type(template, "AWS::ApiGateway::Authorizer"))
    function_id, _ = function_named(template, SESSION_AUTHORIZER)

    (permission,) = [p["Properties"] for p in resources_of_type(template, "AWS::Lambda::Permission").values()
                     if p["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}]

    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"]["Fn::Join"][1][-2:] == ["/authorizers/", {"Ref": authorizer_id}]


def test_the_authorizer_verifies_tokens_of_the_platform_pool_and_app_client_and_reads_only_signed_out_sessions(
    dev: Synthesized,
) -> None:
    template = helpdesk(dev)
    _, function = function_named(template, SESSION_AUTHORIZER)
    env = variables(function)
    exports = exported_values(dev.platform)
    (pool_id,) = resources_of_type(dev.platform, "AWS::Cognito::UserPool")
    (client_id,) = [logical_id for logical_id in resources_of_type(dev.platform, "AWS::Cognito::UserPoolClient")
                    if logical_id.startswith("AuthUserPoolAppClient")]

    assert exports[env["COGNITO_USER_POOL_ID"]["Fn::ImportValue"]] == {"Ref": pool_id}
    assert exports[env["COGNITO_APP_CLIENT_ID"]["Fn::ImportValue"]] == {"Ref": client_id}
    assert env["HELPDESK_COOKIE_LOGIN"] == "off"
    granted = {a.split(":")[0] for s in role_statements(template, function) for a in actions(s)}
    assert granted == {"logs", "xray", "dynamodb"}
    data = [s for s in role_statements(template, function) if any(a.startswith("dynamodb:") for a in actions(s))]
    assert all(not any(word in a for word in ("Put", "Update", "Delete", "Write")) for s in data for a in actions(s))
    assert "SESSIONS_TABLE_NAME" in env and not {"TICKETS_TABLE_NAME", "EVENTS_TABLE_NAME"} & set(env)


def test_every_helpdesk_function_agrees_on_the_cookie_login_off_unless_set(
    dev: Synthesized, prod: Synthesized, two_origins: Synthesized
) -> None:
    for synthesized, expected in ((dev, "off"), (prod, "off"), (two_origins, "on")):
        functions = [f for f in resources_of_type(helpdesk(synthesized), "AWS::Lambda::Function").values()
                     if f["Properties"].get("Description", "").startswith("opsdesk ")]
        assert {variables(f)["HELPDESK_COOKIE_LOGIN"] for f in functions} == {expected}
    # Bearer-token modules have no cookie to switch.
    assert not [f for f in resources_of_type(dev.module(SUPPORT.name), "AWS::Lambda::Function").values()
                if "HELPDESK_COOKIE_LOGIN" in variables(f)]


def test_the_event_stream_sits_behind_the_authorizer_and_streams_for_fifteen_minutes(dev: Synthesized) -> None:
    template = helpdesk(dev)
    function_id, function = function_named(template, "helpdesk_events")

    ((_, method),) = [(p, m) for p, m in methods_by_path(template) if p == "/events" and m["HttpMethod"] == "ANY"]

    assert method["AuthorizationType"] == "CUSTOM"
    assert method["Integration"]["ResponseTransferMode"] == "STREAM"
    assert method["Integration"]["TimeoutInMillis"] == 900_000
    assert function["Properties"]["Timeout"] == 900
    assert function_id in json.dumps(method["Integration"]["Uri"])


def test_access_logs_name_the_caller_the_session_authorizer_allowed(dev: Synthesized) -> None:
    _, stage = one(resources_of_type(helpdesk(dev), "AWS::ApiGateway::Stage"))

    fields = json.loads(stage["Properties"]["AccessLogSetting"]["Format"])

    assert fields["principalId"] == "$context.authorizer.principalId"
    assert fields["authorizerError"] == "$context.authorizer.error"


def test_every_group_of_the_api_map_has_its_function_folder_and_one_function(dev: Synthesized) -> None:
    template = helpdesk(dev)
    functions_root = Path(__file__).resolve().parents[2] / "functions"

    for group in HELPDESK.groups:
        entry = "run.sh" if group.streaming else "handler.py"
        assert (functions_root / group.name / entry).is_file(), group.name
        function_named(template, group.name)
    for name in (SESSION_AUTHORIZER, SLA_CHECK):
        function_named(template, name)


# --- gateway responses and CORS -----------------------------------------------------------------------------------


def gateway_responses(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["Properties"]["ResponseType"]: r["Properties"]
            for r in resources_of_type(template, "AWS::ApiGateway::GatewayResponse").values()}


@pytest.mark.parametrize(("response_type", "status", "message"), [
    ("UNAUTHORIZED", "401", Unauthorized().message),
    ("ACCESS_DENIED", "403", Forbidden().message),
    ("MISSING_AUTHENTICATION_TOKEN", "404", NotFound("Route not found").message),
    ("RESOURCE_NOT_FOUND", "404", NotFound("Route not found").message),
    ("THROTTLED", "429", RateLimited().message),
    ("DEFAULT_5XX", None, "Internal server error"),
])
def test_api_gateway_errors_speak_the_helpdesk_envelope_readable_by_a_browser_with_its_cookie(
    dev: Synthesized, response_type: str, status: str | None, message: str
) -> None:
    response = gateway_responses(helpdesk(dev))[response_type]

    assert response.get("StatusCode") == status
    assert json.loads(response["ResponseTemplates"]["application/json"]) == {"error": message}
    headers = response["ResponseParameters"]
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'http://localhost:3000'"
    assert headers["gatewayresponse.header.Access-Control-Allow-Credentials"] == "'true'"


def test_api_gateway_4xx_keeps_its_status_and_puts_its_message_in_the_error_field(dev: Synthesized) -> None:
    response = gateway_responses(helpdesk(dev))["DEFAULT_4XX"]
    template = response["ResponseTemplates"]["application/json"]

    body = json.loads(template.replace("$context.error.messageString", json.dumps("Request too large")))

    assert "StatusCode" not in response
    assert body == {"error": "Request too large"}


def preflights(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(path, the integration response's header mappings) of each OPTIONS method, which has no authorizer."""
    found = []
    for path, method in methods_by_path(template):
        if method["HttpMethod"] == "OPTIONS":
            assert method["AuthorizationType"] == "NONE", path
            assert method["Integration"]["Type"] == "MOCK"
            (response,) = method["Integration"]["IntegrationResponses"]
            found.append((path, response))
    return found


def test_preflights_allow_only_the_documented_headers_and_credentials_from_the_allowed_origin(
    dev: Synthesized,
) -> None:
    found = preflights(helpdesk(dev))

    assert {path for path, _ in found} == {p for g in HELPDESK.groups for p in g.resources}
    assert CORS_ALLOWED_HEADERS == ["Authorization", "Content-Type", "X-Requested-With"]
    for path, response in found:
        headers = response["ResponseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Headers"] == (
            "'Authorization,Content-Type,X-Requested-With'"), path
        assert headers["method.response.header.Access-Control-Allow-Credentials"] == "'true'", path
        assert headers["method.response.header.Access-Control-Allow-Origin"] == "'http://localhost:3000'", path
        assert headers["method.response.header.Vary"] == "'Origin'", path


def test_with_several_origins_a_preflight_names_only_a_listed_origin_never_a_wildcard(
    two_origins: Synthesized,
) -> None:
    for path, response in preflights(helpdesk(two_origins)):
        template = response["ResponseTemplates"]["application/json"]
        origin_header = response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"]
        # The static header is the first origin; the template echoes the request's Origin only if it is the other.
        assert origin_header == f"'{TWO_ORIGINS[0]}'", path
        assert f'#if($origin == "{TWO_ORIGINS[1]}")' in template, path
        assert template.count("responseOverride.header.Access-Control-Allow-Origin") == 1, path
        assert "*" not in origin_header and '"*"' not in template, path


def test_functions_answer_cors_for_the_same_origins(two_origins: Synthesized) -> None:
    template = helpdesk(two_origins)

    for group in HELPDESK.groups:
        _, function = function_named(template, group.name)
        assert variables(function)["CORS_ALLOWED_ORIGINS"] == ",".join(TWO_ORIGINS), group.name


def test_bearer_token_modules_allow_no_credentials_in_their_preflights(dev: Synthesized) -> None:
    for path, response in preflights(dev.module(SUPPORT.name)):
        headers = response["ResponseParameters"]
        assert "method.response.header.Access-Control-Allow-Credentials" not in headers, path
        assert headers["method.response.header.Access-Control-Allow-Headers"] == (
            "'Authorization,Content-Type,X-Requested-With'"), path


# --- buckets ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["attachments", "exports", "logs"])
def test_buckets_are_private_encrypted_refuse_plain_http_and_old_tls(dev: Synthesized, name: str) -> None:
    template = helpdesk(dev)
    bucket_id, properties = buckets(template)[name]

    (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "VersioningConfiguration" not in properties
    denials = [s for s in bucket_policy(template, bucket_id) if s["Effect"] == "Deny"]
    assert {json.dumps(s["Condition"], sort_keys=True) for s in denials} == {
        json.dumps({"Bool": {"aws:SecureTransport": "false"}}),
        json.dumps({"NumericLessThan": {"s3:TlsVersion": 1.2}}),
    }


def test_both_buckets_log_access_to_the_log_bucket_which_takes_their_logs_only(dev: Synthesized) -> None:
    template = helpdesk(dev)
    found = buckets(template)
    logs_id, logs = found["logs"]

    for name in ("attachments", "exports"):
        assert found[name][1]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": logs_id}
    deliveries = [s for s in bucket_policy(template, logs_id) if s["Effect"] == "Allow"]
    assert {s["Principal"]["Service"] for s in deliveries} == {"logging.s3.amazonaws.com"}
    assert {s["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::GetAtt"][0] for s in deliveries} == {
        found["attachments"][0], found["exports"][0]}
    assert logs["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 14


def test_browsers_may_put_attachments_from_the_allowed_origins_with_the_headers_presign_hands_out(
    two_origins: Synthesized,
) -> None:
    _, properties = buckets(helpdesk(two_origins))["attachments"]
    spec = check_upload(AttachmentUpload(filename="report.pdf", bytes=1024, mime="application/pdf"),
                        tenant_id=TENANT, ticket_id=TICKET, attachment_id=ITEM, max_bytes=10_000)

    (rule,) = properties["CorsConfiguration"]["CorsRules"]

    assert rule["AllowedMethods"] == ["PUT"]
    assert rule["AllowedOrigins"] == list(TWO_ORIGINS)
    assert {h.lower() for h in spec.put_headers()} <= {h.lower() for h in rule["AllowedHeaders"]}
    assert "*" not in rule["AllowedHeaders"]


def test_unconfirmed_uploads_expire_after_a_day_by_the_tag_presign_sets_and_confirm_removes(
    dev: Synthesized,
) -> None:
    _, properties = buckets(helpdesk(dev))["attachments"]
    rules = {rule["Id"]: rule for rule in properties["LifecycleConfiguration"]["Rules"]}
    key, value = PENDING_TAG.split("=")

    assert rules["expire-unconfirmed-uploads"]["TagFilters"] == [{"Key": key, "Value": value}]
    assert rules["expire-unconfirmed-uploads"]["ExpirationInDays"] == 1
    assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    # Confirmed attachments (the tag removed) never expire.
    assert not [r for r in rules.values() if "ExpirationInDays" in r and "TagFilters" not in r]


def test_exports_expire_after_a_day_and_the_frontend_may_fetch_them(two_origins: Synthesized) -> None:
    _, properties = buckets(helpdesk(two_origins))["exports"]

    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    (cors,) = properties["CorsConfiguration"]["CorsRules"]

    assert rule["ExpirationInDays"] == 1
    assert "Prefix" not in rule and "TagFilters" not in rule
    assert cors["AllowedMethods"] == ["GET"]
    assert cors["AllowedOrigins"] == list(TWO_ORIGINS)


def test_buckets_are_retained_in_prod_and_removed_with_a_dev_stack(dev: Synthesized, prod: Synthesized) -> None:
    for synthesized, policy in ((dev, "Delete"), (prod, "Retain")):
        for bucket in resources_of_type(helpdesk(synthesized), "AWS::S3::Bucket").values():
            assert bucket["DeletionPolicy"] == policy


def test_prod_buckets_take_uploads_from_the_configured_origin(prod: Synthesized) -> None:
    _, properties = buckets(helpdesk(prod))["attachments"]

    assert properties["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [PROD_ORIGIN]


# --- least privilege on the buckets -------------------------------------------------------------------------------


def test_the_attachments_function_may_put_tag_head_and_delete_attachment_keys_and_nothing_else(
    dev: Synthesized,
) -> None:
    template = helpdesk(dev)
    _, function = function_named(template, "helpdesk_attachments")
    bucket_id, _ = buckets(template)["attachments"]
    spec = check_upload(AttachmentUpload(filename="notes.txt", bytes=10), tenant_id=TENANT, ticket_id=TICKET,
                        attachment_id=ITEM, max_bytes=100)

    statements = s3_statements(template, function)
    (objects,) = [s for s in statements if "s3:PutObject" in actions(s)]
    (listing,) = [s for s in statements if "s3:ListBucket" in actions(s)]

    assert len(statements) == 2
    assert variables(function)["ATTACHMENTS_BUCKET"] == {"Ref": bucket_id}
    assert actions(objects) == {"s3:PutObject", "s3:PutObjectTagging", "s3:GetObject", "s3:DeleteObject",
                                "s3:DeleteObjectTagging"}
    pattern = object_pattern(objects["Resource"], bucket_id)
    assert fnmatchcase(spec.key, pattern)
    assert not fnmatchcase(export_key(TENANT, ITEM, datetime(2026, 1, 2, tzinfo=UTC)), pattern)
    # So that HEAD of a key never uploaded answers 404 (a 400 for the client), not 403.
    assert actions(listing) == {"s3:ListBucket"}
    assert listing["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}


def test_the_exports_function_may_write_and_sign_downloads_of_export_keys_and_nothing_else(
    dev: Synthesized,
) -> None:
    template = helpdesk(dev)
    _, function = function_named(template, "helpdesk_exports")
    bucket_id, _ = buckets(template)["exports"]

    (statement,) = s3_statements(template, function)

    assert variables(function)["EXPORTS_BUCKET"] == {"Ref": bucket_id}
    assert actions(statement) == {"s3:PutObject", "s3:GetObject"}
    pattern = object_pattern(statement["Resource"], bucket_id)
    assert fnmatchcase(export_key(TENANT, ITEM, datetime(2026, 1, 2, tzinfo=UTC)), pattern)
    assert not fnmatchcase(f"tenants/{TENANT}/tickets/{TICKET}/attachments/{ITEM}/a.txt", pattern)


def test_no_other_helpdesk_function_knows_or_reaches_a_bucket(dev: Synthesized) -> None:
    template = helpdesk(dev)

    for name in [g.name for g in HELPDESK.groups] + [SESSION_AUTHORIZER, SLA_CHECK]:
        if name in {"helpdesk_attachments", "helpdesk_exports"}:
            continue
        _, function = function_named(template, name)
        assert not s3_statements(template, function), name
        assert not {"ATTACHMENTS_BUCKET", "EXPORTS_BUCKET"} & set(variables(function)), name


# --- the scheduled SLA check --------------------------------------------------------------------------------------


def test_the_sla_check_runs_every_minute_through_scheduler_with_retries_and_a_dead_letter_queue(
    dev: Synthesized,
) -> None:
    template = helpdesk(dev)
    function_id, _ = function_named(template, SLA_CHECK)
    queue_id, queue = one(resources_of_type(template, "AWS::SQS::Queue"))
    _, schedule = one(resources_of_type(template, "AWS::Scheduler::Schedule"))

    properties = schedule["Properties"]
    assert properties["ScheduleExpression"] == "rate(1 minute)"
    assert properties["State"] == "ENABLED"
    assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = properties["Target"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 60}
    assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_the_scheduler_role_may_invoke_the_check_alone_and_dead_letter_to_its_queue(dev: Synthesized) -> None:
    template = helpdesk(dev)
    function_id, _ = function_named(template, SLA_CHECK)
    queue_id, _ = one(resources_of_type(template, "AWS::SQS::Queue"))
    _, schedule = one(resources_of_type(template, "AWS::Scheduler::Schedule"))
    role_id = schedule["Properties"]["Target"]["RoleArn"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]

    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    statements = [s for p in resources_of_type(template, "AWS::IAM::Policy").values()
                  if {"Ref": role_id} in p["Properties"]["Roles"]
                  for s in p["Properties"]["PolicyDocument"]["Statement"]]

    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    conditions = trust["Condition"]["StringEquals"]
    assert conditions["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert conditions["aws:SourceArn"]["Fn::Join"][1][-1].endswith(":schedule/default/opsdesk-dev-helpdesk-sla-check")
    invoke = [s for s in statements if "lambda:InvokeFunction" in actions(s)]
    assert [s["Resource"] for s in invoke] == [{"Fn::GetAtt": [function_id, "Arn"]}]
    others = [s for s in statements if s not in invoke]
    assert {a for s in others for a in actions(s)} <= {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}
    assert all(s["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]} for s in others)


def test_a_failed_run_is_not_retried_by_lambda_and_lands_in_the_same_queue(dev: Synthesized) -> None:
    template = helpdesk(dev)
    function_id, _ = function_named(template, SLA_CHECK)
    queue_id, _ = one(resources_of_type(template, "AWS::SQS::Queue"))

    _, config = one(resources_of_type(template, "AWS::Lambda::EventInvokeConfig"))

    properties = config["Properties"]
    assert properties["FunctionName"] == {"Ref": function_id}
    assert properties["MaximumRetryAttempts"] == 0
    assert properties["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_the_sla_check_queries_tickets_by_due_and_writes_tickets_and_events_within_a_minute(
    dev: Synthesized,
) -> None:
    template = helpdesk(dev)
    _, function = function_named(template, SLA_CHECK)
    env = variables(function)
    exports = exported_values(dev.platform)

    assert function["Properties"]["Timeout"] < 60
    assert function["Properties"]["Handler"] == "handler.lambda_handler"
    for variable, table in (("TICKETS_TABLE_NAME", "TicketsTable"), ("EVENTS_TABLE_NAME", "EventsTable")):
        assert exports[env[variable]["Fn::ImportValue"]] == {"Ref": table}
    dynamodb = [s for s in role_statements(template, function) if any(a.startswith("dynamodb:") for a in actions(s))]
    assert len(dynamodb) == 2
    for statement in dynamodb:
        assert {"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"} <= actions(statement)
        assert "dynamodb:Scan" not in actions(statement)
    assert "/index/ticketsByDue" in json.dumps(dynamodb)
    HelpdeskSlaCheckSettings.from_environment(
        {**{k: v if isinstance(v, str) else "resolved-at-deploy" for k, v in env.items()}, "AWS_REGION": "eu-west-1"}
    )


def test_the_helpdesk_stack_outputs_its_url_buckets_and_dead_letter_queue(dev: Synthesized) -> None:
    outputs = helpdesk(dev)["Outputs"]
    found = buckets(helpdesk(dev))

    assert outputs["AttachmentsBucketName"]["Value"] == {"Ref": found["attachments"][0]}
    assert outputs["ExportsBucketName"]["Value"] == {"Ref": found["exports"][0]}
    assert {"ApiUrl", "SlaCheckDeadLetterQueueUrl"} <= set(outputs)


# --- the CSAT survey mail (SES) -----------------------------------------------------------------------------------

MAIL_GROUP = "helpdesk_tickets"


def ses_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in role_statements(template, function) if any(a.startswith("ses:") for a in actions(s))]


def test_the_resolving_function_may_send_mail_from_the_configured_sender_only(with_mail: Synthesized) -> None:
    template = helpdesk(with_mail)
    _, function = function_named(template, MAIL_GROUP)

    (statement,) = ses_statements(template, function)

    assert actions(statement) == {"ses:SendEmail"}
    identity = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/"
    resources = sorted(rendered(r) for r in statement["Resource"])
    assert resources == [identity + MAIL_FROM, identity + "mail.opsdesk.example"]
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": MAIL_FROM}}


def test_the_resolving_function_links_surveys_to_the_custom_domain(with_mail: Synthesized) -> None:
    from opsdesk.helpdesk.mail import survey_link, survey_mailer
    from opsdesk.settings import HelpdeskMailSettings

    _, function = function_named(helpdesk(with_mail), MAIL_GROUP)
    env = {k: v if isinstance(v, str) else "resolved-at-deploy" for k, v in variables(function).items()}

    settings = HelpdeskMailSettings.from_environment({**env, "AWS_REGION": "eu-west-1"})

    assert (settings.mail_from, settings.public_url) == (MAIL_FROM, f"https://{DOMAIN}")
    assert survey_mailer(settings) is not None
    # The custom domain maps the helpdesk API at /helpdesk, where the csat route is.
    assert survey_link(settings.public_url, "t") == f"https://{DOMAIN}/helpdesk/csat/t"
    assert "/csat/{token}" in {resource for group in HELPDESK.groups for resource in group.resources}


def test_only_groups_that_declare_mail_may_send_it_or_know_the_mail_settings(with_mail: Synthesized) -> None:
    mailers = {f"opsdesk {group.name}": module for module in MODULES for group in module.groups_using(Capability.MAIL)}
    for template in with_mail.templates.values():
        for function in resources_of_type(template, "AWS::Lambda::Function").values():
            description = function["Properties"].get("Description")
            names = {name for name in function["Properties"].get("Environment", {}).get("Variables", {})
                     if name.endswith(("_MAIL_FROM", "_PUBLIC_URL"))}
            if description in mailers:
                prefix = mailers[description].name.upper()
                assert names == {f"{prefix}_MAIL_FROM", f"{prefix}_PUBLIC_URL"}, description
                assert ses_statements(template, function), description
                continue
            assert not ses_statements(template, function), description
            assert not names, description


def test_without_a_mail_sender_no_function_may_send_mail(dev: Synthesized) -> None:
    _, function = function_named(helpdesk(dev), MAIL_GROUP)

    assert "HELPDESK_MAIL_FROM" not in variables(function)
    assert '"ses:' not in json.dumps(dev.templates)


@pytest.mark.parametrize(("context", "message"), [
    ({"mailFrom": MAIL_FROM}, "mailFrom needs domainName"),
    ({**MAIL_CONTEXT, "mailFrom": "Helpdesk <helpdesk@example.com>"}, "an email address"),
    ({**MAIL_CONTEXT, "mailFrom": "helpdesk"}, "an email address"),
])
def test_a_mail_sender_without_the_custom_domain_or_not_an_address_stops_synth(
    context: dict[str, str], message: str
) -> None:
    import aws_cdk as cdk

    from infra.settings import InfraSettings, SettingsError

    with pytest.raises(SettingsError, match=message):
        InfraSettings.from_context(cdk.App(context=context).node, environ={})


@pytest.mark.parametrize(("minutes", "expression"), [(1, "rate(1 minute)"), (5, "rate(5 minutes)")])
def test_the_schedule_rate_names_its_unit_as_the_scheduler_requires(minutes: int, expression: str) -> None:
    from infra.constructs.schedules import rate_expression

    assert rate_expression(minutes) == expression


def test_the_session_function_records_signed_out_sessions(dev: Synthesized) -> None:
    template = helpdesk(dev)
    _, session = function_named(template, "helpdesk_session")
    assert "SessionsTable" in resources_allowed(template, session, "dynamodb:PutItem")
    assert "SESSIONS_TABLE_NAME" in variables(session)
