"""The response module's response shapes as pydantic models: what opsdesk.response.views and the health function
(functions/response_health) answer, field for field, and the module's error envelope (opsdesk.dialects.response).
They exist to be documented (opsdesk.response.openapi turns them into the OpenAPI document's components); the
views build plain dicts, and tests/unit/test_response_openapi.py validates the views' output against these
schemas, so the two cannot drift.

Conventions (every module's, opsdesk.schemas): every model forbids other fields; a field that is always
present but may be null is `X | None` without a default (required, nullable). Every view answers every field of its
model, so none may be left out. Times are RFC 3339 in UTC with a `Z` (opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from opsdesk.response.records import ActionStatus, EntryType, EventType, Level, Severity, Status
from opsdesk.schemas import Answer


class Incident(Answer):
    """An incident of the caller's tenant (the document's Incident model)."""

    id: str
    title: str
    description: str
    status: Status
    severity: Severity
    source: str
    """Where the incident came from (`manual` unless the creator named one)."""
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    """Set on entering `resolved` (or `closed` without having been resolved); reopening clears it."""
    ai_summary: str | None
    """The last AI analysis's summary; null until the incident's events were first analysed."""
    root_cause: str | None
    """The leading cause of the last analysis; null when no cause was confident enough."""
    suggested_actions: list[str]
    """The titles of the last analysis's suggested actions, most urgent first."""
    mttr_minutes: float | None
    """Minutes from `created_at` to the last resolution; null while the incident is active."""


class Event(Answer):
    """A log line, metric, alert, trace or user action ingested into an incident (the document's Event model)."""

    id: str
    incident_id: str
    event_type: EventType
    message: str
    level: Level
    source: str
    metadata: dict[str, Any]
    timestamp: datetime
    """When it happened: the `timestamp` sent, else when it was received."""


class Action(Answer):
    """A step to take on an incident, suggested by the AI analysis or added by a responder (the document's Action
    model)."""

    id: str
    incident_id: str
    title: str
    description: str
    status: ActionStatus
    suggested_by: str
    """`ai`, or the name of the person who added it."""
    priority: int
    """1 is the most urgent."""
    created_at: datetime


class TimelineEntry(Answer):
    """What happened to an incident, in the order it happened (the document's Timeline Entry model)."""

    id: str
    incident_id: str
    entry_type: EntryType
    title: str
    description: str
    actor: str
    """The signed-in user's name (else email, else user name), `ai` or `system`."""
    timestamp: datetime


class Health(Answer):
    """The incidents table answers."""

    status: Literal["healthy"]


class HealthProblem(Answer):
    """Beyond the document: the incidents table cannot be read (a 503, not the error envelope)."""

    status: Literal["unhealthy"]
    detail: str


class ValidationIssue(Answer):
    """One refused field, located as FastAPI locates it: `["body", "title"]`, `["body", 3, "level"]` (the fourth
    event of a batch), `["query", "status"]`, `["header", "Idempotency-Key"]`."""

    loc: list[str | int]
    msg: str
    type: Literal["value_error"]


class Error(Answer):
    """Every error: `{"detail": "message"}`; a validation error (422) lists the fields it refuses instead, or says
    why in a message when no field is to blame."""

    detail: str | list[ValidationIssue]


RESPONSE_MODELS: tuple[type[Answer], ...] = (Incident, Event, Action, TimelineEntry, Health, HealthProblem, Error)
"""Every top-level response shape (their parts are reached from them)."""
