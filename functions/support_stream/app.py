"""support-stream: the tenant's issue events (issue.created, issue.updated) as server-sent events.

Beyond the support document; the frontend's live lists follow it. An ASGI app: run.sh serves it with uvicorn
behind the Lambda Web Adapter (response streaming) on AWS; the local gateway mounts it."""

from __future__ import annotations

from opsdesk.apimap import SUPPORT
from opsdesk.dialects import DIALECTS
from opsdesk.eventlog import EventLog
from opsdesk.events import TENANT_STREAM
from opsdesk.settings import EventStreamSettings, load_settings
from opsdesk.sse import StreamTiming, create_stream_app
from opsdesk.tokens import TokenVerifier

settings = load_settings(EventStreamSettings)
event_log = EventLog()

app = create_stream_app(
    ("/api/events", f"{SUPPORT.base_path}/api/events"),
    verifier=TokenVerifier.from_settings(settings),
    expected_client_id=settings.app_client_id,
    dialect=DIALECTS[SUPPORT.dialect],
    stream_for=lambda principal, request: TENANT_STREAM,
    read_after=event_log.read_after,
    latest_id=event_log.last_id,
    timing=StreamTiming(poll_seconds=settings.sse_poll_seconds, heartbeat_seconds=settings.sse_heartbeat_seconds,
                        max_seconds=settings.sse_max_seconds),
)
