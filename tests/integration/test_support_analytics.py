"""GET /support/api/analytics/*: served from aggregates kept on write, so reads do not grow with the issues."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from tests.integration.conftest import issue_body
from tests.integration.events import Caller

BASE = "/support/api"


@pytest.fixture(scope="module")
def analytics_handler(local_aws: Any) -> ModuleType:
    from functions.support_analytics import handler

    return handler


@pytest.fixture(scope="module")
def docs_handler(local_aws: Any) -> ModuleType:
    from functions.support_docs import handler

    return handler


def user_of(tenant_id: str, user_id: str, **handlers: ModuleType) -> Caller:
    return Caller(tenant_id, handlers, user_id=user_id)


@pytest.fixture
def analyst(tenant: dict[str, Any], analytics_handler: ModuleType, issues_handler: ModuleType,
            docs_handler: ModuleType, catalog_handler: ModuleType) -> Caller:
    return user_of(tenant["id"], "analyst", analytics=analytics_handler, issues=issues_handler, docs=docs_handler,
                   planes=catalog_handler)


def test_summary_reflects_creates_and_the_status_workflow(analyst: Caller, tenant: dict[str, Any]) -> None:
    ids = [analyst.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]["id"] for _ in range(3)]
    for status in ("in_progress", "resolved"):
        assert analyst.patch(f"{BASE}/issues/{ids[0]}", {"status": status}).status == 200
    analyst.patch(f"{BASE}/issues/{ids[1]}", {"status": "in_progress"})

    reply = analyst.get(f"{BASE}/analytics/summary")

    assert reply.status == 200
    summary = reply.body["summary"]
    assert (summary["totalIssues"], summary["openIssues"], summary["resolvedThisMonth"]) == (3, 2, 1)
    assert summary["avgResolutionTime"] == 0.0  # resolved within seconds
    assert summary["trends"]["issuesVsLastMonth"] == 100  # none in the same days of last month


def test_an_issue_closed_without_being_resolved_counts_no_resolution(analyst: Caller, tenant: dict[str, Any]) -> None:
    issue_id = analyst.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]["id"]

    analyst.patch(f"{BASE}/issues/{issue_id}", {"status": "closed"})

    summary = analyst.get(f"{BASE}/analytics/summary").body["summary"]
    assert (summary["totalIssues"], summary["openIssues"], summary["resolvedThisMonth"]) == (1, 0, 0)


def test_reopening_takes_the_resolution_back(analyst: Caller, tenant: dict[str, Any]) -> None:
    issue_id = analyst.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]["id"]
    for status in ("in_progress", "resolved", "open"):
        analyst.patch(f"{BASE}/issues/{issue_id}", {"status": status})

    summary = analyst.get(f"{BASE}/analytics/summary").body["summary"]

    assert (summary["resolvedThisMonth"], summary["openIssues"]) == (0, 1)


def test_average_resolution_time_is_in_hours_over_issues_resolved_in_the_period(tenant: dict[str, Any],
                                                                                  analyst: Caller) -> None:
    from opsdesk.clock import to_rfc3339
    from opsdesk.support.repository import SupportRepository
    from opsdesk.support.service import SupportService

    repository = SupportRepository()
    template = SupportService(repository).get_issue(
        _principal(tenant["id"]), analyst.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]["id"])
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    imported = [
        replace(template, id=f"00000000-0000-4000-8000-00000000000{n}", display_id=f"ISS-2026-900{n}",
                status=template.status.RESOLVED, created_at=to_rfc3339(created),
                resolved_at=to_rfc3339(created + timedelta(hours=hours)))
        for n, hours in enumerate((2, 4, 9))
    ]
    repository.import_issues(tenant["id"], imported)

    march = analyst.get(f"{BASE}/analytics/summary?startDate=2026-03-01&endDate=2026-03-31").body["summary"]

    assert march["totalIssues"] == 3
    assert march["avgResolutionTime"] == 5.0


def test_searching_then_filing_an_issue_escalates_the_help_session(
    tenant: dict[str, Any], analyst: Caller, analytics_handler: ModuleType, docs_handler: ModuleType,
    issues_handler: ModuleType,
) -> None:
    escalating = user_of(tenant["id"], "searched-then-filed", docs=docs_handler, issues=issues_handler)
    self_served = user_of(tenant["id"], "searched-and-left", docs=docs_handler)
    for caller in (escalating, self_served, escalating):
        assert caller.post(f"{BASE}/docs/search", {"query": "pipeline timeout"}).status == 200
    assert escalating.post(f"{BASE}/issues", issue_body(tenant)).status == 201

    summary = analyst.get(f"{BASE}/analytics/summary").body["summary"]

    assert summary["selfResolutionRate"] == 0.5


def test_docs_effectiveness_counts_search_views_and_helpful_marks(analyst: Caller) -> None:
    results = analyst.post(f"{BASE}/docs/search", {"query": "pipeline timeout", "limit": 3}).body["results"]
    analyst.post(f"{BASE}/docs/search", {"query": "pipeline timeout", "limit": 3})
    top = results[0]
    analyst.post(f"{BASE}/docs/feedback", {"docUrl": top["url"], "docType": top["type"], "helpful": True})

    reply = analyst.get(f"{BASE}/analytics/docs-effectiveness")

    assert reply.status == 200
    by_url = {doc["url"]: doc for doc in reply.body["docs"]}
    assert by_url[top["url"]] == {"url": top["url"], "title": top["title"], "type": top["type"], "views": 2,
                                  "helpfulMarks": 1, "effectiveness": 0.5, "trend": "up"}
    assert len(by_url) == len(results)


def test_plane_distribution_names_planes_with_counts(analyst: Caller, tenant: dict[str, Any]) -> None:
    analyst.post(f"{BASE}/issues", issue_body(tenant))

    rows = analyst.get(f"{BASE}/analytics/planes").body["distribution"]

    assert rows[0] == {"plane": tenant["planes"]["app-cicd"].name, "count": 1, "changeVsLastMonth": 100}
    assert {row["plane"] for row in rows} == {plane.name for plane in tenant["planes"].values()}


def test_another_tenants_analytics_show_none_of_this_tenants_figures(
    analyst: Caller, tenant: dict[str, Any], outsider: Caller, analytics_handler: ModuleType
) -> None:
    analyst.post(f"{BASE}/issues", issue_body(tenant))
    stranger = Caller(outsider.tenant_id, {"analytics": analytics_handler})

    assert stranger.get(f"{BASE}/analytics/summary").body["summary"]["totalIssues"] == 0
    assert stranger.get(f"{BASE}/analytics/planes").body == {"distribution": []}
    assert stranger.get(f"{BASE}/analytics/docs-effectiveness").body == {"docs": []}


@pytest.mark.parametrize(("query", "field"), [("startDate=yesterday", "startDate"),
                                              ("startDate=2026-03-05&endDate=2026-03-01", "endDate")])
def test_a_bad_period_names_the_field(analyst: Caller, query: str, field: str) -> None:
    reply = analyst.get(f"{BASE}/analytics/summary?{query}")

    assert reply.status == 400
    assert reply.body["error"]["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in reply.body["error"]["details"]] == [field]


def test_analytics_need_a_signed_in_user(analyst: Caller) -> None:
    assert analyst.call("GET", f"{BASE}/analytics/summary", anonymous=True).status == 401


def _principal(tenant_id: str) -> Any:
    from opsdesk.auth import Principal

    return Principal(user_id="analyst", tenant_id=tenant_id, username="analyst", groups=frozenset())
