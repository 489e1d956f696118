"""WebSocket sessions and fan-out, over an in-memory registry, a recording poster and a recording page queue."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from opsdesk import wsapi
from opsdesk.auth import Principal
from opsdesk.awsclients import LazyClient
from opsdesk.errors import ServiceUnavailable, Unauthorized
from opsdesk.pagination import Page
from opsdesk.realtime import UNAUTHENTICATED_TENANT, Connection, Fanout, FanoutFailed, FanoutPage, Subscriber
from opsdesk.wssession import WebSocketSession

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class MemoryRegistry:
    def __init__(self) -> None:
        self.connections: dict[str, Connection] = {}
        self.expiries: dict[str, int] = {}
        """When a connection's subscriptions end (the repository's expiresAt), where a test sets one."""
        self.reads = 0
        self._lock = threading.Lock()

    def open(
        self, connection_id: str, tenant_id: str, user_id: str, now: datetime, *, groups: frozenset[str] = frozenset(),
        project_id: str | None = None, user_name: str = "", room: str | None = None,
        session_id: str | None = None,
    ) -> None:
        old = self.connections.get(connection_id)
        self.connections[connection_id] = Connection(connection_id, tenant_id, user_id,
                                                     old.streams if old else frozenset(), groups, project_id,
                                                     user_name, room, session_id)

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
        with self._lock:  # the fan-out forgets gone connections from its posting threads
            self.connections.pop(connection_id, None)

    def subscriber_page(self, tenant_id: str, stream: str, *, limit: int, after: str | None = None
                        ) -> Page[Subscriber]:
        """In connection-id order after `after`, as the subscription partition's Query reads it."""
        found = sorted((Subscriber(c.id, c.groups, c.user_id, self.expiries.get(c.id))
                        for c in list(self.connections.values())
                        if c.tenant_id == tenant_id and stream in c.streams and (after is None or c.id > after)),
                       key=lambda subscriber: subscriber.connection_id)
        self.reads += min(len(found), limit + 1)
        more = len(found) > limit
        return Page(found[:limit], next_cursor=found[limit - 1].connection_id if more else None)


class RecordingPoster:
    def __init__(self, gone: set[str] | None = None, failing: set[str] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.gone = gone or set()
        self.failing = failing or set()
        self._lock = threading.Lock()

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        if connection_id in self.failing:
            raise RuntimeError("throttled past the poster's retries")
        if connection_id in self.gone:
            return False
        with self._lock:
            self.sent.append((connection_id, message))
        return True


class RecordingPages:
    def __init__(self) -> None:
        self.queued: list[tuple[FanoutPage, int]] = []

    def send(self, page: FanoutPage, delay_seconds: int = 0) -> None:
        # Through its JSON body, as the queue carries it.
        self.queued.append((FanoutPage.from_body(json.loads(json.dumps(page.as_body()))), delay_seconds))


def fan_out(registry: MemoryRegistry, poster: Any, tenant_id: str, stream: str, message: dict[str, Any], *,
            audience: str | None = None) -> int:
    """What the stream record's invocation does, for an audience of one page."""
    pages = RecordingPages()
    report = Fanout(registry, poster, pages).deliver(FanoutPage(tenant_id, stream, message, audience, walks=True))
    assert pages.queued == []
    return report.delivered


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
    assert sorted((c, m["type"]) for c, m in poster.sent) == [
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


class ProjectMembers:
    def __init__(self, members: set[str]) -> None:
        self.members = members
        self.asked: list[frozenset[str]] = []

    def following(self, tenant_id: str, project_id: str, user_ids: Any) -> frozenset[str]:
        self.asked.append(frozenset(user_ids))
        return frozenset(user_ids) & frozenset(self.members) if (tenant_id, project_id) == ("t1", "p1") else frozenset()


def test_a_project_channel_is_refused_to_a_token_whose_user_left_the_project(registry: MemoryRegistry,
                                                                            poster: RecordingPoster) -> None:
    # A ws-token lives two minutes: its user may have been removed from the project it names meanwhile.
    session = WebSocketSession(registry, poster, project_token, members=ProjectMembers(set()))
    session.on_connect("c1", None, NOW)
    session.on_message("c1", json.dumps({"type": "connect", "token": "project-token"}), NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["tenant", "incidents"]}), NOW)

    assert registry.connections["c1"].streams == frozenset()
    assert poster.sent[-1][1] == {"type": "error", "message": "You are not a member of this project"}


def test_a_membership_read_that_fails_subscribes_nothing_and_says_to_try_again(registry: MemoryRegistry,
                                                                              poster: RecordingPoster) -> None:
    class Throttled:
        def following(self, tenant_id: str, project_id: str, user_ids: Any) -> frozenset[str]:
            raise ServiceUnavailable("Read failed")

    session = WebSocketSession(registry, poster, project_token, members=Throttled())
    session.on_connect("c1", "project-token", NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["alerts"]}), NOW)

    assert registry.connections["c1"].streams == frozenset()
    assert poster.sent[-1][1]["type"] == "error" and "again" in poster.sent[-1][1]["message"]


def test_a_project_stream_reaches_its_members_and_asks_once_per_page(registry: MemoryRegistry,
                                                                      poster: RecordingPoster) -> None:
    for connection_id, user in (("c1", "u1"), ("c2", "u2"), ("c3", "u1")):
        registry.open(connection_id, "t1", user, NOW, project_id="p1")
        registry.subscribe(registry.connections[connection_id], {"incidents@p1"}, NOW)
    members = ProjectMembers({"u1"})

    report = Fanout(registry, poster, RecordingPages(), members).deliver(
        FanoutPage("t1", "incidents@p1", EVENT, walks=True))
    tenant_wide = Fanout(registry, poster, RecordingPages(), members).deliver(FanoutPage("t1", "tenant", EVENT))

    assert report.delivered == 2 and sorted(c for c, _ in poster.sent) == ["c1", "c3"]
    assert members.asked == [frozenset({"u1", "u2"})] and tenant_wide.delivered == 0


def test_a_fanout_that_knows_no_project_members_sends_a_project_event_to_nobody(registry: MemoryRegistry,
                                                                                poster: RecordingPoster) -> None:
    registry.open("c1", "t1", "u1", NOW, project_id="p1")
    registry.subscribe(registry.connections["c1"], {"alerts@p1"}, NOW)

    report = Fanout(registry, poster, RecordingPages()).deliver(FanoutPage("t1", "alerts@p1", EVENT, walks=True))

    assert report.delivered == 0 and poster.sent == []


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


class SignedOut:
    def __init__(self, *sessions: str) -> None:
        self.sessions = set(sessions)
        self.asked: list[str] = []

    def is_session_revoked(self, session: str) -> bool:
        self.asked.append(session)
        return session in self.sessions


def session_token(token: str) -> Principal:
    """A Cognito token of session s1."""
    return Principal(user_id="u1", tenant_id="t1", username="u1", groups=frozenset(), session_id="s1")


def test_a_connection_subscribes_to_nothing_once_its_session_is_signed_out(registry: MemoryRegistry,
                                                                           poster: RecordingPoster) -> None:
    # Given a connection opened before its user signed out (the sessions table was read at the connect only)
    signed_out = SignedOut()
    session = WebSocketSession(registry, poster, session_token, signed_out=signed_out)
    session.on_connect("c1", "token", NOW)
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["tenant"]}), NOW)
    signed_out.sessions.add("s1")

    # When it subscribes again
    session.on_message("c1", json.dumps({"type": "subscribe", "channels": ["helpdesk"]}), NOW)

    # Then nothing more is subscribed, it is told why, and the session was read once per subscribe
    assert registry.connections["c1"].streams == {"tenant"}
    assert poster.sent[-1][1] == {"type": "error", "message": "Signed out: sign in and connect again"}
    assert signed_out.asked == ["s1", "s1"]


def test_the_fanout_skips_an_expired_subscription(registry: MemoryRegistry, poster: RecordingPoster) -> None:
    # DynamoDB's TTL deletes an expired subscription up to days late: the fan-out does not wait for it.
    registry.open("c1", "t1", "u1", NOW, session_id="s1")
    registry.open("c2", "t1", "u2", NOW, session_id="s2")
    expires = int(NOW.timestamp()) + 2 * 3600
    registry.expiries.update({"c1": expires, "c2": expires + 60})
    for connection_id in ("c1", "c2"):
        registry.subscribe(registry.connections[connection_id], {"tenant"}, NOW)

    report = Fanout(registry, poster, RecordingPages(), clock=lambda: expires + 1).deliver(
        FanoutPage("t1", "tenant", EVENT, walks=True))

    assert report.delivered == 1 and [c for c, _ in poster.sent] == ["c2"]


class RecordingRooms:
    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []

    def stream_for(self, principal: Principal, room: str) -> str:
        return f"incident:{room}"

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        self.posted.append(message)


@pytest.mark.parametrize(("body", "says"), [
    ('{"user": "r", "message": "hi \\ud800"}', "unpaired surrogate"),
    ('{"user": "r", "message": "x", "n": NaN}', "NaN"),
    ('{"user": "r", "message": [' + "[" * 40 + "]" * 40 + "]}", "nests"),
])
def test_a_room_message_is_read_by_the_rules_of_a_rest_body_and_refused_with_their_message(
        registry: MemoryRegistry, poster: RecordingPoster, body: str, says: str) -> None:
    # A lone surrogate stored as a comment was served on the timeline to every reader, and strict clients failed.
    rooms = RecordingRooms()
    session = WebSocketSession(registry, poster, authenticate, rooms)
    session.on_connect("c1", "good", NOW, room="i1")

    session.on_message("c1", body, NOW)
    session.on_message("c1", '{"user": "r", "message": "hi \\ud83d\\ude00"}', NOW)  # a pair is text

    assert rooms.posted == [{"user": "r", "message": "hi \U0001f600"}]
    [(_, error)] = poster.sent
    assert error["type"] == "error" and says in error["message"]


def test_a_room_takes_no_message_once_the_connections_session_is_signed_out(registry: MemoryRegistry,
                                                                          poster: RecordingPoster) -> None:
    # Given a room connection whose user signs out after the connect
    rooms, signed_out = RecordingRooms(), SignedOut()
    session = WebSocketSession(registry, poster, session_token, rooms, signed_out=signed_out)
    session.on_connect("c1", "token", NOW, room="i1")
    session.on_message("c1", '{"user": "r", "message": "before"}', NOW)
    signed_out.sessions.add("s1")

    # When it posts again
    session.on_message("c1", '{"user": "r", "message": "after"}', NOW)

    # Then only the first comment was posted, and the client is told why
    assert rooms.posted == [{"user": "r", "message": "before"}]
    assert poster.sent[-1][1] == {"type": "error", "message": "Signed out: sign in and connect again"}


def subscribed(registry: MemoryRegistry, count: int, tenant_id: str = "t1", stream: str = "tenant") -> list[str]:
    """`count` connections subscribed to the stream, ids in the order the subscription partition lists them."""
    ids = [f"c{n:05d}" for n in range(count)]
    for connection_id in ids:
        registry.open(connection_id, tenant_id, "u", NOW)
        registry.subscribe(registry.connections[connection_id], {stream}, NOW)
    return ids


EVENT = {"type": "issue.created", "id": 7, "channel": "tenant", "data": {}}


def test_an_audience_of_two_and_a_half_pages_posts_one_page_and_queues_the_two_after_it_with_their_cursors(
    registry: MemoryRegistry,
) -> None:
    # Given 2,500 subscribers and pages of 1,000
    ids = subscribed(registry, 2_500)
    poster, pages = RecordingPoster(), RecordingPages()
    fanout = Fanout(registry, poster, pages, page_size=1_000)

    # When the stream record's page is delivered
    report = fanout.deliver(FanoutPage("t1", "tenant", EVENT, walks=True))

    # Then it posts the first 1,000 only, and queues pages starting after the 1,000th and the 2,000th
    assert report.delivered == 1_000
    assert sorted(c for c, _ in poster.sent) == ids[:1_000]
    assert [(page.cursor, page.walks, delay) for page, delay in pages.queued] == [
        (ids[999], False, 0), (ids[1_999], False, 0)]
    assert all((page.tenant_id, page.stream, page.message) == ("t1", "tenant", EVENT) for page, _ in pages.queued)

    # And each queued page posts its own page and queues nothing: everyone has the event once
    for page, _ in list(pages.queued):
        fanout.deliver(page)
    assert sorted(c for c, _ in poster.sent) == ids
    assert len(pages.queued) == 2


def test_a_queued_page_that_walks_posts_its_page_and_queues_the_next(registry: MemoryRegistry) -> None:
    # Given an invocation may hand out one page only (the walk goes on from the page it hands out)
    ids = subscribed(registry, 2_500)
    poster, pages = RecordingPoster(), RecordingPages()
    fanout = Fanout(registry, poster, pages, page_size=1_000, walk_pages=1)

    fanout.deliver(FanoutPage("t1", "tenant", EVENT, walks=True))
    (second, _), = pages.queued
    report = fanout.deliver(second)

    assert (second.cursor, second.walks) == (ids[999], True)
    assert report.delivered == 1_000 and report.pages_queued == 1
    third = pages.queued[1][0]
    assert (third.cursor, third.walks) == (ids[1_999], True)
    assert fanout.deliver(third).pages_queued == 0
    assert sorted(c for c, _ in poster.sent) == ids
    assert len(pages.queued) == 2


def test_a_last_page_that_is_exactly_full_queues_no_empty_page(registry: MemoryRegistry) -> None:
    subscribed(registry, 2_000)
    pages = RecordingPages()

    Fanout(registry, RecordingPoster(), pages, page_size=1_000).deliver(FanoutPage("t1", "tenant", EVENT, walks=True))

    assert len(pages.queued) == 1


def test_a_page_posts_at_most_the_worker_count_at_once_and_uses_them_all(registry: MemoryRegistry) -> None:
    subscribed(registry, 40)

    class SlowPoster:
        def __init__(self) -> None:
            self.in_flight = self.most = 0
            self.lock = threading.Lock()

        def post(self, connection_id: str, message: dict[str, Any]) -> bool:
            with self.lock:
                self.in_flight += 1
                self.most = max(self.most, self.in_flight)
            time.sleep(0.02)
            with self.lock:
                self.in_flight -= 1
            return True

    poster = SlowPoster()
    started = time.perf_counter()
    report = Fanout(registry, poster, RecordingPages(), workers=8).deliver(FanoutPage("t1", "tenant", EVENT))
    elapsed = time.perf_counter() - started

    assert report.delivered == 40
    assert poster.most == 8
    assert elapsed < 40 * 0.02 / 2  # concurrent: 5 rounds of 20 ms, not 40 posts in a row


def test_gone_connections_are_forgotten_while_posts_run_concurrently(registry: MemoryRegistry) -> None:
    ids = subscribed(registry, 300)
    gone = set(ids[::3])
    poster = RecordingPoster(gone=gone)

    report = Fanout(registry, poster, RecordingPages(), workers=16).deliver(FanoutPage("t1", "tenant", EVENT))

    assert (report.delivered, report.gone) == (200, 100)
    assert gone.isdisjoint(registry.connections)
    assert set(registry.connections) == set(ids) - gone


def test_posts_that_still_fail_are_queued_as_a_retry_page_of_those_connections_only(
    registry: MemoryRegistry,
) -> None:
    # Given two connections whose posts fail past the poster's own retries
    ids = subscribed(registry, 50)
    poster, pages = RecordingPoster(failing={ids[3], ids[40]}), RecordingPages()
    fanout = Fanout(registry, poster, pages, workers=8)

    # When the stream record's page is delivered
    report = fanout.deliver(FanoutPage("t1", "tenant", EVENT, walks=True))

    # Then the record succeeds; a delayed retry page names the two, and posts to them alone
    assert report.delivered == 48 and set(report.retried) == {ids[3], ids[40]}
    (retry, delay), = pages.queued
    assert set(retry.retry) == {ids[3], ids[40]} and delay > 0 and not retry.walks
    poster.failing.clear()
    assert fanout.deliver(retry).delivered == 2
    assert sorted(c for c, _ in poster.sent) == ids
    assert len(pages.queued) == 1


def test_a_retry_page_that_fails_again_raises_so_its_message_comes_back(registry: MemoryRegistry) -> None:
    subscribed(registry, 5)
    poster, pages = RecordingPoster(failing={"c00001"}), RecordingPages()

    with pytest.raises(FanoutFailed):
        Fanout(registry, poster, pages).deliver(FanoutPage("t1", "tenant", EVENT, retry=("c00001", "c00002")))

    assert pages.queued == []
    assert [c for c, _ in poster.sent] == ["c00002"]


def test_throttled_posts_are_retried_with_jitter_by_the_poster_under_concurrency(
    registry: MemoryRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the management API throttles the first post to every connection
    ids = subscribed(registry, 64)
    sleeps: list[float] = []
    monkeypatch.setattr("opsdesk.wsapi.time.sleep", sleeps.append)

    class ThrottlingClient:
        def __init__(self) -> None:
            self.calls: dict[str, int] = {}
            self.lock = threading.Lock()

        def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 - boto3's names
            with self.lock:
                self.calls[ConnectionId] = self.calls.get(ConnectionId, 0) + 1
                first = self.calls[ConnectionId] == 1
            if first:
                throttled: Any = {"Error": {"Code": "LimitExceededException"},
                                  "ResponseMetadata": {"HTTPStatusCode": 429}}
                raise ClientError(throttled, "PostToConnection")

    poster = wsapi.ManagementApiPoster("https://example.execute-api.us-east-1.amazonaws.com/prod", "us-east-1")
    client = ThrottlingClient()
    poster.client = LazyClient("apigatewaymanagementapi", region="us-east-1", client=client)
    pages = RecordingPages()

    # When the page is delivered through the real poster, 16 posts at a time
    report = Fanout(registry, poster, pages, workers=16).deliver(FanoutPage("t1", "tenant", EVENT, walks=True))

    # Then every post was retried after a jittered wait and delivered: nothing to retry later
    assert report.delivered == 64 and pages.queued == []
    assert client.calls == dict.fromkeys(ids, 2)
    assert len(sleeps) == 64 and len(set(sleeps)) > 1


def test_a_page_survives_the_queue_as_json_and_a_body_that_is_not_one_is_refused() -> None:
    page = FanoutPage("t1", "ticket:9", EVENT, "admin", cursor="c9", walks=True, retry=("a", "b"))

    assert FanoutPage.from_body(json.loads(json.dumps(page.as_body()))) == page
    bodies: list[Any] = [[], {"tenantId": "t1", "stream": "tenant"},
                         {"tenantId": "t1", "stream": "tenant", "message": {}, "retry": "a"}]
    for body in bodies:
        with pytest.raises(ValueError):
            FanoutPage.from_body(body)
