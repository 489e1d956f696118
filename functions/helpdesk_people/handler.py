"""helpdesk-people: `/me` (the caller, from the verified token) and requesters (create, get, update)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.helpdesk.views import me_view, requester_view
from opsdesk.http import create_api, current_principal, json_response, request_body
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.settings import HelpdeskSettings, load_settings

settings = load_settings(HelpdeskSettings)
app = create_api(HELPDESK, settings)
service = HelpdeskService(TicketRepository())


@app.get("/me")
def handle_me() -> dict[str, Any]:
    return me_view(current_principal(app))


@app.post("/requesters")
def handle_create_requester() -> Response[str]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import CreateRequesterRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateRequesterRequest, settings.max_body_bytes)
    return json_response(201, requester_view(service.create_requester(principal, request)))


@app.get("/requesters/<requester_id>")
def handle_get_requester(requester_id: str) -> dict[str, Any]:
    return requester_view(service.get_requester(current_principal(app), requester_id))


@app.patch("/requesters/<requester_id>")
def handle_update_requester(requester_id: str) -> dict[str, Any]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import UpdateRequesterRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, UpdateRequesterRequest, settings.max_body_bytes)
    return requester_view(service.update_requester(principal, requester_id, request))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
