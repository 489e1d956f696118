"""The response module's domain (seeds/incident-response-api.md): incidents and their statuses, event ingest, the
timeline, actions and room comments, all scoped to the signed-in user's tenant (another tenant's incident is a
404). Plain Python over a ResponseStore; every change lands on the incident's timeline and in its room (the
event-log stream `incident:<id>`, which the WebSocket fan-out delivers)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal
from opsdesk.clock import new_id, new_time_ordered_id, utc_now
from opsdesk.errors import Conflict, FieldError, NotFound, ValidationFailed
from opsdesk.events import DomainEvent
from opsdesk.pagination import CursorRequest, Page
from opsdesk.response import workflow
from opsdesk.response.records import (
    SYSTEM_ACTOR,
    Action,
    ActionStatus,
    EntryType,
    Event,
    EventFields,
    Incident,
    IncidentFields,
    Status,
    TimelineEntry,
)
from opsdesk.response.rooms import room_stream
from opsdesk.response.store import MAX_OPENING_EVENTS, Claim, IdempotentRequest, ResponseStore
from opsdesk.response.views import action_view, entry_view, event_view, incident_view

if TYPE_CHECKING:
    from opsdesk.response.requests import AddActionRequest

MAX_COMMENT_CHARS = 4000
IDEMPOTENT_INCIDENTS = uuid.UUID("5d0a6c43-9a57-4d0e-8f3e-2f1f4b1c6a10")
"""The namespace of the ids of incidents created with an Idempotency-Key (uuid5 of the tenant and the key)."""
MAX_DISPLAY_NAME = 100
STATUS_SAVE_ATTEMPTS = 3
"""Saves of one status change while analyses keep saving its incident (each moves `updated_at`, not the status)."""
EVENTS_AHEAD_AT_MOST = timedelta(minutes=15)
"""How far an event's `timestamp` may be ahead of the server's clock (a source's clock skew). The analysis reads an
incident's newest events by timestamp: a source whose clock said 2036 filled that window for good, and no later
event was analysed again."""


def actor_name(principal: Principal) -> str:
    """How the timeline names a person: their name, else their email, else their user name."""
    return principal.name or principal.email or principal.username


def room_event(kind: str, incident_id: str, data: dict[str, Any], **envelope: Any) -> DomainEvent:
    return DomainEvent(type=kind, stream=room_stream(incident_id), data=data,
                       envelope={"incident_id": incident_id, **envelope})


ROOM_EVENTS_SHOWN = 20
ROOM_EVENTS_BYTES = 48 * 1024
"""An `events` room message shows the batch's newest events up to these bounds (API Gateway takes WebSocket
messages up to 128 KB; one event may hold 48 KiB); `count` says how many arrived, `GET .../events` has them all."""


def events_message(incident_id: str, mine: Sequence[Event]) -> DomainEvent:
    """The room's `events` message for one incident's share of an ingest (`mine`, oldest first): how many arrived
    and the newest of them, newest last."""
    shown: list[dict[str, Any]] = []
    size = 0
    for event in reversed(mine[-ROOM_EVENTS_SHOWN:]):
        view = event_view(event)
        size += len(json.dumps(view, separators=(",", ":")))
        if shown and size > ROOM_EVENTS_BYTES:
            break
        shown.append(view)
    return room_event("events", incident_id, {"incident_id": incident_id, "count": len(mine),
                                              "events": shown[::-1]})


class ResponseService:
    def __init__(self, store: ResponseStore, *, clock: Callable[[], datetime] = utc_now,
                 analysis_stale_seconds: int = 900) -> None:
        self._store = store
        self._now = clock
        self._stale = analysis_stale_seconds

    # Incidents

    def create_incident(self, principal: Principal, request: IncidentFields, *,
                        incident_id: str | None = None, at: datetime | None = None,
                        idempotency_key: str | None = None) -> Incident:
        """`incident_id` and `at`: an incident another module opens for the tenant (an alert's), with the id it
        chose so that doing it again finds it made. `idempotency_key` (the request's header): the key names the
        incident, so a retried request answers the incident it made; the key with another body is refused."""
        if idempotency_key is not None:
            return self._create_once(principal, request, idempotency_key)
        incident, entry = self._opened(principal, request, incident_id or new_id(), at or self._now())
        self._store.create_incident(incident, entry, [
            room_event("incident_created", incident.id, incident_view(incident))])
        return incident

    def open_incident(self, principal: Principal, request: IncidentFields, incident_id: str, *, at: datetime,
                      events: Sequence[EventFields], idempotency_key: str) -> Incident:
        """An incident another module opens for the tenant (an alert's) together with its first events, in one
        write, so that nobody reads the incident without them; then its analysis is requested. The events are
        stored as an ingest under `idempotency_key` that finished: ingesting them again under that key (a
        redelivery) answers them and stores nothing. Conflict when the incident exists (another delivery made it
        meanwhile: ingest the events into it)."""
        if not 0 < len(events) <= MAX_OPENING_EVENTS or any(r.incident_id != incident_id for r in events):
            raise ValueError(f"an incident opens with 1 to {MAX_OPENING_EVENTS} events of its own")
        incident, entry = self._opened(principal, request, incident_id, at)
        now = self._now()
        stamped = tuple(Event(id=new_time_ordered_id(now), incident_id=incident_id, event_type=r.event_type,
                              message=r.message, level=r.level, source=r.source, metadata=dict(r.metadata),
                              timestamp=r.timestamp or now) for r in events)
        self._store.create_incident(incident, entry, [
            room_event("incident_created", incident.id, incident_view(incident)),
            events_message(incident_id, stamped)],
            opening=IdempotentRequest(idempotency_key, _body_hash(events, batch=False), stamped))
        self._store.request_analysis(principal.tenant_id, incident_id, now, self._stale)
        return replace(incident, event_count=len(stamped))

    def _opened(self, principal: Principal, request: IncidentFields, incident_id: str,
                at: datetime) -> tuple[Incident, TimelineEntry]:
        incident = Incident(id=incident_id, tenant_id=principal.tenant_id, title=request.title,
                            description=request.description, status=Status.OPEN, severity=request.severity,
                            source=request.source, tags=tuple(request.tags), metadata=dict(request.metadata),
                            created_at=at, updated_at=at)
        entry = self._entry(incident.id, EntryType.SYSTEM_EVENT, (
            "Incident opened", f"{incident.severity} incident from {incident.source}: {incident.title}"),
                            actor_name(principal), at)
        return incident, entry

    def _create_once(self, principal: Principal, request: IncidentFields, key: str) -> Incident:
        incident_id = str(uuid.uuid5(IDEMPOTENT_INCIDENTS, f"{principal.tenant_id}\n{key}"))
        made = self._store.get_incident(principal.tenant_id, incident_id)
        if made is None:
            # A twin request that commits first makes this one's create find the incident made (the store's
            # outcome): what was stored is read back and compared like a retry's.
            self.create_incident(principal, request, incident_id=incident_id)
            made = self._store.get_incident(principal.tenant_id, incident_id)
            if made is None:
                raise Conflict("The incident was not stored; retry with the same Idempotency-Key")
        if _opened_from(made) != _opened_from(request):
            raise ValidationFailed("Idempotency-Key reused", details=[FieldError(
                "header.Idempotency-Key", "This key was used with another request body")])
        return made

    def list_incidents(self, principal: Principal, status: Status | None, page: CursorRequest) -> Page[Incident]:
        return self._store.list_incidents(principal.tenant_id, status, page.limit, page.cursor)

    def find_incident(self, principal: Principal, incident_id: str) -> Incident | None:
        return self._store.get_incident(principal.tenant_id, incident_id) if _plausible(incident_id) else None

    def get_incident(self, principal: Principal, incident_id: str) -> Incident:
        incident = self._store.get_incident(principal.tenant_id, incident_id) if _plausible(incident_id) else None
        if incident is None:
            raise NotFound("Incident not found")
        return incident

    def change_status(self, principal: Principal, incident_id: str, target: Status) -> Incident:
        before = self.get_incident(principal, incident_id)
        for _ in range(STATUS_SAVE_ATTEMPTS - 1):
            try:
                return self._change_status(principal, before, target)
            except Conflict:
                current = self.get_incident(principal, incident_id)
                if current.version != before.version:
                    raise  # a person moved its status: they reload and decide again
                before = current  # an analysis saved meanwhile: move the incident as it is now
        return self._change_status(principal, before, target)

    def _change_status(self, principal: Principal, before: Incident, target: Status) -> Incident:
        incident_id = before.id
        if before.status is target:
            return before  # a retried PATCH changes nothing
        if not workflow.can_move(before.status, target):
            allowed = ", ".join(sorted(s.value for s in workflow.TRANSITIONS[before.status])) or "none"
            raise Conflict(f"Cannot move an incident from {before.status.value} to {target.value} "
                           f"(from {before.status.value}: {allowed})")
        now = max(self._now(), before.updated_at)
        after = workflow.moved(before, target, now)
        verb = "Reopened" if before.status in workflow.ENDED and target in workflow.ACTIVE else "Status changed"
        description = f"{before.status.value} -> {target.value}"
        if after.mttr_minutes is not None and before.mttr_minutes is None:
            description += f" (time to resolve: {after.mttr_minutes:g} minutes)"
        entry = self._entry(incident_id, EntryType.STATUS_CHANGE, (f"{verb}: {target.value}", description),
                            actor_name(principal), now, details={"from": before.status.value, "to": target.value})
        self._store.change_status(before, after, entry, [
            room_event("status_change", incident_id, incident_view(after), entry=entry_view(entry))])
        return after

    # Timeline, actions, comments

    def timeline(self, principal: Principal, incident_id: str, page: CursorRequest) -> Page[TimelineEntry]:
        self.get_incident(principal, incident_id)
        return self._store.timeline(principal.tenant_id, incident_id, page.limit, page.cursor)

    def actions(self, principal: Principal, incident_id: str, page: CursorRequest) -> Page[Action]:
        self.get_incident(principal, incident_id)
        return self._store.actions(principal.tenant_id, incident_id, page.limit, page.cursor)

    def add_action(self, principal: Principal, incident_id: str, request: AddActionRequest) -> Action:
        self.get_incident(principal, incident_id)
        now = self._now()
        action = Action(id=new_time_ordered_id(now), incident_id=incident_id, title=request.title,
                        description=request.description, status=ActionStatus.PENDING,
                        suggested_by=actor_name(principal), priority=request.priority, created_at=now,
                        updated_at=now)
        entry = self._entry(incident_id, EntryType.USER_ACTION, (
            f"Action added: {action.title}", f"Priority {action.priority}. {action.description}".strip()),
                            actor_name(principal), now,
                            details={"action_id": action.id})
        self._store.add_action(principal.tenant_id, action, entry, [
            room_event("action_created", incident_id, action_view(action), entry=entry_view(entry))])
        return action

    def change_action_status(self, principal: Principal, incident_id: str, action_id: str,
                             target: ActionStatus) -> Action:
        self.get_incident(principal, incident_id)
        before = self._store.get_action(principal.tenant_id, incident_id, action_id) if _plausible(action_id) \
            else None
        if before is None:
            raise NotFound("Action not found")
        if before.status is target:
            return before
        if not workflow.can_move_action(before.status, target):
            raise Conflict(f"Cannot move an action from {before.status.value} to {target.value}")
        now = max(self._now(), before.updated_at)
        after = replace(before, status=target, updated_at=now, version=before.version + 1)
        entry = self._entry(incident_id, EntryType.USER_ACTION, (
            f"Action {target.value.replace('_', ' ')}: {after.title}", f"{before.status.value} -> {target.value}"),
                            actor_name(principal), now,
                            details={"action_id": action_id, "from": before.status.value, "to": target.value})
        self._store.update_action(principal.tenant_id, before, after, entry, [
            room_event("action_updated", incident_id, action_view(after), entry=entry_view(entry))])
        return after

    def post_comment(self, principal: Principal, incident_id: str, message: Any, display_name: Any) -> TimelineEntry:
        """A room message: stored as a `comment` entry whose actor is the signed-in user (from the token); the name
        the client typed as `user` is kept beside it, never trusted as the author."""
        self.get_incident(principal, incident_id)
        if not isinstance(message, str) or not message.strip():
            raise ValidationFailed(details=[FieldError("message", "message must be non-empty text")])
        if len(message) > MAX_COMMENT_CHARS:
            raise ValidationFailed(details=[FieldError("message", f"message is at most {MAX_COMMENT_CHARS} "
                                                                  "characters")])
        shown = display_name.strip()[:MAX_DISPLAY_NAME] if isinstance(display_name, str) else ""
        actor = actor_name(principal)
        now = self._now()
        entry = self._entry(incident_id, EntryType.COMMENT, (f"Comment by {actor}", message.strip()), actor, now,
                            details={"user": shown or actor})
        self._store.add_entry(principal.tenant_id, entry, [
            room_event("comment", incident_id, entry_view(entry), user=shown or actor, message=message.strip(),
                       actor=actor)])
        return entry

    # Events

    def ingest(self, principal: Principal, requests: Sequence[EventFields], *,
               idempotency_key: str | None = None, batch: bool = True) -> list[Event]:
        """Stores the events (all or, on a refusal, none) and requests an analysis of each incident named."""
        tenant_id = principal.tenant_id
        latest = self._now() + EVENTS_AHEAD_AT_MOST
        ahead = [index for index, r in enumerate(requests) if r.timestamp is not None and r.timestamp > latest]
        if ahead:
            raise ValidationFailed(details=[FieldError(
                f"[{index}].timestamp" if batch else "timestamp",
                f"is more than {EVENTS_AHEAD_AT_MOST.seconds // 60} minutes ahead of the server's clock")
                for index in ahead])
        named = list(dict.fromkeys(r.incident_id for r in requests))
        found = self._store.get_incidents(tenant_id, [i for i in named if _plausible(i)])
        missing = [index for index, r in enumerate(requests) if r.incident_id not in found]
        if missing and not batch:
            raise NotFound("Incident not found")
        if missing:  # a 404 as for one event; the whole batch is refused, so say which events named one
            raise NotFound("Incident not found: " + ", ".join(f"[{index}].incident_id" for index in missing))
        now = self._now()
        events = tuple(Event(id=new_time_ordered_id(now), incident_id=r.incident_id, event_type=r.event_type,
                             message=r.message, level=r.level, source=r.source, metadata=dict(r.metadata),
                             timestamp=r.timestamp or now) for r in requests)
        if idempotency_key is not None:
            claim = self._store.claim_request(tenant_id, IdempotentRequest(
                idempotency_key, _body_hash(requests, batch), events), now)
            if claim.claim is Claim.REPLAY:
                # Stored and counted before; the analysis request is asked again (it is a no-op while one is
                # pending), in case the earlier attempt ended before asking.
                for incident_id in dict.fromkeys(e.incident_id for e in claim.events):
                    self._store.request_analysis(tenant_id, incident_id, now, self._stale)
                return list(claim.events)
            if claim.claim is Claim.MISMATCH:
                raise ValidationFailed("Idempotency-Key reused", details=[FieldError(
                    "header.Idempotency-Key", "This key was used with another request body")])
            if claim.claim is Claim.BUSY:
                raise Conflict("A request with this Idempotency-Key is still being processed; retry shortly")
            events = claim.events
        counts = Counter(e.incident_id for e in events)
        # An analysis waits while a write is under way and for a pause after the last one, so a slow batch in the
        # middle of a burst cannot look like its end.
        self._store.begin_ingest(tenant_id, list(counts), now)
        try:
            self._store.store_events(tenant_id, events)
            by_incident: dict[str, list[Event]] = {}
            for event in events:
                by_incident.setdefault(event.incident_id, []).append(event)
            self._store.finish_ingest(tenant_id, dict(counts), max(now, self._now()), idempotency_key,
                                      [events_message(incident_id, mine) for incident_id, mine in by_incident.items()])
        finally:
            self._store.end_ingest(tenant_id, list(counts))
        for incident_id in counts:
            self._store.request_analysis(tenant_id, incident_id, now, self._stale)
        return list(events)

    def events(self, principal: Principal, incident_id: str, page: CursorRequest) -> Page[Event]:
        self.get_incident(principal, incident_id)
        return self._store.list_events(principal.tenant_id, incident_id, page.limit, page.cursor)

    @staticmethod
    def _entry(incident_id: str, kind: EntryType, text: tuple[str, str], actor: str, at: datetime, *,
               details: dict[str, Any] | None = None) -> TimelineEntry:
        title, description = text
        return TimelineEntry(id=new_time_ordered_id(at), incident_id=incident_id, entry_type=kind, title=title,
                             description=description, actor=actor or SYSTEM_ACTOR, timestamp=at,
                             details=details or {})


def _plausible(identifier: str) -> bool:
    """Ids are at most 64 characters of letters, digits and dashes: anything else is no incident of ours (and
    never reaches a key)."""
    return 0 < len(identifier) <= 64 and all(c.isalnum() or c == "-" for c in identifier)


def _opened_from(fields: IncidentFields | Incident) -> tuple[Any, ...]:
    """What an incident was opened from, to tell a retried create from another request with the same key."""
    return (fields.title, fields.description, fields.severity, fields.source, tuple(fields.tags),
            json.dumps(dict(fields.metadata), sort_keys=True))


def _body_hash(requests: Sequence[EventFields], batch: bool) -> str:
    """The request as validated (so whitespace and key order do not matter), with the route it came to. The events
    are written out as the JSON form of bodies parsed from JSON (their times are UTC, ending in `Z`), so a key
    taken before a release still matches its retry after one."""
    body = [{"incident_id": r.incident_id, "event_type": r.event_type, "message": r.message, "level": r.level,
             "source": r.source, "metadata": dict(r.metadata), "timestamp": _json_moment(r.timestamp)}
            for r in requests]
    text = json.dumps({"batch": batch, "events": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_moment(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
