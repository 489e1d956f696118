"""The streaming functions (SSE, WebSocket): they verify tokens themselves and read the event log."""

from __future__ import annotations

from pydantic import Field

from opsdesk.settings.aura import AuraSettings
from opsdesk.settings.identity import SessionSettings, TokenSettings
from opsdesk.settings.platform import ConnectionSettings, EventLogSettings


class EventStreamSettings(TokenSettings, EventLogSettings):
    """A streaming function: it verifies tokens itself and reads the event log."""

    sse_poll_seconds: float = Field(default=0.5, alias="SSE_POLL_SECONDS", gt=0)
    sse_heartbeat_seconds: float = Field(default=30.0, alias="SSE_HEARTBEAT_SECONDS", gt=0)
    sse_max_seconds: float = Field(default=840.0, alias="SSE_MAX_SECONDS", gt=0)
    """End the stream before the function's limit (15 minutes) so the client reconnects."""


class RealtimeSettings(TokenSettings, ConnectionSettings, EventLogSettings):
    """The WebSocket functions: they verify tokens, keep connections, read events and post to connections."""

    management_url: str | None = Field(default=None, alias="WEBSOCKET_MANAGEMENT_URL")
    """The API Gateway management API; default https://<domainName>/<stage> of the request."""
    cursor_key_secret_arn: str | None = Field(default=None, alias="CURSOR_KEY_SECRET_ARN")
    """The platform key the copilot's WebSocket tokens are signed with (opsdesk.wstokens); read on the first."""
    sessions_table_name: str | None = Field(default=None, alias="SESSIONS_TABLE_NAME")
    """Signed-out sessions (opsdesk.revocations): the route function refuses their tokens. Unset: none is checked."""
    fanout_queue_url: str | None = Field(default=None, alias="REALTIME_FANOUT_QUEUE_URL")
    """The fan-out's queue of pages (opsdesk.realtime.FanoutPage): the fan-out sends the pages of an audience beyond
    its first to it and consumes them; required by the fan-out, unused by the route function."""


class HelpdeskStreamSettings(EventStreamSettings, SessionSettings):
    """The helpdesk event stream: a streaming function that accepts the session cookie as well."""


class AuraStreamSettings(EventStreamSettings, AuraSettings):
    """aura_stream: the tickets' live events (SSE); it reads a ticket to answer 404 for another tenant's."""
