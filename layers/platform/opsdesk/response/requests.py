"""The response API's request bodies (pydantic models, with the document's field names) and the batch that
validates a list of them. Importing this loads pydantic: the handlers import it in the route that reads a body. The
limits and the query and header parsers are in opsdesk.response.queries, which loads none."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StrictInt, StringConstraints, ValidationError, field_validator

from opsdesk.clock import MomentOutOfRange, parse_strict_rfc3339
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.response.queries import MAX_BATCH_EVENTS, MAX_BATCH_INCIDENTS, MAX_EVENT_BODY_BYTES
from opsdesk.response.records import (
    MAX_INCIDENT_ID,
    MAX_METADATA_BYTES,
    MAX_NAME,
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    MAX_TITLE,
    EventType,
    Level,
    Severity,
    metadata_bytes,
)
from opsdesk.validation import RequestBody, Stripped, field_errors

_ZONED = re.compile(r"[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$")

Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE), Stripped()]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME), Stripped(blank=True)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TAG), Stripped()]
IncidentId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_INCIDENT_ID), Stripped()]


def _bounded_metadata(value: dict[str, Any]) -> dict[str, Any]:
    if metadata_bytes(value) > MAX_METADATA_BYTES:
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
    message: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
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
        # Measured as the single-event route measures its body: UTF-8 bytes (the body has no lone surrogate),
        # not `\u` escapes, which made 7,200 Japanese characters a 201 there and a 422 here.
        if len(json.dumps(raw, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) > MAX_EVENT_BODY_BYTES:
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

