"""helpdesk-sla-check (scheduled, every minute): finds tickets whose SLA clock passed its due time without the
breach being recorded (a Query per hour bucket of the `ticketsByDue` index over the lookback), and records each
breach once through core's HelpdeskService.mark_sla_breached, which publishes `ticket_updated` with it in the same
transaction. Idempotent: overlapping or repeated runs record nothing twice."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.eventlog import EventLog
from opsdesk.helpdesk.extras_repository import ExtrasRepository
from opsdesk.helpdesk.repository import TicketRepository
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.helpdesk.sla import run_breach_check
from opsdesk.observability import logger, metrics
from opsdesk.settings import HelpdeskSlaCheckSettings, load_settings

settings = load_settings(HelpdeskSlaCheckSettings)
tickets = TicketRepository(EventLog())
service = HelpdeskService(tickets)
extras = ExtrasRepository()


def check_now() -> dict[str, Any]:
    """One run: the work of the scheduled function, also called by the local stack every minute."""
    started = time.monotonic()
    now = utc_now()
    result = run_breach_check(now, timedelta(hours=settings.sla_check_lookback_hours), extras.query_due,
                              tickets.get_ticket, service.mark_sla_breached)
    duration = time.monotonic() - started
    extras.record_sla_check(utc_now(), duration, result.recorded)
    summary = {"at": to_rfc3339(now), "examined": result.examined, "recorded": result.recorded,
               "seconds": round(duration, 3)}
    if any(result.recorded.values()):
        logger.info("SLA breaches recorded", extra=summary)
    return summary


@logger.inject_lambda_context
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    summary = check_now()
    metrics.add_metric(name="SlaTicketsExamined", unit=MetricUnit.Count, value=summary["examined"])
    for kind, count in summary["recorded"].items():
        metrics.add_metric(name=f"SlaBreaches_{kind}", unit=MetricUnit.Count, value=count)
    return summary
