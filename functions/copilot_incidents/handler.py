"""copilot-incidents: the current project's incidents, their state, hypotheses, workflow and metrics."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot.analytics import incident_metrics
from opsdesk.copilot.queries import parse_incident_filters, parse_incident_page
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import CopilotService
from opsdesk.copilot.views import (
    created_incident_view,
    hypothesis_view,
    incident_view,
    state_change_view,
    workflow_view,
)
from opsdesk.eventlog import EventLog
from opsdesk.http import create_api, current_principal, query_params, request_body
from opsdesk.observability import instrumented
from opsdesk.pagination import paged
from opsdesk.settings import CopilotSettings, load_settings

settings = load_settings(CopilotSettings)
app = create_api(COPILOT, settings)
service = CopilotService(CopilotRepository(EventLog()))


@app.get("/incidents")
def handle_list_incidents() -> list[dict[str, Any]]:
    query = query_params(app)
    filters, page = parse_incident_filters(query), parse_incident_page(query)
    return [incident_view(i) for i in service.list_incidents(current_principal(app), filters, page)]


@app.post("/incidents")
def handle_create_incident() -> dict[str, Any]:
    from opsdesk.copilot.requests import CreateIncidentRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateIncidentRequest, settings.max_body_bytes)
    return created_incident_view(service.create_incident(current_principal(app), request))


@app.get("/incidents/<incident_id>")
def handle_get_incident(incident_id: str) -> dict[str, Any]:
    return incident_view(service.get_incident(current_principal(app), incident_id))


@app.patch("/incidents/<incident_id>/state")
def handle_change_state(incident_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import StateChangeRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, StateChangeRequest, settings.max_body_bytes)
    return state_change_view(service.change_state(current_principal(app), incident_id, request.state))


@app.get("/incidents/<incident_id>/hypotheses")
def handle_hypotheses(incident_id: str) -> list[dict[str, Any]]:
    page = parse_incident_page(query_params(app))
    return [hypothesis_view(h) for h in paged(service.hypotheses(current_principal(app), incident_id), page)]


@app.post("/incidents/<incident_id>/hypotheses/<hypothesis_id>/feedback")
def handle_feedback(incident_id: str, hypothesis_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import HypothesisFeedbackRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, HypothesisFeedbackRequest, settings.max_body_bytes)
    return hypothesis_view(service.give_feedback(current_principal(app), incident_id, hypothesis_id,
                                                 request.feedback))


@app.get("/incidents/<incident_id>/workflow")
def handle_workflow(incident_id: str) -> dict[str, Any]:
    return workflow_view(service.get_incident(current_principal(app), incident_id))


@app.get("/incidents/<incident_id>/metrics")
def handle_metrics(incident_id: str) -> dict[str, Any]:
    return incident_metrics(service.get_incident(current_principal(app), incident_id))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
