"""The event log: what changed, in the same transaction as the change, numbered per stream.

A stream is a tenant's sequence of events under one key (`tenant`, `ticket:<id>`, ...). Its events are numbered
1, 2, 3 ..., so a client that resumes after event n (SSE `Last-Event-ID`) misses nothing and sees nothing twice:

    head   pk T#<tenant>#S#<stream>  sk HEAD              seq = the last number reserved, reservedAt
    event  pk T#<tenant>#S#<stream>  sk E#<number, 12 digits>   type, data (JSON), createdAt, expiresAt (TTL),
                                                                audience (a group, when not for everyone),
                                                                priorAt (on a batch's first: the reservation before)

A writer reserves its numbers with one atomic ADD on the head (writers never collide on it, however many write
to one tenant at once), then puts its events in its transaction under the condition that they do not exist yet.
A number whose transaction did not commit is a gap: the writer fills it with a `void` event at once, and a reader
that finds a gap behind an event older than GAP_SECONDS (its writer died between reserving and committing) fills
it itself. Filling is a conditional put too, so a number ends up holding either its event or a void, never both:
a writer that was too slow finds its number taken and commits again with new numbers. Readers hand out the events
in number order and stop at a gap still young enough to be written, so nothing is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.dynamo import (
    CONDITION_CODES,
    bind_table,
    domain_error_for,
    error_code,
    record_items_read,
    unbound_meta,
)
from opsdesk.dynamo_batches import batch_delete
from opsdesk.events import (
    EVENT_NUMBER_DIGITS,
    EVENT_SK_PREFIX,
    LAST_EVENT_NUMBER,
    VOID_EVENT_TYPE,
    DomainEvent,
    StoredEvent,
    stream_pk,
)
from opsdesk.frozen import frozen
from opsdesk.settings import EventLogSettings, load_settings

HEAD_SK = "HEAD"
GAP_SECONDS = 10.0
"""How long a reader waits for a reserved number's event, counted from the newest later event's creation (a
reservation is a moment before its transaction, which API Gateway's 29 s integration timeout bounds)."""
LONGEST_WRITE_SECONDS = 900.0
"""No write can still be under way this long after its number was reserved: Lambda stops every function within 15
minutes, and a request's within API Gateway's 29 s."""
IN_FLIGHT_NUMBERS = 10_000
"""How far below the stream's head a missing number may still be being written: more than one write's lifetime of
reservations on one stream (345 a second for 29 s)."""
MOST_TAIL_VOIDS = 100
"""The most numbers a reader fills at a stream's end (EventLog.settle_tail); a longer tail waits until it is settled
(LONGEST_WRITE_SECONDS), as a reader far behind must not write thousands of voids."""


class _EventLogItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _HeadItem(_EventLogItem):
    seq = NumberAttribute(default=0)
    reservedAt = UnicodeAttribute(null=True)


class _EventItem(_EventLogItem):
    stream = UnicodeAttribute()
    type = UnicodeAttribute()
    data = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()
    audience = UnicodeAttribute(null=True)
    envelope = UnicodeAttribute(null=True)
    """JSON of DomainEvent.envelope, when it has one."""
    priorAt = UnicodeAttribute(null=True)
    """On the first event of a writer's batch: when the stream's previous numbers were last reserved (the head's
    `reservedAt` before this batch's), so every number below the batch was reserved by then (_settled)."""


@frozen
class EventSlot:
    """A number reserved for an event of a stream."""

    pk: str
    stream: str
    number: int


def _event_sk(number: int) -> str:
    return f"{EVENT_SK_PREFIX}{number:0{EVENT_NUMBER_DIGITS}d}"


class EventLog:
    def __init__(self, settings: EventLogSettings | None = None, retention: timedelta | None = None) -> None:
        settings = settings or load_settings(EventLogSettings)
        bind_table(_EventLogItem, settings.events_table_name, settings)
        self._retention = retention or timedelta(hours=settings.event_retention_hours)

    def stage(self, tx: TransactWrite, tenant_id: str, events: list[DomainEvent], now: datetime) -> list[EventSlot]:
        """Add `events` to the transaction `tx`, under numbers reserved now; returns them, for `void` when the
        transaction does not commit. Call it inside the write that is retried: every attempt reserves anew."""
        by_stream: dict[str, list[DomainEvent]] = {}
        for event in events:
            by_stream.setdefault(event.stream, []).append(event)
        stamp, expires = to_rfc3339(now), int((now + self._retention).timestamp())
        slots: list[EventSlot] = []
        for stream, stream_events in by_stream.items():
            pk = stream_pk(tenant_id, stream)
            last, prior_at = self._reserve(pk, len(stream_events), stamp)
            first = last - len(stream_events) + 1
            for number, event in enumerate(stream_events, start=first):
                item = _EventItem(pk, _event_sk(number), stream=stream, type=event.type,
                                  data=json.dumps(event.data, separators=(",", ":")), createdAt=stamp,
                                  expiresAt=expires, audience=event.audience,
                                  envelope=json.dumps(event.envelope) if event.envelope else None,
                                  priorAt=prior_at if number == first else None)
                tx.save(item, condition=_EventItem.pk.does_not_exist())
                slots.append(EventSlot(pk, stream, number))
        return slots

    def void(self, slots: Sequence[EventSlot], now: datetime | None = None) -> list[EventSlot]:
        """Fill numbers whose transaction did not commit, so readers need not wait for them; returns those a reader
        had filled already (so that transaction failed for want of its number, not for its change). Best effort: a
        number left unfilled is filled by the first reader that waits GAP_SECONDS for it."""
        taken: list[EventSlot] = []
        for slot in slots:
            try:
                self._fill(slot, now or datetime.now(UTC))
            except PynamoDBException as exc:
                if error_code(exc) in CONDITION_CODES:
                    taken.append(slot)
        return taken

    def read_after(self, tenant_id: str, stream: str, after: int, limit: int = 100,
                   now: datetime | None = None, *, include_voids: bool = False) -> list[StoredEvent]:
        """The stream's events numbered above `after`, oldest first (a Query on the stream's partition), up to the
        first number still being written. `include_voids`: the voids read past come too (type VOID_EVENT_TYPE,
        not counted in `limit`), for a reader that keeps its position by them (opsdesk.sse)."""
        if after >= LAST_EVENT_NUMBER:  # nothing can follow; the key range would start after its end (a 400)
            return []
        pk = stream_pk(tenant_id, stream)
        results = _EventItem.query(
            pk,
            _EventItem.sk.between(_event_sk(after + 1), _event_sk(LAST_EVENT_NUMBER)),
            consistent_read=True,
            page_size=limit,
        )
        events: list[StoredEvent] = []
        counted = 0  # events, not voids, fill the limit
        expected = after + 1
        head_floor: int | None = None  # IN_FLIGHT_NUMBERS below the head, read at the first recent gap
        # Voids are read past, not counted: a page of nothing but voids must not hold a reader where it is.
        for item in results:
            if counted == limit:
                break
            number = int(item.sk.removeprefix(EVENT_SK_PREFIX))
            if number > expected:  # a gap: what no write can still fill is read past (_settled)
                if self._settled(item, now or datetime.now(UTC)):
                    expected = number
                else:
                    head_floor = self._head(pk) - IN_FLIGHT_NUMBERS if head_floor is None else head_floor
                    expected = max(expected, min(number, head_floor))
            if number > expected and not self._fill_gap(pk, stream, range(expected, number), item.createdAt,
                                                        now or datetime.now(UTC)):
                break  # still being written: the next read takes it from here
            expected = number + 1
            if item.type == VOID_EVENT_TYPE:
                if include_voids:
                    events.append(StoredEvent(id=number, type=VOID_EVENT_TYPE, stream=item.stream, data={},
                                              created_at=item.createdAt))
            else:
                counted += 1
                events.append(StoredEvent(
                    id=number, type=item.type, stream=item.stream, data=json.loads(item.data),
                    created_at=item.createdAt, audience=item.audience,
                    envelope=json.loads(item.envelope) if item.envelope else {}))
        record_items_read(results.page_iter.total_scanned_count)
        return events

    def last_id(self, tenant_id: str, stream: str) -> int:
        return self._head(stream_pk(tenant_id, stream))

    def settle_tail(self, tenant_id: str, stream: str, after: int, now: datetime | None = None) -> int:
        """Where a reader at `after` may stand when no event above it is readable although the head is past it:
        numbers above the last item that no write can still commit. A gap below a later event is read_after's
        (that event's reservation dates it); a gap at the end of a stream has no later event, so its numbers are
        dated by the head's `reservedAt`, the stream's last reservation: reserved LONGEST_WRITE_SECONDS ago, they
        are read past (expired events, or writes that died long ago); GAP_SECONDS ago, filled with voids (their
        writers are gone; their own voids failed), up to MOST_TAIL_VOIDS of them. Else, or while an item lies above
        `after`, `after` itself."""
        pk = stream_pk(tenant_id, stream)
        tail = self._unwritten_tail(pk, after)
        if tail is None:
            return after
        last, reserved_at = tail
        now = now or datetime.now(UTC)
        if reserved_at is None or (now - parse_rfc3339(reserved_at)).total_seconds() >= LONGEST_WRITE_SECONDS:
            return last
        if last - after <= MOST_TAIL_VOIDS and self._fill_gap(pk, stream, range(after + 1, last + 1), reserved_at,
                                                              now):
            return last
        return after

    @staticmethod
    def _unwritten_tail(pk: str, after: int) -> tuple[int, str | None] | None:
        """(the head's number, its reservedAt) when the head is past `after` and no item lies above `after`."""
        try:
            head = _HeadItem.get(pk, HEAD_SK, consistent_read=True)
        except _HeadItem.DoesNotExist:
            return None
        finally:
            record_items_read(1)
        last = int(head.seq)
        if last <= after:
            return None
        above = _EventItem.query(pk, _EventItem.sk.between(_event_sk(after + 1), _event_sk(last)),
                                 consistent_read=True, scan_index_forward=False, limit=1, attributes_to_get=["sk"])
        lying_above = next(iter(above), None)
        record_items_read(above.page_iter.total_scanned_count)
        return None if lying_above is not None else (last, head.reservedAt)

    @staticmethod
    def _settled(later: _EventItem, now: datetime) -> bool:
        """Whether the gap below the event `later` is settled: its numbers were reserved LONGEST_WRITE_SECONDS ago
        or more, so no write of theirs can still commit. They were reserved by the time of the reservation before
        `later`'s (its `priorAt`; a gap is always below a batch's first event, as a batch commits whole), or, for
        an event without one (a void, or written before priorAt), before `later` itself. So are numbers more than
        IN_FLIGHT_NUMBERS below the head. Settled numbers are read past without a void each: they are events that
        expired (a reader resuming after the retention, also on a stream written again just now after a quiet
        spell) or writes that died long ago; filling them one by one once took a reader resuming 3,000 expired
        events back 18.6 s and 3,000 writes before its first event."""
        reserved_by = later.priorAt or later.createdAt
        return (now - parse_rfc3339(reserved_by)).total_seconds() >= LONGEST_WRITE_SECONDS

    def _fill_gap(self, pk: str, stream: str, missing: range, later_created_at: str, now: datetime) -> bool:
        """The `missing` numbers lie below an event created at `later_created_at`: fill them when that is
        GAP_SECONDS ago (their writers are gone). False while they may still be written, or when one was written
        meanwhile (read again)."""
        if (now - parse_rfc3339(later_created_at)).total_seconds() < GAP_SECONDS:
            return False
        try:
            for number in missing:
                self._fill(EventSlot(pk, stream, number), now)
        except PynamoDBException:
            return False
        return True

    def _fill(self, slot: EventSlot, now: datetime) -> None:
        _EventItem(slot.pk, _event_sk(slot.number), stream=slot.stream, type=VOID_EVENT_TYPE, data="{}",
                   createdAt=to_rfc3339(now), expiresAt=int((now + self._retention).timestamp())).save(
            condition=_EventItem.pk.does_not_exist())

    @staticmethod
    def _reserve(pk: str, count: int, stamp: str) -> tuple[int, str | None]:
        """The last of `count` new numbers, and when the numbers before them were last reserved (None for a new
        stream, or a head from before reservedAt): one atomic ADD, which never conflicts with another writer's."""
        answer = _HeadItem._get_connection().update_item(  # the values before: the head's own update answers after
            pk, range_key=HEAD_SK, actions=[_HeadItem.seq.add(count), _HeadItem.reservedAt.set(stamp)],
            return_values="UPDATED_OLD")
        before = answer.get("Attributes", {})
        return int(before.get("seq", {}).get("N", 0)) + count, before.get("reservedAt", {}).get("S") or None

    @staticmethod
    def delete_streams(tenant_id: str, streams: Sequence[str], most: int) -> int:
        """Deletes up to `most` items of the tenant's `streams`, heads and events; how many (0: none is left). For
        streams nobody follows or writes any more (a deleted copilot project's): their events would expire, but
        their heads would stay for ever. A write after this starts its stream again at 1."""
        deleted = 0
        for stream in streams:
            left = most - deleted
            try:
                items = list(_EventLogItem.query(stream_pk(tenant_id, stream), consistent_read=True, limit=left,
                                                 page_size=left, attributes_to_get=["pk", "sk"]))
            except PynamoDBException as exc:
                raise domain_error_for(exc, "Read failed") from exc
            record_items_read(len(items))
            batch_delete(_EventLogItem, items)
            deleted += len(items)
            if deleted >= most:
                break
        return deleted

    @staticmethod
    def _head(pk: str) -> int:
        try:
            head = _HeadItem.get(pk, HEAD_SK, consistent_read=True)
        except _HeadItem.DoesNotExist:
            return 0
        finally:
            record_items_read(1)
        return int(head.seq)


class DiscardedEvents(EventLog):
    """A log that keeps nothing, for writers that deliberately announce nothing (the write-burst bench and its
    test). A repository built without any log refuses to publish (opsdesk.dynamo.Transactions), so dropping a
    change's events is a choice made where the repository is built, never an accident."""

    def __init__(self) -> None:  # binds no table: nothing is ever written
        pass

    def stage(self, tx: TransactWrite, tenant_id: str, events: list[DomainEvent], now: datetime) -> list[EventSlot]:
        return []
