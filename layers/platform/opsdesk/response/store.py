"""What the response service needs from storage (opsdesk.response.repository on DynamoDB). Every list is a Query
of at most its page; every change that must stay consistent (a status and its timeline entry, room event and
counters) is one write."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Protocol

from opsdesk.events import DomainEvent
from opsdesk.frozen import frozen
from opsdesk.pagination import Page
from opsdesk.response.records import Action, Analysis, Event, Incident, IngestActivity, Status, TimelineEntry

MAX_OPENING_EVENTS = 25
"""Events an incident may be created with: one transaction holds them with the incident (DynamoDB takes 100
items in one)."""
INCIDENT_CHANGED = "The incident changed while it was analysed"
"""save_analysis's Conflict: the incident is not at the version the analysis read."""


class Claim(Enum):
    NEW = "new"
    """The key is ours: store the request's events."""
    REPLAY = "replay"
    """The same key and body were stored before: answer what was stored."""
    UNFINISHED = "unfinished"
    """The same key and body were begun and never finished (that attempt failed): finish with its events."""
    BUSY = "busy"
    """The same key and body are being stored right now by another request."""
    MISMATCH = "mismatch"
    """The key was used with another body."""


@frozen
class IdempotentRequest:
    key: str
    body_hash: str
    events: tuple[Event, ...]
    """The events this request would store (ids and times fixed once, so a retry writes the same items)."""


@frozen
class ClaimResult:
    claim: Claim
    events: tuple[Event, ...] = ()


class ResponseStore(Protocol):
    def create_incident(self, incident: Incident, entry: TimelineEntry, events: Sequence[DomainEvent],
                        opening: IdempotentRequest | None = None) -> None:
        """Conflict when the incident exists, unless it is this create's own earlier attempt. `opening`: the
        incident's first events (at most MAX_OPENING_EVENTS), written in the same write, counted on it as last
        written at its `updated_at`, and their key's claim stored finished (an ingest under that key replays)."""
        ...
    def get_incident(self, tenant_id: str, incident_id: str) -> Incident | None: ...
    def get_incidents(self, tenant_id: str, incident_ids: Sequence[str]) -> dict[str, Incident]: ...
    def list_incidents(self, tenant_id: str, status: Status | None, limit: int,
                       cursor: str | None) -> Page[Incident]: ...
    def change_status(self, before: Incident, after: Incident, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        """Conflict when the incident changed since `before` was read: its status (`version`), or an analysis
        saved meanwhile (`updated_at` only; the service reads it again and retries)."""
        ...
    def timeline(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[TimelineEntry]: ...
    def add_entry(self, tenant_id: str, entry: TimelineEntry, events: Sequence[DomainEvent]) -> None: ...
    def actions(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Action]: ...
    def get_action(self, tenant_id: str, incident_id: str, action_id: str) -> Action | None: ...
    def action_titles(self, tenant_id: str, incident_id: str, titles: Sequence[str]) -> set[str]:
        """Which of `titles` (case aside) the incident has an action of, in casefold, however many actions it has."""
        ...
    def add_action(self, tenant_id: str, action: Action, entry: TimelineEntry,
                   events: Sequence[DomainEvent]) -> None: ...
    def update_action(self, tenant_id: str, before: Action, after: Action, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        """Conflict when the action changed since `before` was read."""
        ...
    def claim_request(self, tenant_id: str, request: IdempotentRequest, now: datetime) -> ClaimResult: ...
    def store_events(self, tenant_id: str, events: Sequence[Event]) -> int:
        """Writes the events (again, harmlessly, on a retry); returns the write requests it took."""
        ...
    def begin_ingest(self, tenant_id: str, incident_ids: Sequence[str], now: datetime) -> None:
        """Marks a write of the incidents' events under way (an analysis waits for it to end)."""
        ...
    def end_ingest(self, tenant_id: str, incident_ids: Sequence[str]) -> None:
        """Ends what begin_ingest marked, whether the write succeeded or not."""
        ...
    def finish_ingest(self, tenant_id: str, counts: Mapping[str, int], last_at: datetime,
                      idempotency_key: str | None, events: Sequence[DomainEvent] = ()) -> None:
        """Counts the events on their incidents and the platform's metrics, marks the idempotency key done and
        publishes `events` (the rooms' `events` messages), in one write (a retry of a finished request counts and
        publishes nothing)."""
        ...
    def list_events(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Event]: ...
    def latest_events(self, tenant_id: str, incident_id: str, limit: int) -> list[Event]:
        """The incident's newest `limit` events, oldest first."""
        ...
    def request_analysis(self, tenant_id: str, incident_id: str, now: datetime, stale_after_seconds: int) -> bool:
        """Marks an analysis pending and starts one, unless one is pending already (True: this call started it)."""
        ...
    def ingest_activity(self, tenant_id: str, incident_id: str) -> IngestActivity | None:
        """None when the incident does not exist."""
        ...
    def start_analysis(self, tenant_id: str, incident_id: str) -> None:
        """Clears the pending mark: events that arrive from now on request the next analysis."""
        ...
    def save_analysis(self, incident: Incident, analysis: Analysis, actions: Sequence[Action],
                      entry: TimelineEntry, events: Sequence[DomainEvent]) -> bool:
        """Writes the analysis onto the incident, with `incident.updated_at` (the analysed incident's), if the
        incident is still at `incident.version`: else Conflict(INCIDENT_CHANGED), writing nothing, so that no room
        event carries a stale incident with a newer updated_at. False, writing nothing, when the incident is gone
        or an analysis of the same events (`analysis.events_digest`) was saved already (two runs that raced)."""
        ...
    def metrics(self) -> dict[str, float]: ...
    def ready(self) -> None:
        """Raises when the table cannot be read (the health route's readiness check)."""
        ...
