"""An in-memory AuraStore (opsdesk.aura.store) for the unit tests: the same conditions as the DynamoDB repository
(version-conditioned ticket writes, audit sequences that cannot fork) and the same counter arithmetic
(opsdesk.aura.counters), and a kick queue that records what it was asked."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from opsdesk.aura.counters import audit_total, change_deltas, ticket_total
from opsdesk.aura.records import AuditEntry, Ticket
from opsdesk.aura.store import AuditFilter, TicketChange, TicketFilter
from opsdesk.aura.streams import domain_events
from opsdesk.errors import Conflict
from opsdesk.events import DomainEvent


class FakeAuraStore:
    def __init__(self) -> None:
        self.tickets: dict[tuple[str, str], Ticket] = {}
        self.entries: dict[tuple[str, str], list[AuditEntry]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.hours: dict[str, Counter[str]] = {}
        self.events: list[DomainEvent] = []
        self.saves = 0
        self._lock = threading.Lock()

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        return self.tickets.get((tenant_id, ticket_id))

    def save(self, change: TicketChange) -> None:
        after = change.after
        key = (after.tenant_id, after.id)
        with self._lock:
            current = self.tickets.get(key)
            if change.before is None and current is not None:
                raise Conflict("exists")
            if change.before is not None and (current is None or current.version != change.before.version):
                raise Conflict("moved")
            chain = self.entries.setdefault(key, [])
            if change.audit and change.audit[0].sequence != len(chain) + 1:
                raise Conflict("audit sequence taken")
            self.tickets[key] = after
            chain.extend(change.audit)
            self.counts.setdefault(after.tenant_id, Counter()).update(change_deltas(change))
            hour = after.updated_at.strftime("%Y-%m-%dT%H")
            self.hours.setdefault(after.tenant_id, Counter())[hour] += change.usage.total_tokens
            self.events.extend(domain_events(change.events))
            self.saves += 1

    def list_tickets(self, tenant_id: str, where: TicketFilter, offset: int, limit: int) -> list[Ticket]:
        found = [t for (tenant, _), t in self.tickets.items() if tenant == tenant_id
                 and (not where.statuses or t.status in where.statuses)
                 and (not where.priorities or t.priority in where.priorities)]
        found.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return found[offset:offset + limit]

    def count_tickets(self, tenant_id: str, where: TicketFilter) -> int:
        return ticket_total(self.counters(tenant_id), tuple(s.value for s in where.statuses), where.priorities)

    def ticket_audit(self, tenant_id: str, ticket_id: str, types: Sequence[str], offset: int,
                     limit: int) -> list[AuditEntry]:
        entries = [e for e in self.entries.get((tenant_id, ticket_id), []) if not types or e.type in types]
        return entries[offset:offset + limit]

    def audit(self, tenant_id: str, where: AuditFilter, offset: int, limit: int) -> list[AuditEntry]:
        found = [e for e in self._all(tenant_id) if _matches(e, where)]
        found.sort(key=lambda e: (e.timestamp, e.ticket_id, e.sequence), reverse=True)
        return found[offset:offset + limit]

    def count_audit(self, tenant_id: str, where: AuditFilter) -> int:
        if where.since is None and where.until is None and where.ticket_id is None:
            return audit_total(self.counters(tenant_id), where.types, where.actor)
        return sum(1 for e in self._all(tenant_id) if _matches(e, where))

    def chain(self, tenant_id: str, ticket_id: str, up_to: int | None = None) -> Iterator[AuditEntry]:
        yield from [e for e in self.entries.get((tenant_id, ticket_id), []) if up_to is None or e.sequence <= up_to]

    def counters(self, tenant_id: str) -> dict[str, int]:
        return dict(self.counts.get(tenant_id, Counter()))

    def tokens_since(self, tenant_id: str, since: datetime) -> int:
        first = since.strftime("%Y-%m-%dT%H")
        return sum(v for hour, v in self.hours.get(tenant_id, Counter()).items() if hour >= first)

    def ready(self) -> None:
        return None

    def _all(self, tenant_id: str) -> list[AuditEntry]:
        return [e for (tenant, _), entries in self.entries.items() if tenant == tenant_id for e in entries]


def _matches(entry: AuditEntry, where: AuditFilter) -> bool:
    return ((where.ticket_id is None or entry.ticket_id == where.ticket_id)
            and (not where.types or entry.type in where.types)
            and (where.actor is None or entry.actor == where.actor)
            and (where.since is None or entry.timestamp > where.since)
            and (where.until is None or entry.timestamp < where.until))


@dataclass
class RecordedKicks:
    kicks: list[tuple[str, str, str, int]] = field(default_factory=list)

    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        self.kicks.append((tenant_id, ticket_id, run_id, delay_seconds))

    def take(self) -> list[tuple[str, str, str, int]]:
        taken, self.kicks = self.kicks, []
        return taken
