"""The response service (opsdesk.response.service) on the in-memory store: incidents scoped to their tenant, status
changes with their timeline entry and room event (stream `incident:<id>`), ingest all-or-nothing and idempotent per
Idempotency-Key, actions, and room comments whose author is the signed-in user."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import Conflict, NotFound, ValidationFailed
from opsdesk.events import DomainEvent
from opsdesk.pagination import CursorRequest
from opsdesk.response.records import ActionStatus, EntryType, Event, Incident, IngestActivity, Status, TimelineEntry
from opsdesk.response.requests import AddActionRequest, CreateIncidentRequest, IngestEventRequest, parse_batch
from opsdesk.response.service import (
    MAX_COMMENT_CHARS,
    ROOM_EVENTS_BYTES,
    ROOM_EVENTS_SHOWN,
    ResponseService,
    actor_name,
)
from opsdesk.response.views import action_view, entry_view, event_view, incident_view
from tests.unit.fakes import FakeClock
from tests.unit.response_fakes import FakeResponseStore, last_event_at

PAGE = CursorRequest(limit=100)
TENANT, OTHER_TENANT = "tenant-a", "tenant-b"


@pytest.fixture
def store() -> FakeResponseStore:
    return FakeResponseStore()


@pytest.fixture
def service(store: FakeResponseStore, clock: FakeClock) -> ResponseService:
    return ResponseService(store, clock=clock, analysis_stale_seconds=900)


@pytest.fixture
def oncall() -> Principal:
    return Principal(user_id="u-olive", tenant_id=TENANT, username="olive", groups=frozenset(),
                     email="olive@example.test", name="Olive Oncall")


@pytest.fixture
def outsider() -> Principal:
    return Principal(user_id="u-mallory", tenant_id=OTHER_TENANT, username="mallory", groups=frozenset())


@pytest.fixture
def opened(service: ResponseService, oncall: Principal) -> Incident:
    return service.create_incident(oncall, CreateIncidentRequest(
        title="Database connection timeout", description="Users experiencing 502 errors", severity="high",
        source="datadog", tags=["database", "postgres"]))


def room(store: FakeResponseStore, incident_id: str) -> list[DomainEvent]:
    return [e for _, e in store.published if e.stream == f"incident:{incident_id}"]


def entries(store: FakeResponseStore, incident: Incident) -> list[TimelineEntry]:
    return store.timeline(incident.tenant_id, incident.id, 100, None).items


def batch(*events: dict[str, Any]) -> list[IngestEventRequest]:
    return parse_batch(list(events))


def log(incident_id: str, message: str = "Connection refused", **fields: Any) -> dict[str, Any]:
    return {"incident_id": incident_id, "event_type": "log", "message": message, "level": "error", **fields}


# Incidents


def test_creating_opens_an_incident_with_its_entry_and_room_event(service: ResponseService, oncall: Principal,
                                                                  store: FakeResponseStore, clock: FakeClock,
                                                                  opened: Incident) -> None:
    assert (opened.status, opened.tenant_id, opened.created_at, opened.updated_at, opened.version) == (
        Status.OPEN, TENANT, clock.now, clock.now, 1)
    assert (opened.resolved_at, opened.mttr_minutes, opened.tags) == (None, None, ("database", "postgres"))
    assert service.get_incident(oncall, opened.id) == opened

    [entry] = entries(store, opened)
    assert (entry.entry_type, entry.title, entry.description, entry.actor) == (
        EntryType.SYSTEM_EVENT, "Incident opened", "high incident from datadog: Database connection timeout",
        "Olive Oncall")
    assert room(store, opened.id) == [DomainEvent(type="incident_created", stream=f"incident:{opened.id}",
                                                  data=incident_view(opened), envelope={"incident_id": opened.id})]


def test_an_incident_opened_with_a_chosen_id_is_opened_once(service: ResponseService, oncall: Principal,
                                                            store: FakeResponseStore, clock: FakeClock) -> None:
    body = CreateIncidentRequest(title="HighErrorRate on checkout", source="alertmanager")
    first = service.create_incident(oncall, body, incident_id="alert-1234", at=clock.now - timedelta(minutes=3))
    service.create_incident(oncall, body, incident_id="alert-1234")

    assert first.id == "alert-1234" and first.created_at == clock.now - timedelta(minutes=3)
    assert service.get_incident(oncall, "alert-1234") == first
    assert len(entries(store, first)) == 1 and store.metrics()["created_medium"] == 1


def test_an_incident_another_module_opens_with_its_events_answers_their_ingest_again_as_a_replay(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, clock: FakeClock) -> None:
    from opsdesk.response.records import NewEvent

    body = CreateIncidentRequest(title="HighErrorRate on checkout", source="alertmanager")
    alert = NewEvent(incident_id="alert-1234", event_type="alert", message="HighErrorRate", level="error",
                     timestamp=clock.now - timedelta(minutes=3))

    made = service.open_incident(oncall, body, "alert-1234", at=clock.now - timedelta(minutes=2), events=[alert],
                                 idempotency_key="k-alert")

    [stored] = service.events(oncall, made.id, PAGE).items
    assert made.event_count == 1 and service.get_incident(oncall, made.id).event_count == 1
    assert [e.type for e in room(store, made.id)] == ["incident_created", "events"]
    assert [r.incident_id for r in store.analysis_requests] == [made.id]
    assert service.ingest(oncall, [alert], idempotency_key="k-alert", batch=False) == [stored]
    assert service.events(oncall, made.id, PAGE).items == [stored]
    with pytest.raises(Conflict):  # made already: the events go to it by ingest
        service.open_incident(oncall, body, "alert-1234", at=clock.now, events=[alert], idempotency_key="k-other")
    with pytest.raises(ValueError, match="events of its own"):
        service.open_incident(oncall, body, "alert-5678", at=clock.now, events=[alert], idempotency_key="k-other")


def test_incidents_list_newest_first_by_status(service: ResponseService, oncall: Principal, outsider: Principal,
                                               clock: FakeClock) -> None:
    made = []
    for n in range(3):
        made.append(service.create_incident(oncall, CreateIncidentRequest(title=f"incident {n}")))
        clock.advance(minutes=1)
    service.change_status(oncall, made[1].id, Status.INVESTIGATING)

    assert [i.id for i in service.list_incidents(oncall, None, PAGE).items] == [m.id for m in reversed(made)]
    assert [i.id for i in service.list_incidents(oncall, Status.OPEN, PAGE).items] == [made[2].id, made[0].id]
    assert service.list_incidents(outsider, None, PAGE).items == []


def test_another_tenants_incident_is_not_found_by_any_route(service: ResponseService, outsider: Principal,
                                                            opened: Incident) -> None:
    routes: list[Callable[[], object]] = [
        lambda: service.get_incident(outsider, opened.id),
        lambda: service.change_status(outsider, opened.id, Status.INVESTIGATING),
        lambda: service.timeline(outsider, opened.id, PAGE),
        lambda: service.actions(outsider, opened.id, PAGE),
        lambda: service.events(outsider, opened.id, PAGE),
        lambda: service.add_action(outsider, opened.id, AddActionRequest(title="Restart")),
        lambda: service.change_action_status(outsider, opened.id, "a1", ActionStatus.COMPLETED),
        lambda: service.post_comment(outsider, opened.id, "hello", "me"),
        lambda: service.ingest(outsider, batch(log(opened.id)), batch=False),
    ]
    for route in routes:
        with pytest.raises(NotFound):
            route()
    assert service.find_incident(outsider, opened.id) is None


@pytest.mark.parametrize("incident_id", ["", "../etc", "a" * 65, "inc_1", "inc 1", "inc#1"])
def test_an_id_no_incident_can_have_is_not_found_without_a_read(service: ResponseService, oncall: Principal,
                                                                incident_id: str) -> None:
    with pytest.raises(NotFound):
        service.get_incident(oncall, incident_id)


# Statuses


def test_a_status_change_lands_on_the_timeline_and_in_the_room(service: ResponseService, oncall: Principal,
                                                               store: FakeResponseStore, clock: FakeClock,
                                                               opened: Incident) -> None:
    clock.advance(minutes=5)
    after = service.change_status(oncall, opened.id, Status.INVESTIGATING)

    assert (after.status, after.updated_at, after.version) == (Status.INVESTIGATING, clock.now, 2)
    assert service.get_incident(oncall, opened.id) == after
    entry = entries(store, opened)[-1]
    assert (entry.entry_type, entry.title, entry.description, entry.actor, entry.details) == (
        EntryType.STATUS_CHANGE, "Status changed: investigating", "open -> investigating", "Olive Oncall",
        {"from": "open", "to": "investigating"})
    assert room(store, opened.id)[-1] == DomainEvent(
        type="status_change", stream=f"incident:{opened.id}", data=incident_view(after),
        envelope={"incident_id": opened.id, "entry": entry_view(entry)})


def test_resolving_reports_the_time_to_resolve_and_reopening_says_so(service: ResponseService, oncall: Principal,
                                                                     store: FakeResponseStore, clock: FakeClock,
                                                                     opened: Incident) -> None:
    clock.advance(minutes=45)
    resolved = service.change_status(oncall, opened.id, Status.RESOLVED)
    clock.advance(minutes=10)
    reopened = service.change_status(oncall, opened.id, Status.INVESTIGATING)

    assert resolved.mttr_minutes == 45.0 and resolved.resolved_at == opened.created_at + timedelta(minutes=45)
    assert reopened.mttr_minutes is None and reopened.resolved_at is None
    assert [(e.title, e.description) for e in entries(store, opened)[1:]] == [
        ("Status changed: resolved", "open -> resolved (time to resolve: 45 minutes)"),
        ("Reopened: investigating", "resolved -> investigating")]
    assert [e.type for e in room(store, opened.id)] == ["incident_created", "status_change", "status_change"]
    assert store.metrics()["mttr_count"] == 1 and store.metrics()["status_investigating"] == 1


def test_asking_for_the_current_status_changes_nothing(service: ResponseService, oncall: Principal,
                                                       store: FakeResponseStore, opened: Incident) -> None:
    assert service.change_status(oncall, opened.id, Status.OPEN) == opened
    assert len(entries(store, opened)) == 1 and len(room(store, opened.id)) == 1


def test_a_forbidden_move_is_a_conflict_naming_the_allowed_ones(service: ResponseService, oncall: Principal,
                                                                store: FakeResponseStore, opened: Incident) -> None:
    service.change_status(oncall, opened.id, Status.CLOSED)

    with pytest.raises(Conflict) as refused:
        service.change_status(oncall, opened.id, Status.RESOLVED)

    assert refused.value.message == "Cannot move an incident from closed to resolved (from closed: open)"
    assert len(entries(store, opened)) == 2


def test_a_status_change_racing_another_is_a_conflict(service: ResponseService, oncall: Principal,
                                                      store: FakeResponseStore, opened: Incident) -> None:
    store.before_write = lambda: store.change_status(
        opened, replace(opened, status=Status.MONITORING, version=2), entries(store, opened)[0], [])

    with pytest.raises(Conflict):
        service.change_status(oncall, opened.id, Status.INVESTIGATING)
    found = service.get_incident(oncall, opened.id)
    assert found.status is Status.MONITORING


def test_a_status_change_after_an_analysis_saved_meanwhile_moves_the_incident_as_it_is_now(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, clock: FakeClock,
        opened: Incident) -> None:
    # Given an analysis saved between the change's read and its write, one minute later by the analyser's clock
    analysed_at = opened.updated_at + timedelta(minutes=1)
    analysed = replace(opened, ai_summary="Pool exhausted", analysed_events="digest", updated_at=analysed_at)
    store.before_write = lambda: store.incidents.__setitem__((opened.tenant_id, opened.id), analysed)

    # When the status changes
    after = service.change_status(oncall, opened.id, Status.INVESTIGATING)

    # Then it lands, from the analysed incident: updated_at never goes back and the room sees the analysis
    assert after.status is Status.INVESTIGATING and after.updated_at == analysed_at
    found = service.get_incident(oncall, opened.id)
    assert (found.status, found.ai_summary, found.updated_at) == (Status.INVESTIGATING, "Pool exhausted", analysed_at)
    assert room(store, opened.id)[-1].data["ai_summary"] == "Pool exhausted"


def test_a_change_never_goes_back_in_time(service: ResponseService, oncall: Principal, clock: FakeClock,
                                          opened: Incident) -> None:
    clock.advance(minutes=-10)  # this instance's clock is behind the one that wrote the incident

    after = service.change_status(oncall, opened.id, Status.RESOLVED)

    assert after.updated_at == opened.updated_at and after.mttr_minutes == 0.0


# Ingest


def test_an_event_is_stored_counted_and_requests_one_analysis(service: ResponseService, oncall: Principal,
                                                              store: FakeResponseStore, clock: FakeClock,
                                                              opened: Incident) -> None:
    [stored] = service.ingest(oncall, batch(log(opened.id, source="api-1", metadata={"pod": "api-1"})),
                              batch=False)

    assert (stored.incident_id, stored.event_type, stored.message, stored.level, stored.source, stored.metadata,
            stored.timestamp) == (opened.id, "log", "Connection refused", "error", "api-1", {"pod": "api-1"},
                                  clock.now)
    assert service.events(oncall, opened.id, PAGE).items == [stored]
    assert service.get_incident(oncall, opened.id).event_count == 1
    assert last_event_at(store, TENANT, opened.id) == clock.now
    assert [(r.incident_id, r.at) for r in store.analysis_requests] == [(opened.id, clock.now)]

    clock.advance(seconds=5)  # more events while the analysis is pending request no other
    service.ingest(oncall, batch(log(opened.id, timestamp="2024-01-15T10:00:00Z")), batch=False)
    assert len(store.analysis_requests) == 1
    assert [e.message for e in service.events(oncall, opened.id, PAGE).items] == ["Connection refused"] * 2


def test_a_batch_counts_each_incident_it_names(service: ResponseService, oncall: Principal,
                                               store: FakeResponseStore, opened: Incident) -> None:
    other = service.create_incident(oncall, CreateIncidentRequest(title="Queue backlog"))

    stored = service.ingest(oncall, batch(log(opened.id), log(other.id), log(opened.id, "again")))

    assert [e.incident_id for e in stored] == [opened.id, other.id, opened.id]
    assert len({e.id for e in stored}) == 3
    assert (service.get_incident(oncall, opened.id).event_count,
            service.get_incident(oncall, other.id).event_count) == (2, 1)
    assert {r.incident_id for r in store.analysis_requests} == {opened.id, other.id}
    assert store.metrics()["events_ingested"] == 3


def test_a_batch_naming_an_unknown_incident_is_refused_whole_as_not_found(
        service: ResponseService, oncall: Principal, outsider: Principal, store: FakeResponseStore,
        opened: Incident) -> None:
    """A 404 as for one event (another tenant's incident is one the caller cannot see), naming the events."""
    theirs = service.create_incident(outsider, CreateIncidentRequest(title="theirs"))

    with pytest.raises(NotFound) as refused:
        service.ingest(oncall, batch(log(opened.id), log("no-such-incident"), log(opened.id), log(theirs.id)),
                       idempotency_key="k1")

    assert refused.value.message == "Incident not found: [1].incident_id, [3].incident_id"
    assert service.events(oncall, opened.id, PAGE).items == []
    assert service.get_incident(oncall, opened.id).event_count == 0
    assert store.claims == {} and store.analysis_requests == []


def test_a_retry_with_the_same_key_and_body_answers_the_stored_events(service: ResponseService, oncall: Principal,
                                                                     store: FakeResponseStore, clock: FakeClock,
                                                                     opened: Incident) -> None:
    first = service.ingest(oncall, batch(log(opened.id, "one"), log(opened.id, "two")), idempotency_key="k1")
    clock.advance(seconds=3)
    # the same body as validated: whitespace and key order do not matter
    again = service.ingest(oncall, batch({"message": "one", "level": "error", "event_type": "log",
                                          "incident_id": f" {opened.id} "}, log(opened.id, "two")),
                           idempotency_key="k1")

    assert again == first
    assert service.events(oncall, opened.id, PAGE).items == first
    assert service.get_incident(oncall, opened.id).event_count == 2
    assert store.metrics()["events_ingested"] == 2 and len(store.analysis_requests) == 1


@pytest.mark.parametrize(("body", "as_batch"), [([log("{id}", "another body")], True),
                                                ([log("{id}", "one")], False)])
def test_a_key_used_with_another_body_or_route_is_refused(service: ResponseService, oncall: Principal,
                                                          opened: Incident, body: list[dict[str, Any]],
                                                          as_batch: bool) -> None:
    service.ingest(oncall, batch(log(opened.id, "one")), idempotency_key="k1")
    other = [{**e, "incident_id": opened.id} for e in body]

    with pytest.raises(ValidationFailed) as refused:
        service.ingest(oncall, batch(*other), idempotency_key="k1", batch=as_batch)

    assert [(d.field, d.message) for d in refused.value.details] == [
        ("header.Idempotency-Key", "This key was used with another request body")]
    assert service.get_incident(oncall, opened.id).event_count == 1


def test_a_retry_while_the_first_attempt_may_still_run_is_busy_then_finishes_it(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, clock: FakeClock,
        opened: Incident) -> None:
    body = [log(opened.id, "one"), log(opened.id, "two")]
    store.fail_next("store_events", RuntimeError("the function timed out"))
    with pytest.raises(RuntimeError):
        service.ingest(oncall, batch(*body), idempotency_key="k1")
    claimed = store.claims[TENANT, "k1"].events

    clock.advance(seconds=29)
    with pytest.raises(Conflict):
        service.ingest(oncall, batch(*body), idempotency_key="k1")
    assert service.events(oncall, opened.id, PAGE).items == []

    clock.advance(seconds=1)
    finished = service.ingest(oncall, batch(*body), idempotency_key="k1")
    assert finished == list(claimed)  # the first attempt's events, ids and times
    assert service.get_incident(oncall, opened.id).event_count == 2

    clock.advance(minutes=5)
    assert service.ingest(oncall, batch(*body), idempotency_key="k1") == finished
    assert service.events(oncall, opened.id, PAGE).items == finished
    assert service.get_incident(oncall, opened.id).event_count == 2


def test_an_ingest_tells_each_incidents_room_how_many_events_arrived_and_shows_the_newest(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, opened: Incident) -> None:
    other = service.create_incident(oncall, CreateIncidentRequest(title="Cache misses"))
    body = [log(opened.id, f"timeout {n}") for n in range(ROOM_EVENTS_SHOWN + 5)] + [log(other.id, "miss")]

    stored = service.ingest(oncall, batch(*body), idempotency_key="k1")
    service.ingest(oncall, batch(*body), idempotency_key="k1")  # a replay tells no room again

    [arrived] = [e for e in room(store, opened.id) if e.type == "events"]
    assert arrived.data["incident_id"] == opened.id and arrived.data["count"] == ROOM_EVENTS_SHOWN + 5
    newest = [e for e in stored if e.incident_id == opened.id][-ROOM_EVENTS_SHOWN:]
    assert arrived.data["events"] == [event_view(e) for e in newest]  # oldest of them first
    [theirs] = [e for e in room(store, other.id) if e.type == "events"]
    assert theirs.data["count"] == 1 and theirs.data["events"][0]["message"] == "miss"


def test_a_rooms_events_message_stays_small_when_events_are_large(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, opened: Incident) -> None:
    service.ingest(oncall, batch(*[log(opened.id, "x" * 10_000, metadata={"blob": "y" * 10_000})
                                    for _ in range(10)]))

    [arrived] = [e for e in room(store, opened.id) if e.type == "events"]
    assert arrived.data["count"] == 10 and 1 <= len(arrived.data["events"]) < 10
    assert len(json.dumps(arrived.data)) <= ROOM_EVENTS_BYTES + 1_000


def test_an_ingest_is_marked_under_way_while_it_writes_and_ended_even_when_the_write_fails(
        service: ResponseService, oncall: Principal, store: FakeResponseStore, opened: Incident,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[IngestActivity | None] = []
    write = store.store_events

    def watched_write(tenant_id: str, events: Sequence[Event]) -> int:
        seen.append(store.ingest_activity(tenant_id, opened.id))
        return write(tenant_id, events)

    monkeypatch.setattr(store, "store_events", watched_write)
    service.ingest(oncall, batch(log(opened.id)), batch=False)
    assert [(a.writes_in_flight, a.last_write_began_at) for a in seen if a] == [(1, opened.created_at)]

    monkeypatch.undo()
    store.fail_next("store_events", RuntimeError("throttled"))
    with pytest.raises(RuntimeError):
        service.ingest(oncall, batch(log(opened.id)), batch=False)
    activity = store.ingest_activity(TENANT, opened.id)
    assert activity is not None and activity.writes_in_flight == 0


def test_keys_are_per_tenant(service: ResponseService, oncall: Principal, outsider: Principal,
                             opened: Incident) -> None:
    theirs = service.create_incident(outsider, CreateIncidentRequest(title="theirs"))

    mine = service.ingest(oncall, batch(log(opened.id)), idempotency_key="shared")
    other = service.ingest(outsider, batch(log(theirs.id)), idempotency_key="shared")

    assert [e.incident_id for e in mine] == [opened.id] and [e.incident_id for e in other] == [theirs.id]


# Actions


def test_an_action_is_added_and_worked_through_its_statuses(service: ResponseService, oncall: Principal,
                                                            store: FakeResponseStore, clock: FakeClock,
                                                            opened: Incident) -> None:
    added = service.add_action(oncall, opened.id, AddActionRequest(title="Restart the pool", description="Now.",
                                                                   priority=2))
    clock.advance(minutes=1)
    working = service.change_action_status(oncall, opened.id, added.id, ActionStatus.IN_PROGRESS)
    assert service.change_action_status(oncall, opened.id, added.id, ActionStatus.IN_PROGRESS) == working
    done = service.change_action_status(oncall, opened.id, added.id, ActionStatus.COMPLETED)

    assert (added.status, added.suggested_by, added.priority) == (ActionStatus.PENDING, "Olive Oncall", 2)
    assert (done.status, done.version) == (ActionStatus.COMPLETED, 3)
    assert service.actions(oncall, opened.id, PAGE).items == [done]
    assert [(e.title, e.description) for e in entries(store, opened)[1:]] == [
        ("Action added: Restart the pool", "Priority 2. Now."),
        ("Action in progress: Restart the pool", "pending -> in_progress"),
        ("Action completed: Restart the pool", "in_progress -> completed")]
    assert room(store, opened.id)[1] == DomainEvent(
        type="action_created", stream=f"incident:{opened.id}", data=action_view(added),
        envelope={"incident_id": opened.id, "entry": entry_view(entries(store, opened)[1])})
    with pytest.raises(Conflict):
        service.change_action_status(oncall, opened.id, added.id, ActionStatus.PENDING)
    with pytest.raises(NotFound):
        service.change_action_status(oncall, opened.id, "no-such-action", ActionStatus.COMPLETED)


# Comments


def test_a_comment_is_by_the_signed_in_user_whatever_name_was_typed(service: ResponseService, oncall: Principal,
                                                                    store: FakeResponseStore,
                                                                    opened: Incident) -> None:
    entry = service.post_comment(oncall, opened.id, "  Restarted the pool  ", "The CEO")

    assert (entry.entry_type, entry.actor, entry.title, entry.description, entry.details) == (
        EntryType.COMMENT, "Olive Oncall", "Comment by Olive Oncall", "Restarted the pool", {"user": "The CEO"})
    assert entries(store, opened)[-1] == entry
    assert room(store, opened.id)[-1] == DomainEvent(
        type="comment", stream=f"incident:{opened.id}", data=entry_view(entry),
        envelope={"incident_id": opened.id, "user": "The CEO", "message": "Restarted the pool",
                  "actor": "Olive Oncall"})


@pytest.mark.parametrize(("typed", "shown"), [(None, "Olive Oncall"), (42, "Olive Oncall"), ("   ", "Olive Oncall"),
                                              ("x" * 150, "x" * 100)])
def test_a_missing_or_long_typed_name_falls_back_or_is_cut(service: ResponseService, oncall: Principal,
                                                           opened: Incident, typed: Any, shown: str) -> None:
    assert service.post_comment(oncall, opened.id, "hello", typed).details == {"user": shown}


@pytest.mark.parametrize(("name", "email", "expected"), [("Olive Oncall", "o@example.test", "Olive Oncall"),
                                                         (None, "o@example.test", "o@example.test"),
                                                         (None, None, "olive")])
def test_the_actor_is_the_users_name_else_email_else_user_name(name: str | None, email: str | None,
                                                               expected: str) -> None:
    assert actor_name(Principal("u1", TENANT, "olive", frozenset(), email=email, name=name)) == expected


@pytest.mark.parametrize("message", ["", "   \n", None, 42, ["hi"], "x" * (MAX_COMMENT_CHARS + 1)])
def test_an_empty_or_too_long_comment_is_refused(service: ResponseService, oncall: Principal,
                                                 store: FakeResponseStore, opened: Incident, message: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        service.post_comment(oncall, opened.id, message, "me")

    assert [d.field for d in refused.value.details] == ["message"]
    assert len(entries(store, opened)) == 1


def test_a_comment_of_4000_characters_is_kept(service: ResponseService, oncall: Principal,
                                              opened: Incident) -> None:
    assert service.post_comment(oncall, opened.id, "x" * MAX_COMMENT_CHARS, None).description == \
        "x" * MAX_COMMENT_CHARS


def test_events_come_back_oldest_first_whatever_order_they_came_in(service: ResponseService, oncall: Principal,
                                                                   opened: Incident) -> None:
    service.ingest(oncall, batch(log(opened.id, "late", timestamp="2024-01-15T10:20:00Z"),
                                 log(opened.id, "early", timestamp="2024-01-15T10:10:00Z")))

    listed: list[Event] = service.events(oncall, opened.id, PAGE).items
    assert [e.message for e in listed] == ["early", "late"]


def test_an_event_another_module_ingests_is_one_request_with_the_same_body_under_one_key(
        service: ResponseService, oncall: Principal, opened: Incident) -> None:
    from datetime import UTC, datetime

    from opsdesk.response.records import NewEvent

    # Given an event sent as a body under a key (the form the key's hash was taken of before NewEvent existed)
    moment = "2024-01-15T10:00:00.250000Z"  # before the clock: an event ahead of it by more than a skew is refused
    body = batch(log(opened.id, "disk full", metadata={"pod": {"name": "api-1", "restarts": [1, None]}},
                     timestamp=moment))
    first = service.ingest(oncall, body, idempotency_key="k-same")

    # When the same event comes again as another module's NewEvent under that key
    again = service.ingest(oncall, [NewEvent(
        incident_id=opened.id, event_type="log", message="disk full", level="error",
        metadata={"pod": {"name": "api-1", "restarts": [1, None]}},
        timestamp=datetime(2024, 1, 15, 10, 0, 0, 250000, tzinfo=UTC))], idempotency_key="k-same")

    # Then it is a replay of the first, not a different body under a reused key
    assert again == first


@pytest.mark.parametrize("timestamp", [None, "2026-03-01T10:00:00Z", "2026-03-01T12:00:00.5+02:00"])
def test_a_keys_body_hash_is_the_one_taken_of_the_validated_bodies_json(timestamp: str | None) -> None:
    import hashlib

    from opsdesk.response.service import _body_hash

    # A key claimed before a release must match its retry after it: the hash stays the one of the bodies' JSON form.
    events = batch(log("i-1", "one", timestamp=timestamp, metadata={"b": [1, {"c": None}], "a": "x"}),
                   log("i-2", "two", source="api"))
    bodies = json.dumps({"batch": True, "events": [e.model_dump(mode="json") for e in events]}, sort_keys=True,
                        separators=(",", ":"), default=str)

    assert _body_hash(events, True) == hashlib.sha256(bodies.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("fields", [
    pytest.param({"title": "  "}, id="blank-title"),
    pytest.param({"title": " padded"}, id="unstripped-title"),
    pytest.param({"title": "t" * 501}, id="long-title"),
    pytest.param({"severity": "sev1"}, id="unknown-severity"),
    pytest.param({"source": "s" * 201}, id="long-source"),
    pytest.param({"tags": ("db", "db")}, id="repeated-tag"),
    pytest.param({"tags": (" ",)}, id="blank-tag"),
    pytest.param({"tags": tuple(f"t{n}" for n in range(51))}, id="too-many-tags"),
    pytest.param({"metadata": {"blob": "x" * 20_000}}, id="large-metadata"),
    pytest.param({"metadata": {"set": {1, 2}}}, id="metadata-not-json"),
])
def test_an_incident_another_module_opens_holds_what_the_api_would_accept(fields: dict[str, Any]) -> None:
    from opsdesk.response.records import NewIncident

    NewIncident(title="Disk full", tags=("db",), metadata={"k": "v"})  # within every rule

    with pytest.raises(ValueError, match="would accept"):
        NewIncident(**{"title": "Disk full"} | fields)


@pytest.mark.parametrize("fields", [
    pytest.param({"message": ""}, id="empty-message"),
    pytest.param({"incident_id": ""}, id="no-incident"),
    pytest.param({"event_type": "page"}, id="unknown-type"),
    pytest.param({"level": "fatal"}, id="unknown-level"),
    pytest.param({"timestamp": datetime(2026, 1, 1)}, id="time-without-zone"),  # noqa: DTZ001 - the point
])
def test_an_event_another_module_ingests_holds_what_the_api_would_accept(fields: dict[str, Any]) -> None:
    from opsdesk.response.records import NewEvent

    base = {"incident_id": "i-1", "event_type": "alert", "message": "disk full"}
    NewEvent(**base)  # within every rule

    with pytest.raises(ValueError, match="would accept"):
        NewEvent(**base | fields)


def test_an_event_dated_past_the_clocks_skew_is_refused_and_nothing_is_stored(
    service: ResponseService, oncall: Principal, opened: Incident, store: FakeResponseStore, clock: FakeClock
) -> None:
    from opsdesk.response.service import EVENTS_AHEAD_AT_MOST

    # Given a source whose clock runs years ahead beside one a few minutes ahead
    skewed = (clock.now + EVENTS_AHEAD_AT_MOST - timedelta(seconds=1)).isoformat()
    events = batch(log(opened.id, timestamp=skewed), log(opened.id, timestamp="2036-01-01T00:00:00Z"))

    # When the batch is ingested, Then the far one is named and the batch refused whole
    with pytest.raises(ValidationFailed) as refused:
        service.ingest(oncall, events)
    assert [d.field for d in refused.value.details] == ["[1].timestamp"]
    assert store.latest_events(TENANT, opened.id, 10) == []
    # while the event within the skew is taken alone
    assert len(service.ingest(oncall, events[:1])) == 1
