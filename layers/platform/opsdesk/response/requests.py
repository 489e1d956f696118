"""Request bodies and query parsers of the response API, with the document's field names. Limits (docs/decisions.md,
"Response module"): what one event, one incident and one batch may hold, so every refusal is a 4xx before anything
is written."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictInt, StringConstraints, ValidationError, field_validator

from opsdesk.clock import MomentOutOfRange, parse_strict_rfc3339
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import CursorRequest, parse_cursor_request
from opsdesk.response.records import ActionStatus, EventType, Level, Severity, Status
from opsdesk.validation import RequestBody, Stripped, field_errors

MAX_INCIDENT_BODY_BYTES = 64 * 1024
MAX_EVENT_BODY_BYTES = 32 * 1024
MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024
MAX_BATCH_EVENTS = 500
MAX_BATCH_INCIDENTS = 40
"""Distinct incidents one batch may name: their counters move in the batch's one closing transaction."""
MAX_METADATA_BYTES = 16 * 1024
"""An event's or an incident's metadata as compact JSON."""
MAX_TAGS = 50
DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE = 50, 200
DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE = 100, 1000
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
_ZONED = re.compile(r"[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$")
MAX_IDEMPOTENCY_KEY = 255

Title = Annotated[str, StringConstraints(min_length=1, max_length=500), Stripped()]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Name = Annotated[str, StringConstraints(max_length=200), Stripped(blank=True)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=100), Stripped()]
IncidentId = Annotated[str, StringConstraints(min_length=1, max_length=64), Stripped()]


def _bounded_metadata(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, separators=(",", ":")).encode("utf-8")) > MAX_METADATA_BYTES:
        raise ValueError(f"metadata must be at most {MAX_METADATA_BYTES} bytes as JSON")
    return value


class Body(RequestBody):
    model_config = ConfigDict(extra="ignore")


class CreateIncidentRequest(Body):
    title: Title
    description: LongText = ""
    severity: Severity = "medium"
    source: Name = "manual"
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    metadata: dict[str, Any] = Field(default_factory=dict)

    _metadata = field_validator("metadata")(_bounded_metadata)

    @field_validator("tags")
    @classmethod
    def _distinct(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(tags))


class IngestEventRequest(Body):
    incident_id: IncidentId
    event_type: EventType
    message: Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
    level: Level = "info"
    source: Name = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
    timestamp: datetime | None = None
    """Beyond the document's example: when it happened (RFC 3339 with a zone); absent, when it was received."""

    _metadata = field_validator("metadata")(_bounded_metadata)

    @field_validator("timestamp", mode="before")
    @classmethod
    def _moment(cls, value: Any) -> Any:
        if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
            return value
        if not isinstance(value, str):
            raise ValueError("must be an RFC 3339 date-time")
        if not _ZONED.search(value.strip()):  # the parser would take a time without a zone as UTC
            raise ValueError("must be an RFC 3339 date-time with a time zone")
        try:
            moment = parse_strict_rfc3339(value)
        except MomentOutOfRange as exc:
            raise ValueError(str(exc)) from exc
        except ValueError as exc:
            raise ValueError("must be an RFC 3339 date-time with a time zone") from exc
        if moment.tzinfo is None:
            raise ValueError("must be an RFC 3339 date-time with a time zone")
        return moment


class AddActionRequest(Body):
    """Beyond the document: a responder's own action (`POST /api/incidents/{id}/actions`)."""

    title: Title
    description: LongText = ""
    priority: StrictInt = Field(default=3, ge=1, le=10)


def parse_batch(data: Any) -> list[IngestEventRequest]:
    """A batch is checked as a whole: every bad event is named by its index and field (`[3].level`), and nothing
    of a refused batch is stored."""
    if not isinstance(data, list):
        raise ValidationFailed(details=[FieldError("body", "Request body must be a JSON array of events")])
    if not data:
        raise ValidationFailed(details=[FieldError("body", "A batch holds at least one event")])
    if len(data) > MAX_BATCH_EVENTS:
        raise ValidationFailed(details=[FieldError("body", f"A batch holds at most {MAX_BATCH_EVENTS} events")])
    events: list[IngestEventRequest] = []
    problems: list[FieldError] = []
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            problems.append(FieldError(f"[{index}]", "must be a JSON object"))
            continue
        if len(json.dumps(raw, separators=(",", ":")).encode("utf-8")) > MAX_EVENT_BODY_BYTES:
            problems.append(FieldError(f"[{index}]", f"an event is at most {MAX_EVENT_BODY_BYTES} bytes as JSON"))
            continue
        try:
            events.append(IngestEventRequest.model_validate(raw))
        except ValidationError as exc:
            problems += [FieldError(f"[{index}].{p.field}" if p.field != "body" else f"[{index}]", p.message)
                         for p in field_errors(exc)]
    if problems:
        raise ValidationFailed("Invalid events", details=problems)
    if len({e.incident_id for e in events}) > MAX_BATCH_INCIDENTS:
        raise ValidationFailed(details=[FieldError("body", f"A batch names at most {MAX_BATCH_INCIDENTS} incidents")])
    return events


def parse_status(query: Mapping[str, str], *, required: bool) -> Status | None:
    raw = query.get("status")
    if raw is None:
        if required:
            raise ValidationFailed(details=[FieldError("query.status", "status is required")])
        return None
    try:
        return Status(str(raw))
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise ValidationFailed(details=[FieldError("query.status", f"status must be one of {allowed}")]) from None


def parse_action_status(query: Mapping[str, str]) -> ActionStatus:
    raw = query.get("status")
    try:
        return ActionStatus(raw or "")
    except ValueError:
        allowed = ", ".join(s.value for s in ActionStatus)
        message = "status is required" if not raw else f"status must be one of {allowed}"
        raise ValidationFailed(details=[FieldError("query.status", message)]) from None


def parse_incident_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_query_page(query, DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE)


def parse_event_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_query_page(query, DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE)


def parse_query_page(query: Mapping[str, str], default: int, maximum: int) -> CursorRequest:
    try:
        return parse_cursor_request(query, default_limit=default, max_limit=maximum)
    except ValidationFailed as exc:  # the query's fields are located in the query (FastAPI's loc)
        raise ValidationFailed(exc.message, details=[FieldError(f"query.{d.field}", d.message)
                                                     for d in exc.details]) from None


def parse_idempotency_key(headers: Mapping[str, str]) -> str | None:
    key = next((v for k, v in headers.items() if k.lower() == IDEMPOTENCY_KEY_HEADER.lower()), None)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable() or not key.isascii():
        raise ValidationFailed(details=[FieldError(f"header.{IDEMPOTENCY_KEY_HEADER}",
                                                   f"must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters")])
    return key
