"""The aura module in `make bench` (section 10): items read per list and audit page at two tenant sizes (the page,
not the tickets), and the agent's turns with its real tools on moto (offline planner, the DynamoDB checkpoint,
dulwich on a bare repository, the local Argo CD): wall time per turn, turns and DynamoDB writes per ticket, from
`run` to `resolved`."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsdesk.dynamo import metered_reads

TICKET = ("Deploy a Redis cluster", "Deploy a 3-node Redis cluster (redis:7.2) in the cache namespace.")
LIST_REQUESTS = ("tickets, first page (50)", "tickets, priority=high,critical&limit=10",
                 "tickets, status=draft&limit=10", "audit, type=ticket_created&limit=20")


@dataclass
class TimedKicks:
    """Runs kicks inline, timing each agent invocation (waits between health checks are not counted)."""

    pending: list[tuple[str, str, str, int]] = field(default_factory=list)
    invocations: list[tuple[float, int]] = field(default_factory=list)
    """(seconds, turns) of each agent.work call."""

    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        self.pending.append((tenant_id, ticket_id, run_id, delay_seconds))

    def drain(self, agent: Any) -> None:
        while self.pending:
            tenant_id, ticket_id, run_id, delay = self.pending.pop(0)
            time.sleep(min(delay, 1))
            started = time.perf_counter()
            turns = agent.work(tenant_id, ticket_id, run_id)
            self.invocations.append((time.perf_counter() - started, turns))


def measure_lists(sizes: tuple[int, ...]) -> dict[int, list[int]]:
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.aura.requests import CreateTicketRequest
    from opsdesk.aura.service import AuraService
    from opsdesk.auth import Principal
    from opsdesk.eventlog import EventLog

    service = AuraService(AuraRepository(EventLog()), TimedKicks())
    reads: dict[int, list[int]] = {}
    for size in sizes:
        principal = Principal("bench", str(uuid.uuid4()), "bench", frozenset())
        for n in range(size):
            service.create_ticket(principal, CreateTicketRequest.model_validate(
                {"title": f"T{n}", "description": "d", "priority": ("low", "medium", "high", "critical")[n % 4]}))
        reads[size] = _list_reads(service, principal)
    return reads


def _list_reads(service: Any, principal: Any) -> list[int]:
    from opsdesk.aura.records import TicketStatus
    from opsdesk.aura.store import AuditFilter, TicketFilter
    from opsdesk.pagination import OffsetRequest

    counts = []
    for call in (
        lambda: service.list_tickets(principal, TicketFilter(), OffsetRequest(0, 50)),
        lambda: service.list_tickets(principal, TicketFilter(priorities=("high", "critical")), OffsetRequest(0, 10)),
        lambda: service.list_tickets(principal, TicketFilter(statuses=(TicketStatus.DRAFT,)), OffsetRequest(0, 10)),
        lambda: service.audit(principal, AuditFilter(types=("ticket_created",)), OffsetRequest(0, 20)),
    ):
        with metered_reads() as meter:
            call()
        counts.append(meter.items)
    return counts


def measure_turns(tickets: int) -> dict[str, Any]:
    from opsdesk.aura.records import TicketStatus
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.aura.requests import ApprovePlanRequest, CreateTicketRequest
    from opsdesk.aura.runtime import agent_runtime
    from opsdesk.aura.service import AuraService
    from opsdesk.auth import Principal
    from opsdesk.eventlog import EventLog
    from opsdesk.settings import AuraAgentSettings
    from scripts.local.gitops import init_repository

    folder = Path(tempfile.mkdtemp(prefix="aura-bench-"))
    init_repository(folder / "gitops.git")
    settings = AuraAgentSettings.from_environment({
        **os.environ,
        "AURA_GIT_REMOTE_URL": str(folder / "gitops.git"), "AURA_GITOPS": "local",
        "AURA_GITOPS_STATE_DIR": str(folder / "cluster"), "AURA_WORKSPACE_DIR": str(folder / "mirror"),
        "AURA_OBSERVE_DELAYS": "1"})
    kicks = TimedKicks()
    store = AuraRepository(EventLog(), settings)
    service, agent = AuraService(store, kicks), agent_runtime(settings, kicks=kicks, store=store)
    principal = Principal("bench", str(uuid.uuid4()), "bench", frozenset())
    outcomes, turns = [], []
    for _ in range(tickets):
        ticket = service.create_ticket(principal, CreateTicketRequest(title=TICKET[0], description=TICKET[1]))
        service.run(principal, ticket.id)
        kicks.drain(agent)
        service.approve_plan(principal, ticket.id, ApprovePlanRequest())
        kicks.drain(agent)
        done = service.get_ticket(principal, ticket.id)
        outcomes.append(done.status is TicketStatus.RESOLVED)
        turns.append(done.current_turn)
    per_turn = [seconds / count * 1000 for seconds, count in kicks.invocations if count]
    return {"tickets": tickets, "resolved": sum(outcomes), "turns_per_ticket": statistics.mean(turns),
            "turn_ms_median": statistics.median(per_turn),
            "turn_ms_p95": sorted(per_turn)[int(0.95 * (len(per_turn) - 1))], "invocations": len(kicks.invocations)}
