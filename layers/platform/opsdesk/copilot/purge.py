"""What a deleted project leaves behind, deleted after it (functions/copilot_purge, scheduled).

A project's delete (CopilotStore.delete_project) takes its members, integrations and the project in a few
transactions; its incidents, hypotheses, alerts, changes, usage and alert groups can be thousands of items, too
many for a request. The delete's last transaction writes a purge marker instead, and the scheduled purge deletes
the project's partitions, then its event streams, a batch at a time, as long as its run has time, in the order the
projects were deleted. A marker is forgotten once its partitions and streams are empty and the delete is SETTLE
old: a write that began before the delete (a ranking that read the incident first) has landed by then, and the purge
after it takes it too. A project whose purge fails is logged and left for the next run; the others go on, and the
run then fails (its alarm)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from opsdesk.frozen import frozen

LOG = logging.getLogger(__name__)

SETTLE = timedelta(hours=1)
"""Longer than any write that began before the delete can take (Lambda stops every function within 15 minutes)."""
BATCH = 100
"""Items one batch deletes (four BatchWriteItem calls), read by as many Queries as partitions and streams hold them."""
MARKERS_PER_PAGE = 25
"""Markers read at a time; a run reads on while it has time."""


@frozen
class PendingPurge:
    tenant_id: str
    project_id: str
    deleted_at: datetime
    marker: str
    """The marker's sort key."""


@frozen
class MarkerPage:
    purges: tuple[PendingPurge, ...]
    after: str | None
    """Where the next page starts (None: this was the last). A marker that cannot be read is left out and logged."""


class ProjectPurges(Protocol):
    def pending(self, limit: int, after: str | None = None) -> MarkerPage:
        """Up to `limit` markers after `after`, oldest first."""
        ...

    def delete_some(self, purge: PendingPurge, most: int) -> int:
        """Deletes up to `most` items of the project's partitions and streams; how many (0: none is left)."""
        ...

    def forget(self, purge: PendingPurge) -> None:
        ...


@frozen
class PurgeRun:
    projects: int
    """Markers looked at."""
    deleted: int
    """Items deleted."""
    finished: int
    """Markers forgotten: projects with nothing left."""
    failed: int
    """Projects whose purge failed this run (logged; the next run tries again)."""
    out_of_time: bool


def purge_deleted_projects(purges: ProjectPurges, now: datetime, out_of_time: Callable[[], bool], *,
                           batch: int = BATCH, settle: timedelta = SETTLE) -> PurgeRun:
    """One run: each pending project's partitions and streams emptied a batch at a time while there is time, its
    marker forgotten when they are empty and its delete has settled."""
    looked = deleted = finished = failed = 0
    after: str | None = None
    while True:
        page = purges.pending(MARKERS_PER_PAGE, after)
        for purge in page.purges:
            looked += 1
            try:
                while True:
                    if out_of_time():
                        return PurgeRun(looked, deleted, finished, failed, out_of_time=True)
                    removed = purges.delete_some(purge, batch)
                    deleted += removed
                    if removed == 0:
                        break
                if now - purge.deleted_at >= settle:
                    purges.forget(purge)
                    finished += 1
            except Exception:  # noqa: BLE001 - whatever one project's purge meets, the others go on (see above)
                LOG.exception("purging deleted project %s of tenant %s failed", purge.project_id, purge.tenant_id)
                failed += 1
        if page.after is None:
            return PurgeRun(looked, deleted, finished, failed, out_of_time=False)
        after = page.after
