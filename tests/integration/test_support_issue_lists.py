from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.conftest import issue_body
from tests.integration.events import Caller

BASE = "/support/api"


def ids(reply: Any) -> list[str]:
    assert reply.status == 200, reply.body
    return [i["displayId"] for i in reply.body["issues"]]


@pytest.fixture
def listed(caller: Caller, tenant: dict[str, Any]) -> dict[str, Any]:
    """Five issues: three for Alpha on CI/CD, two for Beta on Data Platform; one in progress."""
    data = tenant["planes"]["data-platform"]
    layer = next(c.id for c in data.contexts if c.key == "data_layer")
    made = [caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"] for _ in range(3)]
    made += [
        caller.post(f"{BASE}/issues", issue_body(
            tenant, customerId=tenant["beta"], environmentId=tenant["beta_prod"], primaryPlaneId=data.id,
            contexts=[{"planeContextId": layer, "value": "warehouse"}])).body["issue"]
        for _ in range(2)
    ]
    caller.patch(f"{BASE}/issues/{made[1]['id']}", {"status": "in_progress"})
    return {"issues": made, "data_plane": data.id}


def test_list_is_newest_first_with_the_documented_shape(caller: Caller, listed: dict[str, Any]) -> None:
    reply = caller.get(f"{BASE}/issues")

    assert ids(reply) == [i["displayId"] for i in reversed(listed["issues"])]
    assert reply.body["pagination"] == {"page": 1, "limit": 20, "total": 5, "totalPages": 1}
    assert set(reply.body["issues"][0]) == {
        "id", "displayId", "title", "status", "customer", "environment", "primaryPlane", "createdAt"
    }


def test_each_filter_selects_its_issues_and_counts_them(caller: Caller, tenant: dict[str, Any],
                                                        listed: dict[str, Any]) -> None:
    made = listed["issues"]

    by_customer = caller.get(f"{BASE}/issues?customerId={tenant['beta']}")
    by_plane = caller.get(f"{BASE}/issues?planeId={listed['data_plane']}")
    by_status = caller.get(f"{BASE}/issues?status=in_progress")
    by_both = caller.get(f"{BASE}/issues?customerId={tenant['alpha']}&status=open")

    assert ids(by_customer) == [made[4]["displayId"], made[3]["displayId"]]
    assert by_customer.body["pagination"]["total"] == 2
    assert ids(by_plane) == ids(by_customer)
    assert ids(by_status) == [made[1]["displayId"]]
    assert by_status.body["pagination"]["total"] == 1
    assert ids(by_both) == [made[2]["displayId"], made[0]["displayId"]]
    assert by_both.body["pagination"]["total"] == 2


def test_dates_bound_the_list_and_its_total(caller: Caller, listed: dict[str, Any]) -> None:
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)

    assert caller.get(f"{BASE}/issues?startDate={today}&endDate={today}").body["pagination"]["total"] == 5
    assert caller.get(f"{BASE}/issues?startDate={tomorrow}").body["pagination"]["total"] == 0
    assert ids(caller.get(f"{BASE}/issues?endDate={today - timedelta(days=1)}")) == []
    second = listed["issues"][1]["createdAt"]
    after_second = caller.get(f"{BASE}/issues?startDate={second}")
    assert after_second.body["pagination"]["total"] == 4
    assert ids(after_second)[-1] == listed["issues"][1]["displayId"]


def test_pages_split_the_list_and_a_limit_above_the_documented_max_of_100_is_a_400(
    caller: Caller, listed: dict[str, Any],
) -> None:
    first = caller.get(f"{BASE}/issues?limit=2")
    third = caller.get(f"{BASE}/issues?limit=2&page=3")
    most = caller.get(f"{BASE}/issues?limit=100")
    over = caller.get(f"{BASE}/issues?limit=500")

    assert first.body["pagination"] == {"page": 1, "limit": 2, "total": 5, "totalPages": 3}
    assert ids(third) == [listed["issues"][0]["displayId"]]
    assert most.body["pagination"]["limit"] == 100
    assert over.status == 400
    assert over.body["error"]["details"] == [{"field": "limit", "message": "limit must be an integer from 1 to 100"}]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=done", "status"), ("customerId=abc", "customerId"), ("planeId=abc", "planeId"),
     ("startDate=yesterday", "startDate"), ("startDate=2026-02-01&endDate=2026-01-01", "endDate"),
     ("page=0", "page"), ("limit=-1", "limit"), ("page=two", "page")],
)
def test_a_bad_query_parameter_is_a_validation_error_naming_it(caller: Caller, query: str, field: str) -> None:
    reply = caller.get(f"{BASE}/issues?{query}")

    assert reply.status == 400
    assert reply.body["error"]["code"] == "VALIDATION_ERROR"
    assert field in {d["field"] for d in reply.body["error"]["details"]}


def test_status_counters_follow_every_move(caller: Caller, listed: dict[str, Any]) -> None:
    issue = listed["issues"][1]
    for status in ("resolved", "closed"):
        caller.patch(f"{BASE}/issues/{issue['id']}", {"status": status})

    totals = {s: caller.get(f"{BASE}/issues?status={s}").body["pagination"]["total"]
              for s in ("open", "in_progress", "resolved", "closed")}

    assert totals == {"open": 4, "in_progress": 0, "resolved": 0, "closed": 1}


def test_a_page_past_the_end_reads_no_issues(caller: Caller, listed: dict[str, Any]) -> None:
    from opsdesk.dynamo import metered_reads

    with metered_reads() as reads:
        reply = caller.get(f"{BASE}/issues?page=40&limit=100")

    assert ids(reply) == []
    assert reply.body["pagination"] == {"page": 40, "limit": 100, "total": 5, "totalPages": 1}
    assert reads.items == 1  # the counter that gave the total


def test_a_page_deeper_than_lists_are_read_is_empty_past_the_end_and_a_400_within_a_longer_list(
    caller: Caller, listed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    far = caller.get(f"{BASE}/issues?page=101&limit=100")  # 10,000 deep, past the end of 5 issues
    monkeypatch.setattr("opsdesk.pagination.MAX_OFFSET", 2)  # lists read 2 deep: the 5 issues are longer
    within = caller.get(f"{BASE}/issues?page=3&limit=1")
    past = caller.get(f"{BASE}/issues?page=6&limit=1")

    assert (far.status, ids(far), far.body["pagination"]["total"]) == (200, [], 5)
    assert within.status == 400 and within.body["error"]["details"][0]["field"] == "page"
    assert (past.status, ids(past)) == (200, [])


def test_combined_filters_keep_their_totals_through_status_moves_and_partial_days(
    caller: Caller, tenant: dict[str, Any], listed: dict[str, Any]
) -> None:
    made = listed["issues"]
    alpha, cicd = tenant["alpha"], tenant["planes"]["app-cicd"].id
    caller.patch(f"{BASE}/issues/{made[0]['id']}", {"status": "in_progress"})
    since = made[1]["createdAt"]  # a time of day: the partial first day is counted issue by issue

    open_alpha = caller.get(f"{BASE}/issues?customerId={alpha}&status=open")
    all_three = caller.get(f"{BASE}/issues?customerId={alpha}&planeId={cicd}&status=in_progress")
    open_alpha_since = caller.get(f"{BASE}/issues?customerId={alpha}&status=open&startDate={since}")

    assert (ids(open_alpha), open_alpha.body["pagination"]["total"]) == ([made[2]["displayId"]], 1)
    assert all_three.body["pagination"]["total"] == 2  # made[0] moved here, made[1] was already in progress
    assert open_alpha_since.body["pagination"]["total"] == 1


def test_a_status_move_between_the_reads_of_a_total_cannot_make_it_impossible(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A total sums several Queries of counter items. A day item less its hours outside the range would count an
    issue moved between two of them twice, or -1 times; a status's counts move after creation, so its hours are
    read inside the range instead (counters.cover), and each issue counts once or not at all."""
    from dataclasses import replace

    from opsdesk.support import issue_repository
    from opsdesk.support.records import IssueFilters, IssueStatus
    from opsdesk.support.repository import SupportRepository
    from scripts.benchlib.dataset import bench_tenant_id, seed_catalog, synthetic_issues

    # Given an open issue created at 00:30 on a day long past
    repository = SupportRepository()
    tenant_id = bench_tenant_id("status-race")
    (made,) = synthetic_issues(seed_catalog(repository, tenant_id), 1, first_number=1)
    issue = replace(made, created_at="2026-03-01T00:30:00Z", status=IssueStatus.OPEN, resolved_at=None)
    repository.create_issue(tenant_id, issue)
    day = IssueFilters(start=datetime(2026, 3, 1, 1, tzinfo=UTC), end=datetime(2026, 3, 1, 23, tzinfo=UTC))
    read_counters = issue_repository.counter_totals
    reads: list[int] = []

    def move_after_the_first_read(*args: Any, **kwargs: Any) -> Any:
        counted = read_counters(*args, **kwargs)
        reads.append(1)
        if len(reads) == 1:
            repository.update_issue(tenant_id, issue, replace(issue, status=IssueStatus.IN_PROGRESS,
                                                              version=issue.version + 1))
        return counted

    # When it moves to in progress between the Queries of a total for 01:00 to 23:00 that day, open ones only
    monkeypatch.setattr(issue_repository, "counter_totals", move_after_the_first_read)
    open_ones = repository.count_issues(tenant_id, replace(day, status=IssueStatus.OPEN))
    monkeypatch.setattr(issue_repository, "counter_totals", read_counters)

    # Then the issue, created outside the range, is counted in neither status: a status's hours are read inside
    # the range. The whole list, whose counts never move after creation, reads the day's item less the settled
    # hours outside (00 and 23)
    assert open_ones == 0
    assert repository.count_issues(tenant_id, replace(day, status=IssueStatus.IN_PROGRESS)) == 0
    ranges: list[tuple[str, str]] = []

    def record_ranges(*args: Any, **kwargs: Any) -> Any:
        ranges.append((args[2], args[3]))  # (partition key, low sort key, high sort key, names)
        return read_counters(*args, **kwargs)

    monkeypatch.setattr(issue_repository, "counter_totals", record_ranges)
    assert repository.count_issues(tenant_id, day) == 0
    assert sorted(ranges) == [("D#2026-03-01", "D#2026-03-01"), ("H#2026-03-01T00", "H#2026-03-01T00"),
                              ("H#2026-03-01T23", "H#2026-03-01T23")]
    ranges.clear()
    assert repository.count_issues(tenant_id, replace(day, status=IssueStatus.OPEN)) == 0
    assert ranges == [("H#2026-03-01T01", "H#2026-03-01T22")]
    assert repository.count_issues(tenant_id, replace(day, start=datetime(2026, 3, 1, tzinfo=UTC))) == 1
