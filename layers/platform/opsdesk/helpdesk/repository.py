"""DynamoDB access for the TicketsTable (pynamodb), all of it: TicketRepository (requesters, tickets, comments,
watchers, search words, aggregates) and ExtrasRepository (attachments, CSAT, exports, SLA check runs). Nothing
outside this module sees a pynamodb object.

Item layout (docs/data-model.md has the whole table):
    requester     pk T#<t>#RQ#<requesterId>        sk REQUESTER
    email claim   pk T#<t>#RQEMAIL#<email, lower>  sk EMAIL             requesterId: emails are unique per tenant
    ticket        pk T#<t>#TK#<ticketId>           sk TICKET            + list keys, + dueBucket/dueSk (SLA)
    comment       pk T#<t>#TK#<ticketId>           sk C#<createdAt>#<commentId>
    watcher       pk T#<t>#TK#<ticketId>           sk W#<userId>
    attachment    pk T#<t>#TK#<ticketId>           sk A#<attachmentId>  (helpdesk extras)
    sequence      pk T#<t>#SEQ                     sk TICKET            n = the last ticket number taken
    search word   pk T#<t>#W#<word>                sk <createdAt>#<ticketId>
    aggregates    pk T#<t>#HSTATS                  sk ALL | D#<yyyy-mm-dd>   created, resolved, met, resolutionMs
    CSAT token    pk CSAT#<sha256 of the token>    sk TOKEN             expiresAt (TTL); score, answeredAt, answerId
    CSAT tally    pk T#<t>#CSAT                    sk ALL | D#<yyyy-mm-dd>   good, bad, responses
    export record pk T#<t>#EXPORTS                 sk <createdAt>#<exportId>  expiresAt (TTL)
    SLA check     pk PLATFORM#HELPDESK             sk SLA_CHECK         runs, lastRunAt, breaches per kind

A ticket's sub-resources share its partition, so every one of them is reached through the tenant's ticket key:
another tenant's ticket id finds nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk import tables
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.cursors import CursorCodec, secret_key_source
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    all_of,
    bind_table,
    connection_for,
    domain_error_for,
    error_code,
    get_item,
    record_items_read,
    unbound_meta,
)
from opsdesk.errors import Conflict, DomainError, NotFound, ValidationFailed
from opsdesk.events import DomainEvent
from opsdesk.helpdesk.attachments import Attachment
from opsdesk.helpdesk.csat import SCORES, CsatToken, CsatTokenUsed, Score
from opsdesk.helpdesk.prometheus import SlaCheckStats
from opsdesk.helpdesk.records import (
    NO_TEAM,
    UNASSIGNED,
    Comment,
    Requester,
    ResolutionDelta,
    StaleTicket,
    Ticket,
    TicketFilters,
    TicketSource,
    TicketStatus,
    Totals,
)
from opsdesk.helpdesk.sla import DueEntry, due_sort_key, parse_due_sort_key
from opsdesk.keys import day_sk
from opsdesk.pagination import Page
from opsdesk.settings import HelpdeskSettings, load_settings

if TYPE_CHECKING:  # the event log binds to its own table at import; the people function has none
    from opsdesk.eventlog import EventLog

MAX_SEARCH_CANDIDATES = 200
"""A search examines at most this many of its leading word's newest tickets per page it answers."""


# Keys: the one place that spells them (helpdesk extras build theirs from these too).


def ticket_pk(tenant_id: str, ticket_id: str) -> str:
    """The partition of a ticket and of everything under it (comments, watchers, attachments)."""
    return f"T#{tenant_id}#TK#{ticket_id}"


TICKET_SK = "TICKET"
COMMENT_SK_PREFIX = "C#"
WATCHER_SK_PREFIX = "W#"
ATTACHMENT_SK_PREFIX = "A#"
"""Attachment items (helpdesk extras) under the ticket's partition: sk A#<attachmentId>."""


def requester_pk(tenant_id: str, requester_id: str) -> str:
    return f"T#{tenant_id}#RQ#{requester_id}"


REQUESTER_SK = "REQUESTER"


def email_pk(tenant_id: str, email: str) -> str:
    return f"T#{tenant_id}#RQEMAIL#{email.lower()}"


EMAIL_SK = "EMAIL"


def stats_pk(tenant_id: str) -> str:
    """The tenant's helpdesk aggregates (sk ALL, and D#<day> per creation day)."""
    return f"T#{tenant_id}#HSTATS"


ALL_TIME_SK = "ALL"


def word_pk(tenant_id: str, word: str) -> str:
    return f"T#{tenant_id}#W#{word}"


def sequence_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#SEQ"


SEQUENCE_SK = "TICKET"


def tickets_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#TICKETS"


# Models


class _TicketsTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _RequesterItem(_TicketsTableItem):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    displayName = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    version = NumberAttribute()


class _EmailItem(_TicketsTableItem):
    requesterId = UnicodeAttribute()


def _index(name: str, partition: str, sort: str) -> type[GlobalSecondaryIndex[Any]]:
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    attributes = {partition: UnicodeAttribute(hash_key=True), sort: UnicodeAttribute(range_key=True), "Meta": meta}
    return type(f"_{name}", (GlobalSecondaryIndex,), attributes)


_ByTenant = _index(tables.HELPDESK_TICKETS_BY_TENANT, "tenantListPk", "listSk")
_ByStatus = _index(tables.HELPDESK_TICKETS_BY_STATUS, "statusListPk", "listSk")
_ByPriority = _index(tables.HELPDESK_TICKETS_BY_PRIORITY, "priorityListPk", "listSk")
_ByTeam = _index(tables.HELPDESK_TICKETS_BY_TEAM, "teamListPk", "listSk")
_ByAssignee = _index(tables.HELPDESK_TICKETS_BY_ASSIGNEE, "assigneeListPk", "listSk")


class _TicketItem(_TicketsTableItem):
    id = UnicodeAttribute()
    number = NumberAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    requesterId = UnicodeAttribute()
    priority = UnicodeAttribute()
    status = UnicodeAttribute()
    source = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()
    customJson = UnicodeAttribute()
    """JSON text: keeps numbers, nesting and key order exactly as given."""
    assigneeId = UnicodeAttribute(null=True)
    teamId = UnicodeAttribute(null=True)
    urgency = NumberAttribute(null=True)
    category = UnicodeAttribute(null=True)
    subcategory = UnicodeAttribute(null=True)
    scheduledAt = UnicodeAttribute(null=True)
    dueAt = UnicodeAttribute(null=True)
    firstResponseAt = UnicodeAttribute(null=True)
    resolvedAt = UnicodeAttribute(null=True)
    firstResponseBreachedAt = UnicodeAttribute(null=True)
    resolutionBreachedAt = UnicodeAttribute(null=True)
    resolutionSlaMet = BooleanAttribute(null=True)
    slaDueAt = UnicodeAttribute(null=True)
    words = UnicodeSetAttribute(null=True)
    version = NumberAttribute()

    tenantListPk = UnicodeAttribute()
    statusListPk = UnicodeAttribute()
    priorityListPk = UnicodeAttribute()
    teamListPk = UnicodeAttribute()
    assigneeListPk = UnicodeAttribute()
    listSk = UnicodeAttribute()
    dueBucket = UnicodeAttribute(null=True)
    dueSk = UnicodeAttribute(null=True)

    by_tenant = _ByTenant()
    by_status = _ByStatus()
    by_priority = _ByPriority()
    by_team = _ByTeam()
    by_assignee = _ByAssignee()


class _CommentItem(_TicketsTableItem):
    id = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    authorId = UnicodeAttribute()
    bodyMd = UnicodeAttribute()
    isInternal = BooleanAttribute()
    createdAt = UnicodeAttribute()


class _WatcherItem(_TicketsTableItem):
    userId = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class _WordItem(_TicketsTableItem):
    ticketId = UnicodeAttribute()


class _CounterItem(_TicketsTableItem):
    n = NumberAttribute(default=0)


class _StatsItem(_TicketsTableItem):
    created = NumberAttribute(null=True)
    resolved = NumberAttribute(null=True)
    met = NumberAttribute(null=True)
    resolutionMs = NumberAttribute(null=True)


# Which index serves a filter: the most selective one given (assignee, team, status, priority), the rest are a
# filter expression on it.
def _list_dimensions(tenant_id: str, filters: TicketFilters) -> list[tuple[Any, Any, str]]:
    """(index, its partition attribute, the partition value) per filter given, most selective first."""
    base = tickets_pk(tenant_id)
    chosen: list[tuple[Any, Any, str]] = []
    if filters.assignee_id:
        chosen.append((_TicketItem.by_assignee, _TicketItem.assigneeListPk, f"{base}#A#{filters.assignee_id}"))
    if filters.team_id:
        chosen.append((_TicketItem.by_team, _TicketItem.teamListPk, f"{base}#TEAM#{filters.team_id}"))
    if filters.status:
        chosen.append((_TicketItem.by_status, _TicketItem.statusListPk, f"{base}#S#{filters.status.value}"))
    if filters.priority:
        chosen.append((_TicketItem.by_priority, _TicketItem.priorityListPk, f"{base}#P#{filters.priority}"))
    return chosen or [(_TicketItem.by_tenant, _TicketItem.tenantListPk, base)]


class TicketRepository:
    """The HelpdeskStore on DynamoDB. With an event log, writes publish their events in the same transaction."""

    def __init__(self, event_log: EventLog | None = None, cursors: CursorCodec | None = None,
                 settings: HelpdeskSettings | None = None) -> None:
        settings = settings or load_settings(HelpdeskSettings)
        bind_table(_TicketsTableItem, settings.tickets_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)
        self._cursors = cursors or CursorCodec(secret_key_source(
            settings.cursor_key_secret_arn, settings.aws_region, settings.aws_endpoint_url))

    # Requesters

    def create_requester(self, tenant_id: str, requester: Requester) -> None:
        item = _requester_item(tenant_id, requester)
        claim = _EmailItem(email_pk(tenant_id, requester.email_key), EMAIL_SK, requesterId=requester.id)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_RequesterItem.pk.does_not_exist())
            tx.save(claim, condition=_EmailItem.pk.does_not_exist())

        def outcome() -> Outcome:
            return Outcome.DONE if self.get_requester(tenant_id, requester.id) == requester else Outcome.CONFLICT

        self._commit(write, _email_taken, outcome)

    def get_requester(self, tenant_id: str, requester_id: str) -> Requester | None:
        item = get_item(_RequesterItem, requester_pk(tenant_id, requester_id), REQUESTER_SK)
        return _requester(item) if item else None

    def update_requester(self, tenant_id: str, before: Requester, after: Requester) -> None:
        item = _requester_item(tenant_id, after)
        moves_email = before.email_key != after.email_key

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_RequesterItem.version == before.version)
            if moves_email:
                tx.delete(_EmailItem(email_pk(tenant_id, before.email_key), EMAIL_SK),
                          condition=_EmailItem.requesterId == before.id)
                tx.save(_EmailItem(email_pk(tenant_id, after.email_key), EMAIL_SK, requesterId=after.id),
                        condition=_EmailItem.pk.does_not_exist())

        def outcome() -> Outcome:
            return Outcome.DONE if self.get_requester(tenant_id, after.id) == after else Outcome.CONFLICT

        def conflict() -> DomainError:
            current = self.get_requester(tenant_id, before.id)
            if current is not None and current.version != before.version:
                return Conflict("The requester was changed by someone else; reload it and retry")
            return _email_taken()

        self._commit(write, conflict, outcome)

    # Tickets

    def next_ticket_number(self, tenant_id: str) -> int:
        counter = _CounterItem(sequence_pk(tenant_id), SEQUENCE_SK)
        try:
            result = counter.update(actions=[_CounterItem.n.add(1)])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not number the ticket") from exc
        return int(result["Attributes"]["n"]["N"])

    def create_ticket(self, tenant_id: str, ticket: Ticket, events: Sequence[DomainEvent] = ()) -> None:
        item = _ticket_item(tenant_id, ticket)
        # The words go first, outside the transaction (a ticket has up to 200): one whose ticket never commits is
        # skipped by searches, which only show tickets they could read.
        list_sk = item.listSk
        try:
            with _WordItem.batch_write() as batch:
                for word in sorted(ticket.words):
                    batch.save(_WordItem(word_pk(tenant_id, word), list_sk, ticketId=ticket.id))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not index the ticket") from exc
        created_day = parse_rfc3339(ticket.created_at).date()

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_TicketItem.pk.does_not_exist())
            for sk in (ALL_TIME_SK, day_sk(created_day)):
                tx.update(_StatsItem(stats_pk(tenant_id), sk), actions=[_StatsItem.created.add(1)])
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            # The id is fresh: an existing ticket is our own earlier attempt; otherwise an event number was taken.
            return Outcome.DONE if self.get_ticket(tenant_id, ticket.id) is not None else Outcome.RETRY

        self._commit(write, lambda: Conflict("Ticket already exists"), outcome)

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        item = get_item(_TicketItem, ticket_pk(tenant_id, ticket_id), TICKET_SK)
        return _ticket(item) if item else None

    def get_tickets(self, tenant_id: str, ticket_ids: Sequence[str]) -> list[Ticket]:
        """BatchGet (strongly consistent) of the tenant's tickets among `ticket_ids`, in that order."""
        wanted = list(dict.fromkeys(ticket_ids))
        if not wanted:
            return []
        try:
            found = list(_TicketItem.batch_get([(ticket_pk(tenant_id, i), TICKET_SK) for i in wanted],
                                               consistent_read=True))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        by_id = {item.id: _ticket(item) for item in found}
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
        item = _ticket_item(tenant_id, after)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_TicketItem.version == before.version)
            if resolution is not None and not resolution.empty:
                tx.update(_StatsItem(stats_pk(tenant_id), ALL_TIME_SK), actions=[
                    _StatsItem.resolved.add(resolution.resolved), _StatsItem.met.add(resolution.met),
                    _StatsItem.resolutionMs.add(resolution.resolution_ms),
                ])
            if csat_token is not None:
                tx.save(_csat_token_item(csat_token), condition=_CsatTokenItem.pk.does_not_exist())
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
        tickets = [_ticket(item) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        last = results.last_evaluated_key if len(tickets) == limit else None
        return Page(tickets, self._cursors.encode(last, partition) if last else None)

    def search_tickets(
        self, tenant_id: str, words: Sequence[str], filters: TicketFilters, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        """The newest tickets holding every word: a Query on the longest word's index partition (longer words are
        rarer), newest first, reading the candidates' tickets (BatchGet) to check the other words and the
        filters. At most MAX_SEARCH_CANDIDATES candidates per page: with fewer matches among them the page is
        short and the cursor goes on from there."""
        leading = max(words, key=lambda word: (len(word), word))
        others = set(words) - {leading}
        partition = word_pk(tenant_id, leading)
        start = self._cursors.decode(cursor, partition)
        found: list[Ticket] = []
        examined = 0
        batch = limit
        while True:
            # A page of candidates, then twice as many each round while too few of them match.
            batch = min(batch, MAX_SEARCH_CANDIDATES - examined)
            results = _WordItem.query(partition, scan_index_forward=False, limit=batch, page_size=batch,
                                      last_evaluated_key=start, consistent_read=False)
            candidates = list(results)
            record_items_read(results.page_iter.total_scanned_count)
            tickets = {t.id: t for t in self.get_tickets(tenant_id, [c.ticketId for c in candidates])}
            for candidate in candidates:
                examined += 1
                ticket = tickets.get(candidate.ticketId)
                if ticket is not None and others <= ticket.words and filters.matches(ticket):
                    found.append(ticket)
                start = {"pk": {"S": candidate.pk}, "sk": {"S": candidate.sk}}
                if len(found) == limit:
                    return Page(found, self._cursors.encode(start, partition))
            if len(candidates) < batch or results.last_evaluated_key is None or start is None:
                return Page(found, None)
            if examined >= MAX_SEARCH_CANDIDATES:
                return Page(found, self._cursors.encode(start, partition))
            batch *= 2

    # Comments and watchers

    def add_comment(
        self,
        tenant_id: str,
        comment: Comment,
        before: Ticket | None = None,
        after: Ticket | None = None,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        item = _CommentItem(
            ticket_pk(tenant_id, comment.ticket_id), f"{COMMENT_SK_PREFIX}{comment.created_at}#{comment.id}",
            id=comment.id, ticketId=comment.ticket_id, authorId=comment.author_id, bodyMd=comment.body_md,
            isInternal=comment.is_internal, createdAt=comment.created_at,
        )

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=_CommentItem.pk.does_not_exist())
            if before is not None and after is not None:
                tx.save(_ticket_item(tenant_id, after), condition=_TicketItem.version == before.version)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            stored = get_item(_CommentItem, item.pk, item.sk)
            if stored is not None:
                return Outcome.DONE
            if before is not None and after is not None:
                return self._ticket_outcome(tenant_id, before, after)()
            return Outcome.RETRY

        self._commit(write, StaleTicket, outcome)

    def list_comments(
        self, tenant_id: str, ticket_id: str, include_internal: bool, limit: int, cursor: str | None
    ) -> Page[Comment]:
        partition = ticket_pk(tenant_id, ticket_id)
        results = _CommentItem.query(
            partition,
            range_key_condition=_CommentItem.sk.startswith(COMMENT_SK_PREFIX),
            filter_condition=None if include_internal else _CommentItem.isInternal == False,  # noqa: E712
            consistent_read=True,
            limit=limit,
            page_size=limit,
            last_evaluated_key=self._cursors.decode(cursor, partition),
        )
        comments = [_comment(item) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        last = results.last_evaluated_key if len(comments) == limit else None
        return Page(comments, self._cursors.encode(last, partition) if last else None)

    def add_watcher(self, tenant_id: str, ticket_id: str, user_id: str, now: str) -> None:
        item = _WatcherItem(ticket_pk(tenant_id, ticket_id), f"{WATCHER_SK_PREFIX}{user_id}", userId=user_id,
                            createdAt=now)
        try:
            item.save(condition=_WatcherItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if isinstance(domain_error_for(exc, ""), Conflict):
                return  # already watching: adding again changes nothing
            raise domain_error_for(exc, "") from exc

    def remove_watcher(self, tenant_id: str, ticket_id: str, user_id: str) -> None:
        try:
            _WatcherItem(ticket_pk(tenant_id, ticket_id), f"{WATCHER_SK_PREFIX}{user_id}").delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "") from exc

    def list_watchers(self, tenant_id: str, ticket_id: str) -> list[str]:
        results = _WatcherItem.query(ticket_pk(tenant_id, ticket_id),
                                     range_key_condition=_WatcherItem.sk.startswith(WATCHER_SK_PREFIX),
                                     consistent_read=True)
        watchers = [item.userId for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return watchers

    # Aggregates

    def totals(self, tenant_id: str) -> Totals:
        item = get_item(_StatsItem, stats_pk(tenant_id), ALL_TIME_SK)
        if item is None:
            return Totals()
        return Totals(created=int(item.created or 0), resolved=int(item.resolved or 0), met=int(item.met or 0),
                      resolution_ms=int(item.resolutionMs or 0))

    def created_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        results = _StatsItem.query(stats_pk(tenant_id), range_key_condition=_StatsItem.sk.between(day_sk(first),
                                                                                                   day_sk(last)))
        counts = {date.fromisoformat(item.sk.removeprefix("D#")): int(item.created or 0) for item in results}
        record_items_read(results.page_iter.total_scanned_count)
        return counts

    # Bulk load (benchmarks and the reads-scale test): tickets written by batch, not by the API's transaction.

    def import_tickets(self, tenant_id: str, tickets: Sequence[Ticket]) -> None:
        created: dict[str, int] = {}
        with _TicketItem.batch_write() as batch:
            for ticket in tickets:
                batch.save(_ticket_item(tenant_id, ticket))
                created[day_sk(parse_rfc3339(ticket.created_at).date())] = created.get(
                    day_sk(parse_rfc3339(ticket.created_at).date()), 0) + 1
        with _WordItem.batch_write() as words:
            for ticket in tickets:
                for word in ticket.words:
                    words.save(_WordItem(word_pk(tenant_id, word), f"{ticket.created_at}#{ticket.id}",
                                         ticketId=ticket.id))
        for sk, count in [*created.items(), (ALL_TIME_SK, len(tickets))]:
            _StatsItem(stats_pk(tenant_id), sk).update(actions=[_StatsItem.created.add(count)])

    def reserve_ticket_numbers(self, tenant_id: str, count: int) -> range:
        result = _CounterItem(sequence_pk(tenant_id), SEQUENCE_SK).update(actions=[_CounterItem.n.add(count)])
        last = int(result["Attributes"]["n"]["N"])
        return range(last - count + 1, last + 1)

    # Helpers

    def _ticket_outcome(self, tenant_id: str, before: Ticket, after: Ticket) -> Callable[[], Outcome]:
        def outcome() -> Outcome:
            stored = self.get_ticket(tenant_id, after.id)
            if stored == after:
                return Outcome.DONE  # our own earlier attempt
            if stored is None or stored.version != before.version:
                return Outcome.CONFLICT  # someone else changed it: the service reads it again
            return Outcome.RETRY  # only an event number was taken meanwhile

        return outcome

    def _commit(
        self, write: Callable[[Any], None], conflict: Callable[[], DomainError], outcome: Callable[[], Outcome]
    ) -> None:
        """One transaction (opsdesk.dynamo.run_transaction); a failed condition that is someone else's change
        raises `conflict()`."""
        self._transactions.commit(write, lambda _: conflict(), outcome)



def _email_taken() -> DomainError:
    # A 400 naming the field: the document lists 400 (not 409) for the requester routes' bad input.
    return ValidationFailed.on_field("email", "A requester with this email already exists")


# Conversions between items and records


def _requester_item(tenant_id: str, requester: Requester) -> _RequesterItem:
    return _RequesterItem(requester_pk(tenant_id, requester.id), REQUESTER_SK, id=requester.id,
                          email=requester.email, displayName=requester.display_name, createdAt=requester.created_at,
                          updatedAt=requester.updated_at, version=requester.version)


def _requester(item: _RequesterItem) -> Requester:
    return Requester(id=item.id, email=item.email, display_name=item.displayName, created_at=item.createdAt,
                     updated_at=item.updatedAt, version=int(item.version))


def _ticket_item(tenant_id: str, ticket: Ticket) -> _TicketItem:
    base = tickets_pk(tenant_id)
    return _TicketItem(
        ticket_pk(tenant_id, ticket.id), TICKET_SK,
        id=ticket.id, number=ticket.number, title=ticket.title, description=ticket.description,
        requesterId=ticket.requester_id, priority=ticket.priority, status=ticket.status.value,
        source=ticket.source.value, createdAt=ticket.created_at, updatedAt=ticket.updated_at,
        createdBy=ticket.created_by, customJson=json.dumps(ticket.custom_json, separators=(",", ":")),
        assigneeId=ticket.assignee_id, teamId=ticket.team_id, urgency=ticket.urgency, category=ticket.category,
        subcategory=ticket.subcategory, scheduledAt=ticket.scheduled_at, dueAt=ticket.due_at,
        firstResponseAt=ticket.first_response_at, resolvedAt=ticket.resolved_at,
        firstResponseBreachedAt=ticket.first_response_breached_at,
        resolutionBreachedAt=ticket.resolution_breached_at, resolutionSlaMet=ticket.resolution_sla_met,
        slaDueAt=ticket.sla_due_at, words=set(ticket.words) or None, version=ticket.version,
        tenantListPk=base,
        statusListPk=f"{base}#S#{ticket.status.value}",
        priorityListPk=f"{base}#P#{ticket.priority}",
        teamListPk=f"{base}#TEAM#{ticket.team_id or NO_TEAM}",
        assigneeListPk=f"{base}#A#{ticket.assignee_id or UNASSIGNED}",
        listSk=f"{ticket.created_at}#{ticket.id}",
        dueBucket=ticket.sla_due_bucket if ticket.sla_due_at else None,
        dueSk=(due_sort_key(parse_rfc3339(ticket.sla_due_at), tenant_id, ticket.id)
               if ticket.sla_due_at and ticket.sla_due_bucket else None),
    )


def _ticket(item: _TicketItem) -> Ticket:
    return Ticket(
        id=item.id, number=int(item.number), title=item.title, description=item.description,
        requester_id=item.requesterId, priority=item.priority, status=TicketStatus(item.status),
        source=TicketSource(item.source), created_at=item.createdAt, updated_at=item.updatedAt,
        created_by=item.createdBy, custom_json=json.loads(item.customJson),
        assignee_id=item.assigneeId, team_id=item.teamId,
        urgency=int(item.urgency) if item.urgency is not None else None, category=item.category,
        subcategory=item.subcategory, scheduled_at=item.scheduledAt, due_at=item.dueAt,
        first_response_at=item.firstResponseAt, resolved_at=item.resolvedAt,
        first_response_breached_at=item.firstResponseBreachedAt, resolution_breached_at=item.resolutionBreachedAt,
        resolution_sla_met=item.resolutionSlaMet, sla_due_at=item.slaDueAt,
        sla_due_bucket=item.dueBucket, words=frozenset(item.words or ()), version=int(item.version),
    )


def _comment(item: _CommentItem) -> Comment:
    return Comment(id=item.id, ticket_id=item.ticketId, author_id=item.authorId, body_md=item.bodyMd,
                   is_internal=bool(item.isInternal), created_at=item.createdAt)


# Helpdesk extras: attachments, CSAT tokens and tallies, export records, SLA check runs, the due index
# (the services in attachments.py, csat.py, exports.py and sla.py use ExtrasRepository)

EXPORT_RECORD_LIFETIME = timedelta(days=90)
PLATFORM_PK = "PLATFORM#HELPDESK"
SLA_CHECK_SK = "SLA_CHECK"


CSAT_TOKEN_SK = "TOKEN"


def csat_token_pk(token_hash: str) -> str:
    """A survey is found by its token's hash alone (the public link names no tenant)."""
    return f"CSAT#{token_hash}"


class _CsatTokenItem(_TicketsTableItem):
    tenantId = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    requesterId = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()
    score = UnicodeAttribute(null=True)
    answeredAt = UnicodeAttribute(null=True)
    answerId = UnicodeAttribute(null=True)
    """Which write answered it: tells a retry that meets its own earlier commit from another answer."""


class _AttachmentItem(_TicketsTableItem):
    id = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    filename = UnicodeAttribute()
    size = NumberAttribute()
    mime = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()


class _CsatTallyItem(_TicketsTableItem):
    good = NumberAttribute(default=0)
    bad = NumberAttribute(default=0)
    responses = NumberAttribute(default=0)


class _ExportItem(_TicketsTableItem):
    id = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    tickets = NumberAttribute()
    createdBy = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()


class _SlaCheckItem(_TicketsTableItem):
    runs = NumberAttribute(default=0)
    lastRunAt = NumberAttribute(default=0)
    lastDurationSeconds = NumberAttribute(default=0)
    breachesFirstResponse = NumberAttribute(default=0)
    breachesResolution = NumberAttribute(default=0)


_TicketsByDue = _index(tables.HELPDESK_TICKETS_BY_DUE, "dueBucket", "dueSk")


class _DueItem(_TicketsTableItem):
    """A ticket as the due index shows it; only its index keys are read (the ticket itself is core's)."""

    dueBucket = UnicodeAttribute(null=True)
    dueSk = UnicodeAttribute(null=True)

    by_due = _TicketsByDue()


def csat_tally_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CSAT"


def exports_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#EXPORTS"


class ExtrasRepository:
    """CsatStore on DynamoDB, and the records of exports and SLA check runs."""

    def __init__(self, settings: HelpdeskSettings | None = None) -> None:
        settings = settings or load_settings(HelpdeskSettings)
        bind_table(_TicketsTableItem, settings.tickets_table_name, settings)
        self._transactions = Transactions(connection_for(settings))

    # Attachments (AttachmentStore)

    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        """Oldest first: one Query on the ticket's partition, attachment items only."""
        results = _AttachmentItem.query(ticket_pk(tenant_id, ticket_id),
                                        _AttachmentItem.sk.startswith(ATTACHMENT_SK_PREFIX), consistent_read=True)
        found = [_attachment(item) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None:
        item = get_item(_AttachmentItem, ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id)
        return _attachment(item) if item is not None else None

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        item = _AttachmentItem(
            ticket_pk(tenant_id, attachment.ticket_id), ATTACHMENT_SK_PREFIX + attachment.id, id=attachment.id,
            ticketId=attachment.ticket_id, filename=attachment.filename, size=attachment.bytes, mime=attachment.mime,
            objectKey=attachment.key, createdAt=attachment.created_at, createdBy=attachment.created_by,
        )
        try:
            item.save(condition=_AttachmentItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise domain_error_for(exc, "Attachment already exists") from exc
        return True

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None:
        try:
            _AttachmentItem(ticket_pk(tenant_id, ticket_id), ATTACHMENT_SK_PREFIX + attachment_id).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Attachment delete failed") from exc

    # CSAT (CsatStore)

    def put_csat_token(self, survey: CsatToken) -> None:
        """Store a survey made by csat.new_survey_token outside a resolve (tests)."""
        try:
            _csat_token_item(survey).save(condition=_CsatTokenItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Token already exists") from exc

    def get_csat_token(self, token_hash: str) -> CsatToken | None:
        item = get_item(_CsatTokenItem, csat_token_pk(token_hash), CSAT_TOKEN_SK)
        return _csat_token(item) if item is not None else None

    def record_csat_answer(self, token: CsatToken, score: Score, answered_at: datetime) -> None:
        """The answer on the token (only if unused) and +1 on the tenant's all-time and daily tallies, in one
        transaction: a token is counted once, also when answers race."""
        answered = to_rfc3339(answered_at)
        answer_id = str(uuid.uuid4())
        tally: list[Action] = [_CsatTallyItem.responses.add(1),
                               (_CsatTallyItem.good if score == "good" else _CsatTallyItem.bad).add(1)]
        tally_pk = csat_tally_pk(token.tenant_id)

        def write(tx: TransactWrite) -> None:
            tx.update(
                _CsatTokenItem(csat_token_pk(token.token_hash), CSAT_TOKEN_SK),
                actions=[_CsatTokenItem.score.set(score), _CsatTokenItem.answeredAt.set(answered),
                         _CsatTokenItem.answerId.set(answer_id)],
                condition=_CsatTokenItem.pk.exists() & _CsatTokenItem.score.does_not_exist(),
            )
            for sk in (ALL_TIME_SK, f"D#{answered[:10]}"):
                tx.update(_CsatTallyItem(tally_pk, sk), actions=tally)

        def on_condition_failed() -> Outcome:
            current = get_item(_CsatTokenItem, csat_token_pk(token.token_hash), CSAT_TOKEN_SK)
            if current is None:
                raise NotFound("Survey not found")  # expired and deleted since it was read
            return Outcome.DONE if current.answerId == answer_id else Outcome.CONFLICT

        self._transactions.commit(write, lambda _exc: CsatTokenUsed(), on_condition_failed)

    def csat_tally(self, tenant_id: str, day: str | None = None) -> dict[str, int]:
        """{good, bad, responses} for all time, or one UTC day (`yyyy-mm-dd`)."""
        item = get_item(_CsatTallyItem, csat_tally_pk(tenant_id), f"D#{day}" if day else ALL_TIME_SK)
        if item is None:
            return {"good": 0, "bad": 0, "responses": 0}
        return {"good": int(item.good), "bad": int(item.bad), "responses": int(item.responses)}

    # Exports

    def record_export(self, tenant_id: str, *, export_id: str, object_key: str, tickets: int, created_by: str,
                      now: datetime) -> None:
        """Who exported how many tickets when, and where the file went (kept 90 days, then expired by TTL)."""
        created = to_rfc3339(now)
        item = _ExportItem(exports_pk(tenant_id), f"{created}#{export_id}", id=export_id, objectKey=object_key,
                           tickets=tickets, createdBy=created_by, createdAt=created,
                           expiresAt=int((now + EXPORT_RECORD_LIFETIME).timestamp()))
        try:
            item.save(condition=_ExportItem.pk.does_not_exist())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Export already recorded") from exc

    def list_exports(self, tenant_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """Newest first."""
        results = _ExportItem.query(exports_pk(tenant_id), scan_index_forward=False, limit=limit)
        items = [{"id": i.id, "object_key": i.objectKey, "tickets": int(i.tickets), "created_by": i.createdBy,
                  "created_at": i.createdAt} for i in results]
        record_items_read(results.page_iter.total_scanned_count)
        return items

    # SLA check

    def query_due(self, bucket: str, before: str) -> Iterator[DueEntry]:
        """The `ticketsByDue` entries of one hour bucket due strictly before `before` (RFC 3339), in due order."""
        results = _DueItem.by_due.query(bucket, _DueItem.dueSk < before)
        for item in results:
            due_at, tenant_id, ticket_id = parse_due_sort_key(str(item.dueSk))
            yield DueEntry(tenant_id=tenant_id, ticket_id=ticket_id, due_at=due_at)
        record_items_read(results.page_iter.total_scanned_count)

    def record_sla_check(self, finished_at: datetime, duration_seconds: float, recorded: Mapping[str, int]) -> None:
        """One completed run, counted in the platform-wide record /metrics reports (no tenant in it)."""
        item = _SlaCheckItem(PLATFORM_PK, SLA_CHECK_SK)
        try:
            item.update(actions=[
                _SlaCheckItem.runs.add(1),
                _SlaCheckItem.lastRunAt.set(round(finished_at.timestamp(), 3)),
                _SlaCheckItem.lastDurationSeconds.set(round(duration_seconds, 3)),
                _SlaCheckItem.breachesFirstResponse.add(recorded.get("first_response", 0)),
                _SlaCheckItem.breachesResolution.add(recorded.get("resolution", 0)),
            ])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "SLA check record failed") from exc

    def sla_check_stats(self) -> SlaCheckStats | None:
        item = get_item(_SlaCheckItem, PLATFORM_PK, SLA_CHECK_SK, consistent=False)
        if item is None:
            return None
        return SlaCheckStats(
            runs=int(item.runs),
            last_run_at=float(item.lastRunAt),
            last_duration_seconds=float(item.lastDurationSeconds),
            breaches={"first_response": int(item.breachesFirstResponse),
                      "resolution": int(item.breachesResolution)},
        )


def _attachment(item: _AttachmentItem) -> Attachment:
    return Attachment(id=item.id, ticket_id=item.ticketId, filename=item.filename, bytes=int(item.size),
                      mime=item.mime, key=item.objectKey, created_at=item.createdAt, created_by=item.createdBy)


def _csat_token_item(survey: CsatToken) -> _CsatTokenItem:
    return _CsatTokenItem(csat_token_pk(survey.token_hash), CSAT_TOKEN_SK, tenantId=survey.tenant_id,
                          ticketId=survey.ticket_id, requesterId=survey.requester_id, createdAt=survey.created_at,
                          expiresAt=survey.expires_at, score=survey.score, answeredAt=survey.answered_at)


def _csat_token(item: _CsatTokenItem) -> CsatToken:
    return CsatToken(token_hash=item.pk.removeprefix("CSAT#"), tenant_id=item.tenantId, ticket_id=item.ticketId,
                     requester_id=item.requesterId, created_at=item.createdAt, expires_at=int(item.expiresAt),
                     score=item.score if item.score in SCORES else None, answered_at=item.answeredAt)
