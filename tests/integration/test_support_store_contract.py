"""One contract, two stores: the same cases run against the in-memory fake the unit tests use and the DynamoDB
repository on moto, so the fake cannot drift from what production stores (lists, totals, counters, conflicts)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from opsdesk.dynamo import spilling_counters
from opsdesk.errors import Conflict
from opsdesk.pagination import PageRequest
from opsdesk.support.analytics import DayRange
from opsdesk.support.records import EnvironmentRef, Issue, IssueFilters, IssueStatus, Ref
from opsdesk.support.store import SupportStore
from tests.unit.fakes import InMemorySupportStore

ALPHA, BETA = Ref("c-alpha", "Alpha"), Ref("c-beta", "Beta")
CICD, INFRA = Ref("p-cicd", "CI/CD"), Ref("p-infra", "Infra")


@pytest.fixture(params=["in-memory", "dynamodb", "dynamodb-spilled"])
def store(request: pytest.FixtureRequest) -> Iterator[SupportStore]:
    """`dynamodb-spilled`: every write adds to its counters' spill items, as writers do after a lost race
    (opsdesk.dynamo.counter_sk), so the reads must sum them."""
    if request.param == "in-memory":
        yield InMemorySupportStore()
        return
    request.getfixturevalue("local_aws")
    from opsdesk.support.repository import SupportRepository

    with spilling_counters() if request.param == "dynamodb-spilled" else nullcontext():
        yield SupportRepository()


def issue(day: int, customer: Ref = ALPHA, plane: Ref = CICD, status: IssueStatus = IssueStatus.OPEN) -> Issue:
    created = f"2026-03-{day:02d}T10:00:00.000Z"
    return Issue(id=str(uuid.uuid4()), display_id=f"ISS-2026-{day:04d}", title="t", description="d", status=status,
                 customer=customer, environment=EnvironmentRef("e1", "qa", "qa"), primary_plane=plane,
                 secondary_planes=(), contexts=(), submitter_handle="h", pipeline_url=None, created_at=created,
                 updated_at=created, created_by="u1")


def test_a_created_issue_reads_back_equal_a_retry_is_done_and_another_with_its_id_conflicts(
    store: SupportStore,
) -> None:
    tenant, created = str(uuid.uuid4()), issue(1)
    store.create_issue(tenant, created)
    store.create_issue(tenant, created)  # a client's retry of the same create: done, nothing twice

    assert store.get_issue(tenant, created.id) == created
    assert store.get_issue(str(uuid.uuid4()), created.id) is None
    assert store.issue_totals(tenant, DayRange())["all"] == 1
    with pytest.raises(Conflict):
        store.create_issue(tenant, replace(created, title="another"))


def test_an_update_from_a_stale_version_is_a_conflict(store: SupportStore) -> None:
    tenant, created = str(uuid.uuid4()), issue(1)
    store.create_issue(tenant, created)
    moved = replace(created, status=IssueStatus.IN_PROGRESS, version=2)
    store.update_issue(tenant, created, moved)

    with pytest.raises(Conflict):
        store.update_issue(tenant, created, replace(created, title="late", version=2))
    assert store.get_issue(tenant, created.id) == moved


@pytest.mark.parametrize(("filters", "expected_days"), [
    (IssueFilters(), [5, 4, 3, 2, 1]),
    (IssueFilters(customer_id=BETA.id), [4, 2]),
    (IssueFilters(customer_id=ALPHA.id, plane_id=INFRA.id), [5]),
    (IssueFilters(status=IssueStatus.RESOLVED, plane_id=CICD.id), [3]),
    (IssueFilters(start=datetime(2026, 3, 2, tzinfo=UTC), end=datetime(2026, 3, 5, tzinfo=UTC)), [4, 3, 2]),
    (IssueFilters(customer_id=BETA.id, start=datetime(2026, 3, 1, 12, tzinfo=UTC)), [4, 2]),
    (IssueFilters(start=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), end=datetime(2026, 3, 4, 10, 30, tzinfo=UTC)),
     [4, 3, 2]),
    (IssueFilters(start=datetime(2026, 3, 3, 10, tzinfo=UTC), end=datetime(2026, 3, 3, 11, tzinfo=UTC)), [3]),
    (IssueFilters(end=datetime(2026, 3, 3, 10, tzinfo=UTC)), [2, 1]),
])
def test_lists_are_newest_first_with_the_filters_total_which_counting_alone_gives_too(
        store: SupportStore, filters: IssueFilters, expected_days: list[int]) -> None:
    tenant = str(uuid.uuid4())
    for made in (issue(1), issue(2, BETA), issue(3, status=IssueStatus.RESOLVED), issue(4, BETA),
                 issue(5, plane=INFRA)):
        store.create_issue(tenant, made)

    page = store.query_issues(tenant, filters, PageRequest(page=1, limit=2))

    assert page.total == len(expected_days) == store.count_issues(tenant, filters)
    assert [int(i.display_id[-2:]) for i in page.items] == expected_days[:2]


def test_totals_follow_status_moves_resolutions_and_reopens_by_day(store: SupportStore) -> None:
    tenant, first = str(uuid.uuid4()), issue(1)
    store.create_issue(tenant, first)
    store.create_issue(tenant, issue(2, BETA))
    resolved = replace(first, status=IssueStatus.RESOLVED, resolved_at="2026-03-03T10:00:00.000Z", version=2)
    store.update_issue(tenant, first, resolved)
    march_1, march_3 = DayRange(date(2026, 3, 1), date(2026, 3, 1)), DayRange(date(2026, 3, 3), date(2026, 3, 3))

    assert _counts(store.issue_totals(tenant, DayRange()), "all", "status:resolved", "resolved") == (2, 1, 1)
    assert _counts(store.issue_totals(tenant, march_1), "all", "status:open", "status:resolved") == (1, 0, 1)
    assert store.issue_totals(tenant, march_3)["resolutionSeconds"] == 2 * 86_400

    store.update_issue(tenant, resolved, replace(resolved, status=IssueStatus.OPEN, resolved_at=None, version=3))

    assert _counts(store.issue_totals(tenant, DayRange()), "resolved", "status:open") == (0, 2)


def _counts(totals: Any, *names: str) -> tuple[int, ...]:
    return tuple(int(totals.get(name, 0)) for name in names)
