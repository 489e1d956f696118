"""What the platform's shared tables need: the event log, WebSocket connections, rate-limit counters."""

from __future__ import annotations

from opsdesk.settings import PlatformSettings, setting


class EventLogSettings(PlatformSettings):
    events_table_name: str = setting("EVENTS_TABLE_NAME", min_length=3)
    event_retention_hours: int = setting("EVENT_RETENTION_HOURS", default=72, gt=0)
    """How long an event can be replayed (SSE Last-Event-ID); DynamoDB's TTL deletes it afterwards."""


class ConnectionSettings(PlatformSettings):
    connections_table_name: str = setting("CONNECTIONS_TABLE_NAME", min_length=3)
    connection_ttl_hours: int = setting("CONNECTION_TTL_HOURS", default=2, gt=0)
    """API Gateway closes a WebSocket after 2 hours; a connection item that outlives it is deleted by TTL."""


class RateLimitSettings(PlatformSettings):
    rate_limits_table_name: str = setting("RATE_LIMITS_TABLE_NAME", min_length=3)
