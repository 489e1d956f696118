"""The support module's query parsers: a list's filters and an analytics range, as typed values (plain Python,
no pydantic). A query that holds a bad value is a 400 naming every bad parameter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from opsdesk.clock import MomentOutOfRange, is_uuid, parse_rfc3339
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.support.records import IssueFilters, IssueStatus

STATUS_VALUES = ", ".join(s.value for s in IssueStatus)


def parse_issue_filters(query: Mapping[str, str]) -> IssueFilters:
    """A filter sent empty (`?status=`) is a value like any other, refused as one (docs/decisions.md)."""
    problems: list[FieldError] = []
    ids: dict[str, str | None] = {}
    for name in ("customerId", "planeId"):
        raw = query.get(name)
        if raw is not None and not is_uuid(raw):
            problems.append(FieldError(name, "Must be a UUID"))
            raw = None
        ids[name] = raw.lower() if raw else None
    status: IssueStatus | None = None
    if query.get("status") is not None:
        try:
            status = IssueStatus(query["status"])
        except ValueError:
            problems.append(FieldError("status", f"Must be one of: {STATUS_VALUES}"))
    start, end = _parse_date_range(query, problems)
    if problems:
        raise ValidationFailed("Invalid query parameters", details=problems)
    return IssueFilters(customer_id=ids["customerId"], plane_id=ids["planeId"], status=status, start=start, end=end)


def parse_date_range(query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """A query's `startDate` and `endDate`, both inclusive, as the half-open [start, end) the lists and counters
    work on (a bare date as `endDate` is its whole day)."""
    problems: list[FieldError] = []
    start, end = _parse_date_range(query, problems)
    if problems:
        raise ValidationFailed("Invalid query parameters", details=problems)
    return start, end


def _parse_date_range(query: Mapping[str, str], problems: list[FieldError]) -> tuple[datetime | None, datetime | None]:
    start = _parse_date(query.get("startDate"), "startDate", problems, end_of_day=False)
    end = _parse_date(query.get("endDate"), "endDate", problems, end_of_day=True)
    raw_end = query.get("endDate") or ""
    if end is not None and ("T" in raw_end.upper() or " " in raw_end.strip()):
        # An endDate moment is inclusive: up to the end of its millisecond, the precision createdAt is kept at.
        end = end.replace(microsecond=end.microsecond // 1000 * 1000) + INCLUSIVE_END
    if start and end and start >= end:
        problems.append(FieldError("endDate", "Must not be before startDate"))
    return start, end


INCLUSIVE_END = timedelta(milliseconds=1)


def _parse_date(raw: str | None, field: str, problems: list[FieldError], *, end_of_day: bool) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_rfc3339(raw, end_of_day=end_of_day)
    except MomentOutOfRange as exc:
        problems.append(FieldError(field, str(exc)))
    except ValueError:
        problems.append(FieldError(field, "Must be an ISO 8601 date or date-time"))
    return None
