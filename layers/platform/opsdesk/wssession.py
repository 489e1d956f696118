"""A WebSocket session (opsdesk.realtime's registry and poster underneath): what a client's messages do, from the
connect to the disconnect. Separate from the fan-out (opsdesk.realtime), which the realtime_fanout function runs;
the realtime_ws function runs this.

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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsdesk.errors import DomainError, Unauthorized
from opsdesk.events import PROJECT_CHANNELS, SUBSCRIBABLE_STREAMS, project_stream
from opsdesk.jsonbody import parse_json_body
from opsdesk.realtime import (
    UNAUTHENTICATED_TENANT,
    WS_MESSAGE_LIMIT_BYTES,
    Authenticate,
    Connection,
    Members,
    Poster,
    Registry,
    Rooms,
    SignedOutSessions,
    channel_of,
)

CHANNEL_PATTERN = re.compile(r"^[a-z_]{1,32}(:[A-Za-z0-9_-]{1,64})?$")
SIGNED_OUT = "Signed out: sign in and connect again"


@dataclass
class WebSocketSession:
    registry: Registry
    poster: Poster
    authenticate: Authenticate
    rooms: Rooms | None = None
    members: Members | None = None
    """Asked before a project channel is followed (its token may predate a removal); None: not asked here (the
    fan-out delivers a project's events to its members only either way)."""
    signed_out: SignedOutSessions | None = None
    """Asked before a connection subscribes (one read): a connection opened before its user signed out subscribes
    to nothing more. None: not asked (no sessions table)."""

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
                           principal.username, room=room, session_id=principal.session_id)
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
            if self._still_signed_in(connection):  # a comment is the user's word: not after they signed out
                self._post_in_room(connection, connection.room, body or "")
        elif kind == "ping":
            self.poster.post(connection_id, {"type": "pong"})
        elif kind == "connect":
            self._connect(connection, message.get("token"), message.get("tenantId"), now)
        elif connection.tenant_id == UNAUTHENTICATED_TENANT:
            self._error(connection_id, "Authenticate first: {\"type\": \"connect\", \"token\": \"...\"}")
        elif kind in ("subscribe", "unsubscribe"):
            if kind == "unsubscribe" or self._still_signed_in(connection):
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
            self._error(connection.id, "Project channels need a project: connect with a copilot access token "
                                       "(its user's current project) or the token of "
                                       "GET /copilot/api/v1/auth/ws-token")
            return
        if kind == "subscribe" and PROJECT_CHANNELS & set(channels):
            try:
                member = self._follows_project(connection)
            except DomainError:  # the membership read failed (throttled): nothing subscribed, the client may retry
                self._error(connection.id, "Could not check your project membership just now; subscribe again")
                return
            if not member:
                self._error(connection.id, "You are not a member of this project")
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

    def _still_signed_in(self, connection: Connection) -> bool:
        """Whether the connection's session is still signed in (the sessions table is read here, once): a connection
        authenticated at its connect lives as API Gateway's do (up to 2 hours), unless its user signs out. Otherwise
        the client is told to sign in and connect again."""
        if connection.session_id is None or self.signed_out is None:
            return True
        try:
            signed_out = self.signed_out.is_session_revoked(connection.session_id)
        except Exception:  # the read failed (throttled): nothing subscribed, the client may retry
            self._error(connection.id, "Could not check your session just now; subscribe again")
            return False
        if signed_out:
            self._error(connection.id, SIGNED_OUT)
            return False
        return True

    def _follows_project(self, connection: Connection) -> bool:
        if self.members is None:
            return True
        return connection.project_id is not None and connection.user_id in self.members.following(
            connection.tenant_id, connection.project_id, {connection.user_id})

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
                           project_id=principal.project_id, session_id=principal.session_id)
        self.poster.post(connection.id, {"type": "connected"})

    def _post_in_room(self, connection: Connection, room: str, body: str) -> None:
        """A room message is read as a REST body is (opsdesk.jsonbody): what it refuses there (a lone surrogate
        escape, NaN, a 40-digit integer, nesting past 32) is refused here with the same message, not stored as a
        comment that every later reader of the timeline gets and a strict client cannot parse."""
        assert self.rooms is not None
        try:
            self.rooms.post(connection.principal(), room, parse_json_body(body, WS_MESSAGE_LIMIT_BYTES))
        except DomainError as exc:
            details = "; ".join(d.message for d in exc.details)
            self._error(connection.id, details or exc.message)

    def _error(self, connection_id: str, message: str) -> None:
        self.poster.post(connection_id, {"type": "error", "message": message})
