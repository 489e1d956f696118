"""The copilot on AWS, what its document and its functions need beyond what every module gets (the grants by
capability are checked for every module in test_capabilities.py, the hypothesis ranker's mapping in
test_stream_consumers.py): cookie sessions always on behind the session authorizer, API Gateway's own errors in
the document's `{"detail": ...}` envelope, the groups that hold the user directory, integration secrets and
invitation mail, the IncidentsTable read-only for analytics, and the WebSocket token key on the realtime side."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsdesk.apimap import COPILOT, Auth, Capability
from opsdesk.errors import NotFound, Unauthorized
from tests.infra.conftest import (
    DOMAIN,
    MAIL_FROM,
    Synthesized,
    actions,
    exported_values,
    function_named,
    functions_by_group,
    listed,
    methods_by_path,
    resources_of_type,
    role_statements,
    variables,
)

pytestmark = pytest.mark.xdist_group("infra")


def copilot(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.module(COPILOT.name)


def environment(function: dict[str, Any]) -> dict[str, str]:
    """The function's variables as the runtime sees them (references resolved to some text)."""
    return {k: v if isinstance(v, str) else "resolved-at-deploy" for k, v in variables(function).items()}


def test_the_api_map_declares_what_these_tests_expect_of_the_copilot() -> None:
    def names(capability: Capability) -> set[str]:
        return {group.name for group in COPILOT.groups_using(capability)}

    assert names(Capability.USER_DIRECTORY) == {"copilot_auth", "copilot_session", "copilot_projects"}
    assert names(Capability.INTEGRATION_SECRETS) == {"copilot_monitoring", "copilot_webhooks"}
    assert names(Capability.INTEGRATION_SECRET_CLEANUP) == {"copilot_projects"}
    assert names(Capability.ALERTS_BUS) == {"copilot_webhooks"}
    assert names(Capability.MAIL) == {"copilot_projects"}
    assert names(Capability.AI_MODEL) == {"copilot_hypotheses"}
    assert COPILOT.session is not None and COPILOT.session.always_on


def test_every_route_but_the_public_ones_goes_through_the_session_authorizer(dev: Synthesized) -> None:
    template = copilot(dev)
    (authorizer_id, authorizer) = next(iter(resources_of_type(template, "AWS::ApiGateway::Authorizer").items()))
    public = {path for group in COPILOT.groups if group.auth is Auth.NONE for path in group.resources}

    assert len(resources_of_type(template, "AWS::ApiGateway::Authorizer")) == 1
    assert authorizer["Properties"]["Type"] == "REQUEST"
    assert "IdentitySource" not in authorizer["Properties"]  # bearer or cookie: neither may be required
    # The webhooks authenticate each delivery by its integration's token (opsdesk.alerts.webhooks).
    assert public == {"/auth/register", "/auth/login", "/auth/refresh", "/docs", "/redoc", "/openapi.json",
                      "/webhooks/{integration_id}"}
    for path, method in methods_by_path(template):
        if method["HttpMethod"] == "OPTIONS" or path in public:
            assert "AuthorizerId" not in method, path
        else:
            assert method["AuthorizerId"] == {"Ref": authorizer_id}, path


def test_the_cookie_counts_whatever_the_stage_says_so_no_function_gets_the_helpdesk_switch(
    dev: Synthesized,
) -> None:
    from opsdesk.settings import SessionSettings

    _, authorizer = function_named(copilot(dev), "session_authorizer")
    settings = SessionSettings.from_environment({**environment(authorizer), "AWS_REGION": "eu-west-1"})

    assert settings.cookie_login_enabled is False
    assert settings.accepts_cookie(COPILOT.session) is True
    for name, function in functions_by_group(copilot(dev)).items():
        assert "HELPDESK_COOKIE_LOGIN" not in variables(function), name


@pytest.mark.parametrize(("response_type", "error"), [
    ("UNAUTHORIZED", Unauthorized()),
    ("MISSING_AUTHENTICATION_TOKEN", NotFound("Route not found")),
])
def test_api_gateway_errors_speak_the_detail_envelope_to_a_browser_sending_its_cookie(
    dev: Synthesized, response_type: str, error: Any
) -> None:
    responses = {r["Properties"]["ResponseType"]: r["Properties"]
                 for r in resources_of_type(copilot(dev), "AWS::ApiGateway::GatewayResponse").values()}

    response = responses[response_type]

    assert json.loads(response["ResponseTemplates"]["application/json"]) == {"detail": error.message}
    headers = response["ResponseParameters"]
    assert headers["gatewayresponse.header.Access-Control-Allow-Credentials"] == "'true'"
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'http://localhost:3000'"


def test_analytics_reads_the_incidents_table_and_writes_only_its_rate_counters(dev: Synthesized) -> None:
    template = copilot(dev)
    _, function = function_named(template, "copilot_analytics")
    exports = exported_values(dev.platform)

    table_grants = {
        exports[listed(s["Resource"])[0]["Fn::ImportValue"]]["Fn::GetAtt"][0]: "dynamodb:PutItem" in actions(s)
        for s in role_statements(template, function) if any(a.startswith("dynamodb:") for a in actions(s))
    }

    assert table_grants == {"IncidentsTable": False, "RateLimitsTable": True}


def test_the_incidents_table_is_a_platform_table_every_copilot_group_but_the_docs_reaches(dev: Synthesized) -> None:
    assert dev.platform["Resources"]["IncidentsTable"]["Type"] == "AWS::DynamoDB::Table"
    for name, function in functions_by_group(copilot(dev)).items():
        reaches = "INCIDENTS_TABLE_NAME" in variables(function)
        assert reaches == (name not in {"copilot_api_docs", "session_authorizer"}), name


def test_invitations_are_mailed_from_the_stage_sender_and_link_to_the_custom_domain(with_mail: Synthesized) -> None:
    from opsdesk.settings import CopilotAuthSettings

    _, function = function_named(copilot(with_mail), "copilot_projects")

    settings = CopilotAuthSettings.from_environment({**environment(function), "AWS_REGION": "eu-west-1"})

    assert (settings.mail_from, settings.public_url) == (MAIL_FROM, f"https://{DOMAIN}")
    assert resources_of_type(copilot(with_mail), "AWS::S3::Bucket") == {}


def test_without_a_mail_sender_invitations_send_nothing_and_may_not(dev: Synthesized) -> None:
    _, function = function_named(copilot(dev), "copilot_projects")

    assert "COPILOT_MAIL_FROM" not in variables(function)
    assert not [s for s in role_statements(copilot(dev), function) if any(a.startswith("ses:") for a in actions(s))]


def test_the_monitoring_settings_take_the_granted_prefix_and_keep_the_outbound_guard_closed(
    dev: Synthesized,
) -> None:
    from opsdesk.settings import CopilotIntegrationSettings

    _, function = function_named(copilot(dev), "copilot_monitoring")

    settings = CopilotIntegrationSettings.from_environment({**environment(function), "AWS_REGION": "eu-west-1"})

    assert settings.secret_prefix == f"opsdesk-{dev.stage}/copilot/integrations"
    assert settings.allowed_http_hosts == frozenset()
    assert variables(function)["PLATFORM_AWS_ACCOUNT_ID"] == {"Ref": "AWS::AccountId"}  # no tenant may route it


def test_a_project_delete_may_delete_its_integrations_credentials_and_nothing_else(dev: Synthesized) -> None:
    from opsdesk.settings import CopilotProjectsSettings

    _, function = function_named(copilot(dev), "copilot_projects")

    settings = CopilotProjectsSettings.from_environment({**environment(function), "AWS_REGION": "eu-west-1"})
    secret_actions = {a for s in role_statements(copilot(dev), function) for a in actions(s)
                      if a.startswith("secretsmanager:")}

    assert settings.secret_prefix == f"opsdesk-{dev.stage}/copilot/integrations"
    assert secret_actions == {"secretsmanager:DeleteSecret"}  # it can never read one


def test_the_websocket_route_function_may_read_the_token_key(dev: Synthesized) -> None:
    template = dev.templates[f"opsdesk-{dev.stage}-realtime"]
    _, function = function_named(template, "realtime_ws")
    (secret_id,) = resources_of_type(dev.platform, "AWS::SecretsManager::Secret")
    exports = exported_values(dev.platform)

    key = variables(function)["CURSOR_KEY_SECRET_ARN"]
    (read,) = [s for s in role_statements(template, function) if "secretsmanager:GetSecretValue" in actions(s)]

    assert exports[key["Fn::ImportValue"]] == {"Ref": secret_id}
    assert listed(read["Resource"]) == [key]


def test_the_copilot_stack_stays_far_from_the_resource_limit(dev: Synthesized, prod: Synthesized) -> None:
    assert len(copilot(dev)["Resources"]) < 250
    assert len(copilot(prod)["Resources"]) < 250
