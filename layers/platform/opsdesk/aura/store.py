"""What the aura service and agent need from storage (opsdesk.aura.repository on DynamoDB; an in-memory fake in the
unit tests). A ticket changes in one write: its new state, the audit entries the change appends (hash-chained),
the counters it moves and its live events, conditioned on the version that was read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import field
from datetime import datetime
from typing import Protocol

from opsdesk.aura.records import Actor, AuditEntry, Ticket, TicketEvent, TicketStatus, Usage
from opsdesk.frozen import frozen


@frozen
class TicketChange:
    before: Ticket | None
    """The ticket as read (its version is the write's condition); None for a new ticket."""
    after: Ticket
    audit: tuple[AuditEntry, ...] = ()
    events: tuple[TicketEvent, ...] = ()
    usage: Usage = Usage()
    """Tokens this change spent (the hourly usage and the stats)."""
    turns: int = 0
    tool_calls: Mapping[str, int] = field(default_factory=dict)


@frozen
class TicketFilter:
    statuses: tuple[TicketStatus, ...] = ()
    priorities: tuple[str, ...] = ()


@frozen
class AuditFilter:
    ticket_id: str | None = None
    types: tuple[str, ...] = ()
    actor: Actor | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuraStore(Protocol):
    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None: ...

    def save(self, change: TicketChange) -> None:
        """Conflict (opsdesk.errors) when the ticket moved since `before` was read, or exists when it is new."""
        ...

    def list_tickets(self, tenant_id: str, where: TicketFilter, offset: int, limit: int) -> list[Ticket]:
        """Newest first; one Query per status/priority value asked for, each of at most offset + limit items. The
        tickets as lists show them: without the agent's checkpoint (`progress` empty; get_ticket has it)."""
        ...

    def count_tickets(self, tenant_id: str, where: TicketFilter) -> int:
        """From the counters, never by reading tickets."""
        ...

    def ticket_audit(self, tenant_id: str, ticket_id: str, types: Sequence[str], offset: int,
                     limit: int) -> list[AuditEntry]:
        """Oldest first (the ticket's history in order)."""
        ...

    def audit(self, tenant_id: str, where: AuditFilter, offset: int, limit: int) -> list[AuditEntry]:
        """Newest first."""
        ...

    def count_audit(self, tenant_id: str, where: AuditFilter) -> int: ...

    def chain(self, tenant_id: str, ticket_id: str, up_to: int | None = None) -> Iterator[AuditEntry]:
        """The ticket's entries in sequence order, as stored, up to sequence `up_to` (every entry when None): the
        verify route recomputes the chain up to the head it read, so an entry appended since is not read."""
        ...

    def counters(self, tenant_id: str) -> dict[str, int]: ...

    def tokens_since(self, tenant_id: str, since: datetime) -> int:
        """Tokens spent from the hour of `since` on (hourly totals: at most 24 x days items read)."""
        ...

    def ready(self) -> None:
        """Raises when the table cannot be read."""
        ...
