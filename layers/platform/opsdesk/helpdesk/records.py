"""The helpdesk's domain records: plain data, independent of storage and of the wire format."""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum
from typing import Any

from opsdesk.errors import Conflict
from opsdesk.frozen import frozen


class TicketStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    """Waiting on the requester or a third party; the SLA clocks keep running (calendar time)."""
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketSource(StrEnum):
    API = "api"
    WEB = "web"
    EMAIL = "email"


AGENT_GROUPS = frozenset({"agent", "admin"})
"""Who has the document's "agent role": agents, and administrators (who can do everything an agent can)."""
ADMIN_GROUP = "admin"


@frozen
class Requester:
    id: str
    email: str
    """As given; uniqueness is by its lower-case form, per tenant."""
    display_name: str
    created_at: str
    updated_at: str
    version: int = 1

    @property
    def email_key(self) -> str:
        return self.email.lower()


@frozen
class Ticket:
    id: str
    number: int
    title: str
    description: str
    requester_id: str
    priority: str
    status: TicketStatus
    source: TicketSource
    created_at: str
    updated_at: str
    created_by: str
    custom_json: dict[str, Any] = field(default_factory=dict)
    assignee_id: str | None = None
    team_id: str | None = None
    urgency: int | None = None
    category: str | None = None
    subcategory: str | None = None
    scheduled_at: str | None = None
    due_at: str | None = None
    """The agent's own due date (PATCH due_at), not the SLA's due times (those are in `sla`)."""
    first_response_at: str | None = None
    """The first public comment by an agent: stops the first-response SLA clock."""
    resolved_at: str | None = None
    """Set when the ticket is resolved, cleared when it is reopened: stops the resolution SLA clock."""
    first_response_breached_at: str | None = None
    resolution_breached_at: str | None = None
    """When the scheduled SLA check recorded a breach (and published it)."""
    resolution_sla_met: bool | None = None
    """Whether both SLA targets were met when the ticket was resolved (counted in /metrics/sla), None while it
    is not resolved."""
    sla_due_at: str | None = None
    """The earliest due time of an SLA clock still running and not yet recorded as breached: the ticket's place in
    the `ticketsByDue` index (None takes it out)."""
    sla_due_bucket: str | None = None
    """Its `ticketsByDue` partition: the hour of `sla_due_at`, or of the write when that is already past."""
    words: frozenset[str] = frozenset()
    """The search words of its number, title and description (opsdesk.helpdesk.workflow.search_words)."""
    version: int = 1

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


@frozen
class Comment:
    id: str
    ticket_id: str
    author_id: str
    body_md: str
    is_internal: bool
    created_at: str


@frozen
class TicketFilters:
    status: TicketStatus | None = None
    priority: str | None = None
    team_id: str | None = None
    """A team id, or NO_TEAM for tickets without one."""
    assignee_id: str | None = None
    """A user id, or UNASSIGNED for tickets nobody holds."""

    def matches(self, ticket: Ticket) -> bool:
        return (
            (self.status is None or ticket.status is self.status)
            and (self.priority is None or ticket.priority == self.priority)
            and (self.team_id is None or (ticket.team_id or NO_TEAM) == self.team_id)
            and (self.assignee_id is None or (ticket.assignee_id or UNASSIGNED) == self.assignee_id)
        )


NO_TEAM = "none"
UNASSIGNED = "none"
"""`team=none` / `assignee=none` list the tickets without a team / assignee (so neither can be an id)."""


@frozen
class ResolutionDelta:
    """How one change moves the resolution aggregates (/metrics/sla, /metrics/resolution)."""

    resolved: int = 0
    met: int = 0
    resolution_ms: int = 0

    @property
    def empty(self) -> bool:
        return self.resolved == 0 and self.met == 0 and self.resolution_ms == 0


@frozen
class Totals:
    """The tenant's all-time aggregates."""

    created: int = 0
    resolved: int = 0
    met: int = 0
    resolution_ms: int = 0


class StaleTicket(Conflict):
    """Someone changed the ticket between our read and our write (version check): read it again and reapply."""

    default_message = "The ticket was changed by someone else; retry"
