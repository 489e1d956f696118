"""helpdesk-attachments: a ticket's attachments. Upload is presign (a URL for one S3 PUT of the declared file),
then confirm (the object must exist with exactly the declared size and type); delete removes item and object.
The ticket must be one of the caller's tenant (404 otherwise)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.attachments import AttachmentLimits, AttachmentService
from opsdesk.helpdesk.extras_repository import ExtrasRepository
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.http import create_api, current_principal, json_response, request_body
from opsdesk.objects import ObjectStore
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.settings import HelpdeskAttachmentSettings, load_settings

settings = load_settings(HelpdeskAttachmentSettings)
app = create_api(HELPDESK, settings)
tickets = HelpdeskService(TicketRepository())
attachments = AttachmentService(
    ExtrasRepository(),
    ObjectStore(settings.aws_region, settings.aws_endpoint_url),
    settings.attachments_bucket,
    AttachmentLimits(max_bytes=settings.attachment_max_bytes, upload_url_seconds=settings.attachment_upload_seconds),
)


@app.get("/tickets/<ticket_id>/attachments")
def handle_list_attachments(ticket_id: str) -> Response[str]:
    principal = current_principal(app)
    ticket = tickets.get_ticket(principal, ticket_id)
    return json_response(200, [a.as_json() for a in attachments.list(principal, ticket.id)])


@app.post("/tickets/<ticket_id>/attachments/presign")
def handle_presign_attachment(ticket_id: str) -> Response[str]:
    principal = current_principal(app)
    ticket = tickets.get_ticket(principal, ticket_id)
    from opsdesk.helpdesk.requests import AttachmentUpload  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, AttachmentUpload, settings.max_body_bytes)
    return json_response(201, attachments.presign(principal, ticket.id, request))


@app.post("/tickets/<ticket_id>/attachments")
def handle_confirm_attachment(ticket_id: str) -> Response[str]:
    principal = current_principal(app)
    ticket = tickets.get_ticket(principal, ticket_id)
    from opsdesk.helpdesk.requests import AttachmentConfirm  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, AttachmentConfirm, settings.max_body_bytes)
    return json_response(201, {"id": attachments.confirm(principal, ticket.id, request).id})


@app.delete("/tickets/<ticket_id>/attachments/<attachment_id>")
def handle_delete_attachment(ticket_id: str, attachment_id: str) -> dict[str, Any]:
    principal = current_principal(app)
    ticket = tickets.get_ticket(principal, ticket_id)
    attachments.delete(principal, ticket.id, attachment_id)
    return {"ok": True}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
