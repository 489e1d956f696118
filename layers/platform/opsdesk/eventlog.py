"""The event log: what changed, in the same transaction as the change, numbered per stream.

A stream is a tenant's sequence of events under one key (`tenant`, `ticket:<id>`, ...). Its events are numbered
1, 2, 3 ... with no gap and in commit order, so a client that resumes after event n (SSE `Last-Event-ID`) misses
nothing and sees nothing twice:

    head   pk T#<tenant>#S#<stream>  sk HEAD              seq = the last number taken
    event  pk T#<tenant>#S#<stream>  sk E#<number, 12 digits>   type, data (JSON), createdAt, expiresAt (TTL),
                                                                audience (a group, when not for everyone)

A writer reads the head (consistently), then in its transaction puts events n+1.. under the condition that they
do not exist yet and moves the head. Two writers that read the same head collide on event n+1: one commits, the
other's transaction is cancelled and it retries with the new head. So number n+1 only exists once n committed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk.clock import to_rfc3339
from opsdesk.dynamo import bind_table, record_items_read, unbound_meta
from opsdesk.events import EVENT_SK_PREFIX, DomainEvent, StoredEvent, stream_pk
from opsdesk.settings import EventLogSettings, load_settings

HEAD_SK = "HEAD"


class _EventLogItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _HeadItem(_EventLogItem):
    seq = NumberAttribute(default=0)


class _EventItem(_EventLogItem):
    stream = UnicodeAttribute()
    type = UnicodeAttribute()
    data = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()
    audience = UnicodeAttribute(null=True)
    envelope = UnicodeAttribute(null=True)
    """JSON of DomainEvent.envelope, when it has one."""


def _event_sk(number: int) -> str:
    return f"{EVENT_SK_PREFIX}{number:012d}"


class EventLog:
    def __init__(self, settings: EventLogSettings | None = None, retention: timedelta | None = None) -> None:
        settings = settings or load_settings(EventLogSettings)
        bind_table(_EventLogItem, settings.events_table_name, settings)
        self._retention = retention or timedelta(hours=settings.event_retention_hours)

    def stage(self, tx: TransactWrite, tenant_id: str, events: list[DomainEvent], now: datetime) -> None:
        """Add `events` to the transaction `tx`, numbered after each stream's current head. Call it inside the
        write that is retried: a cancelled transaction must read the heads again."""
        by_stream: dict[str, list[DomainEvent]] = {}
        for event in events:
            by_stream.setdefault(event.stream, []).append(event)
        stamp, expires = to_rfc3339(now), int((now + self._retention).timestamp())
        for stream, stream_events in by_stream.items():
            pk = stream_pk(tenant_id, stream)
            last = self._head(pk)
            for offset, event in enumerate(stream_events, start=1):
                item = _EventItem(pk, _event_sk(last + offset), stream=stream, type=event.type,
                                  data=json.dumps(event.data, separators=(",", ":")), createdAt=stamp,
                                  expiresAt=expires, audience=event.audience,
                                  envelope=json.dumps(event.envelope) if event.envelope else None)
                tx.save(item, condition=_EventItem.pk.does_not_exist())
            tx.update(_HeadItem(pk, HEAD_SK), actions=[_HeadItem.seq.set(last + len(stream_events))])

    def read_after(self, tenant_id: str, stream: str, after: int, limit: int = 100) -> list[StoredEvent]:
        """The stream's events numbered above `after`, oldest first (a Query on the stream's partition)."""
        results = _EventItem.query(
            stream_pk(tenant_id, stream),
            _EventItem.sk.between(_event_sk(after + 1), _event_sk(10**12 - 1)),
            consistent_read=True,
            limit=limit,
        )
        events = [
            StoredEvent(id=int(item.sk.removeprefix(EVENT_SK_PREFIX)), type=item.type, stream=item.stream,
                        data=json.loads(item.data), created_at=item.createdAt, audience=item.audience,
                        envelope=json.loads(item.envelope) if item.envelope else {})
            for item in results
        ]
        record_items_read(results.page_iter.total_scanned_count)
        return events

    def last_id(self, tenant_id: str, stream: str) -> int:
        return self._head(stream_pk(tenant_id, stream))

    @staticmethod
    def _head(pk: str) -> int:
        try:
            head = _HeadItem.get(pk, HEAD_SK, consistent_read=True)
        except _HeadItem.DoesNotExist:
            return 0
        finally:
            record_items_read(1)
        return int(head.seq)
