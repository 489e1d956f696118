"""Support analytics over HTTP against the local stack, whose demo tenant carries two months of history."""

from __future__ import annotations

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.test_support_api import BOB, CAROL

pytestmark = pytest.mark.xdist_group("local-stack")


def get(stack: RunningStack, username: str, path: str) -> requests.Response:
    return requests.get(f"{stack.support}/analytics/{path}", headers=stack.headers(username), timeout=10)


def test_the_summary_has_the_documented_fields_with_numbers(stack: RunningStack) -> None:
    reply = get(stack, BOB, "summary")

    assert reply.status_code == 200
    summary = reply.json()["summary"]
    assert set(summary) == {"totalIssues", "openIssues", "resolvedThisMonth", "avgResolutionTime",
                            "selfResolutionRate", "trends"}
    assert set(summary["trends"]) == {"issuesVsLastMonth", "resolutionTimeVsLastMonth", "selfResolutionVsLastMonth"}
    assert summary["totalIssues"] > summary["openIssues"] > 0  # the demo history
    assert summary["avgResolutionTime"] > 1.0
    assert 0.0 < summary["selfResolutionRate"] < 1.0


def test_planes_and_docs_effectiveness_have_the_documented_rows(stack: RunningStack) -> None:
    planes = get(stack, BOB, "planes").json()["distribution"]
    docs = get(stack, BOB, "docs-effectiveness").json()["docs"]

    assert {"plane", "count", "changeVsLastMonth"} == set(planes[0])
    assert {"url", "title", "type", "views", "helpfulMarks", "effectiveness", "trend"} == set(docs[0])
    assert all(row["trend"] in {"up", "down", "flat"} for row in docs)


def test_the_summary_of_date_times_counts_what_the_issue_list_of_the_same_bounds_totals(stack: RunningStack) -> None:
    """Bounds within a day count to the second, as the list does, not the whole days around them."""
    listed = requests.get(f"{stack.support}/issues", headers=stack.headers(BOB), timeout=10,
                          params={"limit": 100}).json()["issues"]
    created = sorted(issue["createdAt"] for issue in listed)
    params = {"startDate": created[1], "endDate": created[-2]}  # within the demo history's days

    summary = requests.get(f"{stack.support}/analytics/summary", headers=stack.headers(BOB), params=params,
                           timeout=10).json()["summary"]
    total = requests.get(f"{stack.support}/issues", headers=stack.headers(BOB), params=params,
                         timeout=10).json()["pagination"]["total"]
    planes = requests.get(f"{stack.support}/analytics/planes", headers=stack.headers(BOB), params=params,
                          timeout=10).json()["distribution"]

    assert summary["totalIssues"] == total == sum(row["count"] for row in planes) > 0


def test_a_search_counts_a_view_of_each_result(stack: RunningStack) -> None:
    headers = stack.headers(CAROL)  # Globex has no history: its figures are this test's alone
    results = requests.post(f"{stack.support}/docs/search", json={"query": "rotate secrets", "limit": 2},
                            headers=headers, timeout=10).json()["results"]

    docs = {doc["url"]: doc for doc in get(stack, CAROL, "docs-effectiveness").json()["docs"]}

    assert {r["url"] for r in results} <= set(docs)
    assert all(docs[r["url"]]["views"] >= 1 for r in results)


def test_a_bad_date_is_a_validation_error_in_the_support_envelope(stack: RunningStack) -> None:
    reply = get(stack, BOB, "summary?startDate=last-week")

    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "VALIDATION_ERROR"
    assert reply.json()["error"]["details"][0]["field"] == "startDate"
