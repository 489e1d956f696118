"""Support writes publish their events in the same transaction, numbered per stream: in order, with no number
handed out twice, and a number whose transaction did not commit filled, never skipped while it may still come."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.clock import to_rfc3339
from tests.integration.conftest import issue_body
from tests.integration.events import Caller

BASE = "/support/api"


def tenant_events(caller: Caller, after: int = 0) -> list[Any]:
    from opsdesk.eventlog import EventLog
    from opsdesk.events import TENANT_STREAM

    return EventLog().read_after(caller.tenant_id, TENANT_STREAM, after, limit=1000)


def test_create_and_update_are_announced_in_order(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]
    caller.patch(f"{BASE}/issues/{issue['id']}", {"status": "in_progress"})

    events = tenant_events(caller)

    assert [(e.id, e.type) for e in events] == [(1, "issue.created"), (2, "issue.updated")]
    assert events[0].data["displayId"] == issue["displayId"]
    assert events[0].data["customer"] == {"id": tenant["alpha"], "name": "Customer Alpha"}
    assert (events[1].data["id"], events[1].data["status"]) == (issue["id"], "in_progress")
    assert [e.id for e in tenant_events(caller, after=1)] == [2]


def test_a_refused_change_is_not_announced(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]

    assert caller.patch(f"{BASE}/issues/{issue['id']}", {"status": "cancelled"}).status == 400

    assert [e.type for e in tenant_events(caller)] == ["issue.created"]


def test_parallel_writers_number_events_without_gap_or_duplicate(caller: Caller, tenant: dict[str, Any]) -> None:
    # Given 20 creates racing on eight threads, every one of them contending for the tenant stream's next number
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: caller.post(f"{BASE}/issues", issue_body(tenant)), range(20)))
    assert {r.status for r in replies} == {201}

    # Then events 1..20 exist once each, one per created issue
    events = tenant_events(caller)
    assert [e.id for e in events] == list(range(1, 21))
    assert {e.data["id"] for e in events} == {r.body["issue"]["id"] for r in replies}


def test_another_tenants_stream_stays_empty(caller: Caller, outsider: Caller, tenant: dict[str, Any]) -> None:
    caller.post(f"{BASE}/issues", issue_body(tenant))

    assert tenant_events(outsider) == []


# Numbers are reserved before the transaction: one that does not commit leaves a gap, which is filled.

def stream_of(tenant_id: str) -> tuple[Any, str, Any]:
    from opsdesk.eventlog import EventLog

    log = EventLog()
    return log, f"gaps-{uuid.uuid4()}", log


def commit_events(log: Any, tenant_id: str, stream: str, *types: str, now: datetime | None = None) -> list[Any]:
    """Stage events in a transaction and commit it; the numbers they were given."""
    from pynamodb.transactions import TransactWrite

    from opsdesk.events import DomainEvent

    with TransactWrite(connection=EVENTS_CONNECTION()) as tx:
        slots = log.stage(tx, tenant_id, [DomainEvent(t, stream, {"n": i}) for i, t in enumerate(types)],
                          now or datetime.now(UTC))
    return [slot.number for slot in slots]


def EVENTS_CONNECTION() -> Any:  # noqa: N802 - reads like the constant it stands for
    from opsdesk.dynamo import connection_for
    from opsdesk.settings import EventLogSettings, load_settings

    return connection_for(load_settings(EventLogSettings))


def test_a_transaction_that_does_not_commit_voids_its_number_and_readers_skip_it_at_once(local_aws: Any) -> None:
    from opsdesk.dynamo import Outcome, Transactions
    from opsdesk.errors import Conflict
    from opsdesk.eventlog import _HeadItem
    from opsdesk.events import DomainEvent

    log, stream, _ = stream_of("t")
    tenant_id = f"void-{uuid.uuid4()}"
    transactions = Transactions(EVENTS_CONNECTION(), log)

    def refused(tx: Any) -> None:
        transactions.publish(tx, tenant_id, [DomainEvent("refused", stream, {})])
        tx.condition_check(_HeadItem, f"nothing-{uuid.uuid4()}", "HEAD", condition=_HeadItem.seq == -1)

    assert commit_events(log, tenant_id, stream, "one") == [1]
    with pytest.raises(Conflict):
        transactions.commit(refused, lambda exc: Conflict("refused"), lambda: Outcome.CONFLICT)
    written = datetime.now(UTC)
    assert commit_events(log, tenant_id, stream, "three", now=written) == [3]

    assert [(e.id, e.type) for e in log.read_after(tenant_id, stream, 0, now=written)] == [(1, "one"), (3, "three")]


def test_a_number_whose_writer_died_holds_readers_back_until_the_gap_time_then_is_filled(local_aws: Any) -> None:
    from pynamodb.exceptions import PynamoDBException
    from pynamodb.transactions import TransactWrite

    from opsdesk.eventlog import GAP_SECONDS
    from opsdesk.events import DomainEvent

    log, stream, _ = stream_of("t")
    tenant_id = f"gaps-{uuid.uuid4()}"
    assert commit_events(log, tenant_id, stream, "one") == [1]
    dead = TransactWrite(connection=EVENTS_CONNECTION())
    log.stage(dead, tenant_id, [DomainEvent("lost", stream, {})], datetime.now(UTC))  # reserved 2, never committed
    written = datetime.now(UTC)
    assert commit_events(log, tenant_id, stream, "three", now=written) == [3]

    waiting = log.read_after(tenant_id, stream, 0, now=written + timedelta(seconds=GAP_SECONDS - 1))
    filled = log.read_after(tenant_id, stream, 0, now=written + timedelta(seconds=GAP_SECONDS + 1))

    assert [(e.id, e.type) for e in waiting] == [(1, "one")]  # 3 waits behind 2, which may still be written
    assert [(e.id, e.type) for e in filled] == [(1, "one"), (3, "three")]
    with pytest.raises(PynamoDBException):  # too late: its number holds a void, so it must commit again
        dead.__exit__(None, None, None)  # what leaving its `with` block does
    assert [e.type for e in log.read_after(tenant_id, stream, 0)] == ["one", "three"]


def test_a_writer_slower_than_the_gap_time_commits_again_with_new_numbers_whatever_its_repository_says(
        local_aws: Any) -> None:
    from opsdesk.dynamo import Outcome, Transactions
    from opsdesk.errors import Conflict
    from opsdesk.eventlog import EventSlot, _HeadItem
    from opsdesk.events import DomainEvent, stream_pk

    log, stream, _ = stream_of("t")
    tenant_id = f"slow-{uuid.uuid4()}"
    transactions = Transactions(EVENTS_CONNECTION(), log)
    record = f"record-{uuid.uuid4()}"
    attempts: list[int] = []

    def slow_write(tx: Any) -> None:
        tx.save(_HeadItem(record, "HEAD"), condition=_HeadItem.pk.does_not_exist())  # the change: create once
        transactions.publish(tx, tenant_id, [DomainEvent("made", stream, {})])
        attempts.append(log.last_id(tenant_id, stream))
        if len(attempts) == 1:  # a reader gave up on the number meanwhile and filled it
            log._fill(EventSlot(stream_pk(tenant_id, stream), stream, attempts[0]), datetime.now(UTC))  # noqa: SLF001

    # A repository that reads a failed create as its own earlier success (response timeline entries do)
    transactions.commit(slow_write, lambda exc: Conflict("exists"), lambda: Outcome.DONE)

    assert attempts == [1, 2]
    assert [(e.id, e.type) for e in log.read_after(tenant_id, stream, 0, include_voids=True)] == [
        (1, "void"), (2, "made")]
    assert _HeadItem.get(record, "HEAD") is not None


def test_sixty_four_concurrent_writers_of_one_stream_all_commit_with_distinct_numbers(local_aws: Any) -> None:
    log, stream, _ = stream_of("t")
    tenant_id = f"burst-{uuid.uuid4()}"

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = [n for got in pool.map(lambda i: commit_events(log, tenant_id, stream, f"e{i}"), range(64))
                   for n in got]

    assert sorted(numbers) == list(range(1, 65))
    assert [e.id for e in log.read_after(tenant_id, stream, 0, limit=1000)] == list(range(1, 65))


def test_a_reader_reads_past_more_voids_than_its_page_to_the_events_after_them(local_aws: Any) -> None:
    from opsdesk.eventlog import EventSlot
    from opsdesk.events import stream_pk

    log, stream, _ = stream_of("t")
    tenant_id = f"voids-{uuid.uuid4()}"
    assert commit_events(log, tenant_id, stream, "one") == [1]
    log.void([EventSlot(stream_pk(tenant_id, stream), stream, n) for n in range(2, 8)])  # six failed writes
    log._reserve(stream_pk(tenant_id, stream), 6, "")  # noqa: SLF001 - what those writes reserved
    assert commit_events(log, tenant_id, stream, "eight") == [8]

    assert [(e.id, e.type) for e in log.read_after(tenant_id, stream, 1, limit=3)] == [(8, "eight")]
    # A reader that keeps its position by them (SSE) gets the voids too, in order, outside the limit
    with_voids = log.read_after(tenant_id, stream, 1, limit=1, include_voids=True)
    assert [(e.id, e.type) for e in with_voids] == [*((n, "void") for n in range(2, 8)), (8, "eight")]


def expire(tenant_id: str, stream: str, numbers: range) -> None:
    """What DynamoDB's TTL does to events past the retention: their items are gone."""
    from opsdesk.eventlog import _event_sk, _EventItem
    from opsdesk.events import stream_pk

    for number in numbers:
        _EventItem(stream_pk(tenant_id, stream), _event_sk(number)).delete()


def stored_numbers(tenant_id: str, stream: str) -> list[int]:
    from opsdesk.eventlog import _EventItem
    from opsdesk.events import EVENT_SK_PREFIX, stream_pk

    return [int(item.sk.removeprefix(EVENT_SK_PREFIX)) for item in _EventItem.query(
        stream_pk(tenant_id, stream), _EventItem.sk.startswith(EVENT_SK_PREFIX))]


def test_a_reader_resuming_below_expired_events_reads_past_them_without_a_void_each(local_aws: Any) -> None:
    from opsdesk.eventlog import LONGEST_WRITE_SECONDS

    # Given a stream whose first 40 events expired, the first one left made a retention ago
    log, stream, _ = stream_of("t")
    tenant_id = f"expired-{uuid.uuid4()}"
    made = datetime.now(UTC) - timedelta(hours=72)
    commit_events(log, tenant_id, stream, *[f"old{n}" for n in range(40)], now=made)
    assert commit_events(log, tenant_id, stream, "kept", now=made) == [41]
    expire(tenant_id, stream, range(1, 41))

    # When a browser resumes from the last id it saw, long ago
    events = log.read_after(tenant_id, stream, 0, now=made + timedelta(seconds=LONGEST_WRITE_SECONDS + 1))

    # Then it gets what is left at once, and nothing was written for the numbers that expired
    assert [(e.id, e.type) for e in events] == [(41, "kept")]
    assert stored_numbers(tenant_id, stream) == [41]


def test_a_quiet_stream_written_again_reads_past_its_expired_events_without_a_void_each(local_aws: Any) -> None:
    # Given a stream whose 40 events expired during a quiet spell of three days, and one event written just now
    log, stream, _ = stream_of("t")
    tenant_id = f"quiet-{uuid.uuid4()}"
    now = datetime.now(UTC)
    commit_events(log, tenant_id, stream, *[f"old{n}" for n in range(40)], now=now - timedelta(hours=72))
    expire(tenant_id, stream, range(1, 41))
    assert commit_events(log, tenant_id, stream, "new", now=now) == [41]

    # When a browser resumes from the last id it saw before the spell
    events = log.read_after(tenant_id, stream, 0, now=now + timedelta(seconds=1))

    # Then it gets the new event at once, and nothing was written for the numbers that expired
    assert [(e.id, e.type) for e in events] == [(41, "new")]
    assert stored_numbers(tenant_id, stream) == [41]


def test_a_gap_below_a_batch_reserved_just_after_others_waits_for_their_writes(local_aws: Any) -> None:
    from opsdesk.eventlog import GAP_SECONDS
    from opsdesk.events import stream_pk

    # Given numbers 1 and 2 reserved a moment ago by a writer still under way, and event 3 committed after them
    log, stream, _ = stream_of("t")
    tenant_id = f"inflight-{uuid.uuid4()}"
    now = datetime.now(UTC)
    log._reserve(stream_pk(tenant_id, stream), 2, to_rfc3339(now))  # noqa: SLF001 - the slow writer's numbers
    assert commit_events(log, tenant_id, stream, "three", now=now) == [3]

    # Then a reader waits for them (nothing handed out, nothing filled), and after GAP_SECONDS fills them
    assert log.read_after(tenant_id, stream, 0, now=now + timedelta(seconds=1)) == []
    assert stored_numbers(tenant_id, stream) == [3]
    late = log.read_after(tenant_id, stream, 0, now=now + timedelta(seconds=GAP_SECONDS + 1))
    assert [e.id for e in late] == [3]
    assert stored_numbers(tenant_id, stream) == [1, 2, 3]


def test_a_gap_deeper_than_writes_can_be_in_flight_gets_voids_only_near_the_head(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk import eventlog

    monkeypatch.setattr(eventlog, "IN_FLIGHT_NUMBERS", 5)
    log, stream, _ = stream_of("t")
    tenant_id = f"deep-{uuid.uuid4()}"
    written = datetime.now(UTC)
    commit_events(log, tenant_id, stream, *[f"old{n}" for n in range(20)], now=written)
    assert commit_events(log, tenant_id, stream, "new", now=written) == [21]
    expire(tenant_id, stream, range(1, 21))

    events = log.read_after(tenant_id, stream, 0, now=written + timedelta(seconds=eventlog.GAP_SECONDS + 1))

    assert [(e.id, e.type) for e in events] == [(21, "new")]
    assert stored_numbers(tenant_id, stream) == [16, 17, 18, 19, 20, 21]  # voids for the five below the head only


def test_a_stream_whose_last_numbers_expired_lets_a_resuming_reader_stand_at_its_head(local_aws: Any) -> None:
    from opsdesk.eventlog import LONGEST_WRITE_SECONDS

    # Given a quiet stream whose every event expired: nothing lies above a reader resuming from event 3
    log, stream, _ = stream_of("t")
    tenant_id = f"tail-expired-{uuid.uuid4()}"
    made = datetime.now(UTC) - timedelta(hours=72)
    commit_events(log, tenant_id, stream, *[f"old{n}" for n in range(6)], now=made)
    expire(tenant_id, stream, range(1, 7))

    # Then the reader stands at the head, and no void is written for the expired numbers
    assert log.read_after(tenant_id, stream, 3, include_voids=True) == []
    assert log.settle_tail(tenant_id, stream, 3, now=made + timedelta(seconds=LONGEST_WRITE_SECONDS + 1)) == 6
    assert stored_numbers(tenant_id, stream) == []


def test_numbers_at_a_streams_end_whose_writer_died_are_voided_after_the_gap_time(local_aws: Any) -> None:
    from opsdesk.eventlog import GAP_SECONDS
    from opsdesk.events import stream_pk

    # Given event 1, then two numbers reserved by a writer that died before committing or voiding them
    log, stream, _ = stream_of("t")
    tenant_id = f"tail-dead-{uuid.uuid4()}"
    reserved = datetime.now(UTC)
    assert commit_events(log, tenant_id, stream, "one", now=reserved) == [1]
    log._reserve(stream_pk(tenant_id, stream), 2, to_rfc3339(reserved))  # noqa: SLF001 - the dead writer's numbers

    # While the writer may still commit, the reader stays where it is; once it cannot, the numbers are voided
    assert log.settle_tail(tenant_id, stream, 1, now=reserved + timedelta(seconds=1)) == 1
    assert stored_numbers(tenant_id, stream) == [1]
    assert log.settle_tail(tenant_id, stream, 1, now=reserved + timedelta(seconds=GAP_SECONDS + 1)) == 3
    assert [(e.id, e.type) for e in log.read_after(tenant_id, stream, 1, include_voids=True)] == [
        (2, "void"), (3, "void")]


def test_a_reader_is_not_moved_past_an_event_that_lies_above_it(local_aws: Any) -> None:
    from opsdesk.eventlog import LONGEST_WRITE_SECONDS
    from opsdesk.events import stream_pk

    # Given number 1 reserved and never written, and event 2 written after it: read_after's gap, not the tail's
    log, stream, _ = stream_of("t")
    tenant_id = f"tail-above-{uuid.uuid4()}"
    made = datetime.now(UTC)
    log._reserve(stream_pk(tenant_id, stream), 1, to_rfc3339(made))  # noqa: SLF001
    assert commit_events(log, tenant_id, stream, "two", now=made) == [2]

    assert log.settle_tail(tenant_id, stream, 0, now=made + timedelta(seconds=LONGEST_WRITE_SECONDS + 1)) == 0
    assert stored_numbers(tenant_id, stream) == [2]


def test_a_read_after_the_last_number_the_keys_hold_asks_dynamodb_nothing(local_aws: Any) -> None:
    # Its Query's key range began after its end (E#99999999999999 .. E#999999999999): DynamoDB refuses that with a
    # ValidationException (moto answers no items).
    from opsdesk.eventlog import EventLog, _EventItem
    from opsdesk.events import TENANT_STREAM

    log = EventLog()
    queries: list[dict[str, Any]] = []
    client = _EventItem._get_connection().connection.client

    def record(params: dict[str, Any], **_: Any) -> None:
        queries.append(params)

    client.meta.events.register("provide-client-params.dynamodb.Query", record)
    try:
        assert log.read_after(str(uuid.uuid4()), TENANT_STREAM, 99_999_999_999_998) == []
        assert log.read_after(str(uuid.uuid4()), TENANT_STREAM, 999_999_999_999) == []
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.Query", record)
    assert queries == []
