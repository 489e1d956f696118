"""An in-memory HelpdeskStore: the contract the helpdesk service relies on (tenant isolation, unique emails per
tenant, an atomic ticket sequence, version checks that raise StaleTicket, resolution aggregates moved with the
change, new items that must not exist, newest-first lists) over plain dicts. It filters in memory; the DynamoDB
repository serves the same lists with Queries."""

from __future__ import annotations

import base64
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from opsdesk.auth import Principal
from opsdesk.clock import parse_rfc3339
from opsdesk.errors import Conflict, ValidationFailed
from opsdesk.events import DomainEvent
from opsdesk.helpdesk.csat import CsatToken
from opsdesk.helpdesk.records import (
    Comment,
    Requester,
    ResolutionDelta,
    StaleTicket,
    Ticket,
    TicketFilters,
    Totals,
)
from opsdesk.helpdesk.requests import CreateCommentRequest
from opsdesk.pagination import Page


class InMemoryHelpdeskStore:
    def __init__(self) -> None:
        self.requesters: dict[str, dict[str, Requester]] = defaultdict(dict)
        self.emails: dict[str, dict[str, str]] = defaultdict(dict)
        self.tickets: dict[str, dict[str, Ticket]] = defaultdict(dict)
        self.comments: dict[str, dict[str, list[Comment]]] = defaultdict(lambda: defaultdict(list))
        self.watchers: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        self.sequence: dict[str, int] = defaultdict(int)
        self.totals_by_tenant: dict[str, Totals] = defaultdict(Totals)
        self.created_days: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        self.surveys: dict[str, CsatToken] = {}
        """CSAT surveys stored by resolves, by token hash."""
        """Items put by updates (CSAT tokens), by pk."""
        self.published: list[tuple[str, DomainEvent]] = []
        self.before_write: Callable[[], None] | None = None
        """Runs just before an update checks its version: lets a test slip in a concurrent change."""
        self._lock = threading.RLock()

    # Requesters

    def create_requester(self, tenant_id: str, requester: Requester) -> None:
        with self._lock:
            if requester.email_key in self.emails[tenant_id]:
                raise ValidationFailed.on_field("email", "A requester with this email already exists")
            self.emails[tenant_id][requester.email_key] = requester.id
            self.requesters[tenant_id][requester.id] = requester

    def get_requester(self, tenant_id: str, requester_id: str) -> Requester | None:
        return self.requesters[tenant_id].get(requester_id)

    def update_requester(self, tenant_id: str, before: Requester, after: Requester) -> None:
        with self._lock:
            if self.requesters[tenant_id].get(before.id) != before:
                raise Conflict("The requester was changed by someone else")
            owner = self.emails[tenant_id].get(after.email_key)
            if owner is not None and owner != after.id:
                raise ValidationFailed.on_field("email", "A requester with this email already exists")
            self.emails[tenant_id].pop(before.email_key, None)
            self.emails[tenant_id][after.email_key] = after.id
            self.requesters[tenant_id][after.id] = after

    # Tickets

    def next_ticket_number(self, tenant_id: str) -> int:
        with self._lock:
            self.sequence[tenant_id] += 1
            return self.sequence[tenant_id]

    def create_ticket(self, tenant_id: str, ticket: Ticket, events: Sequence[DomainEvent] = ()) -> None:
        with self._lock:
            self.tickets[tenant_id][ticket.id] = ticket
            totals = self.totals_by_tenant[tenant_id]
            self.totals_by_tenant[tenant_id] = Totals(totals.created + 1, totals.resolved, totals.met,
                                                      totals.resolution_ms)
            self.created_days[tenant_id][parse_rfc3339(ticket.created_at).date()] += 1
            self.published.extend((tenant_id, event) for event in events)

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        return self.tickets[tenant_id].get(ticket_id)

    def get_tickets(self, tenant_id: str, ticket_ids: Sequence[str]) -> list[Ticket]:
        return [self.tickets[tenant_id][i] for i in ticket_ids if i in self.tickets[tenant_id]]

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
        if self.before_write is not None:
            hook, self.before_write = self.before_write, None
            hook()
        with self._lock:
            self._check_version(tenant_id, before)
            if csat_token is not None and csat_token.token_hash in self.surveys:
                raise Conflict("Item exists")
            self.tickets[tenant_id][after.id] = after
            if resolution is not None:
                totals = self.totals_by_tenant[tenant_id]
                self.totals_by_tenant[tenant_id] = Totals(
                    totals.created, totals.resolved + resolution.resolved, totals.met + resolution.met,
                    totals.resolution_ms + resolution.resolution_ms,
                )
            if csat_token is not None:
                self.surveys[csat_token.token_hash] = csat_token
            self.published.extend((tenant_id, event) for event in events)

    def _check_version(self, tenant_id: str, before: Ticket) -> None:
        stored = self.tickets[tenant_id].get(before.id)
        if stored is None or stored.version != before.version:
            raise StaleTicket()

    def query_tickets(self, tenant_id: str, filters: TicketFilters, limit: int, cursor: str | None) -> Page[Ticket]:
        matching = [t for t in self._newest_first(tenant_id) if filters.matches(t)]
        return _page(matching, limit, cursor, key=lambda t: t.id)

    def search_tickets(
        self, tenant_id: str, words: Sequence[str], filters: TicketFilters, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        matching = [t for t in self._newest_first(tenant_id) if set(words) <= t.words and filters.matches(t)]
        return _page(matching, limit, cursor, key=lambda t: t.id)

    def _newest_first(self, tenant_id: str) -> list[Ticket]:
        return sorted(self.tickets[tenant_id].values(), key=lambda t: (t.created_at, t.id), reverse=True)

    # Comments and watchers

    def add_comment(
        self,
        tenant_id: str,
        comment: Comment,
        before: Ticket | None = None,
        after: Ticket | None = None,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        if before is not None and self.before_write is not None:
            hook, self.before_write = self.before_write, None
            hook()
        with self._lock:
            if before is not None and after is not None:
                self._check_version(tenant_id, before)
                self.tickets[tenant_id][after.id] = after
            self.comments[tenant_id][comment.ticket_id].append(comment)
            self.published.extend((tenant_id, event) for event in events)

    def list_comments(
        self, tenant_id: str, ticket_id: str, include_internal: bool, limit: int, cursor: str | None
    ) -> Page[Comment]:
        visible = [c for c in self.comments[tenant_id][ticket_id] if include_internal or not c.is_internal]
        return _page(sorted(visible, key=lambda c: c.created_at), limit, cursor, key=lambda c: c.id)

    def add_watcher(self, tenant_id: str, ticket_id: str, user_id: str, now: str) -> None:
        self.watchers[tenant_id][ticket_id].setdefault(user_id, now)

    def remove_watcher(self, tenant_id: str, ticket_id: str, user_id: str) -> None:
        self.watchers[tenant_id][ticket_id].pop(user_id, None)

    def list_watchers(self, tenant_id: str, ticket_id: str) -> list[str]:
        return sorted(self.watchers[tenant_id][ticket_id])

    # Aggregates

    def totals(self, tenant_id: str) -> Totals:
        return self.totals_by_tenant[tenant_id]

    def created_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        return {day: n for day, n in self.created_days[tenant_id].items() if first <= day <= last}

    def events_of(self, tenant_id: str) -> list[DomainEvent]:
        return [event for tenant, event in self.published if tenant == tenant_id]


def _page(items: list[Any], limit: int, cursor: str | None, key: Callable[[Any], str]) -> Page[Any]:
    start = 0
    if cursor:
        try:
            last = base64.urlsafe_b64decode(cursor.encode()).decode()
            start = next(i for i, item in enumerate(items) if key(item) == last) + 1
        except (ValueError, StopIteration) as exc:
            raise ValidationFailed.on_field("cursor", "Not a cursor of this list") from exc
    chunk = items[start:start + limit]
    more = start + limit < len(items)
    return Page(chunk, base64.urlsafe_b64encode(key(chunk[-1]).encode()).decode() if more and chunk else None)


class TenantUsersByHand:
    """A user directory (opsdesk.directory.TenantUsers) whose members a test adds; it counts its lookups."""

    def __init__(self) -> None:
        self.members: set[tuple[str, str]] = set()
        self.lookups = 0

    def add(self, tenant_id: str, user_id: str) -> str:
        self.members.add((tenant_id, user_id))
        return user_id

    def is_member(self, tenant_id: str, user_id: str) -> bool:
        self.lookups += 1
        return (tenant_id, user_id) in self.members


def comment_by(author: Principal | str, body: str, *, internal: bool = False) -> CreateCommentRequest:
    """A comment body with every field the document names: the author is a caller (their id) or an id."""
    return CreateCommentRequest(body_md=body, is_internal=internal,
                                author_id=author if isinstance(author, str) else author.user_id)
