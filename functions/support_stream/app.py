"""support-stream: the tenant's issue events (issue.created, issue.updated) as server-sent events.

Beyond the support document; the frontend's live lists follow it. An ASGI app: run.sh serves it with uvicorn
behind the Lambda Web Adapter (response streaming) on AWS; the local gateway mounts it."""

from __future__ import annotations

from opsdesk.apimap import SUPPORT
from opsdesk.eventlog import EventLog
from opsdesk.events import TENANT_STREAM
from opsdesk.settings import EventStreamSettings, load_settings
from opsdesk.sse import module_event_stream

settings = load_settings(EventStreamSettings)
app = module_event_stream(SUPPORT, "/api/events", TENANT_STREAM, settings, EventLog(settings))
