"""Helpdesk tickets at scale: a bulk-loaded tenant, and the DynamoDB items one request reads (lists, search,
metrics). Every list is a Query and every metric an aggregate, so the count follows the page, not the table."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdesk.dynamo import metered_reads
from scripts.benchlib.api import Caller

BASE = "/helpdesk"
STATUSES = ("open", "pending", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TEAMS = ("network", "desktop", "apps", "identity", "data")
REQUESTS = (
    ("first page (50)", "/tickets"),
    ("status=resolved", "/tickets?status=resolved"),
    ("priority=high", "/tickets?priority=high"),
    ("team=apps", "/tickets?team=apps"),
    ("assignee=me", "/tickets?assignee=me"),
    ("search=vpn", "/tickets?search=vpn"),
    ("search=remote access (two words)", "/tickets?search=remote+access"),
    ("/metrics/sla", "/metrics/sla"),
    ("/metrics/resolution", "/metrics/resolution"),
    ("/metrics/tickets (30 days)", "/metrics/tickets"),
)


@dataclass
class LoadedTickets:
    tenant_id: str
    agent_id: str
    size: int
    load_seconds: float


def load_tickets(size: int, label: str = "reads") -> LoadedTickets:
    """A fresh tenant holding `size` tickets over the last 60 days (batch writes, aggregates added once)."""
    from opsdesk.clock import to_rfc3339
    from opsdesk.helpdesk.records import Ticket, TicketSource, TicketStatus
    from opsdesk.helpdesk.repository import TicketRepository
    from opsdesk.helpdesk.service import ticket_words

    started = time.perf_counter()
    repository = TicketRepository()
    tenant_id, agent_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"helpdesk-{label}-{size}-{time.time()}")), "bench-agent"
    numbers = repository.reserve_ticket_numbers(tenant_id, size)
    end = datetime.now(UTC)
    tickets = []
    for offset, number in enumerate(numbers):
        created = to_rfc3339(end - timedelta(days=60) * offset / size)
        title, description = f"VPN issue {number}", "Remote access through the vpn fails"
        tickets.append(Ticket(
            id=str(uuid.uuid4()), number=number, title=title, description=description,
            requester_id=str(uuid.uuid4()), priority=PRIORITIES[offset % 4], status=TicketStatus(STATUSES[offset % 4]),
            source=TicketSource.API, created_at=created, updated_at=created, created_by=agent_id,
            team_id=TEAMS[offset % 5], assignee_id=agent_id if offset % 3 == 0 else None,
            words=ticket_words(number, title, description),
        ))
    repository.import_tickets(tenant_id, tickets)
    return LoadedTickets(tenant_id, agent_id, size, time.perf_counter() - started)


def measure(callers: dict[str, Caller]) -> dict[str, int]:
    """`callers`: the tickets function's and the reports (metrics) function's, by first path segment."""
    found = {}
    for name, path in REQUESTS:
        caller = callers[path.strip("/").split("/")[0].split("?")[0]]
        with metered_reads() as meter:
            caller.expect(200, "GET", BASE + path)
        found[name] = meter.items
    return found


def as_rows(measured: list[dict[str, int]]) -> list[list[Any]]:
    return [[name, *(m[name] for m in measured), f"{measured[-1][name] / max(measured[0][name], 1):.2f}x"]
            for name, _ in REQUESTS]
