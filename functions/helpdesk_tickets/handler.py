"""helpdesk-tickets: tickets (list with filters and search, create, get, agent-only update), their comments and
watchers; a resolve mails the requester the CSAT survey link (opsdesk.helpdesk.mail). Attachments are the
helpdesk_attachments function's (`/tickets/{id}/attachments`)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.directory import CognitoTenantUsers
from opsdesk.eventlog import EventLog
from opsdesk.helpdesk.mail import survey_mailer
from opsdesk.helpdesk.queries import parse_comment_page, parse_ticket_filters, parse_ticket_page, parse_ticket_search
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.helpdesk.views import comment_view, created_ticket_view, ticket_view
from opsdesk.http import (
    array_response,
    create_api,
    current_channel,
    current_principal,
    json_response,
    query_params,
    request_body,
)
from opsdesk.observability import instrumented
from opsdesk.pagination import Page
from opsdesk.restapi import Response
from opsdesk.settings import HelpdeskMailSettings, UserLookupSettings, load_settings

settings = load_settings(HelpdeskMailSettings)
app = create_api(HELPDESK, settings)
# A resolve mails the requester the CSAT survey (SES), unless the stage has no mail settings. An assignee or a
# watcher other than the caller is looked up in the user pool.
service = HelpdeskService(
    TicketRepository(EventLog()), mailer=survey_mailer(settings),
    users=CognitoTenantUsers(load_settings(UserLookupSettings).user_pool_id, region=settings.aws_region,
                             endpoint_url=settings.aws_endpoint_url))


def _list(items: list[Any], page: Page[Any]) -> Response[str]:
    return array_response(items, page.next_cursor)


@app.get("/tickets")
def handle_list_tickets() -> Response[str]:
    principal, query = current_principal(app), query_params(app)
    page = service.list_tickets(principal, parse_ticket_filters(query, principal), parse_ticket_page(query),
                                parse_ticket_search(query))
    now = service.ticket_now()
    return _list([ticket_view(t, now) for t in page.items], page)


@app.post("/tickets")
def handle_create_ticket() -> Response[str]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import CreateTicketRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateTicketRequest, settings.max_body_bytes)
    ticket = service.create_ticket(principal, request, current_channel(app))
    return json_response(201, created_ticket_view(ticket))


@app.get("/tickets/<ticket_id>")
def handle_get_ticket(ticket_id: str) -> dict[str, Any]:
    ticket = service.get_ticket(current_principal(app), ticket_id)
    return ticket_view(ticket, service.ticket_now())


@app.patch("/tickets/<ticket_id>")
def handle_update_ticket(ticket_id: str) -> dict[str, Any]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import UpdateTicketRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, UpdateTicketRequest, settings.max_body_bytes)
    service.update_ticket(principal, ticket_id, request)
    return {"ok": True}


@app.get("/tickets/<ticket_id>/comments")
def handle_list_comments(ticket_id: str) -> Response[str]:
    page = service.list_comments(current_principal(app), ticket_id, parse_comment_page(query_params(app)))
    return _list([comment_view(c) for c in page.items], page)


@app.post("/tickets/<ticket_id>/comments")
def handle_add_comment(ticket_id: str) -> Response[str]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import CreateCommentRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, CreateCommentRequest, settings.max_body_bytes)
    comment = service.add_comment(principal, ticket_id, request)
    return json_response(201, {"id": comment.id})


@app.get("/tickets/<ticket_id>/watchers")
def handle_list_watchers(ticket_id: str) -> Response[str]:
    return json_response(200, service.list_watchers(current_principal(app), ticket_id))


@app.post("/tickets/<ticket_id>/watchers")
def handle_add_watcher(ticket_id: str) -> Response[str]:
    principal = current_principal(app)
    from opsdesk.helpdesk.requests import AddWatcherRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, AddWatcherRequest, settings.max_body_bytes)
    service.add_watcher(principal, ticket_id, request)
    return json_response(201, {"ok": True})


@app.delete("/tickets/<ticket_id>/watchers/<user_id>")
def handle_remove_watcher(ticket_id: str, user_id: str) -> dict[str, Any]:
    service.remove_watcher(current_principal(app), ticket_id, user_id)
    return {"ok": True}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
