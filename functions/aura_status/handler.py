"""aura-status: `GET /info` (the deployment's model and features) and `GET /stats` (the tenant's tickets, tokens and
the agent's turns and tool calls, from the aggregates kept on write: reads do not grow with tickets or entries)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import AURA
from opsdesk.aura.info import info_view
from opsdesk.aura.repository import AuraRepository
from opsdesk.aura.wiring import aura_service
from opsdesk.http import create_api, current_principal
from opsdesk.observability import instrumented
from opsdesk.settings import AuraSettings, load_settings

settings = load_settings(AuraSettings)
app = create_api(AURA, settings)
# Read-only: no event log (the function has no EventsTable), no kicks.
service = aura_service(settings, AuraRepository(settings=settings))


@app.get("/info")
def handle_info() -> dict[str, Any]:
    current_principal(app)
    return info_view(settings)


@app.get("/stats")
def handle_stats() -> dict[str, Any]:
    return service.stats(current_principal(app))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
