"""response-incidents: incidents, their status, timeline and actions (seeds/incident-response-api.md). The
document's paths end in a slash (`/api/incidents/`); both spellings are served."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import RESPONSE
from opsdesk.eventlog import EventLog
from opsdesk.http import array_response, create_api, current_principal, json_response, query_params, request_body
from opsdesk.observability import instrumented
from opsdesk.response.queries import (
    MAX_INCIDENT_BODY_BYTES,
    parse_action_status,
    parse_idempotency_key,
    parse_incident_page,
    parse_query_page,
    parse_status,
)
from opsdesk.response.repository import ResponseRepository
from opsdesk.response.service import ResponseService
from opsdesk.response.views import action_view, entry_view, incident_view
from opsdesk.restapi import Response
from opsdesk.settings import ResponseSettings, load_settings

settings = load_settings(ResponseSettings)
app = create_api(RESPONSE, settings)
service = ResponseService(ResponseRepository(EventLog(), settings),
                          analysis_stale_seconds=settings.analysis_stale_seconds)
TIMELINE_PAGE, ACTIONS_PAGE = 1000, 500


@app.get("/api/incidents")
def handle_list_incidents() -> Response[str]:
    query = query_params(app)
    page = service.list_incidents(current_principal(app), parse_status(query, required=False),
                                  parse_incident_page(query))
    return array_response([incident_view(i) for i in page.items], page.next_cursor)


@app.post("/api/incidents")
def handle_create_incident() -> Response[str]:
    from opsdesk.response.requests import CreateIncidentRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateIncidentRequest, MAX_INCIDENT_BODY_BYTES)
    key = parse_idempotency_key(app.current_event.headers or {})
    return json_response(201, incident_view(service.create_incident(current_principal(app), request,
                                                                    idempotency_key=key)))


@app.get("/api/incidents/<incident_id>")
def handle_get_incident(incident_id: str) -> dict[str, Any]:
    return incident_view(service.get_incident(current_principal(app), incident_id))


@app.patch("/api/incidents/<incident_id>/status")
def handle_change_status(incident_id: str) -> dict[str, Any]:
    target = parse_status(query_params(app), required=True)
    assert target is not None
    return incident_view(service.change_status(current_principal(app), incident_id, target))


@app.get("/api/incidents/<incident_id>/timeline")
def handle_timeline(incident_id: str) -> Response[str]:
    request = parse_query_page(query_params(app), TIMELINE_PAGE, TIMELINE_PAGE)
    page = service.timeline(current_principal(app), incident_id, request)
    return array_response([entry_view(e) for e in page.items], page.next_cursor)


@app.get("/api/incidents/<incident_id>/actions")
def handle_actions(incident_id: str) -> Response[str]:
    request = parse_query_page(query_params(app), ACTIONS_PAGE, ACTIONS_PAGE)
    page = service.actions(current_principal(app), incident_id, request)
    return array_response([action_view(a) for a in page.items], page.next_cursor)


@app.post("/api/incidents/<incident_id>/actions")
def handle_add_action(incident_id: str) -> Response[str]:
    from opsdesk.response.requests import AddActionRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, AddActionRequest, MAX_INCIDENT_BODY_BYTES)
    return json_response(201, action_view(service.add_action(current_principal(app), incident_id, request)))


@app.patch("/api/incidents/<incident_id>/actions/<action_id>/status")
def handle_change_action_status(incident_id: str, action_id: str) -> dict[str, Any]:
    target = parse_action_status(query_params(app))
    return action_view(service.change_action_status(current_principal(app), incident_id, action_id, target))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
