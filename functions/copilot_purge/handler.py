"""copilot-purge (scheduled, every 5 minutes): deletes what deleted projects left, their incidents, hypotheses,
alerts, changes, usage and alert groups (IncidentsTable) and their event streams (EventsTable), a batch at a time
while the run has time (opsdesk.copilot.purge). Idempotent: overlapping or repeated runs delete nothing twice,
and a run cut short leaves the rest to the next. A project whose purge failed fails the run, after the others were
purged."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from opsdesk.clock import utc_now
from opsdesk.copilot.purge import purge_deleted_projects
from opsdesk.copilot.purge_repository import PurgeRepository
from opsdesk.eventlog import EventLog
from opsdesk.observability import logger, metrics
from opsdesk.settings import CopilotSettings, load_settings

RESERVE_MILLIS = 20_000
"""Left of a run when it stops taking batches: one batch (a Query per partition or stream until 100 items are found,
and four BatchWriteItem calls) fits well inside."""

settings = load_settings(CopilotSettings)
purges = PurgeRepository(EventLog(), settings=settings)


@logger.inject_lambda_context
@metrics.log_metrics(raise_on_empty_metrics=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    run = purge_deleted_projects(purges, utc_now(), lambda: context.get_remaining_time_in_millis() < RESERVE_MILLIS)
    metrics.add_metric(name="ProjectItemsPurged", unit=MetricUnit.Count, value=run.deleted)
    summary = {"projects": run.projects, "deleted": run.deleted, "finished": run.finished, "failed": run.failed,
               "outOfTime": run.out_of_time}
    if run.deleted or run.finished:
        logger.info("deleted projects purged", extra=summary)
    if run.failed:  # each is logged; failing the run raises the function's alarm, and the next run tries again
        raise RuntimeError(f"{run.failed} deleted projects could not be purged: {summary}")
    return summary
