"""The query strings of the copilot API (incident filters, `skip`/`limit` pages, analytics days) and the plain
constants that handlers and services need without a body. No pydantic here (the request bodies in
opsdesk.copilot.requests load it), so the copilot's functions import this at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from opsdesk.copilot.records import IncidentFilters, IncidentState, Severity
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import OffsetRequest, decimal_integer, parse_offset_request

DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE = 10, 100
"""The document's pagination: `skip` (default 0) and `limit` (default 10, max 100)."""
MISSING_FIELDS = "MISSING_FIELDS"
"""The code of a sign-in without its fields: the document answers it with 400, not the usual 422."""


def parse_incident_filters(query: Mapping[str, str]) -> IncidentFilters:
    problems: list[FieldError] = []
    severity = _enum(query, "severity", Severity, problems)
    state = _enum(query, "state", IncidentState, problems)
    if problems:
        raise ValidationFailed(details=problems)
    return IncidentFilters(severity=severity, state=state)


def parse_incident_page(query: Mapping[str, str]) -> OffsetRequest:
    return parse_offset_request(query, offset_name="skip", default_limit=DEFAULT_INCIDENT_PAGE,
                                max_limit=MAX_INCIDENT_PAGE)


def _enum(query: Mapping[str, str], name: str, kind: Any, problems: list[FieldError]) -> Any:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        problems.append(FieldError(name, f"{name} must be one of: {', '.join(v.value for v in kind)}"))
        return None


def parse_day(query: Mapping[str, str], name: str, default: date) -> date:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ValidationFailed.on_field(name, f"{name} must be a date (YYYY-MM-DD)") from exc
    if not 1970 <= value.year <= 9998:
        raise ValidationFailed.on_field(name, f"{name} must be between 1970-01-01 and 9998-12-31")
    return value


def parse_days(query: Mapping[str, str], default: int = 7, maximum: int = 366) -> int:
    raw = query.get("days")
    if raw is None:
        return default
    try:
        days = decimal_integer(str(raw))
    except ValueError:
        days = 0
    if not 1 <= days <= maximum:
        raise ValidationFailed.on_field("days", f"days must be an integer from 1 to {maximum}")
    return days
