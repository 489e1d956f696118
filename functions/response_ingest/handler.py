"""response-ingest: events into incidents (seeds/incident-response-api.md, "Events"). A batch is validated as a
whole before anything is written; an `Idempotency-Key` header makes a retried request store nothing twice."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import RESPONSE
from opsdesk.eventlog import EventLog
from opsdesk.http import (
    array_response,
    create_api,
    current_principal,
    json_response,
    query_params,
    raw_body,
    request_body,
)
from opsdesk.jsonbody import parse_json_body
from opsdesk.observability import instrumented
from opsdesk.response.queries import (
    MAX_BATCH_BODY_BYTES,
    MAX_EVENT_BODY_BYTES,
    parse_event_page,
    parse_idempotency_key,
)
from opsdesk.response.repository import ResponseRepository
from opsdesk.response.service import ResponseService
from opsdesk.response.views import event_view
from opsdesk.restapi import Response
from opsdesk.settings import ResponseSettings, load_settings

settings = load_settings(ResponseSettings)
app = create_api(RESPONSE, settings)
service = ResponseService(ResponseRepository(EventLog(), settings),
                          analysis_stale_seconds=settings.analysis_stale_seconds)


@app.post("/api/ingest/events")
def handle_ingest_event() -> Response[str]:
    from opsdesk.response.requests import IngestEventRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, IngestEventRequest, MAX_EVENT_BODY_BYTES)
    key = parse_idempotency_key(app.current_event.headers or {})
    events = service.ingest(current_principal(app), [request], idempotency_key=key, batch=False)
    return json_response(201, event_view(events[0]))


@app.post("/api/ingest/events/batch")
def handle_ingest_batch() -> Response[str]:
    from opsdesk.response.requests import parse_batch  # noqa: PLC0415 - pydantic loads with the first body

    requests = parse_batch(parse_json_body(raw_body(app), MAX_BATCH_BODY_BYTES))
    key = parse_idempotency_key(app.current_event.headers or {})
    events = service.ingest(current_principal(app), requests, idempotency_key=key)
    return json_response(201, [event_view(e) for e in events])


@app.get("/api/ingest/events/<incident_id>")
def handle_list_events(incident_id: str) -> Response[str]:
    page = service.events(current_principal(app), incident_id, parse_event_page(query_params(app)))
    return array_response([event_view(e) for e in page.items], page.next_cursor)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
