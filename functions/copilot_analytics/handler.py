"""copilot-analytics: AI token usage, the cost summary and per-incident AI figures of the current project, from
the aggregates kept on write (opsdesk.copilot.analytics)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.clock import utc_now
from opsdesk.copilot.analytics import (
    MAX_RANGE_DAYS,
    MOST_EXPENSIVE,
    DayRange,
    cost_summary,
    incident_analytics,
    token_usage,
)
from opsdesk.copilot.queries import parse_day, parse_days
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import CopilotService
from opsdesk.errors import ValidationFailed
from opsdesk.http import create_api, current_principal, query_params
from opsdesk.observability import instrumented
from opsdesk.settings import CopilotSettings, load_settings

settings = load_settings(CopilotSettings)
app = create_api(COPILOT, settings)
repository = CopilotRepository()
service = CopilotService(repository)


@app.get("/analytics/token-usage")
def handle_token_usage() -> dict[str, Any]:
    context = service.context(current_principal(app))
    query = query_params(app)
    today = utc_now().date()
    last = parse_day(query, "end_date", today)
    # The document's default is "7 days ago": today's date minus 7 (eight days of timeline with today's).
    first = parse_day(query, "start_date", last - timedelta(days=7))
    if first > last:
        raise ValidationFailed.on_field("start_date", "start_date must not be after end_date")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationFailed.on_field("start_date", f"the range may span at most {MAX_RANGE_DAYS} days")
    days = DayRange(first, last)
    return token_usage(days, repository.usage_days(context.tenant_id, context.project_id, first, last))


@app.get("/analytics/cost-summary")
def handle_cost_summary() -> dict[str, Any]:
    context = service.context(current_principal(app))
    days = parse_days(query_params(app))
    last = utc_now().date()
    first = last - timedelta(days=days - 1)
    return cost_summary(repository.usage_days(context.tenant_id, context.project_id, first, last),
                        repository.incident_days(context.tenant_id, context.project_id, first, last),
                        repository.most_expensive_incidents(context.tenant_id, context.project_id, MOST_EXPENSIVE))


@app.get("/analytics/incident-metrics/<incident_id>")
def handle_incident_metrics(incident_id: str) -> dict[str, Any]:
    return incident_analytics(service.get_incident(current_principal(app), incident_id))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
