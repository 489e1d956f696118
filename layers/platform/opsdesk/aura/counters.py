"""The aggregates a ticket change moves (plain arithmetic, shared by the repository and the unit tests' fake): the
tenant's ticket totals by status, priority and both, turns, tool calls, tokens and cost, and audit totals by type,
actor and both. `GET /tickets` and `GET /audit` take their `total` from them, `GET /stats` everything."""

from __future__ import annotations

from collections import Counter

from opsdesk.aura.records import ACTORS, PRIORITIES, AuditEntry, AuditType, Ticket, TicketStatus
from opsdesk.aura.store import TicketChange
from opsdesk.aura.tools import TOOLS

COST_SCALE = 1_000_000
"""Cost is counted in millionths of a dollar (integers add up exactly)."""


def counter_names() -> tuple[str, ...]:
    statuses = [s.value for s in TicketStatus]
    types = [t.value for t in AuditType]
    return (
        "tickets", "turns", "tool_calls", "prompt_tokens", "completion_tokens", "cost_micros", "audit",
        *(f"status_{s}" for s in statuses), *(f"priority_{p}" for p in PRIORITIES),
        *(f"sp_{s}_{p}" for s in statuses for p in PRIORITIES),
        *(f"tool_{name}" for name in TOOLS),
        *(f"type_{t}" for t in types), *(f"actor_{a}" for a in ACTORS),
        *(f"ta_{t}_{a}" for t in types for a in ACTORS),
    )


def _ticket_keys(ticket: Ticket) -> list[str]:
    status = ticket.status.value
    return ["tickets", f"status_{status}", f"priority_{ticket.priority}", f"sp_{status}_{ticket.priority}"]


def ticket_deltas(before: Ticket | None, after: Ticket) -> Counter[str]:
    deltas: Counter[str] = Counter()
    if before is not None:
        deltas.subtract(_ticket_keys(before))
    deltas.update(_ticket_keys(after))
    return deltas


def audit_keys(entry: AuditEntry) -> list[str]:
    return ["audit", f"type_{entry.type}", f"actor_{entry.actor}", f"ta_{entry.type}_{entry.actor}"]


def ticket_audit_keys(entry: AuditEntry) -> list[str]:
    """The per-ticket audit counts the ticket keeps (`Ticket.audit_counts`)."""
    return [f"type:{entry.type}", f"actor:{entry.actor}", f"ta:{entry.type}:{entry.actor}"]


def change_deltas(change: TicketChange) -> dict[str, int]:
    deltas = ticket_deltas(change.before, change.after)
    for entry in change.audit:
        deltas.update(audit_keys(entry))
    usage = change.usage
    deltas.update({"turns": change.turns, "prompt_tokens": usage.prompt_tokens,
                   "completion_tokens": usage.completion_tokens,
                   "cost_micros": round(usage.estimated_cost * COST_SCALE),
                   "tool_calls": sum(change.tool_calls.values())})
    deltas.update({f"tool_{name}": count for name, count in change.tool_calls.items() if name in TOOLS})
    return {name: value for name, value in deltas.items() if value}


def ticket_total(counters: dict[str, int], statuses: tuple[str, ...], priorities: tuple[str, ...]) -> int:
    if statuses and priorities:
        return sum(counters.get(f"sp_{s}_{p}", 0) for s in statuses for p in priorities)
    if statuses:
        return sum(counters.get(f"status_{s}", 0) for s in statuses)
    if priorities:
        return sum(counters.get(f"priority_{p}", 0) for p in priorities)
    return counters.get("tickets", 0)


def audit_total(counts: dict[str, int], types: tuple[str, ...], actor: str | None, *, separator: str = "_",
                everything: str = "audit") -> int:
    """Entries of any of `types` by `actor` from counts named `type_<t>`, `actor_<a>`, `ta_<t>_<a>` (tenant) or
    `type:<t>`... (a ticket's, separator `:`)."""
    s = separator
    if types and actor:
        return sum(counts.get(f"ta{s}{t}{s}{actor}", 0) for t in types)
    if types:
        return sum(counts.get(f"type{s}{t}", 0) for t in types)
    if actor:
        return counts.get(f"actor{s}{actor}", 0)
    return counts.get(everything, 0)
