"""TicketRecordRepository: the helpdesk's tickets on the TicketsTable: numbers, tickets with the aggregates and
events they move (one transaction), their search words, the lists (a Query on the most selective filter's index)
and the word search, the aggregates, and the bulk load of benchmarks. (TicketRepository, in repository.py, is the
whole HelpdeskStore.)"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk import pagination
from opsdesk.clock import parse_rfc3339
from opsdesk.dynamo import (
    Outcome,
    all_of,
    counter_sk,
    counter_totals,
    cursor_page,
    domain_error_for,
    record_items_read,
)
from opsdesk.errors import Conflict
from opsdesk.events import DomainEvent
from opsdesk.helpdesk.csat import CsatToken
from opsdesk.helpdesk.items import (
    CounterItem,
    CsatTokenItem,
    StatsItem,
    TicketItem,
    WordItem,
    csat_token_item,
    ticket_item,
    ticket_record,
)
from opsdesk.helpdesk.keys import (
    ALL_TIME_SK,
    SEQUENCE_SK,
    TICKET_SK,
    sequence_pk,
    stats_pk,
    ticket_pk,
    tickets_pk,
    word_pk,
)
from opsdesk.helpdesk.records import ResolutionDelta, StaleTicket, Ticket, TicketFilters, Totals
from opsdesk.helpdesk.table_repository import TicketsTableRepository
from opsdesk.keys import day_sk
from opsdesk.pagination import Page

MAX_SEARCH_CANDIDATES = 200
"""A search examines at most this many of its leading word's newest tickets per page it answers."""


# Which index serves a filter: the most selective one given (assignee, team, status, priority), the rest are a
# filter expression on it.
def _list_dimensions(tenant_id: str, filters: TicketFilters) -> list[tuple[Any, Any, str]]:
    """(index, its partition attribute, the partition value) per filter given, most selective first."""
    base = tickets_pk(tenant_id)
    chosen: list[tuple[Any, Any, str]] = []
    if filters.assignee_id:
        chosen.append((TicketItem.by_assignee, TicketItem.assigneeListPk, f"{base}#A#{filters.assignee_id}"))
    if filters.team_id:
        chosen.append((TicketItem.by_team, TicketItem.teamListPk, f"{base}#TEAM#{filters.team_id}"))
    if filters.status:
        chosen.append((TicketItem.by_status, TicketItem.statusListPk, f"{base}#S#{filters.status.value}"))
    if filters.priority:
        chosen.append((TicketItem.by_priority, TicketItem.priorityListPk, f"{base}#P#{filters.priority}"))
    return chosen or [(TicketItem.by_tenant, TicketItem.tenantListPk, base)]


class TicketRecordRepository(TicketsTableRepository):
    """Tickets, their numbers, search words and aggregates (get_ticket is the base's: every part reads it)."""

    def next_ticket_number(self, tenant_id: str) -> int:
        counter = CounterItem(sequence_pk(tenant_id), SEQUENCE_SK)
        try:
            result = counter.update(actions=[CounterItem.n.add(1)])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not number the ticket") from exc
        return int(result["Attributes"]["n"]["N"])

    def create_ticket(self, tenant_id: str, ticket: Ticket, events: Sequence[DomainEvent] = ()) -> None:
        item = ticket_item(tenant_id, ticket)
        # The words go first, outside the transaction (a ticket has up to 200): one whose ticket never commits is
        # skipped by searches, which only show tickets they could read.
        list_sk = item.listSk
        try:
            with WordItem.batch_write() as batch:
                for word in sorted(ticket.words):
                    batch.save(WordItem(word_pk(tenant_id, word), list_sk, ticketId=ticket.id))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not index the ticket") from exc
        created_day = parse_rfc3339(ticket.created_at).date()

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=TicketItem.pk.does_not_exist())
            for sk in (ALL_TIME_SK, day_sk(created_day)):
                tx.update(StatsItem(stats_pk(tenant_id), counter_sk(sk)), actions=[StatsItem.created.add(1)])
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            # The id is fresh: an existing ticket is our own earlier attempt; otherwise an event number was taken.
            return Outcome.DONE if self.get_ticket(tenant_id, ticket.id) is not None else Outcome.RETRY

        self._commit(write, lambda: Conflict("Ticket already exists"), outcome)

    def get_tickets(self, tenant_id: str, ticket_ids: Sequence[str]) -> list[Ticket]:
        """BatchGet (strongly consistent) of the tenant's tickets among `ticket_ids`, in that order."""
        wanted = list(dict.fromkeys(ticket_ids))
        if not wanted:
            return []
        try:
            found = list(TicketItem.batch_get([(ticket_pk(tenant_id, i), TICKET_SK) for i in wanted],
                                               consistent_read=True))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        by_id = {item.id: ticket_record(item) for item in found}
        return [by_id[i] for i in wanted if i in by_id]

    def update_ticket(
        self,
        tenant_id: str,
        before: Ticket,
        after: Ticket,
        events: Sequence[DomainEvent] = (),
        *,
        resolution: ResolutionDelta | None = None,
        csat_token: CsatToken | None = None,
    ) -> None:
        item = ticket_item(tenant_id, after)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=TicketItem.version == before.version)
            if resolution is not None and not resolution.empty:
                tx.update(StatsItem(stats_pk(tenant_id), counter_sk(ALL_TIME_SK)), actions=[
                    StatsItem.resolved.add(resolution.resolved), StatsItem.met.add(resolution.met),
                    StatsItem.resolutionMs.add(resolution.resolution_ms),
                ])
            if csat_token is not None:
                tx.save(csat_token_item(csat_token), condition=CsatTokenItem.pk.does_not_exist())
            self._transactions.publish(tx, tenant_id, events)

        self._commit(write, StaleTicket, self._ticket_outcome(tenant_id, before, after))

    def query_tickets(self, tenant_id: str, filters: TicketFilters, limit: int, cursor: str | None) -> Page[Ticket]:
        dimensions = _list_dimensions(tenant_id, filters)
        index, attribute, partition = dimensions[0]
        condition = all_of(attr == value for _, attr, value in dimensions[1:])
        results = index.query(
            partition,
            filter_condition=condition,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=self._cursors.decode(cursor, partition),
        )
        return cursor_page(results, ticket_record, limit, self._cursors, partition)

    def search_tickets(
        self, tenant_id: str, words: Sequence[str], filters: TicketFilters, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        """The newest tickets holding every word: a Query on the longest word's index partition (longer words are
        rarer), newest first, reading the candidates' tickets (BatchGet) to check the other words and the
        filters. At most MAX_SEARCH_CANDIDATES candidates per page: with fewer matches among them the page is
        short and the cursor goes on from there, as it does from a page that reached pagination.PAGE_BYTES."""
        leading = max(words, key=lambda word: (len(word), word))
        others = set(words) - {leading}
        partition = word_pk(tenant_id, leading)
        start = self._cursors.decode(cursor, partition)
        found: list[Ticket] = []
        examined = size = 0
        batch = limit
        while True:
            # A page of candidates, then twice as many each round while too few of them match.
            batch = min(batch, MAX_SEARCH_CANDIDATES - examined)
            results = WordItem.query(partition, scan_index_forward=False, limit=batch, page_size=batch,
                                      last_evaluated_key=start, consistent_read=False)
            candidates = list(results)
            record_items_read(results.page_iter.total_scanned_count)
            tickets = {t.id: t for t in self.get_tickets(tenant_id, [c.ticketId for c in candidates])}
            for candidate in candidates:
                examined += 1
                ticket = tickets.get(candidate.ticketId)
                if ticket is not None and others <= ticket.words and filters.matches(ticket):
                    found.append(ticket)
                    size += pagination.answer_bytes(ticket)  # its fields as text: what its view shows, and more
                start = {"pk": {"S": candidate.pk}, "sk": {"S": candidate.sk}}
                if len(found) == limit or size >= pagination.PAGE_BYTES:
                    return Page(found, self._cursors.encode(start, partition))
            if len(candidates) < batch or results.last_evaluated_key is None or start is None:
                return Page(found, None)
            if examined >= MAX_SEARCH_CANDIDATES:
                return Page(found, self._cursors.encode(start, partition))
            batch *= 2

    # Aggregates

    def totals(self, tenant_id: str) -> Totals:
        """The all-time item summed with its spill items (opsdesk.dynamo.counter_totals)."""
        found = counter_totals(StatsItem, stats_pk(tenant_id), ALL_TIME_SK, ALL_TIME_SK).get(ALL_TIME_SK, Counter())
        return Totals(created=found["created"], resolved=found["resolved"], met=found["met"],
                      resolution_ms=found["resolutionMs"])

    def created_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        """The day items from `first` to `last`, each summed with its spill items: one Query."""
        days = counter_totals(StatsItem, stats_pk(tenant_id), day_sk(first), day_sk(last), ["created"])
        return {date.fromisoformat(sk.removeprefix("D#")): numbers["created"] for sk, numbers in days.items()}

    # Bulk load (benchmarks and the reads-scale test): tickets written by batch, not by the API's transaction.

    def import_tickets(self, tenant_id: str, tickets: Sequence[Ticket]) -> None:
        created: dict[str, int] = {}
        with TicketItem.batch_write() as batch:
            for ticket in tickets:
                batch.save(ticket_item(tenant_id, ticket))
                created[day_sk(parse_rfc3339(ticket.created_at).date())] = created.get(
                    day_sk(parse_rfc3339(ticket.created_at).date()), 0) + 1
        with WordItem.batch_write() as words:
            for ticket in tickets:
                for word in ticket.words:
                    words.save(WordItem(word_pk(tenant_id, word), f"{ticket.created_at}#{ticket.id}",
                                         ticketId=ticket.id))
        for sk, count in [*created.items(), (ALL_TIME_SK, len(tickets))]:
            StatsItem(stats_pk(tenant_id), sk).update(actions=[StatsItem.created.add(count)])

    def reserve_ticket_numbers(self, tenant_id: str, count: int) -> range:
        result = CounterItem(sequence_pk(tenant_id), SEQUENCE_SK).update(actions=[CounterItem.n.add(count)])
        last = int(result["Attributes"]["n"]["N"])
        return range(last - count + 1, last + 1)
