"""Request bodies and query parsers of the aura API (seeds/aura-api.md), with the document's camelCase names.
Every refusal is VALIDATION_ERROR (400) with `details` naming the field; nothing is written. Unknown body fields
are ignored, and `status` (or any other field the document does not list) never reaches a ticket."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from opsdesk.aura.records import ACTORS, PRIORITIES, Actor, AuditType, Priority, TicketStatus
from opsdesk.aura.store import AuditFilter, TicketFilter
from opsdesk.clock import MomentOutOfRange, parse_rfc3339
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import OffsetRequest, parse_offset_request
from opsdesk.validation import RequestBody, Stripped, field_errors

MAX_BODY_BYTES = 64 * 1024
MAX_TURNS_LIMIT = 500
"""A ticket's budget may not pass this many turns (resume grants included): a runaway agent stops."""
DEFAULT_ADDITIONAL_TURNS = 10
DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE = 50, 200
DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE = 100, 500

Title = Annotated[str, StringConstraints(min_length=1, max_length=200), Stripped()]
Description = Annotated[str, StringConstraints(min_length=1, max_length=20_000), Stripped()]
Reason = Annotated[str, StringConstraints(max_length=2_000), Stripped(blank=True)]


class Body(RequestBody):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CreateTicketRequest(Body):
    title: Title
    description: Description
    priority: Priority = "medium"
    max_turns: StrictInt = Field(default=50, alias="maxTurns", ge=1, le=MAX_TURNS_LIMIT)
    """Beyond the document's create body (it lists `maxTurns` on PATCH): the budget can be set at once."""


class UpdateTicketRequest(Body):
    title: Title | None = None
    description: Description | None = None
    priority: Priority | None = None
    max_turns: StrictInt | None = Field(default=None, alias="maxTurns", ge=1, le=MAX_TURNS_LIMIT)

    @field_validator("title", "description", "priority", "max_turns", mode="before")
    @classmethod
    def _no_nulls(cls, value: Any) -> Any:
        # A before-validator runs on every field sent, so the error names the field (`details.title`).
        if value is None:
            raise ValueError("may be left out, not null")
        return value


class ApprovePlanRequest(Body):
    approved_by: Annotated[str, StringConstraints(max_length=200), Stripped(blank=True)] | None = Field(
        default=None, alias="approvedBy")


class ApprovalRequest(Body):
    approved: StrictBool
    reason: Reason | None = None


class AnswerRequest(Body):
    answer: Annotated[str, StringConstraints(min_length=1, max_length=2_000), Stripped()]


class ResumeRequest(Body):
    additional_turns: StrictInt = Field(default=DEFAULT_ADDITIONAL_TURNS, alias="additionalTurns", ge=1,
                                  le=MAX_TURNS_LIMIT)


def parse_body(model: type[Body], raw: Any, *, optional: bool = False) -> Any:
    """`raw` (parsed JSON, or None for no body) as `model`; an absent body is `{}` where the document makes the
    body optional."""
    if raw is None and optional:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed("Request body must be a JSON object",
                               details=[FieldError("body", "Request body must be a JSON object")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(details=field_errors(exc)) from exc


def _values(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    raw = query.get(name)
    if raw is None:
        return ()
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValidationFailed(details=[FieldError(name, f"{name} must be a comma-separated list of: "
                                                         f"{', '.join(allowed)}")])
    return values


def parse_ticket_filter(query: Mapping[str, str]) -> TicketFilter:
    statuses = _values(query, "status", tuple(s.value for s in TicketStatus))
    return TicketFilter(statuses=tuple(TicketStatus(s) for s in statuses),
                        priorities=_values(query, "priority", PRIORITIES))


def parse_ticket_page(query: Mapping[str, str]) -> OffsetRequest:
    return parse_offset_request(query, default_limit=DEFAULT_TICKET_PAGE, max_limit=MAX_TICKET_PAGE)


def parse_audit_page(query: Mapping[str, str]) -> OffsetRequest:
    return parse_offset_request(query, default_limit=DEFAULT_AUDIT_PAGE, max_limit=MAX_AUDIT_PAGE)


def parse_audit_types(query: Mapping[str, str]) -> tuple[str, ...]:
    return _values(query, "type", tuple(t.value for t in AuditType))


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return parse_rfc3339(raw)
    except (ValueError, MomentOutOfRange) as exc:
        raise ValidationFailed.on_field(name, f"{name} must be an ISO 8601 timestamp") from exc


def parse_audit_filter(query: Mapping[str, str]) -> AuditFilter:
    actor: Actor | None = None
    if "actor" in query:
        actor_name = query["actor"].strip()
        if actor_name not in ACTORS:  # one actor (the document's filter), so the message is not _values' list
            raise ValidationFailed.on_field("actor", f"actor must be one of: {', '.join(ACTORS)}")
        actor = actor_name
    ticket_id = query.get("ticketId")
    if ticket_id is not None and not 1 <= len(ticket_id) <= 64:
        raise ValidationFailed.on_field("ticketId", "ticketId must be a ticket id")
    since, until = _moment(query, "since"), _moment(query, "until")
    if since and until and since > until:
        raise ValidationFailed.on_field("since", "since must not be after until")
    return AuditFilter(ticket_id=ticket_id, types=parse_audit_types(query), actor=actor, since=since, until=until)
