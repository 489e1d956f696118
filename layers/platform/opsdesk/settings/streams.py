"""The streaming functions (SSE, WebSocket): they verify tokens themselves and read the event log."""

from __future__ import annotations

from opsdesk.settings import setting
from opsdesk.settings.aura import AuraSettings
from opsdesk.settings.identity import SessionSettings, TokenSettings
from opsdesk.settings.platform import ConnectionSettings, EventLogSettings


class EventStreamSettings(TokenSettings, EventLogSettings):
    """A streaming function: it verifies tokens itself and reads the event log."""

    sse_poll_seconds: float = setting("SSE_POLL_SECONDS", default=0.5, gt=0)
    sse_heartbeat_seconds: float = setting("SSE_HEARTBEAT_SECONDS", default=30.0, gt=0)
    sse_max_seconds: float = setting("SSE_MAX_SECONDS", default=840.0, gt=0)
    """End the stream before the function's limit (15 minutes) so the client reconnects."""


class RealtimeSettings(TokenSettings, ConnectionSettings, EventLogSettings):
    """The WebSocket functions: they verify tokens, keep connections, read events and post to connections."""

    management_url: str | None = setting("WEBSOCKET_MANAGEMENT_URL", default=None)
    """The API Gateway management API; default https://<domainName>/<stage> of the request."""
    cursor_key_secret_arn: str | None = setting("CURSOR_KEY_SECRET_ARN", default=None)
    """The platform key the copilot's WebSocket tokens are signed with (opsdesk.wstokens); read on the first."""
    sessions_table_name: str | None = setting("SESSIONS_TABLE_NAME", default=None)
    """Signed-out sessions (opsdesk.revocations): the route function refuses their tokens. Unset: none is checked."""
    fanout_queue_url: str | None = setting("REALTIME_FANOUT_QUEUE_URL", default=None)
    """The fan-out's queue of pages (opsdesk.realtime.FanoutPage): the fan-out sends the pages of an audience beyond
    its first to it and consumes them; required by the fan-out, unused by the route function."""


class HelpdeskStreamSettings(EventStreamSettings, SessionSettings):
    """The helpdesk event stream: a streaming function that accepts the session cookie as well."""


class AuraStreamSettings(EventStreamSettings, AuraSettings):
    """aura_stream: the tickets' live events (SSE); it reads a ticket to answer 404 for another tenant's."""
