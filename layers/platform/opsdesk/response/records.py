"""The response module's records (seeds/incident-response-api.md, "Data Models"), with the document's fields and
the few the platform keeps beside them (tenant, version, counters)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from opsdesk.frozen import frozen

Severity = Literal["critical", "high", "medium", "low", "info"]
EventType = Literal["log", "metric", "alert", "trace", "user_action"]
Level = Literal["debug", "info", "warning", "error", "critical"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
EVENT_TYPES: tuple[EventType, ...] = ("log", "metric", "alert", "trace", "user_action")
LEVELS: tuple[Level, ...] = ("debug", "info", "warning", "error", "critical")

MAX_TITLE = 500
MAX_TEXT = 10_000
"""A description or an event's message."""
MAX_NAME = 200
"""An incident's or an event's `source`."""
MAX_TAGS = 50
MAX_TAG = 100
MAX_INCIDENT_ID = 64
MAX_METADATA_BYTES = 16 * 1024
"""An event's or an incident's metadata as compact JSON."""


def metadata_bytes(metadata: Mapping[str, Any]) -> int:
    return len(json.dumps(metadata, separators=(",", ":")).encode("utf-8"))


class Status(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ActionStatus(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"


class EntryType(StrEnum):
    STATUS_CHANGE = "status_change"
    AI_ANALYSIS = "ai_analysis"
    USER_ACTION = "user_action"
    SYSTEM_EVENT = "system_event"
    COMMENT = "comment"


AI_ACTOR = "ai"
SYSTEM_ACTOR = "system"


@frozen
class Incident:
    id: str
    tenant_id: str
    title: str
    description: str
    status: Status
    severity: Severity
    source: str
    tags: tuple[str, ...]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    ai_summary: str | None = None
    root_cause: str | None = None
    suggested_actions: tuple[str, ...] = ()
    mttr_minutes: float | None = None
    version: int = 1
    """Moves with every status change: the condition two concurrent changes meet."""
    event_count: int = 0
    analysis_count: int = 0
    analysed_events: str | None = None
    """The digest of the events the last analysis read (opsdesk.response.analysis.events_digest): a second
    analysis of the same events adds nothing."""


@frozen
class Event:
    id: str
    incident_id: str
    event_type: EventType
    message: str
    level: Level
    source: str
    metadata: dict[str, Any]
    timestamp: datetime


@frozen
class Action:
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
    updated_at: datetime
    version: int = 1


@frozen
class TimelineEntry:
    id: str
    incident_id: str
    entry_type: EntryType
    title: str
    description: str
    actor: str
    """The user's name, `system` or `ai`."""
    timestamp: datetime
    details: dict[str, Any] = field(default_factory=dict)
    """Beyond the document: what a room comment's sender typed as `user`, the status moved from and to."""


@frozen
class Analysis:
    """What an analysis sets on the incident, and the actions and timeline entry it adds."""

    ai_summary: str
    root_cause: str | None
    suggested_actions: tuple[str, ...]
    cause: str | None
    confidence: float
    model_id: str
    events_read: int
    events_digest: str = ""
    """Which events it read (events_digest): the store keeps one analysis per set of events."""


@frozen
class IngestActivity:
    """What an analysis waits on: when the incident's events were last written, and the ingests still writing (a
    batch being written is part of the burst, however long moto or a throttle makes it take)."""

    last_event_at: datetime | None = None
    writes_in_flight: int = 0
    last_write_began_at: datetime | None = None


class IncidentFields(Protocol):
    """What an incident is opened from: a validated `POST /api/incidents` body (opsdesk.response.requests) or
    another module's NewIncident (an alert's: opsdesk.alerts.ingest), both within the limits of
    opsdesk.response.queries."""

    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def source(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...


class EventFields(Protocol):
    """What an event is ingested from: a validated body, or another module's NewEvent."""

    @property
    def incident_id(self) -> str: ...
    @property
    def event_type(self) -> EventType: ...
    @property
    def message(self) -> str: ...
    @property
    def level(self) -> Level: ...
    @property
    def source(self) -> str: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...
    @property
    def timestamp(self) -> datetime | None: ...


@frozen
class NewIncident:
    """An incident another module opens (IncidentFields) without building the API's body, and so without pydantic.
    It holds what the body would accept (text stripped, within the limits above), or raises ValueError."""

    title: str
    description: str = ""
    severity: Severity = "medium"
    source: str = "manual"
    tags: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require(_text(self.title, 1, MAX_TITLE) and _text(self.description, 0, MAX_TEXT, stripped=False)
                 and self.severity in SEVERITIES and _text(self.source, 0, MAX_NAME)
                 and len(self.tags) <= MAX_TAGS and len(set(self.tags)) == len(self.tags)
                 and all(_text(tag, 1, MAX_TAG) for tag in self.tags) and _metadata(self.metadata), self)


@frozen
class NewEvent:
    """An event another module ingests (EventFields), held to the body's rules as NewIncident is."""

    incident_id: str
    event_type: EventType
    message: str
    level: Level = "info"
    source: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    timestamp: datetime | None = None

    def __post_init__(self) -> None:
        _require(_text(self.incident_id, 1, MAX_INCIDENT_ID) and self.event_type in EVENT_TYPES
                 and _text(self.message, 1, MAX_TEXT, stripped=False) and self.level in LEVELS
                 and _text(self.source, 0, MAX_NAME) and _metadata(self.metadata)
                 and (self.timestamp is None or self.timestamp.tzinfo is not None), self)


def _text(value: str, shortest: int, longest: int, *, stripped: bool = True) -> bool:
    return shortest <= len(value) <= longest and (not stripped or value == value.strip())


def _metadata(metadata: Mapping[str, Any]) -> bool:
    try:
        return metadata_bytes(metadata) <= MAX_METADATA_BYTES
    except (TypeError, ValueError):  # not JSON (a set, an object, a cycle): the store could not write it
        return False


def _require(holds: bool, record: object) -> None:
    if not holds:
        raise ValueError(f"not what the response API would accept: {record!r}"[:500])
