"""One contract, two stores: the same cases run against the in-memory response store the unit tests use
(tests/unit/response_fakes.py) and the DynamoDB repository on moto (opsdesk.response.repository), so the fake cannot
drift from what production stores: conditions (a status change or an action update from a stale read is a
Conflict), idempotency claims, orders and cursor pages, counters kept on write, events committed with their change.
Then the repository alone: the items a list reads follow its page, not the tenant's incidents (500 and 5,000)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.clock import new_time_ordered_id
from opsdesk.errors import Conflict, ValidationFailed
from opsdesk.response import workflow
from opsdesk.response.records import (
    SEVERITIES,
    Action,
    ActionStatus,
    Analysis,
    EntryType,
    Event,
    Incident,
    IngestActivity,
    Severity,
    Status,
    TimelineEntry,
)
from opsdesk.response.rooms import room_stream
from opsdesk.response.service import room_event
from opsdesk.response.store import Claim, IdempotentRequest, ResponseStore
from tests.unit.response_fakes import IDEMPOTENCY_TTL, UNFINISHED_AFTER, FakeResponseStore, last_event_at

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
"""Every time in these cases is to the millisecond, as the repository keeps times."""


@pytest.fixture(params=["in-memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> ResponseStore:
    if request.param == "in-memory":
        return FakeResponseStore()
    request.getfixturevalue("local_aws")
    from opsdesk.eventlog import EventLog
    from opsdesk.response.repository import ResponseRepository

    return ResponseRepository(EventLog())


def event_types(store: ResponseStore, tenant_id: str, incident_id: str) -> list[str]:
    """The types of the events a store committed to an incident's room stream, in order."""
    stream = room_stream(incident_id)
    if isinstance(store, FakeResponseStore):
        return [e.type for t, e in store.published if t == tenant_id and e.stream == stream]
    from opsdesk.eventlog import EventLog

    return [e.type for e in EventLog().read_after(tenant_id, stream, 0)]


def incident(tenant_id: str, minute: int = 0, *, severity: Severity = "high", status: Status = Status.OPEN,
             title: str | None = None) -> Incident:
    at = T0 + timedelta(minutes=minute)
    return Incident(id=str(uuid.uuid4()), tenant_id=tenant_id, title=title or f"incident {minute}",
                    description="Users see 502s", status=status, severity=severity, source="datadog",
                    tags=("checkout", "db"), metadata={"region": "eu-west-1", "replicas": 3}, created_at=at,
                    updated_at=at)


def entry(incident_id: str, at: datetime, kind: EntryType = EntryType.SYSTEM_EVENT, title: str = "Incident opened",
          **details: Any) -> TimelineEntry:
    return TimelineEntry(id=new_time_ordered_id(at), incident_id=incident_id, entry_type=kind, title=title,
                         description="d", actor="Olive", timestamp=at, details=dict(details))


def event(incident_id: str, at: datetime, message: str = "HikariPool-1 - Connection is not available") -> Event:
    return Event(id=new_time_ordered_id(at), incident_id=incident_id, event_type="log", message=message,
                 level="error", source="checkout-7d9f8b6c5d-x2k4q", metadata={"pod": "checkout-1"}, timestamp=at)


def action(incident_id: str, at: datetime, title: str, priority: int = 2) -> Action:
    return Action(id=new_time_ordered_id(at), incident_id=incident_id, title=title, description="do it",
                  status=ActionStatus.PENDING, suggested_by="Olive", priority=priority, created_at=at,
                  updated_at=at)


def opened(store: ResponseStore, made: Incident) -> Incident:
    store.create_incident(made, entry(made.id, made.created_at), [room_event("incident_created", made.id, {})])
    return made


def change(store: ResponseStore, before: Incident, target: Status, minutes: float) -> Incident:
    after = workflow.moved(before, target, before.created_at + timedelta(minutes=minutes))
    store.change_status(before, after, entry(before.id, after.updated_at, EntryType.STATUS_CHANGE,
                                             f"Status changed: {target.value}"),
                        [room_event("status_change", before.id, {"status": target.value})])
    return after


def tenant() -> str:
    return str(uuid.uuid4())


def test_the_fake_and_the_repository_agree_on_when_a_claim_is_unfinished_and_when_it_expires() -> None:
    from opsdesk.response.items import IDEMPOTENCY_TTL as REPOSITORY_IDEMPOTENCY_TTL
    from opsdesk.response.repository import UNFINISHED_AFTER as REPOSITORY_UNFINISHED_AFTER

    assert (UNFINISHED_AFTER, IDEMPOTENCY_TTL) == (REPOSITORY_UNFINISHED_AFTER, REPOSITORY_IDEMPOTENCY_TTL)


# Incidents


def test_an_incident_reads_back_as_created_and_only_in_its_tenant(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))

    assert store.get_incident(tenant_id, made.id) == made
    assert store.get_incident(tenant(), made.id) is None
    assert store.get_incidents(tenant_id, [made.id, "missing", made.id]) == {made.id: made}
    assert store.get_incidents(tenant(), [made.id]) == {}
    assert [e.title for e in store.timeline(tenant_id, made.id, 10, None).items] == ["Incident opened"]
    assert event_types(store, tenant_id, made.id) == ["incident_created"]
    store.ready()


def test_creating_an_incident_again_changes_nothing(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    before = store.metrics()

    store.create_incident(replace(made, title="another title"), entry(made.id, T0 + timedelta(minutes=1)), [])

    assert store.get_incident(tenant_id, made.id) == made
    assert len(store.timeline(tenant_id, made.id, 10, None).items) == 1
    assert store.metrics()["created_high"] == before["created_high"]


def test_an_incident_opened_with_its_events_holds_them_counted_and_their_key_replays(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = incident(tenant_id)
    key = f"alert-{uuid.uuid4()}"
    opening = request(key, "hash-a", made.id, 1)
    before = store.metrics()["events_ingested"]

    store.create_incident(made, entry(made.id, made.created_at), [room_event("incident_created", made.id, {})],
                          opening=opening)

    found = store.get_incident(tenant_id, made.id)
    assert found is not None and found.event_count == 1
    assert store.list_events(tenant_id, made.id, 10, None).items == list(opening.events)
    assert last_event_at(store, tenant_id, made.id) == made.updated_at
    assert store.metrics()["events_ingested"] - before == 1
    replay = store.claim_request(tenant_id, request(key, "hash-a", made.id, 1), T0 + timedelta(minutes=1))
    assert replay.claim is Claim.REPLAY and replay.events == opening.events
    # A key already claimed is a Conflict, and nothing of the second incident is written.
    other = incident(tenant_id, 1)
    with pytest.raises(Conflict):
        store.create_incident(other, entry(other.id, other.created_at), [], opening=request(key, "hash-a", other.id))
    assert store.get_incident(tenant_id, other.id) is None
    assert store.list_events(tenant_id, other.id, 10, None).items == []
    # Opening it again with the same events is its own earlier attempt; with others, a Conflict (ingest them).
    store.create_incident(made, entry(made.id, made.created_at), [], opening=request(key, "hash-a", made.id, 1))
    with pytest.raises(Conflict):
        store.create_incident(made, entry(made.id, made.created_at), [],
                              opening=request(f"alert-{uuid.uuid4()}", "hash-a", made.id, 1))
    assert store.list_events(tenant_id, made.id, 10, None).items == list(opening.events)


def test_incidents_list_newest_first_in_cursor_pages_by_tenant_and_status(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = [opened(store, incident(tenant_id, minute)) for minute in range(5)]
    opened(store, incident(tenant(), 9))  # another tenant's
    change(store, made[1], Status.INVESTIGATING, 10)
    change(store, made[3], Status.INVESTIGATING, 10)

    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(3):
        page = store.list_incidents(tenant_id, None, 2, cursor)
        pages.append([i.id for i in page.items])
        cursor = page.next_cursor
    assert pages == [[made[4].id, made[3].id], [made[2].id, made[1].id], [made[0].id]]
    assert cursor is None

    investigating = store.list_incidents(tenant_id, Status.INVESTIGATING, 10, None)
    assert [i.id for i in investigating.items] == [made[3].id, made[1].id]
    assert [i.status for i in investigating.items] == [Status.INVESTIGATING] * 2
    assert [i.id for i in store.list_incidents(tenant_id, Status.OPEN, 10, None).items] == [
        made[4].id, made[2].id, made[0].id]
    assert store.list_incidents(tenant_id, Status.CLOSED, 10, None).items == []

    first = store.list_incidents(tenant_id, Status.OPEN, 1, None)
    assert first.next_cursor is not None
    second = store.list_incidents(tenant_id, Status.OPEN, 1, first.next_cursor)
    assert [i.id for i in second.items] == [made[2].id]
    with pytest.raises(ValidationFailed) as foreign:  # a cursor of another list
        store.list_incidents(tenant_id, None, 1, first.next_cursor)
    assert [d.field for d in foreign.value.details] == ["cursor"]
    with pytest.raises(ValidationFailed):  # nor another tenant's
        store.list_incidents(tenant(), Status.OPEN, 1, first.next_cursor)
    with pytest.raises(ValidationFailed):
        store.list_incidents(tenant_id, None, 1, "not-a-cursor")


def test_two_status_changes_from_one_read_exactly_one_wins(store: ResponseStore) -> None:
    tenant_id = tenant()
    before = opened(store, incident(tenant_id))
    barrier = threading.Barrier(2)

    def move(target: Status) -> Incident | Conflict:
        barrier.wait()
        try:
            return change(store, before, target, 5)
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(move, [Status.INVESTIGATING, Status.RESOLVED]))

    won = [o for o in outcomes if isinstance(o, Incident)]
    assert len(won) == 1 and sum(isinstance(o, Conflict) for o in outcomes) == 1
    stored = store.get_incident(tenant_id, before.id)
    assert stored is not None and stored.status is won[0].status and stored.version == before.version + 1
    assert [e.entry_type for e in store.timeline(tenant_id, before.id, 10, None).items] == [
        EntryType.SYSTEM_EVENT, EntryType.STATUS_CHANGE]
    assert event_types(store, tenant_id, before.id) == ["incident_created", "status_change"]


def test_a_change_from_a_stale_read_is_a_conflict_and_a_retry_of_the_same_change_is_done(
        store: ResponseStore) -> None:
    tenant_id = tenant()
    before = opened(store, incident(tenant_id))
    after = workflow.moved(before, Status.INVESTIGATING, T0 + timedelta(minutes=3))
    first = entry(before.id, after.updated_at, EntryType.STATUS_CHANGE, "Status changed: investigating")
    store.change_status(before, after, first, [])

    store.change_status(before, after, first, [])  # the same change again (a retry after a lost answer)
    with pytest.raises(Conflict):
        change(store, before, Status.MONITORING, 4)  # from the stale read
    with pytest.raises(Conflict):
        change(store, incident(tenant_id), Status.INVESTIGATING, 1)  # an incident that was never created

    assert store.get_incident(tenant_id, before.id) == after
    assert len(store.timeline(tenant_id, before.id, 10, None).items) == 2


def test_a_status_change_from_a_read_before_an_analysis_saved_is_a_conflict(store: ResponseStore) -> None:
    # Given an incident read, then analysed (its updated_at moves; its version, which counts status changes, not)
    tenant_id = tenant()
    before = opened(store, incident(tenant_id))
    analysed = Analysis(ai_summary="Pool exhausted", root_cause=None, suggested_actions=(), cause="unknown",
                        confidence=0.2, model_id="offline", events_read=1, events_digest="one")
    store.save_analysis(replace(before, updated_at=before.updated_at + timedelta(minutes=10)), analysed, [],
                        entry(before.id, T0 + timedelta(minutes=10), EntryType.AI_ANALYSIS), [])

    # When a status change made from the first read is saved, it is refused: saved, it would wind updated_at back
    with pytest.raises(Conflict):
        change(store, before, Status.INVESTIGATING, 5)

    # And from the incident as it is now, it lands
    current = store.get_incident(tenant_id, before.id)
    assert current is not None
    assert change(store, current, Status.INVESTIGATING, 15).status is Status.INVESTIGATING


def test_resolving_stores_the_resolution_and_reopening_clears_it(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    resolved = change(store, made, Status.RESOLVED, 42.5)

    stored = store.get_incident(tenant_id, made.id)
    assert stored == resolved
    assert stored.resolved_at == T0 + timedelta(minutes=42.5) and stored.mttr_minutes == 42.5
    assert [i.id for i in store.list_incidents(tenant_id, Status.RESOLVED, 10, None).items] == [made.id]
    assert store.list_incidents(tenant_id, Status.OPEN, 10, None).items == []

    reopened = change(store, resolved, Status.OPEN, 60)
    stored = store.get_incident(tenant_id, made.id)
    assert stored == reopened and stored.resolved_at is None and stored.mttr_minutes is None
    assert stored.version == made.version + 2


# Timeline and actions


def test_the_timeline_comes_oldest_first_in_cursor_pages_and_an_entry_is_added_once(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    late = entry(made.id, T0 + timedelta(minutes=9), EntryType.COMMENT, "late")
    for item in (late, entry(made.id, T0 + timedelta(minutes=2), EntryType.COMMENT, "early"),
                 entry(made.id, T0 + timedelta(minutes=5), EntryType.USER_ACTION, "middle", action_id="a1")):
        store.add_entry(tenant_id, item, [room_event("comment", made.id, {})])
    store.add_entry(tenant_id, late, [room_event("comment", made.id, {})])  # the same entry again

    first = store.timeline(tenant_id, made.id, 3, None)
    assert [e.title for e in first.items] == ["Incident opened", "early", "middle"]
    assert first.items[2].details == {"action_id": "a1"} and first.next_cursor is not None
    rest = store.timeline(tenant_id, made.id, 3, first.next_cursor)
    assert rest.items == [late] and rest.next_cursor is None
    assert event_types(store, tenant_id, made.id) == ["incident_created", "comment", "comment", "comment"]
    with pytest.raises(ValidationFailed):  # a timeline cursor is no cursor of the actions
        store.actions(tenant_id, made.id, 3, first.next_cursor)


def test_actions_come_in_the_order_they_were_added_and_an_action_is_added_once(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    # ids are time-ordered as they are made: the order added, whatever the times they carry
    added = [action(made.id, T0 + timedelta(minutes=m), f"step {m}") for m in (5, 1, 3)]
    for item in added:
        store.add_action(tenant_id, item, entry(made.id, item.created_at, EntryType.USER_ACTION, item.title),
                         [room_event("action_created", made.id, {})])
    store.add_action(tenant_id, replace(added[0], title="changed"), entry(made.id, T0, EntryType.USER_ACTION), [])

    first = store.actions(tenant_id, made.id, 2, None)
    assert first.items == added[:2] and first.next_cursor is not None
    assert store.actions(tenant_id, made.id, 2, first.next_cursor).items == added[2:]
    assert store.get_action(tenant_id, made.id, added[1].id) == added[1]
    assert store.get_action(tenant_id, made.id, "missing") is None
    assert store.get_action(tenant(), made.id, added[1].id) is None
    assert len(store.timeline(tenant_id, made.id, 10, None).items) == 4
    assert event_types(store, tenant_id, made.id) == ["incident_created"] + ["action_created"] * 3


def test_an_incidents_action_titles_are_found_by_title_whatever_their_case(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    added = action(made.id, T0, "Relieve the pool")
    store.add_action(tenant_id, added, entry(made.id, T0, EntryType.USER_ACTION, added.title), [])
    analysed = Analysis(ai_summary="s", root_cause=None, suggested_actions=("Find leaks",), cause="unknown",
                        confidence=0.2, model_id="offline", events_read=1, events_digest="d")
    store.save_analysis(made, analysed, [action(made.id, T0, "Find leaks")],
                        entry(made.id, T0 + timedelta(minutes=1), EntryType.AI_ANALYSIS), [])

    found = store.action_titles(tenant_id, made.id, ["RELIEVE THE POOL", " find leaks ", "Restart the api"])

    assert found == {"relieve the pool", "find leaks"}
    assert store.action_titles(tenant(), made.id, ["Relieve the pool"]) == set()
    assert store.action_titles(tenant_id, made.id, []) == set()


def test_an_action_update_from_a_stale_read_is_a_conflict(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    before = action(made.id, T0, "Roll back")
    store.add_action(tenant_id, before, entry(made.id, T0, EntryType.USER_ACTION), [])

    def update(after: Action) -> None:
        store.update_action(tenant_id, before, after, entry(made.id, after.updated_at, EntryType.USER_ACTION),
                            [room_event("action_updated", made.id, {})])

    working = replace(before, status=ActionStatus.IN_PROGRESS, updated_at=T0 + timedelta(minutes=1), version=2)
    update(working)
    update(working)  # the same update again
    with pytest.raises(Conflict):
        update(replace(before, status=ActionStatus.SKIPPED, updated_at=T0 + timedelta(minutes=2), version=2))
    with pytest.raises(Conflict):
        store.update_action(tenant_id, replace(before, id=new_time_ordered_id(T0)),
                            replace(working, id=new_time_ordered_id(T0)), entry(made.id, T0), [])

    assert store.get_action(tenant_id, made.id, before.id) == working
    assert event_types(store, tenant_id, made.id) == ["incident_created", "action_updated"]


# Events and idempotency


def request(key: str, body_hash: str, incident_id: str, count: int = 2) -> IdempotentRequest:
    return IdempotentRequest(key, body_hash, tuple(event(incident_id, T0 + timedelta(seconds=n))
                                                   for n in range(count)))


def test_a_claim_is_new_busy_unfinished_replayed_or_mismatched(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    key = f"key-{uuid.uuid4()}"
    first = request(key, "hash-a", made.id)
    retry = request(key, "hash-a", made.id)  # the same body, its events made anew

    assert store.claim_request(tenant_id, first, T0).claim is Claim.NEW
    busy = store.claim_request(tenant_id, first, T0)
    assert busy.claim is Claim.BUSY and busy.events == ()
    assert store.claim_request(tenant_id, retry, T0 + timedelta(seconds=29)).claim is Claim.BUSY
    unfinished = store.claim_request(tenant_id, retry, T0 + UNFINISHED_AFTER)
    assert unfinished.claim is Claim.UNFINISHED and unfinished.events == first.events
    assert store.claim_request(tenant_id, request(key, "hash-b", made.id), T0).claim is Claim.MISMATCH
    assert store.claim_request(tenant(), retry, T0).claim is Claim.NEW  # keys are per tenant

    store.store_events(tenant_id, first.events)
    store.finish_ingest(tenant_id, {made.id: len(first.events)}, T0, key)
    replay = store.claim_request(tenant_id, retry, T0 + timedelta(seconds=1))
    assert replay.claim is Claim.REPLAY and replay.events == first.events
    assert store.claim_request(tenant_id, request(key, "hash-b", made.id), T0).claim is Claim.MISMATCH


def test_a_key_is_free_again_24_hours_after_its_claim_whatever_the_tables_ttl_did(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    key = f"key-{uuid.uuid4()}"
    first = request(key, "hash-a", made.id)
    store.claim_request(tenant_id, first, T0)
    store.store_events(tenant_id, first.events)
    store.finish_ingest(tenant_id, {made.id: len(first.events)}, T0, key)

    # Within the day the key replays; after it (the item may still be there: TTL deletes days late) it is new
    assert store.claim_request(tenant_id, first, T0 + IDEMPOTENCY_TTL - timedelta(seconds=1)).claim is Claim.REPLAY
    later = request(key, "hash-b", made.id)
    assert store.claim_request(tenant_id, later, T0 + IDEMPOTENCY_TTL).claim is Claim.NEW


def test_storing_events_twice_stores_each_once_in_time_order(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    events = [event(made.id, T0 + timedelta(seconds=n), f"line {n}") for n in range(30)]
    shuffled = events[15:] + events[:15]

    assert store.store_events(tenant_id, shuffled) == 2  # two BatchWriteItem requests of at most 25
    store.store_events(tenant_id, events)

    first = store.list_events(tenant_id, made.id, 25, None)
    assert first.items == events[:25] and first.next_cursor is not None
    rest = store.list_events(tenant_id, made.id, 25, first.next_cursor)
    assert rest.items == events[25:] and rest.next_cursor is None
    assert store.latest_events(tenant_id, made.id, 4) == events[-4:]
    assert store.list_events(tenant(), made.id, 25, None).items == []


def test_finishing_an_ingest_with_the_same_key_twice_counts_once(store: ResponseStore) -> None:
    tenant_id = tenant()
    one, two = opened(store, incident(tenant_id)), opened(store, incident(tenant_id, 1))
    key = f"key-{uuid.uuid4()}"
    store.claim_request(tenant_id, request(key, "h", one.id, 3), T0)
    before = store.metrics()["events_ingested"]

    store.finish_ingest(tenant_id, {one.id: 3, two.id: 1}, T0 + timedelta(minutes=1), key)
    store.finish_ingest(tenant_id, {one.id: 3, two.id: 1}, T0 + timedelta(minutes=2), key)

    counted = store.get_incidents(tenant_id, [one.id, two.id])
    assert (counted[one.id].event_count, counted[two.id].event_count) == (3, 1)
    assert last_event_at(store, tenant_id, one.id) == T0 + timedelta(minutes=1)
    assert store.metrics()["events_ingested"] - before == 4

    store.finish_ingest(tenant_id, {one.id: 2}, T0 + timedelta(minutes=3), None)  # without a key: every call counts
    store.finish_ingest(tenant_id, {one.id: 2}, T0 + timedelta(minutes=4), None)
    found = store.get_incident(tenant_id, one.id)
    assert found is not None and found.event_count == 7
    assert last_event_at(store, tenant_id, one.id) == T0 + timedelta(minutes=4)
    assert last_event_at(store, tenant_id, "missing") is None
    assert store.metrics()["events_ingested"] - before == 8


def test_ingests_under_way_are_counted_per_incident_until_each_ends(store: ResponseStore) -> None:
    tenant_id = tenant()
    one, two = opened(store, incident(tenant_id)), opened(store, incident(tenant_id, 1))
    gone = str(uuid.uuid4())

    store.begin_ingest(tenant_id, [one.id, gone], T0)
    store.begin_ingest(tenant_id, [one.id], T0 + timedelta(seconds=2))
    store.end_ingest(tenant_id, [one.id, gone])

    writing = store.ingest_activity(tenant_id, one.id)
    assert writing is not None
    assert (writing.writes_in_flight, writing.last_write_began_at) == (1, T0 + timedelta(seconds=2))
    assert store.ingest_activity(tenant_id, two.id) == IngestActivity()
    assert store.ingest_activity(tenant_id, gone) is None
    store.end_ingest(tenant_id, [one.id])
    ended = store.ingest_activity(tenant_id, one.id)
    assert ended is not None and ended.writes_in_flight == 0


def test_finishing_an_ingest_that_names_a_missing_incident_counts_nothing(store: ResponseStore) -> None:
    """The repository's closing transaction fails its condition as a whole and takes that as done (no error)."""
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))

    store.finish_ingest(tenant_id, {made.id: 2, str(uuid.uuid4()): 1}, T0, None)

    found = store.get_incident(tenant_id, made.id)
    assert found is not None and found.event_count == 0 and last_event_at(store, tenant_id, made.id) is None


# Analysis


def test_an_analysis_is_requested_once_until_it_starts_or_goes_stale(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))

    assert store.request_analysis(tenant_id, made.id, T0, 900) is True
    assert store.request_analysis(tenant_id, made.id, T0 + timedelta(seconds=1), 900) is False
    assert store.request_analysis(tenant_id, made.id, T0 + timedelta(seconds=900), 900) is False
    assert store.request_analysis(tenant_id, made.id, T0 + timedelta(seconds=901), 900) is True  # stale: again

    store.start_analysis(tenant_id, made.id)
    assert store.request_analysis(tenant_id, made.id, T0 + timedelta(seconds=902), 900) is True
    assert store.request_analysis(tenant_id, str(uuid.uuid4()), T0, 900) is False  # no such incident
    store.start_analysis(tenant_id, str(uuid.uuid4()))  # nothing to clear: no error


def test_an_analysis_of_an_incident_changed_since_it_was_read_is_a_conflict_and_writes_nothing(
        store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    changed = change(store, made, Status.INVESTIGATING, 1)
    analysed = Analysis(ai_summary="Pool exhausted", root_cause=None, suggested_actions=(), cause=None,
                        confidence=0.3, model_id="offline", events_read=2, events_digest="two")

    with pytest.raises(Conflict):
        store.save_analysis(made, analysed, [action(made.id, T0, "Relieve the pool")],
                            entry(made.id, T0 + timedelta(minutes=2), EntryType.AI_ANALYSIS),
                            [room_event("ai_analysis", made.id, {})])

    assert store.get_incident(tenant_id, made.id) == changed
    assert store.actions(tenant_id, made.id, 10, None).items == []
    assert "ai_analysis" not in event_types(store, tenant_id, made.id)


def test_an_analysis_is_saved_with_its_actions_and_entry_in_one_write(store: ResponseStore) -> None:
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    analysed = Analysis(ai_summary="Pool exhausted", root_cause="The pool of checkout is exhausted",
                        suggested_actions=("Relieve the pool", "Find leaks"), cause="connection_pool_exhaustion",
                        confidence=0.8, model_id="offline", events_read=3, events_digest="first three")
    steps = [action(made.id, T0, "Relieve the pool", 1), action(made.id, T0, "Find leaks", 2)]
    before = store.metrics()["analyses"]

    at = made.updated_at + timedelta(minutes=1)
    assert store.save_analysis(replace(made, updated_at=at), analysed, steps,
                               entry(made.id, T0 + timedelta(minutes=1), EntryType.AI_ANALYSIS),
                               [room_event("ai_analysis", made.id, {})]) is True

    found = store.get_incident(tenant_id, made.id)
    assert found == replace(made, ai_summary="Pool exhausted", root_cause="The pool of checkout is exhausted",
                            suggested_actions=("Relieve the pool", "Find leaks"), analysis_count=1,
                            analysed_events="first three", updated_at=at)
    assert store.actions(tenant_id, made.id, 10, None).items == steps
    assert [e.entry_type for e in store.timeline(tenant_id, made.id, 10, None).items] == [
        EntryType.SYSTEM_EVENT, EntryType.AI_ANALYSIS]
    assert event_types(store, tenant_id, made.id) == ["incident_created", "ai_analysis"]

    unsure = replace(analysed, ai_summary="Unsure", root_cause=None, suggested_actions=(), events_digest="four")
    store.save_analysis(made, unsure, [], entry(made.id, T0 + timedelta(minutes=2), EntryType.AI_ANALYSIS), [])
    found = store.get_incident(tenant_id, made.id)
    assert found is not None and (found.ai_summary, found.root_cause, found.suggested_actions) == ("Unsure", None, ())
    assert found.analysis_count == 2 and found.version == made.version
    assert store.metrics()["analyses"] - before == 2

    gone = incident(tenant_id)
    assert store.save_analysis(gone, analysed, [action(gone.id, T0, "x")], entry(gone.id, T0, EntryType.AI_ANALYSIS),
                               []) is False
    assert store.get_incident(tenant_id, gone.id) is None
    assert store.actions(tenant_id, gone.id, 10, None).items == []


def test_a_second_analysis_of_the_same_events_writes_nothing(store: ResponseStore) -> None:
    """Two runs that read the same events (an ingest straddled the first one's start) keep one analysis."""
    tenant_id = tenant()
    made = opened(store, incident(tenant_id))
    analysed = Analysis(ai_summary="Pool exhausted", root_cause=None, suggested_actions=(), cause=None,
                        confidence=0.3, model_id="offline", events_read=2, events_digest="the same two")
    first = entry(made.id, T0 + timedelta(minutes=1), EntryType.AI_ANALYSIS)
    assert store.save_analysis(made, analysed, [], first, [room_event("ai_analysis", made.id, {})]) is True
    before = store.metrics()["analyses"]

    again = store.save_analysis(made, replace(analysed, ai_summary="Pool exhausted again"),
                                [action(made.id, T0, "Relieve the pool")],
                                entry(made.id, T0 + timedelta(minutes=2), EntryType.AI_ANALYSIS),
                                [room_event("ai_analysis", made.id, {})])

    assert again is False
    found = store.get_incident(tenant_id, made.id)
    assert found is not None and (found.ai_summary, found.analysis_count) == ("Pool exhausted", 1)
    assert [e.id for e in store.timeline(tenant_id, made.id, 10, None).items
            if e.entry_type == EntryType.AI_ANALYSIS] == [first.id]
    assert store.actions(tenant_id, made.id, 10, None).items == []
    assert event_types(store, tenant_id, made.id) == ["incident_created", "ai_analysis"]
    assert store.metrics()["analyses"] == before


# Metrics


def test_the_counters_follow_creates_status_changes_and_ingests(store: ResponseStore) -> None:
    tenant_id = tenant()
    before = store.metrics()
    critical = opened(store, incident(tenant_id, severity="critical"))
    opened(store, incident(tenant_id, severity="low"))
    resolved = change(store, critical, Status.RESOLVED, 30)
    change(store, resolved, Status.CLOSED, 35)  # closing a resolved incident observes no second resolution
    store.finish_ingest(tenant_id, {critical.id: 4}, T0, None)

    after = store.metrics()
    moved = {name: round(after[name] - before[name], 2) for name in after if after[name] != before[name]}
    assert moved == {"created_critical": 1, "created_low": 1, "status_open": 1, "status_closed": 1,
                     "events_ingested": 4, "mttr_count": 1, "mttr_sum": 30,
                     "mttr_le_30": 1, "mttr_le_60": 1, "mttr_le_120": 1, "mttr_le_240": 1, "mttr_le_480": 1,
                     "mttr_le_1440": 1, "mttr_le_4320": 1}


# Items read per list (the repository alone)


def load_incidents(tenant_id: str, size: int) -> None:
    """`size` incidents of one tenant, statuses in turn, written as the repository writes each (batch_put)."""
    from opsdesk.dynamo_batches import batch_put
    from opsdesk.response.items import IncidentItem, incident_item

    start = T0 - timedelta(minutes=size)
    statuses = list(Status)
    severities: tuple[Severity, ...] = SEVERITIES
    batch_put(IncidentItem, [incident_item(replace(
        incident(tenant_id, title=f"incident {n}", severity=severities[n % len(severities)],
                 status=statuses[n % len(statuses)]),
        created_at=start + timedelta(minutes=n), updated_at=start + timedelta(minutes=n))) for n in range(size)])


def items_read(store: ResponseStore, tenant_id: str, status: Status | None, cursor: str | None) -> int:
    """The items DynamoDB evaluates for a page of 50 incidents."""
    from opsdesk.dynamo import metered_reads

    with metered_reads() as meter:
        assert len(store.list_incidents(tenant_id, status, 50, cursor).items) == 50
    return meter.items


@pytest.mark.slow
def test_a_page_of_incidents_reads_the_same_items_at_500_and_at_5000_incidents(local_aws: Any) -> None:
    from opsdesk.eventlog import EventLog
    from opsdesk.response.repository import ResponseRepository

    repository = ResponseRepository(EventLog())
    reads: dict[int, list[int]] = {}
    for size in (500, 5_000):
        tenant_id = tenant()
        load_incidents(tenant_id, size)
        first = repository.list_incidents(tenant_id, None, 50, None)
        assert len(first.items) == 50 and first.next_cursor is not None
        reads[size] = [items_read(repository, tenant_id, None, None),
                       items_read(repository, tenant_id, None, first.next_cursor),
                       items_read(repository, tenant_id, Status.RESOLVED, None)]

    assert reads[5_000] == reads[500] == [50, 50, 50]


def test_a_page_of_large_events_ends_at_its_byte_budget_and_its_cursor_loses_nothing(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lambda answers at most 6 MB: a page stops at opsdesk.pagination.PAGE_BYTES, however large its `limit`, with
    the cursor of the item it ended on (lowered here to about four events' worth)."""
    from opsdesk import pagination
    from opsdesk.eventlog import EventLog
    from opsdesk.response.repository import ResponseRepository

    repository = ResponseRepository(EventLog())
    tenant_id = tenant()
    made = opened(repository, incident(tenant_id))
    events = [event(made.id, T0 + timedelta(seconds=n), f"line {n} " + "x" * 2_000) for n in range(10)]
    repository.store_events(tenant_id, events)
    monkeypatch.setattr(pagination, "PAGE_BYTES", 4 * 2_000)

    pages, cursor = [], None
    while True:
        page = repository.list_events(tenant_id, made.id, 1_000, cursor)
        pages.append(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert [len(items) for items in pages] == [4, 4, 2]
    assert [e for items in pages for e in items] == events
