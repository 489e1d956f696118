"""copilot-monitoring: a project's monitoring integrations (credentials in Secrets Manager, connection tests
through the guarded outbound client) and its alerts, newest first."""

from __future__ import annotations

from functools import cache
from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot.integrations import IntegrationService, integration_service
from opsdesk.copilot.queries import parse_incident_page
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import CopilotService
from opsdesk.copilot.views import alert_view, integration_view
from opsdesk.http import create_api, current_principal, json_response, query_params, request_body
from opsdesk.observability import instrumented
from opsdesk.pagination import paged
from opsdesk.restapi import Response
from opsdesk.settings import CopilotIntegrationSettings, load_settings

settings = load_settings(CopilotIntegrationSettings)
app = create_api(COPILOT, settings)
repository = CopilotRepository()
copilot = CopilotService(repository)
BASE = "/projects/<project_id>/monitoring"


@cache
def integrations() -> IntegrationService:
    return integration_service(settings, repository)


@app.get(f"{BASE}/integrations")
def handle_list(project_id: str) -> list[dict[str, Any]]:
    page = parse_incident_page(query_params(app))
    return [integration_view(i) for i in paged(integrations().list(current_principal(app), project_id), page)]


@app.post(f"{BASE}/integrations")
def handle_create(project_id: str) -> Response[str]:
    from opsdesk.copilot.requests import IntegrationCreateRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, IntegrationCreateRequest, settings.max_body_bytes)
    return json_response(201, integration_view(integrations().create(current_principal(app), project_id, request)))


@app.post(f"{BASE}/integrations/test-connection")
def handle_test_connection(project_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import TestConnectionRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, TestConnectionRequest, settings.max_body_bytes)
    return integrations().test_connection(current_principal(app), project_id, request)


@app.get(f"{BASE}/integrations/<integration_id>")
def handle_get(project_id: str, integration_id: str) -> dict[str, Any]:
    return integration_view(integrations().get(current_principal(app), project_id, integration_id))


@app.patch(f"{BASE}/integrations/<integration_id>")
def handle_update(project_id: str, integration_id: str) -> dict[str, Any]:
    from opsdesk.copilot.requests import IntegrationUpdateRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, IntegrationUpdateRequest, settings.max_body_bytes)
    return integration_view(integrations().update(current_principal(app), project_id, integration_id, request))


@app.delete(f"{BASE}/integrations/<integration_id>")
def handle_delete(project_id: str, integration_id: str) -> Response[str]:
    integrations().delete(current_principal(app), project_id, integration_id)
    return Response(status_code=204, body="")


@app.post(f"{BASE}/integrations/<integration_id>/test")
def handle_test(project_id: str, integration_id: str) -> dict[str, Any]:
    return integrations().test_existing(current_principal(app), project_id, integration_id)


@app.get(f"{BASE}/alerts")
def handle_alerts(project_id: str) -> list[dict[str, Any]]:
    page = parse_incident_page(query_params(app))
    return [alert_view(a) for a in copilot.list_alerts(current_principal(app), project_id, page)]


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
