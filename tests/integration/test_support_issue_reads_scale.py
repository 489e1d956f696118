"""Every list is a Query: the DynamoDB items read by GET /issues and the analytics grow with the page, not with the
table (one pair of loaded tenants serves both: loading them is most of the time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.events import Caller

pytestmark = pytest.mark.xdist_group("support-scale")  # one worker loads the module's tenants once

BASE = "/support/api"
SMALL, LARGE = 500, 3_000
"""Six times as many issues: 500 is about the fewest that fill a page for every query below (three days of
issues); `make bench` compares 1,000 with 10,000."""


@dataclass(frozen=True)
class Loaded:
    caller: Caller
    queries: dict[str, str]
    tenant: Any


@pytest.fixture(scope="module")
def tenants(issues_handler: Any) -> dict[int, Loaded]:
    """One tenant of 500 issues and one of 3,000 over the same 60 days, loaded once for the module's tests (they
    only read): loading is most of their time, and every item loaded slows moto's index Queries for the rest
    of the worker's session."""
    from opsdesk.support.repository import SupportRepository
    from scripts.benchlib.dataset import WINDOW_END, load_tenant

    loaded: dict[int, Loaded] = {}
    for size in (SMALL, LARGE):
        tenant = load_tenant(SupportRepository(), size, label="first-page")
        catalog = tenant.catalog
        week_start = (WINDOW_END - timedelta(days=20)).date()
        queries = {
            "no filter": "",
            "customerId": f"customerId={catalog.customers[1].customer.id}",
            "planeId": f"planeId={catalog.planes[2].id}",
            "status": "status=resolved",
            "startDate+endDate":
                f"startDate={week_start}T06:00:00Z&endDate={week_start + timedelta(days=7)}T18:00:00Z",
            "startDate": f"startDate={(WINDOW_END - timedelta(days=3)).date()}",
        }
        loaded[size] = Loaded(Caller(catalog.tenant_id, {"issues": issues_handler}), queries, tenant)
    return loaded


def _items_read(caller: Caller, query: str) -> tuple[int, int]:
    from opsdesk.dynamo import metered_reads

    with metered_reads() as meter:
        reply = caller.get(f"{BASE}/issues?{query}")
    assert reply.status == 200, reply.body
    assert len(reply.body["issues"]) == 20
    return meter.items, reply.body["pagination"]["total"]


@pytest.mark.slow
def test_items_read_by_the_first_page_do_not_grow_with_the_table(tenants: dict[int, Loaded]) -> None:
    # Given two tenants holding 500 and 3,000 issues over the same 60 days
    small, small_queries = tenants[SMALL].caller, tenants[SMALL].queries
    large, large_queries = tenants[LARGE].caller, tenants[LARGE].queries

    for name in small_queries:
        # When each asks for the first page with one filter
        small_reads, small_total = _items_read(small, small_queries[name])
        large_reads, large_total = _items_read(large, large_queries[name])

        # Then totals scale with the table while the items read stay those of one page plus counters: for a
        # date range with times of day, day counters, at most 2 x 12 hour counters and the issues of its partial
        # edge hours (none here: the times are on the hour)
        assert large_total > small_total * 3, name
        assert min(small_reads, large_reads) >= 20, (name, small_reads, large_reads)
        for reads in (small_reads, large_reads):
            assert reads <= 20 + 8 + 2 * 12, (name, small_reads, large_reads)
        if name != "startDate+endDate":
            assert large_reads == small_reads, (name, small_reads, large_reads)


@pytest.mark.slow
def test_a_whole_day_date_range_reads_day_counters_not_issues(tenants: dict[int, Loaded]) -> None:
    from scripts.benchlib.dataset import WINDOW_END

    large = tenants[LARGE].caller
    start = (WINDOW_END - timedelta(days=45)).date()

    reads, total = _items_read(large, f"startDate={start}&endDate={start + timedelta(days=29)}")

    assert total == pytest.approx(LARGE / 2, rel=0.1)
    assert 20 < reads <= 20 + 31


@pytest.mark.slow
def test_combined_filters_count_their_total_from_counters_not_the_partition(tenants: dict[int, Loaded]) -> None:
    from opsdesk.dynamo import metered_reads

    # Given a tenant of 3,000 issues
    loaded, caller = tenants[LARGE].tenant, tenants[LARGE].caller
    customer, plane = loaded.catalog.customers[1].customer.id, loaded.catalog.planes[2].id
    cases = {
        f"customerId={customer}&status=in_progress":
            lambda i: i.customer.id == customer and i.status == "in_progress",
        f"planeId={plane}&status=open": lambda i: i.primary_plane.id == plane and i.status == "open",
        f"customerId={customer}&planeId={plane}&status=open":
            lambda i: i.customer.id == customer and i.primary_plane.id == plane and i.status == "open",
    }
    for query, matches in cases.items():
        # When it asks for the first page with two or three filters
        with metered_reads() as meter:
            reply = caller.get(f"{BASE}/issues?{query}")

        # Then the total is right, read from the combination's counter, and the items read are those the
        # page needed (the leading filter's partition holds 600 to 1,000 of them; it used to be read whole)
        assert reply.status == 200, reply.body
        assert reply.body["pagination"]["total"] == sum(1 for issue in loaded.issues if matches(issue)), query
        assert len(reply.body["issues"]) == 20
        assert meter.items < 400, (query, meter.items)


@pytest.mark.slow
def test_all_three_filters_read_their_page_and_one_counter_whatever_the_table(tenants: dict[int, Loaded]) -> None:
    from opsdesk.dynamo import metered_reads

    for size in (SMALL, LARGE):
        # Given tenants of 500 and 3,000 issues, and a customer, plane and status asked for together
        loaded, caller = tenants[size].tenant, tenants[size].caller
        customer, plane = loaded.catalog.customers[2].customer.id, loaded.catalog.planes[4].id
        matching = [i for i in loaded.issues
                    if i.customer.id == customer and i.primary_plane.id == plane and i.status == "closed"]

        # When the first page is asked for
        with metered_reads() as meter:
            reply = caller.get(f"{BASE}/issues?customerId={customer}&planeId={plane}&status=closed")

        # Then the combination's own index gives the page: the items read are the page and the total's counter
        # item, not the customer's issues until 20 match
        assert reply.status == 200, reply.body
        assert reply.body["pagination"]["total"] == len(matching)
        page = len(reply.body["issues"])
        assert page == min(20, len(matching))
        assert meter.items == page + 1, (size, meter.items, page)


@pytest.mark.slow
def test_date_time_ranges_count_exactly_the_issues_created_inside_them(tenants: dict[int, Loaded]) -> None:
    """Whole days, hours added or taken off an edge day, and partial hours issue by issue (counters.cover) add up
    to the issues created in [startDate, endDate), at any times of day, bounded or open."""
    import random

    from opsdesk.clock import parse_rfc3339, to_rfc3339
    from scripts.benchlib.dataset import WINDOW_DAYS, WINDOW_END

    # Given a tenant of 500 issues created at random moments over 60 days
    loaded, caller = tenants[SMALL].tenant, tenants[SMALL].caller
    created = [parse_rfc3339(issue.created_at) for issue in loaded.issues]
    rng = random.Random(23)
    for _ in range(8):
        start = WINDOW_END - timedelta(minutes=rng.randrange(WINDOW_DAYS * 24 * 60))
        end = start + timedelta(minutes=rng.randrange(30, 60 * 24 * 8))
        for low, high in ((start, end), (start, None), (None, end)):
            query = "&".join([*([f"startDate={to_rfc3339(low)}"] if low else []),
                              *([f"endDate={to_rfc3339(high)}"] if high else [])])
            # When it lists the range
            reply = caller.get(f"{BASE}/issues?{query.replace('+', '%2B')}")

            # Then the total is the number of issues created inside it
            assert reply.status == 200, reply.body
            expected = sum(1 for moment in created
                           if (low is None or low <= moment) and (high is None or moment < high))
            assert reply.body["pagination"]["total"] == expected, query


@pytest.mark.slow
def test_items_read_by_analytics_do_not_grow_with_the_issues(tenants: dict[int, Loaded],
                                                             catalog_handler: Any) -> None:
    from functions.support_analytics import handler as analytics_handler
    from opsdesk.dynamo import metered_reads

    ranged = "summary?startDate=2026-01-01&endDate=2026-12-31"
    reads: dict[int, dict[str, int]] = {}
    for size in (SMALL, LARGE):
        # Given tenants of 500 and 3,000 issues
        caller = Caller(tenants[size].tenant.catalog.tenant_id,
                        {"analytics": analytics_handler, "planes": catalog_handler})
        reads[size] = {}
        # When each asks for every analytics figure
        for path in ("summary", "planes", "docs-effectiveness", ranged):
            with metered_reads() as meter:
                reply = caller.get(f"{BASE}/analytics/{path}")
            assert reply.status == 200, reply.body
            reads[size][path] = meter.items
        assert caller.get(f"{BASE}/analytics/summary").body["summary"]["totalIssues"] == size

    # Then all-time figures read the same few items at six times the issues
    assert {p: n for p, n in reads[SMALL].items() if p != ranged} == {p: n for p, n in reads[LARGE].items()
                                                                     if p != ranged}
    # and a period reads one counter item per day that has any (issues and help sessions), never an issue
    assert reads[LARGE][ranged] <= 2 * (365 + 31 + 31)
    assert reads[LARGE][ranged] < LARGE / 10
