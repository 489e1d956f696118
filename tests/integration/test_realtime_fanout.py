"""The fan-out function on a DynamoDB stream batch: a poison record fails alone (partial batch response)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from scripts.local.gateway import LambdaContext


def record(sequence: str, tenant: str, data: str) -> dict[str, Any]:
    return {
        "eventID": sequence, "eventName": "INSERT", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/events/stream/x",
        "dynamodb": {
            "SequenceNumber": sequence, "StreamViewType": "NEW_AND_OLD_IMAGES",
            "Keys": {"pk": {"S": f"T#{tenant}#S#tenant"}, "sk": {"S": "E#000000000001"}},
            "NewImage": {"pk": {"S": f"T#{tenant}#S#tenant"}, "sk": {"S": "E#000000000001"},
                         "type": {"S": "issue.created"}, "stream": {"S": "tenant"}, "data": {"S": data}},
        },
    }


def test_a_poison_record_fails_alone_and_the_rest_of_the_batch_is_delivered(local_aws: Any) -> None:
    from functions.realtime_fanout import handler

    tenant = str(uuid.uuid4())
    batch = {"Records": [record("100", tenant, json.dumps({"id": "a"})), record("200", tenant, "{not json"),
                         record("300", tenant, json.dumps({"id": "c"}))]}

    result = handler.lambda_handler(batch, LambdaContext("fanout", "us-east-1"))

    assert result == {"batchItemFailures": [{"itemIdentifier": "200"}]}


def test_an_event_for_admins_is_posted_to_admin_connections_only(local_aws: Any, monkeypatch: Any) -> None:
    from datetime import UTC, datetime

    from functions.realtime_fanout import handler

    tenant, now = str(uuid.uuid4()), datetime.now(UTC)
    for connection_id, groups in (("admin-conn", frozenset({"admin", "agent"})), ("agent-conn", frozenset({"agent"}))):
        handler.registry.open(connection_id, tenant, connection_id, now, groups=groups)
        opened = handler.registry.get(connection_id)
        assert opened is not None and opened.groups == groups
        handler.registry.subscribe(opened, {"tenant"}, now)
    posted: list[tuple[str, str]] = []
    monkeypatch.setattr(handler.poster, "post", lambda connection_id, message: posted.append(
        (connection_id, message["type"])) or True)
    for_admins = record("100", tenant, json.dumps({"ticket_id": "t"}))
    for_admins["dynamodb"]["NewImage"] |= {"type": {"S": "queue_changed"}, "audience": {"S": "admin"}}

    result = handler.lambda_handler({"Records": [for_admins, record("200", tenant, json.dumps({"id": "b"}))]},
                                    LambdaContext("fanout", "us-east-1"))

    assert result == {"batchItemFailures": []}
    assert sorted(posted) == [("admin-conn", "issue.created"), ("admin-conn", "queue_changed"),
                              ("agent-conn", "issue.created")]


def test_an_audience_larger_than_a_page_reaches_everyone_once_through_the_fanout_queue(
    local_aws: Any, monkeypatch: Any
) -> None:
    from datetime import UTC, datetime

    from functions.realtime_fanout import handler
    from scripts.local.queues import fanout_delivery

    # Given 25 subscribers of the tenant's stream (one of them gone) and pages of 10
    tenant, now = str(uuid.uuid4()), datetime.now(UTC)
    connections = [f"conn-{n:02d}" for n in range(25)]
    for connection_id in connections:
        handler.registry.open(connection_id, tenant, connection_id, now)
        opened = handler.registry.get(connection_id)
        assert opened is not None
        handler.registry.subscribe(opened, {"tenant"}, now)
    monkeypatch.setattr(handler.fanout, "page_size", 10)
    posted: list[str] = []
    monkeypatch.setattr(handler.poster, "post", lambda connection_id, message: connection_id != "conn-17" and (
        posted.append(connection_id) or True))

    # When the stream record is handled
    result = handler.lambda_handler({"Records": [record("100", tenant, json.dumps({"id": "a"}))]},
                                    LambdaContext("fanout", "us-east-1"))

    # Then that invocation posts the first page only, and the queue's deliveries post the rest, a page each
    assert result == {"batchItemFailures": []}
    assert sorted(posted) == connections[:10]
    delivery, invocations = fanout_delivery(local_aws), 0
    while delivery.deliver_once(wait_seconds=0):
        invocations += 1
    assert invocations == 2
    assert sorted(posted) == [c for c in connections if c != "conn-17"]
    assert handler.registry.get("conn-17") is None
    assert handler.registry.get("conn-18") is not None
