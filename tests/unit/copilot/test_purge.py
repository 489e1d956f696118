"""A deleted project's leftovers (opsdesk.copilot.purge): the run's loop on a store in memory, and the partitions
it empties against every key builder of a project's items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsdesk.copilot.purge import SETTLE, MarkerPage, PendingPurge, purge_deleted_projects
from opsdesk.errors import RateLimited

DELETED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Purges:
    """Markers and the items left in each marked project, in memory; `failing` projects' deletes are throttled."""

    def __init__(self, left: dict[str, int], deleted_at: dict[str, datetime] | None = None,
                 failing: frozenset[str] = frozenset()) -> None:
        self.left = dict(left)
        self.markers = [PendingPurge("t1", project, (deleted_at or {}).get(project, DELETED), f"m-{project}")
                        for project in left]
        self.failing = failing
        self.calls: list[tuple[str, int]] = []
        self.pages: list[str | None] = []

    def pending(self, limit: int, after: str | None = None) -> MarkerPage:
        self.pages.append(after)
        start = next((i + 1 for i, m in enumerate(self.markers) if m.marker == after), 0)
        page = self.markers[start:start + limit]
        return MarkerPage(tuple(page), page[-1].marker if len(page) == limit else None)

    def delete_some(self, purge: PendingPurge, most: int) -> int:
        if purge.project_id in self.failing:
            raise RateLimited("The table is busy") if purge.project_id.endswith("busy") else RuntimeError("refused")
        deleted = min(most, self.left[purge.project_id])
        self.left[purge.project_id] -= deleted
        self.calls.append((purge.project_id, deleted))
        return deleted

    def forget(self, purge: PendingPurge) -> None:
        self.markers.remove(purge)


def test_a_run_empties_each_project_a_batch_at_a_time_and_forgets_the_settled_ones() -> None:
    purges = Purges({"p1": 250, "p2": 0, "p3": 30}, deleted_at={"p3": DELETED + SETTLE})

    run = purge_deleted_projects(purges, DELETED + SETTLE, lambda: False)

    assert purges.left == {"p1": 0, "p2": 0, "p3": 0}
    assert purges.calls == [("p1", 100), ("p1", 100), ("p1", 50), ("p1", 0), ("p2", 0), ("p3", 30), ("p3", 0)]
    # p3 was deleted just now: writes that began before its delete may still land, so its marker stays
    assert [m.project_id for m in purges.markers] == ["p3"]
    assert (run.projects, run.deleted, run.finished, run.failed, run.out_of_time) == (3, 280, 2, 0, False)


def test_a_run_out_of_time_stops_before_its_next_batch_and_keeps_the_marker() -> None:
    purges = Purges({"p1": 250, "p2": 10})
    batches_allowed = iter([False, False, True])

    run = purge_deleted_projects(purges, DELETED + timedelta(days=1), lambda: next(batches_allowed))

    assert purges.calls == [("p1", 100), ("p1", 100)]
    assert [m.project_id for m in purges.markers] == ["p1", "p2"]
    assert (run.deleted, run.finished, run.out_of_time) == (200, 0, True)


def test_a_run_reads_past_a_page_of_markers_still_settling_to_the_projects_deleted_after_them() -> None:
    recent = {f"p{i:02d}": DELETED + SETTLE for i in range(30)}
    purges = Purges({**dict.fromkeys(recent, 0), "last": 40}, deleted_at=recent)

    run = purge_deleted_projects(purges, DELETED + SETTLE, lambda: False)

    assert purges.left["last"] == 0
    assert purges.pages == [None, "m-p24"]
    assert (run.projects, run.deleted, run.finished) == (31, 40, 1)


def test_a_project_whose_purge_fails_is_counted_and_the_others_are_still_purged() -> None:
    # throttled past the batch retries, or any other refusal (a validation error comes back as pynamodb's own)
    purges = Purges({"p1-busy": 5, "p2-refused": 6, "p3": 7}, failing=frozenset({"p1-busy", "p2-refused"}))

    run = purge_deleted_projects(purges, DELETED + SETTLE, lambda: False)

    assert purges.left == {"p1-busy": 5, "p2-refused": 6, "p3": 0}
    assert [m.project_id for m in purges.markers] == ["p1-busy", "p2-refused"]
    assert (run.deleted, run.finished, run.failed) == (7, 1, 2)


def test_every_key_of_a_projects_items_is_in_a_partition_the_purge_empties() -> None:
    from opsdesk.alerts.repository import dedup_key_key, delivery_key, group_key, resolved_key, service_key
    from opsdesk.copilot import keys

    partitions = set(keys.project_partitions("t1", "p1"))
    project_keys = [
        keys.project_pk("t1", "p1"), keys.alerts_pk("t1", "p1"), keys.changes_pk("t1", "p1"),
        keys.usage_pk("t1", "p1"), group_key("t1", "p1", "i1")[0], dedup_key_key("t1", "p1", "k")[0],
        service_key("t1", "p1", "s")[0], delivery_key("t1", "p1", "d")[0], resolved_key("t1", "p1", "k")[0],
    ]

    assert set(project_keys) == partitions
    assert partitions.isdisjoint(keys.project_partitions("t1", "p10"))  # whole partition keys, not prefixes
