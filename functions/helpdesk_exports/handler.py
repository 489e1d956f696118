"""helpdesk-exports: `POST /exports/tickets` (agent role) writes the CSV of the caller's tenant's tickets to the
exports bucket and answers `{url}`, a presigned download link valid for a few minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.exports import ExportService
from opsdesk.helpdesk.extras_repository import ExtrasRepository
from opsdesk.helpdesk.requests import ExportTicketsRequest  # its only route validates a body: pydantic at import
from opsdesk.helpdesk.ticket_repository import TicketRecordRepository
from opsdesk.helpdesk.views import ticket_view
from opsdesk.helpdesk.workflow import require_agent
from opsdesk.http import create_api, current_principal, request_body
from opsdesk.objects import ObjectStore
from opsdesk.observability import instrumented
from opsdesk.settings import HelpdeskExportSettings, load_settings

settings = load_settings(HelpdeskExportSettings)
app = create_api(HELPDESK, settings)
ticket_store = TicketRecordRepository()


def ticket_views(tenant_id: str, ticket_ids: Sequence[str], now: datetime) -> list[dict[str, Any]]:
    return [ticket_view(ticket, now) for ticket in ticket_store.get_tickets(tenant_id, ticket_ids)]


exports = ExportService(ticket_views, ObjectStore(settings.aws_region, settings.aws_endpoint_url), ExtrasRepository(),
                        settings.exports_bucket, url_seconds=settings.export_url_seconds)


@app.post("/exports/tickets")
def handle_export_tickets() -> dict[str, Any]:
    principal = current_principal(app)
    require_agent(principal)  # before the body: a caller without the role learns nothing about its validity
    request = request_body(app, ExportTicketsRequest, settings.max_body_bytes)
    return {"url": exports.export_tickets(principal, request)}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
