"""What the helpdesk domain needs from storage. The DynamoDB implementation is TicketRepository (repository.py);
unit tests use an in-memory one (tests/unit/helpdesk_fakes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from opsdesk.events import DomainEvent
from opsdesk.helpdesk.csat import CsatToken
from opsdesk.helpdesk.records import (
    Comment,
    Requester,
    ResolutionDelta,
    Ticket,
    TicketFilters,
    Totals,
)
from opsdesk.pagination import Page


class HelpdeskStore(Protocol):
    # Requesters

    def create_requester(self, tenant_id: str, requester: Requester) -> None:
        """Store the requester and claim its email in the tenant; Conflict if the email is taken."""
        ...

    def get_requester(self, tenant_id: str, requester_id: str) -> Requester | None: ...

    def update_requester(self, tenant_id: str, before: Requester, after: Requester) -> None:
        """Replace `before` if unchanged meanwhile (version check), moving the email claim if it changed;
        Conflict if the new email is taken or someone else changed the requester."""
        ...

    # Tickets

    def next_ticket_number(self, tenant_id: str) -> int:
        """Atomically take the tenant's next ticket number (1, 2, ...)."""
        ...

    def create_ticket(self, tenant_id: str, ticket: Ticket, events: Sequence[DomainEvent] = ()) -> None:
        """Write the ticket, its search words, the creation counters and `events` (one transaction for all but
        the words, which are written first: a word whose ticket never committed is skipped when read)."""
        ...

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None: ...

    def get_tickets(self, tenant_id: str, ticket_ids: Sequence[str]) -> list[Ticket]:
        """The tickets of the tenant among `ticket_ids`, in that order; unknown ids are left out."""
        ...

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
        """Replace `before` with `after` if nobody changed it meanwhile (else StaleTicket), moving the resolution
        aggregates by `resolution`, storing the resolve's CSAT survey `csat_token` (condition: new) and
        publishing `events`, all in one transaction."""
        ...

    def query_tickets(self, tenant_id: str, filters: TicketFilters, limit: int, cursor: str | None) -> Page[Ticket]:
        """Newest first, by a Query on the most selective filter's index."""
        ...

    def search_tickets(
        self, tenant_id: str, words: Sequence[str], filters: TicketFilters, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        """Newest first: tickets holding every word and matching the filters (word index Query)."""
        ...

    # Comments and watchers

    def add_comment(
        self,
        tenant_id: str,
        comment: Comment,
        before: Ticket | None = None,
        after: Ticket | None = None,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        """Store the comment under its ticket (condition: the ticket exists), with the ticket's change from
        `before` to `after` (version check, StaleTicket) and `events` in the same transaction when given."""
        ...

    def list_comments(
        self, tenant_id: str, ticket_id: str, include_internal: bool, limit: int, cursor: str | None
    ) -> Page[Comment]:
        """Oldest first."""
        ...

    def add_watcher(self, tenant_id: str, ticket_id: str, user_id: str, now: str) -> None: ...

    def remove_watcher(self, tenant_id: str, ticket_id: str, user_id: str) -> None: ...

    def list_watchers(self, tenant_id: str, ticket_id: str) -> list[str]: ...

    # Aggregates

    def totals(self, tenant_id: str) -> Totals: ...

    def created_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        """Tickets created on each day from `first` to `last` (days without tickets may be missing)."""
        ...
