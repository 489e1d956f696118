"""Support analytics: periods, trends, the self-resolution rate and doc effectiveness, over the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import ValidationFailed
from opsdesk.pagination import PageRequest
from opsdesk.search.model import SearchHit
from opsdesk.support.analytics import (
    DayRange,
    DocStats,
    day_range,
    docs_effectiveness_view,
    percent_change,
    same_span_last_month,
    this_month,
    trend,
)
from opsdesk.support.records import IssueFilters, IssueStatus
from opsdesk.support.requests import DocFeedbackRequest, UpdateIssueRequest
from opsdesk.support.service import SupportService
from tests.unit.conftest import START
from tests.unit.fakes import DemoCatalog, FakeClock, InMemorySupportStore, principal

DOC = "https://happycloud.com/docs/app-cicd/how-to/configure-timeouts"


def hit(url: str = DOC, title: str = "How to Configure Pipeline Timeout Settings") -> SearchHit:
    return SearchHit(title=title, type="how-to", excerpt="...", url=url, relevance=0.9, plane="App CI/CD")


# Periods and trends


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (88, 100, -12), (115, 100, 15), (0, 0, 0), (5, 0, 100), (0, 4, -100), (1, 3, -67),
])
def test_percent_change_is_a_whole_number_and_from_zero_is_plus_100(current: float, previous: float,
                                                                    expected: int) -> None:
    assert percent_change(current, previous) == expected


def test_a_period_with_times_of_day_covers_whole_days_with_end_exclusive() -> None:
    start = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    end = datetime(2026, 11, 10, tzinfo=UTC)  # endDate=2026-11-09 as a bare date means up to the 10th

    assert day_range(start, end) == DayRange(date(2026, 11, 2), date(2026, 11, 9))
    assert day_range(None, None).all_time


def test_an_empty_period_is_a_validation_error_naming_end_date() -> None:
    moment = datetime(2026, 11, 2, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as raised:
        day_range(moment, moment)
    assert [d.field for d in raised.value.details] == ["endDate"]


def test_this_month_runs_to_the_periods_last_day_and_last_month_covers_the_same_days() -> None:
    month = this_month(DayRange(None, date(2026, 3, 31)), today=date(2026, 11, 23))

    assert month == DayRange(date(2026, 3, 1), date(2026, 3, 31))
    # February has no 31st: the whole of February stands against the whole of March
    assert same_span_last_month(month) == DayRange(date(2026, 2, 1), date(2026, 2, 28))
    assert same_span_last_month(DayRange(date(2026, 1, 1), date(2026, 1, 15))) == DayRange(date(2025, 12, 1),
                                                                                          date(2025, 12, 15))


def test_without_an_end_this_month_is_the_month_to_date() -> None:
    assert this_month(DayRange(), today=date(2026, 11, 23)) == DayRange(date(2026, 11, 1), date(2026, 11, 23))


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (0.40, 0.30, "up"), (0.30, 0.40, "down"), (0.42, 0.40, "flat"), (0.0, 0.0, "flat"),
])
def test_effectiveness_trend_ignores_moves_under_five_points(current: float, previous: float, expected: str) -> None:
    assert trend(current, previous) == expected


def test_effectiveness_is_helpful_marks_per_view_and_never_above_one() -> None:
    shown = DocStats(url=DOC, title="t", type="how-to", views=45, helpful=18)
    marked_unseen = DocStats(url=DOC + "-2", title="t", type="how-to", views=1, helpful=3)

    view = docs_effectiveness_view([shown, marked_unseen], [shown], [])

    assert view["docs"][0] == {"url": DOC, "title": "t", "type": "how-to", "views": 45, "helpfulMarks": 18,
                               "effectiveness": 0.4, "trend": "up"}
    assert view["docs"][1]["effectiveness"] == 1.0


# The service over the in-memory store


@pytest.fixture
def resolve(service: SupportService, user: Principal, clock: FakeClock) -> Any:
    def _resolve(issue_id: str, after: timedelta) -> None:
        service.update_issue(user, issue_id, UpdateIssueRequest(status="in_progress"))
        clock.advance(seconds=after.total_seconds())
        service.update_issue(user, issue_id, UpdateIssueRequest(status="resolved"))

    return _resolve


def test_summary_counts_issues_open_ones_and_resolution_hours(
    service: SupportService, user: Principal, create: Any, resolve: Any, clock: FakeClock
) -> None:
    first, second, _ = create(), create(), create()
    resolve(first.id, timedelta(hours=3))
    resolve(second.id, timedelta(hours=5))  # 3 h + 5 h after creation

    summary = service.analytics_summary(user, None, None)["summary"]

    assert summary["totalIssues"] == 3
    assert summary["openIssues"] == 1
    assert summary["resolvedThisMonth"] == 2
    assert summary["avgResolutionTime"] == 5.5  # (3 + 8) / 2 hours
    assert set(summary["trends"]) == {"issuesVsLastMonth", "resolutionTimeVsLastMonth", "selfResolutionVsLastMonth"}


def test_summary_compares_this_month_to_date_with_the_same_days_of_last_month(
    service: SupportService, user: Principal, create: Any, clock: FakeClock
) -> None:
    # START is 15 January: two issues on 10 December (inside 1-15 Dec), one on 20 December (outside)
    clock.now = START - timedelta(days=36)
    create(), create()
    clock.now = START - timedelta(days=26)
    create()
    clock.now = START
    create(), create(), create()

    trends = service.analytics_summary(user, None, None)["summary"]["trends"]

    assert trends["issuesVsLastMonth"] == 50  # 3 against 2


def test_a_date_range_selects_issues_created_in_it(service: SupportService, user: Principal, create: Any,
                                                   clock: FakeClock) -> None:
    clock.now = START - timedelta(days=40)
    create()
    clock.now = START
    create()

    in_range = service.analytics_summary(user, START - timedelta(days=1), START + timedelta(days=1))

    assert in_range["summary"]["totalIssues"] == 1


def test_bounds_within_a_day_count_the_issues_created_between_them_as_the_issue_list_does(
    service: SupportService, user: Principal, create: Any, clock: FakeClock, catalog: DemoCatalog
) -> None:
    day = datetime.combine(START.date(), datetime.min.time(), tzinfo=UTC)
    for hours in (1, 3, 8):  # 01:00, 03:00 (another plane), 08:00 of one day
        clock.now = day + timedelta(hours=hours)
        create(**({"primaryPlaneId": catalog.observability.id, "contexts": []} if hours == 3 else {}))
    start, end = day + timedelta(hours=2), day + timedelta(hours=8)  # 08:00 itself is outside: end is exclusive

    within = service.analytics_summary(user, start, end)["summary"]
    whole_day = service.analytics_summary(user, day, day + timedelta(days=1))["summary"]
    planes = {row["plane"]: row["count"] for row in service.plane_distribution(user, start, end)["distribution"]}

    listed = service.list_issues(user, IssueFilters(start=start, end=end), PageRequest(page=1, limit=20)).total
    assert (within["totalIssues"], within["openIssues"]) == (listed, 1) == (1, 1)
    assert (whole_day["totalIssues"], whole_day["openIssues"]) == (3, 3)
    assert planes == {catalog.observability.name: 1, catalog.cicd.name: 0, catalog.infra.name: 0}


def test_a_help_session_followed_by_an_issue_is_escalated(
    service: SupportService, user: Principal, store: InMemorySupportStore, create: Any, clock: FakeClock
) -> None:
    helped = principal(user.tenant_id, user_id="helped-by-docs")
    service.record_help_activity(helped, "search")
    service.record_help_activity(user, "search")
    clock.advance(minutes=10)
    service.record_help_activity(user, "chat")  # the same session: no gap over 30 minutes
    clock.advance(hours=2)
    create()  # by `user`: their session ends in an issue

    assert store.help_totals(user.tenant_id, DayRange()) == {"sessions": 2, "escalated": 1}
    assert service.analytics_summary(user, None, None)["summary"]["selfResolutionRate"] == 0.5


def test_activity_after_a_long_gap_starts_a_new_session_and_an_old_session_is_not_escalated(
    service: SupportService, user: Principal, store: InMemorySupportStore, create: Any, clock: FakeClock
) -> None:
    service.record_help_activity(user, "search")
    clock.advance(minutes=31)
    service.record_help_activity(user, "search")
    clock.advance(hours=25)
    create()  # more than a day after the last search: the docs did their job then

    assert store.help_totals(user.tenant_id, DayRange()) == {"sessions": 2, "escalated": 0}


def test_a_second_issue_does_not_escalate_a_session_twice(
    service: SupportService, user: Principal, store: InMemorySupportStore, create: Any, tenant_id: str
) -> None:
    service.record_help_activity(user, "chat")
    create(), create()

    assert store.help_totals(tenant_id, DayRange())["escalated"] == 1


def test_unknown_help_activity_is_a_programming_error(service: SupportService, user: Principal) -> None:
    with pytest.raises(ValueError, match="unknown help activity"):
        service.record_help_activity(user, "browse")


def test_plane_distribution_lists_every_plane_busiest_first(
    service: SupportService, user: Principal, create: Any, catalog: DemoCatalog
) -> None:
    create(), create()
    create(primaryPlaneId=catalog.observability.id, contexts=[])

    rows = service.plane_distribution(user, None, None)["distribution"]

    assert [(row["plane"], row["count"]) for row in rows] == [
        (catalog.cicd.name, 2), (catalog.observability.name, 1), (catalog.infra.name, 0)]
    assert rows[0]["changeVsLastMonth"] == 100  # none in the same days of last month


def test_docs_effectiveness_counts_views_from_results_and_helpful_feedback(
    service: SupportService, user: Principal
) -> None:
    other = "https://happycloud.com/docs/app-cicd/reference/pipeline-settings"
    for _ in range(5):
        service.record_doc_views(user, [hit(), hit(other, "Pipeline settings reference")])
    service.record_feedback(user, DocFeedbackRequest(docUrl=DOC, docType="how-to", helpful=True))
    service.record_feedback(user, DocFeedbackRequest(docUrl=DOC, docType="how-to", helpful=False))

    docs = service.docs_effectiveness(user)["docs"]

    by_url = {doc["url"]: doc for doc in docs}
    assert by_url[DOC]["views"] == 5
    assert by_url[DOC]["helpfulMarks"] == 1
    assert by_url[DOC]["effectiveness"] == 0.2
    assert by_url[DOC]["trend"] == "up"
    assert by_url[other]["effectiveness"] == 0.0


def test_analytics_of_another_tenant_see_nothing_of_this_one(
    service: SupportService, user: Principal, outsider: Principal, create: Any
) -> None:
    create()
    service.record_doc_views(user, [hit()])

    assert service.analytics_summary(outsider, None, None)["summary"]["totalIssues"] == 0
    assert service.docs_effectiveness(outsider) == {"docs": []}


def test_a_failing_analytics_write_does_not_fail_the_issue_create(
    service: SupportService, store: InMemorySupportStore, user: Principal, create: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unavailable(*args: object) -> bool:
        raise RuntimeError("throttled")

    monkeypatch.setattr(store, "escalate_help_session", unavailable)

    issue = create()

    assert store.get_issue(user.tenant_id, issue.id) is not None
    assert issue.status is IssueStatus.OPEN
