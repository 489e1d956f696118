"""Request bodies and query parsers of the copilot API, with the document's field names (snake_case)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, StrictBool, StringConstraints, field_validator

from opsdesk.copilot.records import IncidentFilters, IncidentState, Role, Severity
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import OffsetRequest, parse_offset_request
from opsdesk.validation import EmailText, RequestBody, Stripped, email_address

Text = Annotated[str, StringConstraints(min_length=1, max_length=200), Stripped()]
LongText = Annotated[str, StringConstraints(max_length=10_000), Stripped(blank=True)]
DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE = 10, 100
"""The document's pagination: `skip` (default 0) and `limit` (default 10, max 100)."""
INTEGRATION_TYPES = ("prometheus", "grafana", "datadog", "cloudwatch", "pagerduty")
MISSING_FIELDS = "MISSING_FIELDS"
"""The code of a sign-in without its fields: the document answers it with 400, not the usual 422."""


def _email(value: str) -> str:
    return email_address(value).lower()


Email = Annotated[EmailText, StringConstraints(min_length=3)]


class Body(RequestBody):
    model_config = ConfigDict(extra="ignore")


class RegisterRequest(Body):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    full_name: Text
    tenant_name: Text

    _email = field_validator("email")(_email)


class LoginRequest(Body):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=256)] | None = None
    """Beyond the document: an invited user's first sign-in chooses their password (the mailed one is temporary)."""

    _email = field_validator("email")(_email)


class RefreshRequest(Body):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=8192)] | None = None


class SwitchProjectRequest(Body):
    project_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CreateProjectRequest(Body):
    name: Text
    description: LongText = ""


class UpdateProjectRequest(Body):
    name: Text | None = None
    description: LongText | None = None


class AddMemberRequest(Body):
    """By `user_id` (someone of the tenant) or `email` (invited when not yet a user of the tenant)."""

    email: Email | None = None
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    full_name: Text | None = None
    role: Role = Role.MEMBER

    _email = field_validator("email")(lambda v: None if v is None else _email(v))

    def model_post_init(self, context: Any) -> None:
        if self.email is None and self.user_id is None:
            raise ValidationFailed(details=[FieldError("email", "email or user_id is required")])


class UpdateMemberRequest(Body):
    role: Role


class CreateIncidentRequest(Body):
    title: Text
    description: LongText = ""
    service_name: Annotated[str, StringConstraints(min_length=1, max_length=128), Stripped()]
    severity: Severity


class StateChangeRequest(Body):
    state: IncidentState


class HypothesisFeedbackRequest(Body):
    """Beyond the document: a responder confirms or rejects a hypothesis (`user_feedback`)."""

    feedback: Literal["confirmed", "rejected"]


class IntegrationCreateRequest(Body):
    type: Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
    name: Text
    config: dict[str, Any] = {}
    """Non-secret settings: `url`, `region`, and the routing rules of the alert-ingest path."""
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] = {}
    """Secrets (`api_key`, `app_key`, `token`, `username`, `password`): kept in Secrets Manager, never returned."""
    enabled: StrictBool = True


class IntegrationUpdateRequest(Body):
    name: Text | None = None
    config: dict[str, Any] | None = None
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] | None = None
    enabled: StrictBool | None = None


class TestConnectionRequest(Body):
    type: Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
    config: dict[str, Any] = {}
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] = {}


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
        days = int(str(raw))
    except ValueError:
        days = 0
    if not 1 <= days <= maximum:
        raise ValidationFailed.on_field("days", f"days must be an integer from 1 to {maximum}")
    return days
