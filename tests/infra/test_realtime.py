"""The realtime stack: WebSocket API routes to its function; the event log's stream feeds the fan-out, and so does
its queue of pages (the subscribers of an event beyond its first page), one page per invocation."""

from __future__ import annotations

import json
from typing import Any

from infra.constructs.functions import MEMORY_MB
from infra.constructs.realtime import FANOUT_MEMORY_MB
from opsdesk.realtime import FANOUT_QUEUE_URL_SETTING
from opsdesk.settings import RealtimeSettings
from tests.infra.conftest import (
    Synthesized,
    actions,
    function_named,
    one,
    resources_allowed,
    resources_of_type,
    role_statements,
    variables,
)


def realtime(dev: Synthesized) -> dict[str, Any]:
    return dev.templates["opsdesk-dev-realtime"]


def mappings(template: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    """The event-source mappings of the fan-out whose source is a DynamoDB stream (`dynamodb`) or a queue (`sqs`)."""
    return {logical_id: m for logical_id, m in resources_of_type(template, "AWS::Lambda::EventSourceMapping").items()
            if ("StartingPosition" in m["Properties"]) == (source == "dynamodb")}


def dead_letters_of_the_stream(template: dict[str, Any]) -> str:
    """The logical id of the stream mapping's on-failure queue."""
    (mapping,) = mappings(template, "dynamodb").values()
    return str(mapping["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0])


def pages_queue(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The fan-out's queue of pages: the one queue with a redrive policy."""
    return one({logical_id: q for logical_id, q in resources_of_type(template, "AWS::SQS::Queue").items()
                if "RedrivePolicy" in q["Properties"]})


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

    (mapping,) = mappings(template, "dynamodb").values()
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
    return resources_allowed(template, function, "dynamodb:PutItem")


def test_the_route_function_writes_incident_room_comments_and_the_fanout_writes_no_incidents(dev: Synthesized) -> None:
    template = realtime(dev)
    _, routes = function_named(template, "realtime_ws")
    _, fanout = function_named(template, "realtime_fanout")

    assert "IncidentsTable" in _written_tables(template, routes) and "EventsTable" in _written_tables(template, routes)
    assert "IncidentsTable" not in _written_tables(template, fanout)
    assert "EventsTable" not in _written_tables(template, fanout)


def test_pages_of_an_audience_queue_encrypted_tls_only_and_redrive_to_the_fanouts_one_dead_letter_queue(
    dev: Synthesized,
) -> None:
    template = realtime(dev)
    dead_letters_id = dead_letters_of_the_stream(template)

    queue_id, queue = pages_queue(template)
    properties = queue["Properties"]
    _, fanout = function_named(template, "realtime_fanout")

    assert properties["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dead_letters_id, "Arn"]}
    assert properties["RedrivePolicy"]["maxReceiveCount"] == 5
    assert properties["SqsManagedSseEnabled"] is True
    assert properties["VisibilityTimeout"] == 6 * fanout["Properties"]["Timeout"]
    assert set(resources_of_type(template, "AWS::SQS::Queue")) == {queue_id, dead_letters_id}
    (policy,) = [p for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
                 if {"Ref": queue_id} in p["Properties"]["Queues"]]
    (deny,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_fanout_takes_its_pages_one_per_invocation_and_reports_failed_ones(dev: Synthesized) -> None:
    template = realtime(dev)
    queue_id, _ = pages_queue(template)
    fanout_id, _ = function_named(template, "realtime_fanout")

    (mapping,) = mappings(template, "sqs").values()

    assert mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert mapping["Properties"]["FunctionName"] == {"Ref": fanout_id}
    assert mapping["Properties"]["BatchSize"] == 1
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_only_the_fanout_knows_the_queue_of_pages_and_may_send_to_it(dev: Synthesized) -> None:
    template = realtime(dev)
    queue_id, _ = pages_queue(template)
    queue_arn = {"Fn::GetAtt": [queue_id, "Arn"]}
    _, fanout = function_named(template, "realtime_fanout")
    _, routes = function_named(template, "realtime_ws")

    sends = {json.dumps(s["Resource"]): actions(s) for s in role_statements(template, fanout)
             if "sqs:SendMessage" in actions(s)}
    route_sqs = [s for s in role_statements(template, routes) if any(a.startswith("sqs:") for a in actions(s))]

    assert RealtimeSettings.variable_name("fanout_queue_url") == FANOUT_QUEUE_URL_SETTING
    assert variables(fanout)[FANOUT_QUEUE_URL_SETTING] == {"Ref": queue_id}
    assert FANOUT_QUEUE_URL_SETTING not in variables(routes)
    # The pages queue with SendMessage alone; besides it only the dead-letter queue, the stream mapping's destination.
    assert sends.pop(json.dumps(queue_arn)) == {"sqs:SendMessage"}
    assert [json.loads(resource)["Fn::GetAtt"][0] for resource in sends] == [dead_letters_of_the_stream(template)]
    assert route_sqs == []


def test_the_fanout_has_one_vcpu_for_its_posts_and_the_route_function_the_default(dev: Synthesized) -> None:
    template = realtime(dev)
    _, fanout = function_named(template, "realtime_fanout")
    _, routes = function_named(template, "realtime_ws")

    assert fanout["Properties"]["MemorySize"] == FANOUT_MEMORY_MB == 1769
    assert routes["Properties"]["MemorySize"] == MEMORY_MB


def test_the_route_function_reads_signed_out_sessions_and_writes_none(dev: Synthesized) -> None:
    template = realtime(dev)
    _, routes = function_named(template, "realtime_ws")
    assert "SessionsTable" in resources_allowed(template, routes, "dynamodb:GetItem")
    assert "SessionsTable" not in _written_tables(template, routes)
    assert "SESSIONS_TABLE_NAME" in variables(routes)
