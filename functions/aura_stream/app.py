"""aura-stream: `GET /tickets/:id/stream` (one ticket's events; another tenant's ticket is TICKET_NOT_FOUND) and
`GET /stream` (every ticket of the tenant, `status` and `priority` filters) as server-sent events in the aura
document's format (opsdesk.aura.sse).

An ASGI app: run.sh serves it with uvicorn behind the Lambda Web Adapter (response streaming) on AWS; the local
gateway mounts it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from starlette.requests import Request

from opsdesk.apimap import AURA
from opsdesk.aura.repository import AuraRepository
from opsdesk.aura.service import not_found
from opsdesk.aura.sse import AURA_EVENT_FORMAT, status_priority_filter
from opsdesk.aura.streams import ALL_TICKETS_STREAM, ticket_stream
from opsdesk.auth import Principal
from opsdesk.dialects import DIALECTS
from opsdesk.eventlog import EventLog
from opsdesk.events import StoredEvent
from opsdesk.settings import AuraStreamSettings, load_settings
from opsdesk.sse import StreamTiming, create_stream_app
from opsdesk.tokens import TokenVerifier

settings = load_settings(AuraStreamSettings)
event_log = EventLog(settings)
tickets = AuraRepository(settings=settings)


def _stream_for(principal: Principal, request: Request) -> str:
    ticket_id = request.path_params.get("ticket_id")
    if ticket_id is None:
        return ALL_TICKETS_STREAM
    if not 0 < len(ticket_id) <= 64 or tickets.get_ticket(principal.tenant_id, ticket_id) is None:
        raise not_found(ticket_id)
    return ticket_stream(ticket_id)


def _filter_for(request: Request) -> Callable[[StoredEvent], bool]:
    wanted = status_priority_filter(request.query_params) if "ticket_id" not in request.path_params else None
    return wanted or (lambda event: True)


paths = ("/stream", "/tickets/{ticket_id}/stream")
app = create_stream_app(
    (*paths, *(f"{AURA.base_path}{path}" for path in paths)),
    verifier=TokenVerifier.from_settings(settings),
    accepted_client_ids=settings.accepted_client_ids,
    dialect=DIALECTS[AURA.dialect],
    stream_for=_stream_for,
    read_after=partial(event_log.read_after, include_voids=True),
    latest_id=event_log.last_id,
    settle_tail=event_log.settle_tail,
    timing=StreamTiming(poll_seconds=settings.sse_poll_seconds, heartbeat_seconds=settings.sse_heartbeat_seconds,
                        max_seconds=settings.sse_max_seconds),
    form=AURA_EVENT_FORMAT,
    filter_for=_filter_for,
)
