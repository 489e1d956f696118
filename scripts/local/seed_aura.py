"""Demo data of the aura module (`make dev`): tickets of Acme Cloud in several states, driven there by the real agent
(the offline planner, the git tools on the local GitOps repository, the simulated Argo CD) through the same service
the functions use: one resolved end to end, one waiting for its plan's approval, one for an answer, one for an
action's approval, one draft to hand the agent yourself; and a Globex draft."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from opsdesk.aura.agent import Agent
from opsdesk.aura.records import TicketStatus
from opsdesk.aura.repository import AuraRepository
from opsdesk.aura.requests import AnswerRequest, ApprovalRequest, ApprovePlanRequest, CreateTicketRequest
from opsdesk.aura.runtime import agent_runtime
from opsdesk.aura.service import AuraService
from opsdesk.aura.wiring import features
from opsdesk.auth import Principal
from opsdesk.eventlog import EventLog
from opsdesk.settings import AuraAgentSettings, load_settings
from scripts.local.seed import DEMO_TENANT, OTHER_TENANT

S = TicketStatus
ALICE = Principal("seed-alice", DEMO_TENANT, "alice@acme.test", frozenset({"admin"}), email="alice@acme.test")
CAROL = Principal("seed-carol", OTHER_TENANT, "carol@globex.test", frozenset(), email="carol@globex.test")


@dataclass
class InlineKicks:
    """Runs the agent at once instead of queueing (seeding happens before the queue's poller starts)."""

    pending: list[tuple[str, str, str, int]] = field(default_factory=list)

    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        self.pending.append((tenant_id, ticket_id, run_id, delay_seconds))

    def drain(self, agent: Agent) -> None:
        for _ in range(200):
            if not self.pending:
                return
            tenant_id, ticket_id, run_id, delay = self.pending.pop(0)
            time.sleep(min(delay, 1))  # a simulated rollout takes a second or two
            agent.work(tenant_id, ticket_id, run_id)


def seed_aura() -> None:
    settings = load_settings(AuraAgentSettings)
    kicks = InlineKicks()
    store = AuraRepository(EventLog(), settings)
    service = AuraService(store, kicks, features=features(settings))
    agent = agent_runtime(settings, kicks=kicks, store=store)

    def create(principal: Principal, title: str, description: str, priority: str = "medium") -> str:
        request = CreateTicketRequest.model_validate({"title": title, "description": description,
                                                      "priority": priority})
        return service.create_ticket(principal, request).id

    def until(ticket_id: str, wanted: set[S]) -> S:
        """People's side of the agent, until the ticket reaches one of `wanted` (or ends)."""
        for _ in range(40):
            kicks.drain(agent)
            ticket = service.get_ticket(ALICE, ticket_id)
            if ticket.status in wanted or ticket.status in (S.RESOLVED, S.FAILED, S.CANCELLED):
                return ticket.status
            if ticket.status is S.PENDING_PLAN_APPROVAL:
                service.approve_plan(ALICE, ticket_id, ApprovePlanRequest(approved_by="alice@acme.test"))
            elif ticket.status is S.PENDING_INPUT and ticket.pending_question is not None:
                service.answer(ALICE, ticket_id, AnswerRequest(answer=_answer(ticket.pending_question.key)))
            elif ticket.status is S.PENDING_APPROVAL:
                service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True))
        return service.get_ticket(ALICE, ticket_id).status

    resolved = create(ALICE, "Deploy a Redis cluster", "Deploy a 3-node Redis cluster (redis:7.2) in the cache "
                      "namespace for the checkout service.", "high")
    service.run(ALICE, resolved)
    until(resolved, set())
    waiting_plan = create(ALICE, "Scale the api deployment", "Scale the api deployment in the platform namespace "
                          "to 4 replicas before the sale.")
    service.run(ALICE, waiting_plan)
    until(waiting_plan, {S.PENDING_PLAN_APPROVAL})
    question = create(ALICE, "Deploy memcached", "We need memcached for the session store.")
    service.run(ALICE, question)
    until(question, {S.PENDING_INPUT})
    destructive = create(ALICE, "Retire the platform namespace",
                         "The platform namespace is no longer used; delete it.", "low")
    service.run(ALICE, destructive)
    until(destructive, {S.PENDING_APPROVAL})
    create(ALICE, "Turn on the new cart", "Set NEW_CART=true on the checkout deployment in the cache namespace.",
           "low")
    create(CAROL, "Deploy nginx", "Deploy nginx with 2 replicas in the web namespace.")


def _answer(key: str) -> str:
    return {"namespace": "sessions", "replicas": "2", "image": "memcached:1.6"}.get(key, "yes")
