"""How a ticket change is written down: the audit entries it appends (chained by opsdesk.aura.chain) and the live
events it publishes, collected while the change is decided and saved with it as one TicketChange."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from opsdesk.aura import chain
from opsdesk.aura.records import Actor, AuditEntry, Ticket, TicketEvent, TicketStatus, Usage
from opsdesk.aura.store import TicketChange


@dataclass
class Journal:
    before: Ticket | None
    now: datetime
    new_id: Callable[[], str]
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    usage: Usage = Usage()
    turns: int = 0
    tool_calls: Counter[str] = field(default_factory=Counter)

    def record(self, ticket: Ticket, entry_type: str, actor: Actor, action: str, *, reasoning: str | None = None,
               tool_call: Mapping[str, Any] | None = None, usage: Usage | None = None,
               details: Mapping[str, Any] | None = None) -> None:
        """An audit entry (numbered and chained when the change is built)."""
        self.audit.append(AuditEntry(
            id=self.new_id(), ticket_id=ticket.id, tenant_id=ticket.tenant_id, sequence=0, timestamp=self.now,
            type=entry_type, actor=actor, action=action, reasoning=reasoning, tool_call=tool_call, usage=usage,
            details=dict(details or {})))

    def emit(self, event_type: str, payload: Mapping[str, Any]) -> None:
        """A live event (its status and priority are the ticket's once the change is built)."""
        self.events.append((event_type, dict(payload)))

    def moved(self, ticket: Ticket, target: TicketStatus, actor: Actor, reason: str | None = None, *,
              usage: Usage | None = None) -> Ticket:
        """`ticket` in `target`, with the status_changed entry and event (nothing when it is there already).
        `usage`: the tokens of the turn that decided the move, when no other entry of the turn carries them (a
        move to the status the ticket is in already writes nothing: the caller's turn must carry them itself)."""
        if ticket.status is target:
            return ticket
        details = {"from": ticket.status.value, "to": target.value, **({"reason": reason} if reason else {})}
        self.record(ticket, "status_changed", actor, f"{ticket.status.value} -> {target.value}", reasoning=reason,
                    usage=usage, details=details)
        self.emit("status_changed", {"from": ticket.status.value, "to": target.value})
        return replace(ticket, status=target, updated_at=self.now)

    def spend(self, usage: Usage) -> None:
        self.usage = self.usage + usage

    def build(self, after: Ticket) -> TicketChange:
        """The change: the ticket with its chain head moved, the version moved, the chained entries, the events."""
        version = (self.before.version + 1) if self.before is not None else after.version
        chained, entries = chain.append(after, self.audit)
        chained = replace(chained, version=version)
        events = tuple(TicketEvent(kind, chained.id, self.now, payload, chained.status, chained.priority)
                       for kind, payload in self.events)
        return TicketChange(self.before, chained, entries, events, self.usage, self.turns, dict(self.tool_calls))
