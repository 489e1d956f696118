"""The realtime stack: WebSocket API routes to its function; the event log's stream feeds the fan-out."""

from __future__ import annotations

import json
from typing import Any

from tests.infra.conftest import Synthesized, actions, function_named, resources_of_type, role_statements


def realtime(dev: Synthesized) -> dict[str, Any]:
    return dev.templates["opsdesk-dev-realtime"]


def test_the_websocket_api_has_connect_disconnect_and_default_routes_to_one_function(dev: Synthesized) -> None:
    template = realtime(dev)

    routes = {r["Properties"]["RouteKey"]: r for r in resources_of_type(template, "AWS::ApiGatewayV2::Route").values()}
    integrations = resources_of_type(template, "AWS::ApiGatewayV2::Integration")
    targets = {json.dumps(i["Properties"]["IntegrationUri"]) for i in integrations.values()}

    assert set(routes) == {"$connect", "$disconnect", "$default"}
    assert len(targets) == 1
    (api,) = resources_of_type(template, "AWS::ApiGatewayV2::Api").values()
    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    (stage,) = resources_of_type(template, "AWS::ApiGatewayV2::Stage").values()
    assert "DestinationArn" in stage["Properties"]["AccessLogSettings"]


def test_the_fanout_reads_inserted_events_with_bisect_partial_failures_and_a_dead_letter_queue(
    dev: Synthesized,
) -> None:
    template = realtime(dev)

    (mapping,) = resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
    properties = mapping["Properties"]

    assert properties["BisectBatchOnFunctionError"] is True
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["StartingPosition"] == "LATEST"
    assert "OnFailure" in properties["DestinationConfig"]
    pattern = json.loads(properties["FilterCriteria"]["Filters"][0]["Pattern"])
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"sk": {"S": [{"prefix": "E#"}]}}}}
    assert "Fn::ImportValue" in json.dumps(properties["EventSourceArn"])


def test_the_fanout_knows_the_management_endpoint_and_both_functions_may_post_to_connections(
    dev: Synthesized,
) -> None:
    template = realtime(dev)
    functions = resources_of_type(template, "AWS::Lambda::Function")

    fanout = next(f for f in functions.values()
                  if "WEBSOCKET_MANAGEMENT_URL" in f["Properties"]["Environment"]["Variables"])
    policies = json.dumps(resources_of_type(template, "AWS::IAM::Policy"))

    assert "CONNECTIONS_TABLE_NAME" in fanout["Properties"]["Environment"]["Variables"]
    assert policies.count("execute-api:ManageConnections") == 2


def _written_tables(template: dict[str, Any], function: dict[str, Any]) -> str:
    """The resources the function's role may write items to, as text (table references are imports)."""
    writes = [s for s in role_statements(template, function) if "dynamodb:PutItem" in actions(s)]
    return json.dumps([s["Resource"] for s in writes])


def test_the_route_function_writes_incident_room_comments_and_the_fanout_writes_no_incidents(dev: Synthesized) -> None:
    template = realtime(dev)
    _, routes = function_named(template, "realtime_ws")
    _, fanout = function_named(template, "realtime_fanout")

    assert "IncidentsTable" in _written_tables(template, routes) and "EventsTable" in _written_tables(template, routes)
    assert "IncidentsTable" not in _written_tables(template, fanout)
    assert "EventsTable" not in _written_tables(template, fanout)
