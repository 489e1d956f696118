"""helpdesk-reports: `/metrics/sla`, `/metrics/resolution`, `/metrics/tickets` (agent role), read from the
aggregates every ticket write keeps: a request reads the same few items however many tickets there are."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.http import create_api, current_principal
from opsdesk.observability import instrumented
from opsdesk.settings import HelpdeskSettings, load_settings

settings = load_settings(HelpdeskSettings)
app = create_api(HELPDESK, settings)
service = HelpdeskService(TicketRepository())


@app.get("/metrics/sla")
def handle_sla() -> dict[str, Any]:
    return service.sla_metrics(current_principal(app))


@app.get("/metrics/resolution")
def handle_resolution() -> dict[str, Any]:
    return service.resolution_metrics(current_principal(app))


@app.get("/metrics/tickets")
def handle_tickets_per_day() -> dict[str, Any]:
    return service.ticket_metrics(current_principal(app))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
