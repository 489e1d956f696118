"""Scheduled functions, locally: what EventBridge Scheduler does on AWS (invoke a function on a fixed rate with
a scheduler event), on a thread of `make dev`."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opsdesk.apimap import SERVED_MODULES
from scripts.local.functions import lambda_handler
from scripts.local.gateway import LambdaContext

LOG = logging.getLogger("opsdesk.local.schedules")


@dataclass(frozen=True)
class Schedule:
    function: str
    """Folder under functions/ whose handler.lambda_handler is invoked."""
    every_seconds: float
    run_seconds: int = 29
    """Its function's timeout (ScheduledJob.run_seconds): what the run's context says is left."""


# Every module's scheduled jobs from the API map, as CDK schedules them (EventBridge Scheduler on AWS).
SCHEDULES: tuple[Schedule, ...] = tuple(Schedule(job.group.name, float(job.every_seconds), job.run_seconds)
                                       for module in SERVED_MODULES for job in module.scheduled)


def scheduler_event(schedule: Schedule, region: str, now: datetime) -> dict[str, Any]:
    """The event EventBridge Scheduler's templated Lambda target sends by default (an empty detail)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "123456789012",
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:scheduler:{region}:123456789012:schedule/default/opsdesk-{schedule.function}"],
        "detail": {},
    }


class LocalScheduler:
    """Runs each schedule's function at its rate until stopped; a failed run is logged and the next one follows,
    as Scheduler would retry and move on."""

    def __init__(self, region: str, schedules: tuple[Schedule, ...] = SCHEDULES) -> None:
        self._region = region
        self._schedules = schedules
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(s,), name=f"schedule-{s.function}", daemon=True)
                         for s in schedules]

    def start(self) -> LocalScheduler:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self, schedule: Schedule) -> None:
        handler = lambda_handler(schedule.function)
        while not self._stop.wait(schedule.every_seconds):
            event = scheduler_event(schedule, self._region, datetime.now(UTC))
            try:
                handler(event, LambdaContext(f"opsdesk-local-{schedule.function}", self._region,
                                             timeout_seconds=schedule.run_seconds))
            except Exception:  # noqa: BLE001 - keep the schedule going, like Scheduler does
                LOG.exception("scheduled %s failed", schedule.function)
