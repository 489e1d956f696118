"""WebSocket sessions and fan-out, over an in-memory registry and a recording poster."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import Unauthorized
from opsdesk.realtime import UNAUTHENTICATED_TENANT, Connection, Subscriber, WebSocketSession, fan_out

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryRegistry:
    def __init__(self) -> None:
        self.connections: dict[str, Connection] = {}
        self.reads = 0

    def open(
        self, connection_id: str, tenant_id: str, user_id: str, now: datetime, *, groups: frozenset[str] = frozenset(),
        project_id: str | None = None, user_name: str = "", room: str | None = None,
    ) -> None:
        old = self.connections.get(connection_id)
        self.connections[connection_id] = Connection(connection_id, tenant_id, user_id,
                                                     old.streams if old else frozenset(), groups, project_id,
                                                     user_name, room)

    def get(self, connection_id: str) -> Connection | None:
        return self.connections.get(connection_id)

    def subscribe(self, connection: Connection, streams: set[str], now: datetime) -> Connection:
        updated = replace(connection, streams=connection.streams | streams)
        self.connections[connection.id] = updated
        return updated

    def unsubscribe(self, connection: Connection, streams: set[str]) -> Connection:
        updated = replace(connection, streams=connection.streams - streams)
        self.connections[connection.id] = updated
        return updated

    def close(self, connection_id: str) -> None:
        self.connections.pop(connection_id, None)

    def subscribers(self, tenant_id: str, stream: str) -> list[Subscriber]:
        found = [Subscriber(c.id, c.groups) for c in self.connections.values()
                 if c.tenant_id == tenant_id and stream in c.streams]
        self.reads += len(found)
        return found


class RecordingPoster:
    def __init__(self, gone: set[str] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.gone = gone or set()

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        if connection_id in self.gone:
            return False
        self.sent.append((connection_id, message))
        return True


def authenticate(token: str) -> Principal:
    if token != "good":
        raise Unauthorized()
    return Principal(user_id="u1", tenant_id="t1", username="u1", groups=frozenset())


@pytest.fixture
def registry() -> MemoryRegistry:
    return MemoryRegistry()


@pytest.fixture
def poster() -> RecordingPoster:
    return RecordingPoster()


@pytest.fixture
def session(registry: MemoryRegistry, poster: RecordingPoster) -> WebSocketSession:
    return WebSocketSession(registry, poster, authenticate)


def test_a_connect_with_a_bad_token_is_refused_and_nothing_is_kept(session: WebSocketSession,
                                                                    registry: MemoryRegistry) -> None:
    with pytest.raises(Unauthorized):
        session.on_connect("c1", "bad", NOW)

    assert registry.connections == {}


def test_an_unauthenticated_connection_may_only_authenticate(
    session: WebSocketSession, registry: MemoryRegistry, poster: RecordingPoster
) -> None:
    session.on_connect("c1", None, NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["tenant"]}), NOW)
    session.on_message("c1", json.dumps({"type": "connect", "token": "good"}), NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["tenant"]}), NOW)

    assert [m["type"] for _, m in poster.sent] == ["error", "connected", "subscribed"]
    assert registry.connections["c1"].tenant_id == "t1"
    assert registry.connections["c1"].streams == {"tenant"}


@pytest.mark.parametrize("body", ["not json", "[1]", json.dumps({"type": "subscribe", "channels": "tenant"}),
                                  json.dumps({"type": "subscribe", "channels": ["T#other#S#tenant"]}),
                                  json.dumps({"type": "subscribe", "channels": ["admin_audit"]}),
                                  json.dumps({"type": "subscribe", "channels": ["tenant", "ticket:123"]}),
                                  json.dumps({"type": "dance"})])
def test_a_bad_message_gets_an_error_and_changes_nothing(
    session: WebSocketSession, registry: MemoryRegistry, poster: RecordingPoster, body: str
) -> None:
    session.on_connect("c1", "good", NOW)

    session.on_message("c1", body, NOW)

    assert poster.sent[-1][1]["type"] == "error"
    assert registry.connections["c1"].streams == frozenset()


def test_fan_out_reaches_only_the_streams_subscribers_of_its_tenant_and_forgets_gone_ones(
    registry: MemoryRegistry,
) -> None:
    registry.open("a", "t1", "u", NOW)
    registry.open("b", "t1", "u", NOW)
    registry.open("gone", "t1", "u", NOW)
    registry.open("other-tenant", "t2", "u", NOW)
    for connection_id in ("a", "b", "gone", "other-tenant"):
        registry.subscribe(registry.connections[connection_id], {"tenant"}, NOW)
    poster = RecordingPoster(gone={"gone"})

    delivered = fan_out(registry, poster, "t1", "tenant", {"type": "issue.created", "id": 1})

    assert delivered == 2
    assert {connection_id for connection_id, _ in poster.sent} == {"a", "b"}
    assert "gone" not in registry.connections
    assert UNAUTHENTICATED_TENANT == ""


def test_an_event_for_an_audience_reaches_only_subscribers_in_that_group(registry: MemoryRegistry) -> None:
    registry.open("admin", "t1", "u1", NOW, groups=frozenset({"admin", "agent"}))
    registry.open("agent", "t1", "u2", NOW, groups=frozenset({"agent"}))
    for connection_id in ("admin", "agent"):
        registry.subscribe(registry.connections[connection_id], {"helpdesk"}, NOW)
    poster = RecordingPoster()

    for_admins = fan_out(registry, poster, "t1", "helpdesk", {"type": "queue_changed", "id": 1}, audience="admin")
    for_everyone = fan_out(registry, poster, "t1", "helpdesk", {"type": "ticket_created", "id": 2})

    assert (for_admins, for_everyone) == (1, 2)
    assert [(c, m["type"]) for c, m in poster.sent] == [
        ("admin", "queue_changed"), ("admin", "ticket_created"), ("agent", "ticket_created")]


def test_a_connection_keeps_the_groups_of_the_token_it_authenticated_with(registry: MemoryRegistry) -> None:
    session = WebSocketSession(registry, RecordingPoster(), lambda token: Principal(
        user_id="u", tenant_id="t1", username="u", groups=frozenset({"admin"})))

    session.on_connect("c1", "good", NOW)

    assert registry.connections["c1"].groups == frozenset({"admin"})


def test_subscribing_to_a_channel_no_module_publishes_names_the_channels_there_are(
    session: WebSocketSession, poster: RecordingPoster
) -> None:
    session.on_connect("c1", "good", NOW)

    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["tenant", "billing"]}), NOW)

    message = poster.sent[-1][1]
    assert message["type"] == "error"
    assert "billing" in message["message"] and "helpdesk" in message["message"]


def project_token(token: str) -> Principal:
    if token == "project-token":
        return Principal(user_id="u1", tenant_id="t1", username="u1", groups=frozenset(), project_id="p1")
    return authenticate(token)


def test_project_channels_follow_the_project_the_token_names(registry: MemoryRegistry,
                                                             poster: RecordingPoster) -> None:
    session = WebSocketSession(registry, poster, project_token)
    session.on_connect("c1", None, NOW)
    session.on_message("c1", json.dumps({"type": "connect", "token": "project-token", "tenantId": "t1"}), NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["incidents", "alerts"]}), NOW)

    assert registry.connections["c1"].streams == {"incidents@p1", "alerts@p1"}
    assert poster.sent[-1][1] == {"type": "subscribed", "channels": ["alerts", "incidents"]}


def test_project_channels_without_a_project_token_are_refused(registry: MemoryRegistry,
                                                              poster: RecordingPoster) -> None:
    session = WebSocketSession(registry, poster, project_token)
    session.on_connect("c1", "good", NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["incidents"]}), NOW)

    assert registry.connections["c1"].streams == frozenset()
    assert poster.sent[-1][1]["type"] == "error"


def test_a_connect_naming_another_tenant_than_the_tokens_is_refused(registry: MemoryRegistry,
                                                                    poster: RecordingPoster) -> None:
    session = WebSocketSession(registry, poster, project_token)
    session.on_connect("c1", None, NOW)
    session.on_message("c1", json.dumps({"type": "connect", "token": "project-token", "tenantId": "t2"}), NOW)

    assert registry.connections["c1"].tenant_id == ""
    assert poster.sent[-1][1] == {"type": "error", "message": "Invalid token"}
