"""GET /issues: query filters parsed and checked, then pages of the tenant's issues, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import PageRequest
from opsdesk.support.queries import parse_issue_filters
from opsdesk.support.records import Issue, IssueFilters, IssueStatus
from opsdesk.support.requests import UpdateIssueRequest
from opsdesk.support.service import SupportService
from tests.unit.fakes import DemoCatalog, FakeClock

Create = Callable[..., Issue]
UUID = "8d3b1f9c-2f57-4d0e-9c1e-6a1b2c3d4e5f"


def problems(query: dict[str, str]) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as caught:
        parse_issue_filters(query)
    return caught.value.details


# parse_issue_filters


def test_no_query_means_no_filter() -> None:
    assert parse_issue_filters({}) == IssueFilters()


def test_a_filter_sent_empty_is_refused_like_any_value_its_schema_refuses() -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_issue_filters({"customerId": "", "planeId": "", "status": "", "startDate": "", "endDate": ""})
    assert [d.field for d in refused.value.details] == ["customerId", "planeId", "status", "startDate", "endDate"]
    assert parse_issue_filters({}) == IssueFilters()


def test_customer_filter_is_a_lowercased_uuid() -> None:
    assert parse_issue_filters({"customerId": UUID.upper()}).customer_id == UUID


def test_plane_filter_is_a_lowercased_uuid() -> None:
    assert parse_issue_filters({"planeId": UUID.upper()}).plane_id == UUID


@pytest.mark.parametrize("status", list(IssueStatus))
def test_status_filter_takes_each_status(status: IssueStatus) -> None:
    assert parse_issue_filters({"status": status.value}).status is status


def test_start_date_is_the_midnight_it_names() -> None:
    assert parse_issue_filters({"startDate": "2024-01-01"}).start == datetime(2024, 1, 1, tzinfo=UTC)


def test_date_only_end_date_includes_the_whole_day() -> None:
    assert parse_issue_filters({"endDate": "2024-01-31"}).end == datetime(2024, 2, 1, tzinfo=UTC)


def test_date_time_bounds_are_taken_as_given_in_utc() -> None:
    filters = parse_issue_filters({"startDate": "2024-01-01T08:00:00+02:00", "endDate": "2024-01-02T00:00:00Z"})

    assert (filters.start, filters.end) == (datetime(2024, 1, 1, 6, tzinfo=UTC),
                                            datetime(2024, 1, 2, 0, 0, 0, 1000, tzinfo=UTC))  # through 00:00:00.000


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("customerId", "alpha", "Must be a UUID"),
        ("planeId", "123", "Must be a UUID"),
        ("status", "done", "Must be one of: open, in_progress, resolved, closed"),
        ("startDate", "last week", "Must be an ISO 8601 date or date-time"),
        ("endDate", "2024-02-30", "Must be an ISO 8601 date or date-time"),
    ],
)
def test_bad_filter_is_a_validation_error_naming_it(name: str, value: str, message: str) -> None:
    assert problems({name: value}) == [FieldError(name, message)]


def test_every_bad_filter_is_reported_together() -> None:
    query = {"customerId": "x", "planeId": "y", "status": "z", "startDate": "a", "endDate": "b"}

    assert [p.field for p in problems(query)] == ["customerId", "planeId", "status", "startDate", "endDate"]


@pytest.mark.parametrize(
    ("start", "end"),
    [("2024-02-01", "2024-01-31T23:59:59.999Z"), ("2024-01-31T12:00:00.001Z", "2024-01-31T12:00:00Z"),
     ("2024-02-01", "2024-01-15")],
)
def test_end_date_before_start_date_is_refused(start: str, end: str) -> None:
    assert problems({"startDate": start, "endDate": end}) == [FieldError("endDate", "Must not be before startDate")]


def test_a_moment_as_end_date_is_inclusive_to_its_millisecond() -> None:
    same = parse_issue_filters({"startDate": "2024-01-31T12:00:00.354Z", "endDate": "2024-01-31T12:00:00.354Z"})
    finer = parse_issue_filters({"endDate": "2024-01-31T12:00:00.354999Z"})

    assert (same.start, same.end) == (datetime(2024, 1, 31, 12, 0, 0, 354000, tzinfo=UTC),
                                      datetime(2024, 1, 31, 12, 0, 0, 355000, tzinfo=UTC))
    assert finer.end == same.end


def test_same_day_as_start_and_end_date_is_that_whole_day() -> None:
    filters = parse_issue_filters({"startDate": "2024-01-31", "endDate": "2024-01-31"})

    assert (filters.start, filters.end) == (datetime(2024, 1, 31, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC))


# list_issues over the fake store


@pytest.fixture
def issues(create: Create, catalog: DemoCatalog, clock: FakeClock) -> list[Issue]:
    """Five issues a day apart from 2024-01-15: alpha/cicd x3, beta/cicd, alpha/observability."""
    made = []
    for overrides in (
        {},
        {},
        {"customerId": catalog.beta.id, "environmentId": catalog.beta_prod.id},
        {"primaryPlaneId": catalog.observability.id, "contexts": []},
        {},
    ):
        made.append(create(**overrides))
        clock.advance(days=1)
    return made


def test_list_returns_newest_first_with_the_total(
    service: SupportService, user: Principal, issues: list[Issue]
) -> None:
    page = service.list_issues(user, IssueFilters(), PageRequest())

    assert [i.id for i in page.items] == [i.id for i in reversed(issues)]
    assert page.total == 5


def test_list_pages_through_the_issues(service: SupportService, user: Principal, issues: list[Issue]) -> None:
    pages = [service.list_issues(user, IssueFilters(), PageRequest(page=n, limit=2)) for n in (1, 2, 3, 4)]

    assert [[i.display_id for i in p.items] for p in pages] == [
        ["ISS-2024-0005", "ISS-2024-0004"], ["ISS-2024-0003", "ISS-2024-0002"], ["ISS-2024-0001"], []]
    assert {p.total for p in pages} == {5}


def test_list_filters_by_customer(
    service: SupportService, user: Principal, catalog: DemoCatalog, issues: list[Issue]
) -> None:
    page = service.list_issues(user, parse_issue_filters({"customerId": catalog.beta.id}), PageRequest())

    assert [i.id for i in page.items] == [issues[2].id]
    assert page.total == 1


def test_list_filters_by_primary_plane(
    service: SupportService, user: Principal, catalog: DemoCatalog, issues: list[Issue]
) -> None:
    page = service.list_issues(user, parse_issue_filters({"planeId": catalog.observability.id}), PageRequest())

    assert [i.id for i in page.items] == [issues[3].id]


def test_list_filters_by_status(service: SupportService, user: Principal, issues: list[Issue]) -> None:
    service.update_issue(user, issues[1].id, UpdateIssueRequest(status="in_progress"))

    page = service.list_issues(user, parse_issue_filters({"status": "in_progress"}), PageRequest())

    assert [i.id for i in page.items] == [issues[1].id]


def test_list_by_date_only_end_date_includes_issues_late_that_day(
    service: SupportService, user: Principal, create: Create, clock: FakeClock
) -> None:
    # Given issues at the last millisecond of the 31st and at midnight of the 1st
    clock.now = datetime(2024, 1, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    late = create()
    clock.now = datetime(2024, 2, 1, tzinfo=UTC)
    create()

    # When listing up to endDate=2024-01-31
    page = service.list_issues(user, parse_issue_filters({"endDate": "2024-01-31"}), PageRequest())

    # Then the whole 31st is in, the 1st is not
    assert [i.id for i in page.items] == [late.id]


def test_list_by_date_range(service: SupportService, user: Principal, issues: list[Issue]) -> None:
    filters = parse_issue_filters({"startDate": "2024-01-16", "endDate": "2024-01-17"})

    assert [i.id for i in service.list_issues(user, filters, PageRequest()).items] == [issues[2].id, issues[1].id]


def test_list_never_shows_another_tenants_issues(
    service: SupportService, outsider: Principal, issues: list[Issue]
) -> None:
    page = service.list_issues(outsider, IssueFilters(), PageRequest())

    assert (page.items, page.total) == ([], 0)
