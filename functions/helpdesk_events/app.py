"""helpdesk-events: `GET /events`, the tenant's helpdesk events as server-sent events: ticket_created,
ticket_updated, and queue_changed for admins only, with `:hb` heartbeat comments while idle (about every 30 s,
SSE_HEARTBEAT_SECONDS). It takes the session cookie as well as a bearer token, like every helpdesk route.

An ASGI app: run.sh serves it with uvicorn behind the Lambda Web Adapter (response streaming) on AWS; the local
gateway mounts it."""

from __future__ import annotations

from starlette.requests import Request

from opsdesk.apimap import HELPDESK
from opsdesk.eventlog import EventLog
from opsdesk.events import HELPDESK_STREAM
from opsdesk.sessions import SessionCookie, request_token
from opsdesk.settings import HelpdeskStreamSettings, load_settings
from opsdesk.sse import module_event_stream

settings = load_settings(HelpdeskStreamSettings)
event_log = EventLog(settings)
cookie = (SessionCookie(HELPDESK.cookie_session.cookie, HELPDESK.base_path)
          if settings.accepts_cookie(HELPDESK.session) else None)


def _token(request: Request) -> str | None:
    found = request_token(request.headers, cookie)
    return found[0] if found else None


app = module_event_stream(HELPDESK, "/events", HELPDESK_STREAM, settings, event_log, heartbeat_comment=":hb",
                          token_from=_token)
