"""support-analytics: the dashboard summary, issues by plane and documentation effectiveness, from aggregates."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import SUPPORT
from opsdesk.http import create_api, current_principal, query_params
from opsdesk.observability import instrumented
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.queries import parse_date_range
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import SupportService

settings = load_settings(SupportSettings)
app = create_api(SUPPORT, settings)
service = SupportService(SupportRepository())


@app.get("/api/analytics/summary")
def handle_summary() -> dict[str, Any]:
    principal = current_principal(app)
    start, end = parse_date_range(query_params(app))
    return service.analytics_summary(principal, start, end)


@app.get("/api/analytics/planes")
def handle_planes() -> dict[str, Any]:
    principal = current_principal(app)
    start, end = parse_date_range(query_params(app))
    return service.plane_distribution(principal, start, end)


@app.get("/api/analytics/docs-effectiveness")
def handle_docs_effectiveness() -> dict[str, Any]:
    return service.docs_effectiveness(current_principal(app))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
