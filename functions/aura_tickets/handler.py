"""aura-tickets: tickets, the agent's approvals, questions and runs, and the audit log (seeds/aura-api.md), for
signed-in users of one tenant. Beyond the document: `GET /tickets/:id/audit/verify` checks the ticket's hash
chain."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import AURA
from opsdesk.aura.queries import (
    MAX_BODY_BYTES,
    parse_audit_filter,
    parse_audit_page,
    parse_audit_types,
    parse_ticket_filter,
    parse_ticket_page,
)
from opsdesk.aura.views import audit_view, chain_view, ticket_summary_view, ticket_view
from opsdesk.aura.wiring import aura_service
from opsdesk.clock import to_rfc3339
from opsdesk.http import create_api, current_principal, json_response, query_params, raw_body, request_time
from opsdesk.jsonbody import parse_json_body
from opsdesk.observability import instrumented
from opsdesk.pagination import within_page_bytes
from opsdesk.restapi import Response
from opsdesk.settings import AuraSettings, load_settings

settings = load_settings(AuraSettings)
app = create_api(AURA, settings)
service = aura_service(settings)


def _body(model: Any, *, optional: bool = False) -> Any:
    from opsdesk.aura.requests import parse_body  # noqa: PLC0415 - pydantic loads with the first body

    raw = raw_body(app)
    data = None if optional and raw in (None, "", b"") else parse_json_body(raw, MAX_BODY_BYTES)
    return parse_body(model, data, optional=optional)


@app.post("/tickets")
def handle_create_ticket() -> Response[str]:
    from opsdesk.aura.requests import CreateTicketRequest  # noqa: PLC0415 - pydantic loads with the first body

    ticket = service.create_ticket(current_principal(app), _body(CreateTicketRequest))
    return json_response(201, ticket_view(ticket))


@app.get("/tickets")
def handle_list_tickets() -> dict[str, Any]:
    query = query_params(app)
    tickets, total = service.list_tickets(current_principal(app), parse_ticket_filter(query),
                                          parse_ticket_page(query))
    return {"tickets": [ticket_summary_view(t) for t in tickets], "total": total}


@app.get("/tickets/<ticket_id>")
def handle_get_ticket(ticket_id: str) -> dict[str, Any]:
    return ticket_view(service.get_ticket(current_principal(app), ticket_id))


@app.patch("/tickets/<ticket_id>")
def handle_update_ticket(ticket_id: str) -> dict[str, Any]:
    from opsdesk.aura.requests import UpdateTicketRequest  # noqa: PLC0415 - pydantic loads with the first body

    return ticket_view(service.update_ticket(current_principal(app), ticket_id, _body(UpdateTicketRequest)))


@app.post("/tickets/<ticket_id>/cancel")
def handle_cancel(ticket_id: str) -> dict[str, Any]:
    ticket = service.cancel(current_principal(app), ticket_id)
    return {"id": ticket.id, "status": ticket.status.value}


@app.post("/tickets/<ticket_id>/approve-plan")
def handle_approve_plan(ticket_id: str) -> dict[str, Any]:
    from opsdesk.aura.requests import ApprovePlanRequest  # noqa: PLC0415 - pydantic loads with the first body

    ticket = service.approve_plan(current_principal(app), ticket_id, _body(ApprovePlanRequest, optional=True),
                                  sent_at=request_time(app))
    approved_at = to_rfc3339(ticket.plan_approved_at) if ticket.plan_approved_at else None
    return {"id": ticket.id, "status": ticket.status.value, "planApprovedAt": approved_at}


@app.post("/tickets/<ticket_id>/approve")
def handle_approve(ticket_id: str) -> dict[str, Any]:
    from opsdesk.aura.requests import ApprovalRequest  # noqa: PLC0415 - pydantic loads with the first body

    ticket = service.respond_to_approval(current_principal(app), ticket_id, _body(ApprovalRequest),
                                         sent_at=request_time(app))
    return {"id": ticket.id, "status": ticket.status.value, "pendingApproval": None}


@app.post("/tickets/<ticket_id>/answer")
def handle_answer(ticket_id: str) -> dict[str, Any]:
    from opsdesk.aura.requests import AnswerRequest  # noqa: PLC0415 - pydantic loads with the first body

    ticket = service.answer(current_principal(app), ticket_id, _body(AnswerRequest), sent_at=request_time(app))
    return {"id": ticket.id, "status": ticket.status.value, "pendingQuestion": None}


@app.post("/tickets/<ticket_id>/resume")
def handle_resume(ticket_id: str) -> dict[str, Any]:
    from opsdesk.aura.requests import ResumeRequest  # noqa: PLC0415 - pydantic loads with the first body

    ticket = service.resume(current_principal(app), ticket_id, _body(ResumeRequest, optional=True))
    return {"id": ticket.id, "status": ticket.status.value, "maxTurns": ticket.max_turns}


@app.post("/tickets/<ticket_id>/run")
def handle_run(ticket_id: str) -> Response[str]:
    ticket = service.run(current_principal(app), ticket_id)
    return json_response(202, {"message": "Agent started", "ticketId": ticket.id})


@app.get("/tickets/<ticket_id>/audit")
def handle_ticket_audit(ticket_id: str) -> dict[str, Any]:
    query = query_params(app)
    entries, total = service.ticket_audit(current_principal(app), ticket_id, parse_audit_types(query),
                                          parse_audit_page(query))
    return {"entries": within_page_bytes(audit_view(e) for e in entries), "total": total}


@app.get("/tickets/<ticket_id>/audit/verify")
def handle_verify_audit(ticket_id: str) -> dict[str, Any]:
    return chain_view(ticket_id, service.verify_audit(current_principal(app), ticket_id))


@app.get("/audit")
def handle_audit() -> dict[str, Any]:
    query = query_params(app)
    entries, total = service.audit(current_principal(app), parse_audit_filter(query), parse_audit_page(query))
    return {"entries": within_page_bytes(audit_view(e) for e in entries), "total": total}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
