"""WebSocket sessions and the fan-out of events to them: plain logic over a connection registry and a poster.

Messages from a client (copilot's document, shared by every module):
    {"type": "connect", "token": "<Cognito ID token>"}     authenticate a connection opened without ?token=
    {"type": "subscribe", "channels": ["tenant", "ticket:<id>"]}
    {"type": "unsubscribe", "channels": [...]}
    {"type": "ping"}
Answers and events are posted back through the API Gateway management API:
    {"type": "connected"} {"type": "subscribed", "channels": [...]} {"type": "error", "message": "..."}
    {"type": "<event type>", "id": n, "channel": "<channel>", "data": {...}, "timestamp": "<RFC 3339>"}
    (plus the event's envelope fields, e.g. the copilot's `incidentId`)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from opsdesk.auth import Principal
from opsdesk.errors import DomainError, Unauthorized
from opsdesk.events import (
    EVENT_SK_PREFIX,
    PROJECT_CHANNELS,
    PROJECT_SCOPE_SEPARATOR,
    SUBSCRIBABLE_STREAMS,
    project_stream,
    reaches,
)

CHANNEL_PATTERN = re.compile(r"^[a-z_]{1,32}(:[A-Za-z0-9_-]{1,64})?$")
UNAUTHENTICATED_TENANT = ""


@dataclass(frozen=True)
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

    def principal(self) -> Principal:
        return Principal(user_id=self.user_id, tenant_id=self.tenant_id, username=self.user_name or self.user_id,
                         groups=self.groups, project_id=self.project_id)


@dataclass(frozen=True)
class Subscriber:
    connection_id: str
    groups: frozenset[str]


class Registry(Protocol):
    def open(
        self, connection_id: str, tenant_id: str, user_id: str, now: datetime, *,
        groups: frozenset[str] = frozenset(), project_id: str | None = None, user_name: str = "",
        room: str | None = None,
    ) -> None: ...
    def get(self, connection_id: str) -> Connection | None: ...
    def subscribe(self, connection: Connection, streams: set[str], now: datetime) -> Connection: ...
    def unsubscribe(self, connection: Connection, streams: set[str]) -> Connection: ...
    def close(self, connection_id: str) -> None: ...
    def subscribers(self, tenant_id: str, stream: str) -> list[Subscriber]: ...


class Poster(Protocol):
    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        """Send; False when the connection is gone (410)."""
        ...


Authenticate = Callable[[str], Principal]
"""A Cognito ID token (or a WebSocket token) -> the caller, or Unauthorized."""


class Rooms(Protocol):
    """Rooms a connection joins by its URL (the response module's `/ws/incidents/{incident_id}`): the room's stream,
    and what a message sent in the room does. Every message of a room's members that has no `type` is the room's."""

    def stream_for(self, principal: Principal, room: str) -> str:
        """The room's event stream; NotFound when the room is none of the principal's (the connect is refused)."""
        ...

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        """Raises a DomainError (its message is sent back) when the message is refused."""
        ...


@dataclass
class WebSocketSession:
    registry: Registry
    poster: Poster
    authenticate: Authenticate
    rooms: Rooms | None = None

    def on_connect(self, connection_id: str, token: str | None, now: datetime, room: str | None = None) -> None:
        """With a token the connection is the token's user's; without, it must send a connect message first. A
        connection to a room needs its token at once, and joins the room (the room's NotFound refuses it)."""
        if token is None:
            if room is not None:
                raise Unauthorized("A room is joined with ?token=")
            self.registry.open(connection_id, UNAUTHENTICATED_TENANT, "", now)
            return
        principal = self.authenticate(token)  # Unauthorized refuses the connection
        stream = None
        if room is not None:
            if self.rooms is None:
                raise Unauthorized("No rooms here")
            stream = self.rooms.stream_for(principal, room)
        self.registry.open(connection_id, principal.tenant_id, principal.user_id, now, groups=principal.groups,
                           project_id=principal.project_id, user_name=principal.name or principal.email or
                           principal.username, room=room)
        if stream is not None:
            opened = self.registry.get(connection_id)
            if opened is not None:
                self.registry.subscribe(opened, {stream}, now)

    def on_message(self, connection_id: str, body: str | None, now: datetime) -> None:
        connection = self.registry.get(connection_id)
        if connection is None:
            return
        try:
            message = json.loads(body or "")
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            message = None
        if not isinstance(message, dict):
            self._error(connection_id, "Messages are JSON objects with a type")
            return
        kind = message.get("type")
        if kind is None and connection.room is not None and self.rooms is not None:
            self._post_in_room(connection, connection.room, message)
        elif kind == "ping":
            self.poster.post(connection_id, {"type": "pong"})
        elif kind == "connect":
            self._connect(connection, message.get("token"), message.get("tenantId"), now)
        elif connection.tenant_id == UNAUTHENTICATED_TENANT:
            self._error(connection_id, "Authenticate first: {\"type\": \"connect\", \"token\": \"...\"}")
        elif kind in ("subscribe", "unsubscribe"):
            self._change_subscriptions(connection, kind, message.get("channels"), now)
        else:
            self._error(connection_id, f"Unknown message type {kind!r}")

    def _change_subscriptions(self, connection: Connection, kind: str, channels: Any, now: datetime) -> None:
        if not isinstance(channels, list) or not all(isinstance(c, str) and CHANNEL_PATTERN.match(c)
                                                     for c in channels):
            self._error(connection.id, "channels must be a list of names like \"tenant\" or \"ticket:<id>\"")
            return
        known = SUBSCRIBABLE_STREAMS | PROJECT_CHANNELS
        unknown = sorted(set(channels) - known) if kind == "subscribe" else []
        if unknown:
            # Nothing is subscribed: a half-applied list would leave the client unsure what it follows.
            self._error(connection.id, f"Unknown channels: {', '.join(unknown)}; channels are: "
                                       f"{', '.join(sorted(known))}")
            return
        if connection.project_id is None and PROJECT_CHANNELS & set(channels) and kind == "subscribe":
            self._error(connection.id, "Project channels need a WebSocket token of a project: connect with the "
                                       "token of GET /copilot/api/v1/auth/ws-token")
            return
        streams = {self._stream(connection, channel) for channel in channels}
        try:
            if kind == "subscribe":
                updated = self.registry.subscribe(connection, streams, now)
            else:
                updated = self.registry.unsubscribe(connection, streams)
        except ValueError as exc:
            self._error(connection.id, str(exc))
            return
        self.poster.post(connection.id, {"type": f"{kind}d",
                                         "channels": sorted({channel_of(s) for s in updated.streams})})

    @staticmethod
    def _stream(connection: Connection, channel: str) -> str:
        """A project channel means the connection's project's stream; any other channel is a stream itself."""
        if channel in PROJECT_CHANNELS and connection.project_id is not None:
            return project_stream(channel, connection.project_id)
        return channel

    def on_disconnect(self, connection_id: str) -> None:
        self.registry.close(connection_id)

    def _connect(self, connection: Connection, token: Any, tenant_id: Any, now: datetime) -> None:
        """`tenantId` (the copilot document's) is optional; when sent it must be the token's tenant."""
        if connection.tenant_id != UNAUTHENTICATED_TENANT:
            self.poster.post(connection.id, {"type": "connected"})
            return
        try:
            if not isinstance(token, str):
                raise Unauthorized()
            principal = self.authenticate(token)
            if tenant_id is not None and tenant_id != principal.tenant_id:
                raise Unauthorized()
        except DomainError:
            self._error(connection.id, "Invalid token")
            return
        self.registry.open(connection.id, principal.tenant_id, principal.user_id, now, groups=principal.groups,
                           project_id=principal.project_id)
        self.poster.post(connection.id, {"type": "connected"})

    def _post_in_room(self, connection: Connection, room: str, message: dict[str, Any]) -> None:
        assert self.rooms is not None
        try:
            self.rooms.post(connection.principal(), room, message)
        except DomainError as exc:
            details = "; ".join(d.message for d in exc.details)
            self._error(connection.id, details or exc.message)

    def _error(self, connection_id: str, message: str) -> None:
        self.poster.post(connection_id, {"type": "error", "message": message})


def event_message(image: Mapping[str, Any], stream: str) -> dict[str, Any]:
    """The WebSocket message of an event-log item (its stream record's new image)."""
    message: dict[str, Any] = {"type": image["type"], "id": int(str(image["sk"]).removeprefix(EVENT_SK_PREFIX)),
                               "channel": channel_of(stream), "data": json.loads(str(image["data"]))}
    if image.get("envelope"):
        message.update(json.loads(str(image["envelope"])))
    if image.get("createdAt"):
        message["timestamp"] = str(image["createdAt"])
    return message


def channel_of(stream: str) -> str:
    """What clients call a stream: a project-scoped stream (`incidents@<project>`) by its channel name."""
    return stream.partition(PROJECT_SCOPE_SEPARATOR)[0]


def fan_out(
    registry: Registry, poster: Poster, tenant_id: str, stream: str, message: dict[str, Any], *,
    audience: str | None = None,
) -> int:
    """Post one event to every connection subscribed to its stream in its tenant, and in its audience (a group)
    if it has one; forget connections that are gone. Returns how many received it."""
    delivered = 0
    for subscriber in registry.subscribers(tenant_id, stream):
        if not reaches(audience, subscriber.groups):
            continue
        if poster.post(subscriber.connection_id, message):
            delivered += 1
        else:
            registry.close(subscriber.connection_id)
    return delivered
