"""An in-memory ResponseStore (opsdesk.response.store): the contract the response services rely on, over plain dicts,
with the DynamoDB repository's (opsdesk.response.repository) semantics:

- conditions: a status change or an action update from a version that is no longer current is a Conflict, unless
  what is stored is exactly the change asked for (a retry that meets its own write is done); creating an incident,
  an entry or an action whose key exists, finishing an ingest whose key was finished, and saving an analysis of a
  gone incident change nothing and raise nothing (the repository's transactions take those as done);
- idempotency claims answer NEW, REPLAY (with the stored events), UNFINISHED (begun 30 s ago or more, never
  finished), BUSY (begun less than 30 s ago) and MISMATCH (another body hash);
- orders are the repository's sort keys (opsdesk.response.keys): incidents newest first by creation then id, events
  and timeline entries oldest first by time then id, actions by id (time-ordered ids: the order they were added);
- a page hands out a cursor whenever it is full (as a Query that stops at its Limit does on DynamoDB; moto ends a
  list that ends exactly there without one, so the contract leaves that edge alone), and the cursor names its list,
  so a cursor of another list or tenant is a 400 on `cursor`, as the signed cursors are;
- the platform-wide counters (opsdesk.response.items.COUNTERS) move as the repository moves them.

tests/integration/test_response_store_contract.py runs the same cases on this fake and on the repository on moto.
Times are kept as given: the repository keeps them to the millisecond, so the contract uses such times."""

from __future__ import annotations

import base64
import binascii
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from opsdesk.clock import to_rfc3339
from opsdesk.errors import Conflict, ValidationFailed
from opsdesk.events import DomainEvent
from opsdesk.pagination import Page
from opsdesk.response import keys
from opsdesk.response.items import COUNTERS, mttr_counters
from opsdesk.response.records import Action, Analysis, Event, Incident, IngestActivity, Status, TimelineEntry
from opsdesk.response.store import INCIDENT_CHANGED, Claim, ClaimResult, IdempotentRequest, ResponseStore

UNFINISHED_AFTER = timedelta(seconds=30)
IDEMPOTENCY_TTL = timedelta(hours=24)
"""opsdesk.response.repository.UNFINISHED_AFTER (the contract test checks they agree)."""
BATCH_WRITE_SIZE = 25
"""opsdesk.dynamo.BATCH_WRITE_SIZE: store_events reports one write request per 25 events."""
T = TypeVar("T")
IncidentKey = tuple[str, str]
"""(tenant id, incident id)"""


@dataclass
class _Claimed:
    body_hash: str
    events: tuple[Event, ...]
    created_at: datetime
    completed: bool = False


@dataclass(frozen=True)
class AnalysisRequest:
    """What the repository's AnalysisRequestItem records: its insertion starts an analysis."""

    tenant_id: str
    incident_id: str
    at: datetime


class FakeResponseStore:
    def __init__(self) -> None:
        self.incidents: dict[IncidentKey, Incident] = {}
        self.events: dict[IncidentKey, dict[str, Event]] = defaultdict(dict)
        self.entries: dict[IncidentKey, dict[str, TimelineEntry]] = defaultdict(dict)
        self.action_items: dict[IncidentKey, dict[str, Action]] = defaultdict(dict)
        self.last_events: dict[IncidentKey, datetime] = {}
        self.writes_in_flight: defaultdict[IncidentKey, int] = defaultdict(int)
        self.write_began: dict[IncidentKey, datetime] = {}
        self.pending: dict[IncidentKey, datetime] = {}
        """analysisPendingAt: set by request_analysis, cleared by start_analysis."""
        self.analysis_requests: list[AnalysisRequest] = []
        self.claims: dict[tuple[str, str], _Claimed] = {}
        self.counters: defaultdict[str, float] = defaultdict(float)
        self.published: list[tuple[str, DomainEvent]] = []
        """(tenant, event) in the order the writes that carried them succeeded."""
        self.failures: dict[str, BaseException] = {}
        """Method name -> the error its next call raises before doing anything (a write that failed midway)."""
        self.before_write: Callable[[], None] | None = None
        """Runs once just before the next status change or action update checks its version: lets a test slip in a
        concurrent change."""
        self._lock = threading.RLock()

    def fail_next(self, method: str, error: BaseException) -> None:
        self.failures[method] = error

    # Incidents

    def create_incident(self, incident: Incident, entry: TimelineEntry, events: Sequence[DomainEvent],
                        opening: IdempotentRequest | None = None) -> None:
        self._maybe_fail("create_incident")
        with self._lock:
            key = (incident.tenant_id, incident.id)
            claimed = self.claims.get((incident.tenant_id, opening.key)) if opening is not None else None
            if key in self.incidents and (opening is None or (claimed and claimed.body_hash == opening.body_hash)):
                return  # the repository takes an existing incident (with these events' claim) for its own attempt
            if key in self.incidents or claimed is not None:
                raise Conflict("Incident exists")
            counts = {f"created_{incident.severity}": 1, f"status_{incident.status.value}": 1}
            if opening is not None:
                self.claims[incident.tenant_id, opening.key] = _Claimed(
                    opening.body_hash, opening.events, incident.updated_at, completed=True)
                for event in opening.events:
                    self.events[key][keys.event_sk(event.timestamp, event.id)] = event
                incident = replace(incident, event_count=len(opening.events))
                self.last_events[key] = incident.updated_at
                counts["events_ingested"] = len(opening.events)
            self.incidents[key] = incident
            self.entries[key][keys.timeline_sk(entry.timestamp, entry.id)] = entry
            self._count(counts)
            self.published.extend((incident.tenant_id, e) for e in events)

    def get_incident(self, tenant_id: str, incident_id: str) -> Incident | None:
        return self.incidents.get((tenant_id, incident_id))

    def get_incidents(self, tenant_id: str, incident_ids: Sequence[str]) -> dict[str, Incident]:
        return {i: self.incidents[tenant_id, i] for i in dict.fromkeys(incident_ids)
                if (tenant_id, i) in self.incidents}

    def list_incidents(self, tenant_id: str, status: Status | None, limit: int, cursor: str | None) -> Page[Incident]:
        if status is None:
            scope = keys.incidents_list_pk(tenant_id)
            mine = [i for (t, _), i in self.incidents.items() if t == tenant_id]
        else:
            scope = keys.status_list_pk(tenant_id, status.value)
            mine = [i for (t, _), i in self.incidents.items() if t == tenant_id and i.status is status]
        ordered = sorted(((keys.list_sk(i.created_at, i.id), i) for i in mine), key=lambda pair: pair[0],
                         reverse=True)
        return _page(ordered, limit, cursor, scope, descending=True)

    def change_status(self, before: Incident, after: Incident, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        self._maybe_fail("change_status")
        self._run_hook()
        with self._lock:
            key = (after.tenant_id, after.id)
            current = self.incidents.get(key)
            if current is None or current.version != before.version or current.updated_at != before.updated_at:
                if current is not None and current.version == after.version and current.status is after.status \
                        and current.updated_at == after.updated_at:
                    return  # our own earlier write
                raise Conflict("The incident's status changed meanwhile; reload it and retry")
            self.incidents[key] = replace(current, status=after.status, updated_at=after.updated_at,
                                          resolved_at=after.resolved_at, mttr_minutes=after.mttr_minutes,
                                          version=after.version)
            self.entries[key][keys.timeline_sk(entry.timestamp, entry.id)] = entry
            self._count({f"status_{before.status.value}": -1, f"status_{after.status.value}": 1})
            if after.mttr_minutes is not None and before.mttr_minutes is None:
                self._count(mttr_counters(after.mttr_minutes))
            self.published.extend((after.tenant_id, e) for e in events)

    # Timeline and actions

    def timeline(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[TimelineEntry]:
        key = (tenant_id, incident_id)
        return _page(sorted(self.entries[key].items()), limit, cursor,
                     f"{keys.incident_pk(*key)}#{keys.TIMELINE_PREFIX}")

    def add_entry(self, tenant_id: str, entry: TimelineEntry, events: Sequence[DomainEvent]) -> None:
        self._maybe_fail("add_entry")
        with self._lock:
            entries = self.entries[tenant_id, entry.incident_id]
            sk = keys.timeline_sk(entry.timestamp, entry.id)
            if sk in entries:
                return
            entries[sk] = entry
            self.published.extend((tenant_id, e) for e in events)

    def actions(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Action]:
        key = (tenant_id, incident_id)
        return _page(sorted(self.action_items[key].items()), limit, cursor,
                     f"{keys.incident_pk(*key)}#{keys.ACTION_PREFIX}")

    def get_action(self, tenant_id: str, incident_id: str, action_id: str) -> Action | None:
        return self.action_items[tenant_id, incident_id].get(keys.action_sk(action_id))

    def action_titles(self, tenant_id: str, incident_id: str, titles: Sequence[str]) -> set[str]:
        held = {a.title.strip().casefold() for a in self.action_items[tenant_id, incident_id].values()}
        return {title.strip().casefold() for title in titles} & held

    def add_action(self, tenant_id: str, action: Action, entry: TimelineEntry,
                   events: Sequence[DomainEvent]) -> None:
        self._maybe_fail("add_action")
        with self._lock:
            key = (tenant_id, action.incident_id)
            if keys.action_sk(action.id) in self.action_items[key]:
                return
            self.action_items[key][keys.action_sk(action.id)] = action
            self.entries[tenant_id, entry.incident_id][keys.timeline_sk(entry.timestamp, entry.id)] = entry
            self.published.extend((tenant_id, e) for e in events)

    def update_action(self, tenant_id: str, before: Action, after: Action, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        self._maybe_fail("update_action")
        self._run_hook()
        with self._lock:
            actions = self.action_items[tenant_id, after.incident_id]
            current = actions.get(keys.action_sk(after.id))
            if current is None or current.version != before.version or current.updated_at != before.updated_at:
                if current == after:
                    return  # our own earlier write
                raise Conflict("The action changed meanwhile; reload it and retry")
            actions[keys.action_sk(after.id)] = after
            self.entries[tenant_id, entry.incident_id][keys.timeline_sk(entry.timestamp, entry.id)] = entry
            self.published.extend((tenant_id, e) for e in events)

    # Events

    def claim_request(self, tenant_id: str, request: IdempotentRequest, now: datetime) -> ClaimResult:
        self._maybe_fail("claim_request")
        with self._lock:
            found = self.claims.get((tenant_id, request.key))
            if found is None or now >= found.created_at + IDEMPOTENCY_TTL:
                self.claims[tenant_id, request.key] = _Claimed(request.body_hash, request.events, now)
                return ClaimResult(Claim.NEW, request.events)
            if found.body_hash != request.body_hash:
                return ClaimResult(Claim.MISMATCH)
            if found.completed:
                return ClaimResult(Claim.REPLAY, found.events)
            if now - found.created_at < UNFINISHED_AFTER:
                return ClaimResult(Claim.BUSY)
            return ClaimResult(Claim.UNFINISHED, found.events)

    def store_events(self, tenant_id: str, events: Sequence[Event]) -> int:
        self._maybe_fail("store_events")
        with self._lock:
            for event in events:
                self.events[tenant_id, event.incident_id][keys.event_sk(event.timestamp, event.id)] = event
        return math.ceil(len(events) / BATCH_WRITE_SIZE)

    def begin_ingest(self, tenant_id: str, incident_ids: Sequence[str], now: datetime) -> None:
        with self._lock:
            for incident_id in incident_ids:
                if (tenant_id, incident_id) in self.incidents:
                    self.writes_in_flight[tenant_id, incident_id] += 1
                    self.write_began[tenant_id, incident_id] = now

    def end_ingest(self, tenant_id: str, incident_ids: Sequence[str]) -> None:
        with self._lock:
            for incident_id in incident_ids:
                if (tenant_id, incident_id) in self.incidents:
                    self.writes_in_flight[tenant_id, incident_id] -= 1

    def finish_ingest(self, tenant_id: str, counts: Mapping[str, int], last_at: datetime,
                      idempotency_key: str | None, events: Sequence[DomainEvent] = ()) -> None:
        self._maybe_fail("finish_ingest")
        with self._lock:
            claimed = self.claims.get((tenant_id, idempotency_key)) if idempotency_key is not None else None
            if claimed is not None and claimed.completed:
                return  # counted by the attempt that finished it
            if any((tenant_id, incident_id) not in self.incidents for incident_id in counts):
                return  # the repository's transaction fails its condition and takes it as done: nothing moves
            if claimed is not None:
                claimed.completed = True
            for incident_id, count in counts.items():
                key = (tenant_id, incident_id)
                self.incidents[key] = replace(self.incidents[key], event_count=self.incidents[key].event_count + count)
                self.last_events[key] = last_at
            self._count({"events_ingested": sum(counts.values())})
            self.published.extend((tenant_id, e) for e in events)

    def list_events(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Event]:
        key = (tenant_id, incident_id)
        return _page(sorted(self.events[key].items()), limit, cursor, f"{keys.incident_pk(*key)}#{keys.EVENT_PREFIX}")

    def latest_events(self, tenant_id: str, incident_id: str, limit: int) -> list[Event]:
        newest = [e for _, e in sorted(self.events[tenant_id, incident_id].items(), reverse=True)][:limit]
        return newest[::-1]

    # Analysis

    def request_analysis(self, tenant_id: str, incident_id: str, now: datetime, stale_after_seconds: int) -> bool:
        self._maybe_fail("request_analysis")
        with self._lock:
            key = (tenant_id, incident_id)
            if key not in self.incidents:
                return False
            pending = self.pending.get(key)
            stale = to_rfc3339(now - timedelta(seconds=stale_after_seconds))
            if pending is not None and not to_rfc3339(pending) < stale:
                return False  # one is pending already: it will read these events too
            self.pending[key] = now
            self.analysis_requests.append(AnalysisRequest(tenant_id, incident_id, now))
            return True

    def ingest_activity(self, tenant_id: str, incident_id: str) -> IngestActivity | None:
        key = (tenant_id, incident_id)
        if key not in self.incidents:
            return None
        return IngestActivity(self.last_events.get(key), self.writes_in_flight[key], self.write_began.get(key))

    def start_analysis(self, tenant_id: str, incident_id: str) -> None:
        self._maybe_fail("start_analysis")
        with self._lock:
            self.pending.pop((tenant_id, incident_id), None)

    def save_analysis(self, incident: Incident, analysis: Analysis, actions: Sequence[Action],
                      entry: TimelineEntry, events: Sequence[DomainEvent]) -> bool:
        self._maybe_fail("save_analysis")
        with self._lock:
            key = (incident.tenant_id, incident.id)
            current = self.incidents.get(key)
            entry_sk = keys.timeline_sk(entry.timestamp, entry.id)
            if current is None or current.analysed_events == analysis.events_digest or entry_sk in self.entries[
                    key] or any(keys.action_sk(a.id) in self.action_items[key] for a in actions):
                return False  # a failed condition the repository takes as done: nothing is written
            if current.version != incident.version:
                raise Conflict(INCIDENT_CHANGED)
            self.incidents[key] = replace(current, ai_summary=analysis.ai_summary, root_cause=analysis.root_cause,
                                          suggested_actions=tuple(analysis.suggested_actions),
                                          analysis_count=current.analysis_count + 1,
                                          analysed_events=analysis.events_digest,
                                          updated_at=incident.updated_at)
            for action in actions:
                self.action_items[key][keys.action_sk(action.id)] = action
            self.entries[key][entry_sk] = entry
            self._count({"analyses": 1})
            self.published.extend((incident.tenant_id, e) for e in events)
            return True

    # Metrics and health

    def metrics(self) -> dict[str, float]:
        totals = dict.fromkeys(COUNTERS, 0.0)
        for name, value in self.counters.items():
            totals[name] += value
        return totals

    def ready(self) -> None:
        return None

    # Helpers

    def _count(self, counts: Mapping[str, float]) -> None:
        for name, value in counts.items():
            self.counters[name] += value

    def _maybe_fail(self, method: str) -> None:
        error = self.failures.pop(method, None)
        if error is not None:
            raise error

    def _run_hook(self) -> None:
        if self.before_write is not None:
            hook, self.before_write = self.before_write, None
            hook()


def _cursor(scope: str, last_key: str) -> str:
    return base64.urlsafe_b64encode(f"{scope}\n{last_key}".encode()).decode("ascii")


def _page(ordered: list[tuple[str, T]], limit: int, cursor: str | None, scope: str, *,
          descending: bool = False) -> Page[T]:
    """A page of `ordered` (sort key, record) after the key the cursor names; a cursor whenever the page is full."""
    if cursor:
        try:
            named_scope, _, after = base64.urlsafe_b64decode(cursor.encode("ascii")).decode().partition("\n")
        except (binascii.Error, UnicodeError, ValueError):
            raise ValidationFailed.on_field("cursor", "Not a cursor of this list") from None
        if named_scope != scope or not after:
            raise ValidationFailed.on_field("cursor", "Not a cursor of this list")
        ordered = [(k, r) for k, r in ordered if (k < after if descending else k > after)]
    page = ordered[:limit]
    return Page([r for _, r in page], _cursor(scope, page[-1][0]) if len(page) == limit and page else None)


def last_event_at(store: ResponseStore, tenant_id: str, incident_id: str) -> datetime | None:
    activity = store.ingest_activity(tenant_id, incident_id)
    return activity.last_event_at if activity is not None else None
