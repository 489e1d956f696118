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


def project_with_owner(tenant: str, project_id: str, owner_id: str) -> Any:
    """A copilot tenant whose one project has one member, its owner; the account store that holds them."""
    from datetime import UTC, datetime

    from opsdesk.copilot.account_repository import AccountRepository
    from opsdesk.copilot.records import Member, Project, Role, Tenant, User
    from opsdesk.settings import CopilotSettings, load_settings

    now = datetime.now(UTC)
    accounts = AccountRepository(settings=load_settings(CopilotSettings))
    owner = User(owner_id, tenant, f"{owner_id}@example.test", "O", project_id, {project_id: Role.OWNER})
    accounts.create_tenant(Tenant(tenant, "T", f"t-{tenant[:8]}", now), owner,
                           Project(project_id, tenant, "P", "", now, now),
                           Member(project_id, owner_id, owner.email, "O", Role.OWNER, now))
    return accounts


def test_a_project_event_reaches_only_those_who_are_members_of_the_project_now(local_aws: Any,
                                                                              monkeypatch: Any) -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from functions.realtime_fanout import handler
    from opsdesk.connections import subscription_key
    from opsdesk.events import project_stream

    # Given a project whose one member is "member", and three connections following its incidents: the member's,
    # a removed member's (their member item is gone), and the member's second one subscribed before subscriptions
    # recorded their user
    tenant, project_id, now = str(uuid.uuid4()), str(uuid.uuid4()), datetime.now(UTC)
    project_with_owner(tenant, project_id, "member")
    stream = project_stream("incidents", project_id)
    for connection_id, user in (("member-conn", "member"), ("removed-conn", "removed"), ("older-conn", "member")):
        handler.registry.open(connection_id, tenant, user, now, project_id=project_id)
        opened = handler.registry.get(connection_id)
        assert opened is not None
        handler.registry.subscribe(opened if connection_id != "older-conn" else replace(opened, user_id=""),
                                   {stream}, now)
    from opsdesk.connections import _SubscriptionItem  # noqa: PLC0415 - what the older subscription lacks

    older = _SubscriptionItem.get(*subscription_key(tenant, stream, "older-conn").values())
    assert older.userId is None
    posted: list[str] = []
    monkeypatch.setattr(handler.poster, "post", lambda connection_id, message: posted.append(connection_id) or True)
    event = record("100", tenant, json.dumps({"id": "i", "title": "payroll db"}))
    event["dynamodb"]["NewImage"] |= {"pk": {"S": f"T#{tenant}#S#{stream}"}, "type": {"S": "incident.created"}}

    # When the project's event is fanned out
    result = handler.lambda_handler({"Records": [event]}, LambdaContext("fanout", "us-east-1"))

    # Then the members' connections get it, the removed member's does not
    assert result == {"batchItemFailures": []}
    assert sorted(posted) == ["member-conn", "older-conn"]


def test_members_among_many_users_are_read_in_batches_of_their_own_items(local_aws: Any) -> None:
    from opsdesk.dynamo import metered_reads

    tenant, project_id = str(uuid.uuid4()), str(uuid.uuid4())
    accounts = project_with_owner(tenant, project_id, "u-007")

    with metered_reads() as meter:
        found = accounts.following(tenant, project_id, [f"u-{n:03d}" for n in range(150)])

    assert found == {"u-007"}
    assert meter.items == 1
    assert accounts.following(tenant, str(uuid.uuid4()), ["u-007"]) == frozenset()


def test_an_expired_subscription_gets_no_event_before_dynamodb_deletes_it(local_aws: Any,
                                                                          monkeypatch: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from functions.realtime_fanout import handler

    tenant, now = str(uuid.uuid4()), datetime.now(UTC)
    # Subscribed three hours ago: past the connection's two hours, which DynamoDB's TTL deletes days late
    for connection_id, subscribed_at in (("expired-conn", now - timedelta(hours=3)), ("live-conn", now)):
        handler.registry.open(connection_id, tenant, connection_id, subscribed_at)
        opened = handler.registry.get(connection_id)
        assert opened is not None
        handler.registry.subscribe(opened, {"tenant"}, subscribed_at)
    posted: list[str] = []
    monkeypatch.setattr(handler.poster, "post", lambda connection_id, message: posted.append(connection_id) or True)

    result = handler.lambda_handler({"Records": [record("100", tenant, json.dumps({"id": "a"}))]},
                                    LambdaContext("fanout", "us-east-1"))

    assert result == {"batchItemFailures": []} and posted == ["live-conn"]
