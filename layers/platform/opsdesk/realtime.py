"""Realtime over WebSockets: the connection registry's records and the interfaces the realtime logic works over
(a registry, a poster, rooms), the message an event becomes, and the fan-out of events to their subscribers: plain
logic. What a client's messages do is opsdesk.wssession.

The fan-out (docs/realtime.md, "Fan-out") posts an event to its stream's subscribers a page at a time
(FANOUT_PAGE_SIZE), POST_CONCURRENCY posts in flight; the pages after the first go to other invocations through
the fan-out queue (FanoutPage), so no invocation posts to more than one page."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from opsdesk.auth import Principal
from opsdesk.events import EVENT_SK_PREFIX, PROJECT_SCOPE_SEPARATOR, reaches
from opsdesk.frozen import frozen
from opsdesk.pagination import Page

UNAUTHENTICATED_TENANT = ""


@frozen
class Connection:
    id: str
    tenant_id: str
    """Empty until the connection authenticates (UNAUTHENTICATED_TENANT)."""
    user_id: str
    streams: frozenset[str]
    groups: frozenset[str] = frozenset()
    """The user's Cognito groups (from the verified token): events for an audience reach its members only."""
    project_id: str | None = None
    """The project whose channels (`incidents`, `hypotheses`, `alerts`) the connection follows: named by the
    copilot's WebSocket token (opsdesk.wstokens), None for a plain Cognito token."""
    user_name: str = ""
    """How the user is named to others (a room comment's author)."""
    room: str | None = None
    """The room the connection joined when it opened (the response module's incident rooms), if any."""
    session_id: str | None = None
    """The signed-in session of that token: a subscribe is refused once the session is signed out."""

    def principal(self) -> Principal:
        return Principal(user_id=self.user_id, tenant_id=self.tenant_id, username=self.user_name or self.user_id,
                         groups=self.groups, project_id=self.project_id, session_id=self.session_id)


@frozen
class Subscriber:
    connection_id: str
    groups: frozenset[str]
    user_id: str | None = None
    """Whose connection it is; None on a subscription made before it was recorded (its connection says)."""
    expires_at: int | None = None
    """When the subscription ends (epoch seconds, its connection's lifetime): the fan-out skips it after that, as
    DynamoDB's TTL deletes items up to days late. None: no end known."""


class Registry(Protocol):
    def open(
        self, connection_id: str, tenant_id: str, user_id: str, now: datetime, *,
        groups: frozenset[str] = frozenset(), project_id: str | None = None, user_name: str = "",
        room: str | None = None, session_id: str | None = None,
    ) -> None: ...
    def get(self, connection_id: str) -> Connection | None: ...
    def subscribe(self, connection: Connection, streams: set[str], now: datetime) -> Connection: ...
    def unsubscribe(self, connection: Connection, streams: set[str]) -> Connection: ...
    def close(self, connection_id: str) -> None: ...
    def subscriber_page(self, tenant_id: str, stream: str, *, limit: int, after: str | None = None
                        ) -> Page[Subscriber]: ...


class Members(Protocol):
    """Who may follow a project's streams now: the project's members (the copilot's), asked at each delivery, so a
    member removed stops receiving the project's events at once, whatever connection or token they still hold."""

    def following(self, tenant_id: str, project_id: str, user_ids: Collection[str]) -> frozenset[str]:
        """Those of `user_ids` who are members of the project."""
        ...


class NoProjectMembers:
    """Members for a fan-out that serves no project streams: nobody follows one (a project event reaches no one)."""

    def following(self, tenant_id: str, project_id: str, user_ids: Collection[str]) -> frozenset[str]:
        return frozenset()


class Poster(Protocol):
    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        """Send; False when the connection is gone (410)."""
        ...


Authenticate = Callable[[str], Principal]
"""A Cognito ID token (or a WebSocket token) -> the caller (with the token's session), or Unauthorized."""


class SignedOutSessions(Protocol):
    """The sessions their users signed out of (opsdesk.revocations.SessionRevocations)."""

    def is_session_revoked(self, session: str) -> bool: ...


class Rooms(Protocol):
    """Rooms a connection joins by its URL (the response module's `/ws/incidents/{incident_id}`): the room's stream,
    and what a message sent in the room does. Every message of a room's members that has no `type` is the room's."""

    def stream_for(self, principal: Principal, room: str) -> str:
        """The room's event stream; NotFound when the room is none of the principal's (the connect is refused)."""
        ...

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        """Raises a DomainError (its message is sent back) when the message is refused."""
        ...


def message_bytes(message: dict[str, Any]) -> bytes:
    """The message as UTF-8 JSON, non-ASCII text as itself: escaped as `\\u` pairs an emoji takes 12 bytes, not 4,
    and a 64 KiB body's view of emoji text posted 185 KB, past API Gateway's 128 KB frame, so the room never heard
    of it. A string that is no Unicode text (a lone surrogate) goes escaped, as before."""
    try:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(message, separators=(",", ":")).encode()


WS_MESSAGE_LIMIT_BYTES = 128 * 1024
"""API Gateway's largest WebSocket message: a post of more fails, for every subscriber and every retry."""


def event_message(image: Mapping[str, Any], stream: str) -> dict[str, Any]:
    """The WebSocket message of an event-log item (its stream record's new image), or its outline when the whole
    would pass WS_MESSAGE_LIMIT_BYTES (a ticket's 20,000-character description and 16 KB of custom fields did)."""
    message: dict[str, Any] = {"type": image["type"], "id": int(str(image["sk"]).removeprefix(EVENT_SK_PREFIX)),
                               "channel": channel_of(stream), "data": json.loads(str(image["data"]))}
    if image.get("envelope"):
        message.update(json.loads(str(image["envelope"])))
    if image.get("createdAt"):
        message["timestamp"] = str(image["createdAt"])
    if len(message_bytes(message)) > WS_MESSAGE_LIMIT_BYTES:
        return outline(message)
    return message


def outline(message: Mapping[str, Any]) -> dict[str, Any]:
    """What a message too large to post keeps: its type, id, channel, time and the envelope's plain values, the
    data's `id`, and `truncated: true`, so a client reads the whole over the REST API (or the SSE stream)."""
    data = message.get("data")
    kept = {key: value for key, value in message.items()
            if key != "data" and (value is None or isinstance(value, str | int | float | bool))
            and len(str(value)) <= 200}
    return {**kept, "data": {"id": data["id"]} if isinstance(data, dict) and "id" in data else {}, "truncated": True}


def channel_of(stream: str) -> str:
    """What clients call a stream: a project-scoped stream (`incidents@<project>`) by its channel name."""
    return stream.partition(PROJECT_SCOPE_SEPARATOR)[0]


FANOUT_PAGE_SIZE = 1_000
"""Subscribers one invocation posts to. A page is one Query (1,000 subscription items are ~150 KB, under DynamoDB's
1 MB a response) and about a second of posting at POST_CONCURRENCY; an audience beyond one page is split across
invocations through the fan-out queue, so the time to reach everyone grows with the pages' slowest, not their sum."""
FANOUT_WALK_PAGES = 20
"""Pages one invocation hands to the queue before it hands the rest of the walk on. It reads each of them to learn
where the next starts (a Query of FANOUT_PAGE_SIZE items, tens of ms on DynamoDB): 20 pages are 20,000 subscribers
in well under the function's 25 s; the last page it queues carries the walk on from there."""
POST_CONCURRENCY = 32
"""Posts in flight per invocation (a thread pool: the boto3 client is thread-safe; wsapi sizes its connection pool
to match). A post mostly waits on the network and spends ~1.7 ms of client CPU (boto3's signing and parsing,
measured by make bench): with a wait of a few to tens of ms, a few dozen posts in flight keep one vCPU busy instead
of idle on the waits; more threads would only queue for the GIL and the connection pool (docs/realtime.md,
"Limits")."""
RETRY_DELAY_SECONDS = 2
"""Connections whose posts still failed (throttled through the poster's own retries) are posted again this much
later, from a retry page on the fan-out queue."""
FANOUT_QUEUE_URL_SETTING = "REALTIME_FANOUT_QUEUE_URL"
"""The environment variable with the fan-out queue's URL (opsdesk.settings.RealtimeSettings.fanout_queue_url)."""


@frozen
class FanoutPage:
    """One page of an event's audience: what one invocation of the fan-out posts. The stream record's page is the
    first (no cursor, and it walks); the pages after it travel through the fan-out queue as `as_body()`."""

    tenant_id: str
    stream: str
    message: dict[str, Any]
    audience: str | None = None
    """The Cognito group the event is for (opsdesk.events.reaches); None: every subscriber."""
    cursor: str | None = None
    """The page starts after this subscriber (Registry.subscriber_page); None: at the first."""
    walks: bool = False
    """Its invocation also hands out the pages after it (at most FANOUT_WALK_PAGES; the last of them walks on)."""
    retry: tuple[str, ...] = ()
    """When set, the page is these connections only, whose posts failed once already: no Query and no walk."""

    def as_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"tenantId": self.tenant_id, "stream": self.stream, "message": self.message,
                                "audience": self.audience, "cursor": self.cursor, "walks": self.walks}
        if self.retry:
            body["retry"] = list(self.retry)
        return body

    @classmethod
    def from_body(cls, body: Any) -> FanoutPage:
        """A queued page back; ValueError when the body is not one (its message then fails, and goes to the
        dead-letter queue after its receives)."""
        if not isinstance(body, dict):
            raise ValueError("a fan-out page is a JSON object")
        tenant_id, stream, message = body.get("tenantId"), body.get("stream"), body.get("message")
        audience, cursor, retry = body.get("audience"), body.get("cursor"), body.get("retry", [])
        if not (isinstance(tenant_id, str) and tenant_id and isinstance(stream, str) and stream
                and isinstance(message, dict)):
            raise ValueError("a fan-out page names its tenantId, stream and message")
        if not (audience is None or isinstance(audience, str)) or not (cursor is None or isinstance(cursor, str)):
            raise ValueError("a fan-out page's audience and cursor are strings or null")
        if not isinstance(retry, list) or not all(isinstance(c, str) and c for c in retry):
            raise ValueError("a fan-out page's retry is a list of connection ids")
        return cls(tenant_id, stream, message, audience, cursor, body.get("walks") is True, tuple(retry))


class PageQueue(Protocol):
    def send(self, page: FanoutPage, delay_seconds: int = 0) -> None:
        """Hand the page to another invocation (the fan-out queue); raises when it could not be queued."""
        ...


class MessageSender(Protocol):
    def send(self, body: Mapping[str, Any], delay_seconds: int = 0) -> None: ...


@dataclass
class QueuedPages:
    """PageQueue over a queue's sender (opsdesk.queues.SqsSender): one message per page."""

    sender: MessageSender

    def send(self, page: FanoutPage, delay_seconds: int = 0) -> None:
        self.sender.send(page.as_body(), delay_seconds)


class FanoutFailed(Exception):
    """Posts of a retry page failed again: its message comes back (partial batch response) until its receives
    run out, then it goes to the dead-letter queue."""


@dataclass
class FanoutReport:
    delivered: int = 0
    gone: int = 0
    """Connections that were gone (410) and are forgotten."""
    retried: tuple[str, ...] = ()
    """Connections whose posts failed and were handed to a retry page."""
    pages_queued: int = 0
    errors: list[BaseException] = field(default_factory=list)
    """What the failed posts raised (for the log)."""


@dataclass
class Fanout:
    """Posts one page of an event's audience, POST_CONCURRENCY posts at a time, and hands the pages after it to
    the queue. Delivery is at least once (docs/realtime.md): a client may see an event twice, and tells by its
    `channel` and `id`."""

    registry: Registry
    poster: Poster
    pages: PageQueue
    members: Members = field(default_factory=NoProjectMembers)
    page_size: int = FANOUT_PAGE_SIZE
    walk_pages: int = FANOUT_WALK_PAGES
    workers: int = POST_CONCURRENCY
    clock: Callable[[], float] = time.time
    """Epoch seconds: a subscription whose expiresAt has passed is skipped (TTL has not deleted it yet)."""

    def deliver(self, page: FanoutPage) -> FanoutReport:
        """Post the page. Gone connections are forgotten. Connections whose posts still fail are queued as a retry
        page, so a post that fails never brings the page (or the stream record, and every page after it) back;
        only a retry page's own failures raise FanoutFailed, bringing back that retry page alone."""
        if page.retry:
            targets, next_cursor = list(page.retry), None
        else:
            read = self.registry.subscriber_page(page.tenant_id, page.stream, limit=self.page_size, after=page.cursor)
            now = self.clock()
            audience = [s for s in read.items if reaches(page.audience, s.groups)
                        and (s.expires_at is None or s.expires_at > now)]
            targets = [s.connection_id for s in self._following(page, audience)]
            next_cursor = read.next_cursor if page.walks else None
        report = FanoutReport()
        # Leaving the block waits for every post, also when the walk raises: no post outlives its invocation.
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fanout-post") as pool:
            posts = [(connection_id, pool.submit(self._post, connection_id, page.message))
                     for connection_id in targets]
            if next_cursor is not None:  # while this page's posts are in flight
                report.pages_queued = self._walk(page, next_cursor)
        failed: list[str] = []
        for connection_id, post in posts:
            error = post.exception()
            if error is not None:
                failed.append(connection_id)
                report.errors.append(error)
            elif post.result():
                report.delivered += 1
            else:
                report.gone += 1
        if failed and page.retry:
            raise FanoutFailed(f"{len(failed)} of {len(targets)} posts of a retry page failed again"
                               ) from report.errors[0]
        if failed:
            self.pages.send(replace(page, cursor=None, walks=False, retry=tuple(failed)), RETRY_DELAY_SECONDS)
            report.retried = tuple(failed)
        return report

    def _following(self, page: FanoutPage, subscribers: list[Subscriber]) -> list[Subscriber]:
        """A project stream's subscribers who are members of the project now (one read of their member items); every
        subscriber of any other stream. A retry page's connections passed this seconds before and are not asked
        again."""
        _, scoped, project_id = page.stream.partition(PROJECT_SCOPE_SEPARATOR)
        if not scoped or not subscribers:
            return subscribers
        users = {s.connection_id: s.user_id or self._user_of(s.connection_id) for s in subscribers}
        members = self.members.following(page.tenant_id, project_id, {u for u in users.values() if u})
        return [s for s in subscribers if users[s.connection_id] in members]

    def _user_of(self, connection_id: str) -> str | None:
        connection = self.registry.get(connection_id)
        return connection.user_id if connection is not None else None

    def _post(self, connection_id: str, message: dict[str, Any]) -> bool:
        if self.poster.post(connection_id, message):
            return True
        self.registry.close(connection_id)  # gone (410): forget it and its subscriptions
        return False

    def _walk(self, page: FanoutPage, cursor: str) -> int:
        """Queue the pages after `page`, the first starting after `cursor`, each read here only to learn where the
        next starts; the FANOUT_WALK_PAGES-th carries the walk on. Returns how many were queued."""
        queued = 0
        next_cursor: str | None = cursor
        while next_cursor is not None:
            if queued + 1 >= self.walk_pages:
                self.pages.send(replace(page, cursor=next_cursor, walks=True))
                return queued + 1
            self.pages.send(replace(page, cursor=next_cursor, walks=False))
            queued += 1
            next_cursor = self.registry.subscriber_page(page.tenant_id, page.stream, limit=self.page_size,
                                                        after=next_cursor).next_cursor
        return queued
