"""The copilot's stack from the API map: the user-directory and integration-secret grants go to exactly the groups
that declare them, the hypothesis ranker is a filtered stream consumer with a dead-letter queue, and the
realtime route function may read the key WebSocket tokens are signed with."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.apimap import COPILOT, MODULES, Capability
from tests.infra.conftest import Synthesized, actions, function_named, resources_of_type, role_statements

DIRECTORY_GROUPS = {g.name for m in MODULES for g in m.groups_using(Capability.USER_DIRECTORY)}
SECRET_GROUPS = {g.name for m in MODULES for g in m.groups_using(Capability.INTEGRATION_SECRETS)}


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["Properties"]["Description"].removeprefix("opsdesk "): f
            for f in resources_of_type(template, "AWS::Lambda::Function").values()
            if f["Properties"].get("Description", "").startswith("opsdesk ")}


def _with_action_prefix(template: dict[str, Any], function: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [s for s in role_statements(template, function) if any(a.startswith(prefix) for a in actions(s))]


def test_only_user_directory_groups_may_administer_the_user_pool(dev: Synthesized) -> None:
    assert {"copilot_auth", "copilot_session", "copilot_projects"} == DIRECTORY_GROUPS
    for module in MODULES:
        template = dev.module(module.name)
        for name, function in _functions(template).items():
            statements = _with_action_prefix(template, function, "cognito-idp:Admin")
            assert bool(statements) == (name in DIRECTORY_GROUPS), name
            for statement in statements:
                assert "UserPool" in json.dumps(statement["Resource"]), name
                assert not any(a in actions(statement) for a in ("cognito-idp:*", "cognito-idp:AdminDisableUser"))


def test_only_the_monitoring_group_manages_secrets_under_the_integration_prefix(dev: Synthesized) -> None:
    template = dev.module(COPILOT.name)
    for name, function in _functions(template).items():
        statements = [s for s in _with_action_prefix(template, function, "secretsmanager:")
                      if "integrations/*" in json.dumps(s["Resource"])]
        assert bool(statements) == (name in SECRET_GROUPS), name
        if statements:
            assert "/copilot/integrations/*" in json.dumps(statements[0]["Resource"])
            assert function["Properties"]["Environment"]["Variables"]["INTEGRATION_SECRET_PREFIX"].endswith(
                "/copilot/integrations")


def test_the_hypothesis_ranker_gets_only_new_incident_events_and_parks_failures(dev: Synthesized) -> None:
    template = dev.module(COPILOT.name)
    logical_id, _ = function_named(template, "copilot_hypotheses")
    (mapping,) = [m for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": logical_id}]
    properties = mapping["Properties"]

    patterns = [json.loads(f["Pattern"]) for f in properties["FilterCriteria"]["Filters"]]
    assert patterns == [{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["incident.created"]}}}}]
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["BisectBatchOnFunctionError"] is True
    assert "OnFailure" in properties["DestinationConfig"]


def test_the_websocket_route_function_may_read_the_token_key(dev: Synthesized) -> None:
    template = dev.templates[f"opsdesk-{dev.stage}-realtime"]
    _, function = function_named(template, "realtime_ws")

    assert "CURSOR_KEY_SECRET_ARN" in function["Properties"]["Environment"]["Variables"]
    assert _with_action_prefix(template, function, "secretsmanager:GetSecretValue")
