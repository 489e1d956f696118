"""The AuraStore on DynamoDB (the TicketsTable's aura items; layout in opsdesk.aura.keys). A ticket change is one
transaction: the ticket (conditioned on the version read), its new audit entries (each conditioned on its sequence
being free: the chain cannot fork), the counters, the hour's token total and the live events. Every list is a
Query: one per value of a comma-separated filter, merged, of at most offset + limit items each."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from opsdesk.aura import keys
from opsdesk.aura.codec import audit_of, ticket_of
from opsdesk.aura.counters import change_deltas, counter_names, ticket_total
from opsdesk.aura.items import (
    AuraTableItem,
    CountersItem,
    HourItem,
    ListedItem,
    audit_item,
    checkpoint_item,
    ticket_item,
)
from opsdesk.aura.records import AuditEntry, Ticket
from opsdesk.aura.store import AuditFilter, TicketChange, TicketFilter
from opsdesk.aura.streams import domain_events
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    counter_sk,
    counter_totals,
    domain_error_for,
    record_items_read,
)
from opsdesk.errors import Conflict
from opsdesk.eventlog import EventLog
from opsdesk.settings import AuraSettings, load_settings

HOUR_RETENTION = timedelta(days=8)
Query = Callable[[int], Iterable[Any]]


def _ticket_record(item: ListedItem, checkpoint: ListedItem | None = None) -> Ticket:
    tenant_id, _, ticket_id = item.pk.removeprefix("A#").partition("#TK#")
    return ticket_of(tenant_id, ticket_id, item.doc, int(item.version), checkpoint.doc if checkpoint else None)


def _audit_record(item: ListedItem) -> AuditEntry:
    tenant_id = item.pk.removeprefix("A#").partition("#TK#")[0]
    return audit_of(tenant_id, item.doc, item.hash or "")


class AuraRepository:
    def __init__(self, event_log: EventLog | None = None, settings: AuraSettings | None = None) -> None:
        settings = settings or load_settings(AuraSettings)
        bind_table(AuraTableItem, settings.tickets_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    # Tickets

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        """The ticket with its checkpoint: one Query of the two items (TICKET, TICKET#CHECKPOINT)."""
        results = ListedItem.query(keys.ticket_pk(tenant_id, ticket_id),
                                   ListedItem.sk.between(keys.TICKET_SK, keys.CHECKPOINT_SK), consistent_read=True)
        try:
            found = {item.sk: item for item in results}
        except PynamoDBException as exc:  # throttling is a 429 with Retry-After, as for every read by key
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(results.page_iter.total_scanned_count)
        ticket = found.get(keys.TICKET_SK)
        return _ticket_record(ticket, found.get(keys.CHECKPOINT_SK)) if ticket else None

    def save(self, change: TicketChange) -> None:
        after, tenant = change.after, change.after.tenant_id
        deltas = change_deltas(change)
        condition = (ListedItem.pk.does_not_exist() if change.before is None
                     else ListedItem.version == change.before.version)

        def write(tx: TransactWrite) -> None:
            tx.save(ticket_item(after), condition=condition)
            tx.save(checkpoint_item(after))  # the ticket's version condition holds for both
            for entry in change.audit:
                tx.save(audit_item(entry), condition=ListedItem.pk.does_not_exist())
            if deltas:
                tx.update(CountersItem(keys.stats_pk(tenant), counter_sk(keys.COUNTERS_SK)),
                          actions=[getattr(CountersItem, name).add(value) for name, value in deltas.items()])
            if change.usage.total_tokens:
                now = after.updated_at
                # A spill item of the hour expires with it (expiresAt: TTL).
                tx.update(HourItem(keys.stats_pk(tenant), counter_sk(keys.hour_sk(now))), actions=[
                    HourItem.tokens.add(change.usage.total_tokens),
                    HourItem.costMicros.add(round(change.usage.estimated_cost * 1_000_000)),
                    HourItem.expiresAt.set(int((now + HOUR_RETENTION).timestamp()))])
            self._transactions.publish(tx, tenant, domain_events(change.events))

        def outcome() -> Outcome:  # our own earlier attempt (a server error hid its success), or another writer
            current = self.get_ticket(tenant, after.id)
            # Two writers of one version may build the same audit (the same move in the same instant): the run
            # that holds the ticket tells our write from theirs.
            return Outcome.DONE if current and current.version == after.version and \
                current.audit_head == after.audit_head and current.run_id == after.run_id else Outcome.CONFLICT

        self._transactions.commit(write, lambda exc: Conflict("The ticket changed meanwhile"), outcome)

    def list_tickets(self, tenant_id: str, where: TicketFilter, offset: int, limit: int) -> list[Ticket]:
        statuses = [s.value for s in where.statuses]
        wanted = offset + limit
        queries: list[Query]
        if statuses and where.priorities:
            queries = [self._index_query(ListedItem.by_team, keys.tickets_status_priority_pk(tenant_id, s, p))
                       for s in statuses for p in where.priorities]
        elif statuses:
            queries = [self._index_query(ListedItem.by_status, keys.tickets_status_pk(tenant_id, s)) for s in statuses]
        elif where.priorities:
            queries = [self._index_query(ListedItem.by_priority, keys.tickets_priority_pk(tenant_id, p))
                       for p in where.priorities]
        else:
            queries = [self._index_query(ListedItem.by_tenant, keys.tickets_pk(tenant_id))]
        items = _merged(queries, wanted, newest_first=True)
        return [_ticket_record(item) for item in items[offset:wanted]]

    def count_tickets(self, tenant_id: str, where: TicketFilter) -> int:
        return ticket_total(self.counters(tenant_id), tuple(s.value for s in where.statuses), where.priorities)

    # Audit

    def ticket_audit(self, tenant_id: str, ticket_id: str, types: Sequence[str], offset: int,
                     limit: int) -> list[AuditEntry]:
        wanted = offset + limit
        if types:
            queries = [self._index_query(ListedItem.by_team, keys.audit_ticket_type_pk(tenant_id, ticket_id, t),
                                         forward=True) for t in dict.fromkeys(types)]
            items = _merged(queries, wanted, newest_first=False)
            return [_audit_record(item) for item in items[offset:wanted]]
        results = ListedItem.query(keys.ticket_pk(tenant_id, ticket_id), ListedItem.sk.startswith(keys.AUDIT_PREFIX),
                                  limit=wanted, page_size=min(wanted, 500))
        found = list(results)
        record_items_read(results.page_iter.total_scanned_count)
        return [_audit_record(item) for item in found[offset:wanted]]

    def audit(self, tenant_id: str, where: AuditFilter, offset: int, limit: int) -> list[AuditEntry]:
        wanted = offset + limit
        queries = [self._index_query(index, partition, range_condition=self._time_range(where, index),
                                     filter_condition=self._actor_filter(where, index))
                   for index, partition in self._audit_partitions(tenant_id, where)]
        items = _merged(queries, wanted, newest_first=True)
        return [_audit_record(item) for item in items[offset:wanted]]

    def count_audit(self, tenant_id: str, where: AuditFilter) -> int:
        """Counters when no time range is asked for; otherwise a COUNT Query of the range (it reads the range's
        keys, not a page of them: docs/decisions.md, Aura)."""
        if where.since is None and where.until is None:
            from opsdesk.aura.counters import audit_total  # noqa: PLC0415 - one use

            if where.ticket_id:
                ticket = self.get_ticket(tenant_id, where.ticket_id)
                if ticket is None:
                    return 0
                counts = {**ticket.audit_counts, "all": ticket.audit_sequence}
                return audit_total(counts, where.types, where.actor, separator=":", everything="all")
            return audit_total(self.counters(tenant_id), where.types, where.actor)
        total = 0
        for index, partition in self._audit_partitions(tenant_id, where):
            try:
                counted = index.count(partition, range_key_condition=self._time_range(where, index),
                                      filter_condition=self._actor_filter(where, index))
            except PynamoDBException as exc:
                raise domain_error_for(exc, "Read failed") from exc
            record_items_read(counted)
            total += counted
        return total

    def chain(self, tenant_id: str, ticket_id: str, up_to: int | None = None) -> Iterator[AuditEntry]:
        # From the prefix itself, so a stray key below sequence 1 is still read (and breaks the chain).
        within = (ListedItem.sk.startswith(keys.AUDIT_PREFIX) if up_to is None
                  else ListedItem.sk.between(keys.AUDIT_PREFIX, keys.audit_sk(up_to)))
        results = ListedItem.query(keys.ticket_pk(tenant_id, ticket_id), within, consistent_read=True, page_size=500)
        for item in results:
            record_items_read(1)
            yield _audit_record(item)

    # Aggregates

    def counters(self, tenant_id: str) -> dict[str, int]:
        """The counters item summed with its spill items (opsdesk.dynamo.counter_totals); {} before the first."""
        found = counter_totals(CountersItem, keys.stats_pk(tenant_id), keys.COUNTERS_SK, keys.COUNTERS_SK)
        if keys.COUNTERS_SK not in found:
            return {}
        return {name: found[keys.COUNTERS_SK][name] for name in counter_names()}

    def tokens_since(self, tenant_id: str, since: datetime) -> int:
        """The hour items from `since`'s hour on, each with its spill items: one Query."""
        hours = counter_totals(HourItem, keys.stats_pk(tenant_id), keys.hour_sk(since), keys.LAST_HOUR_SK,
                               ["tokens"])
        return sum(hour["tokens"] for hour in hours.values())

    def ready(self) -> None:
        ListedItem.describe_table()

    # Helpers

    @staticmethod
    def _audit_partitions(tenant_id: str, where: AuditFilter) -> list[tuple[Any, str]]:
        ticket, types = where.ticket_id, tuple(dict.fromkeys(where.types))
        if ticket and types:
            return [(ListedItem.by_team, keys.audit_ticket_type_pk(tenant_id, ticket, t)) for t in types]
        if ticket:
            return [(ListedItem.by_assignee, keys.audit_ticket_pk(tenant_id, ticket))]
        if types and where.actor:
            return [(ListedItem.by_type_actor, keys.audit_type_actor_pk(tenant_id, t, where.actor)) for t in types]
        if types:
            return [(ListedItem.by_status, keys.audit_type_pk(tenant_id, t)) for t in types]
        if where.actor:
            return [(ListedItem.by_priority, keys.audit_actor_pk(tenant_id, where.actor))]
        return [(ListedItem.by_tenant, keys.audit_pk(tenant_id))]

    @staticmethod
    def _actor_filter(where: AuditFilter, index: Any) -> Condition | None:
        """The actor, when the partition chosen does not already mean it."""
        if where.actor is None or index in (ListedItem.by_priority, ListedItem.by_type_actor):
            return None
        return ListedItem.doc.contains(f'"actor":"{where.actor}"')

    @staticmethod
    def _time_range(where: AuditFilter, index: Any) -> Condition | None:
        if where.since is None and where.until is None:
            return None
        # `since` and `until` are both exclusive (the document's "entries after", "entries before").
        low = keys.after_time(where.since) if where.since else "0"
        high = keys.time_bound(where.until) if where.until else "~"
        sort_key = ListedItem.dueSk if index is ListedItem.by_type_actor else ListedItem.listSk
        return sort_key.between(low, high)

    @staticmethod
    def _index_query(index: Any, partition: str, *, forward: bool = False, range_condition: Condition | None = None,
                     filter_condition: Condition | None = None) -> Query:
        def run(limit: int) -> Iterable[Any]:
            results = index.query(partition, range_key_condition=range_condition, filter_condition=filter_condition,
                                  scan_index_forward=forward, limit=limit, page_size=min(limit, 500))
            found = list(results)
            record_items_read(results.page_iter.total_scanned_count)
            return found
        return run


def _merged(queries: list[Query], wanted: int, *, newest_first: bool) -> list[ListedItem]:
    """The first `wanted` items of several newest-first (or oldest-first) Queries, in one order."""
    if wanted <= 0:
        return []
    lists = [list(query(wanted)) for query in queries]
    if len(lists) == 1:
        return lists[0][:wanted]

    def sort_key(item: ListedItem) -> str:
        return item.listSk or ""

    merged = heapq.merge(*lists, key=sort_key, reverse=newest_first)
    return list(merged)[:wanted]

