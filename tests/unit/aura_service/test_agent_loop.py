"""The agent's loop (opsdesk.aura.agent) over the in-memory store with a scripted brain and recording tools: each
turn checkpointed, the people's side of the state machine, approvals bound to one exact action, questions, the
turn budget, observing a rollout, and a crash mid-turn that repeats no completed call."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from opsdesk.aura.agent import Agent, AgentSettings
from opsdesk.aura.checkpoint import CALLS_BUDGET_BYTES, left_out
from opsdesk.aura.codec import progress_doc
from opsdesk.aura.records import PlanStep, TicketStatus, ToolRequest
from opsdesk.aura.requests import (
    AnswerRequest,
    ApprovalRequest,
    ApprovePlanRequest,
    CreateTicketRequest,
    ResumeRequest,
)
from opsdesk.aura.service import AuraService, Features
from opsdesk.aura.store import AuditFilter
from opsdesk.aura.tools import ToolOutcome
from opsdesk.pagination import OffsetRequest
from tests.unit.aura_fakes import FakeAuraStore, RecordedKicks
from tests.unit.aura_service.scripted import STEPS, RecordingTools, ScriptedBrain
from tests.unit.aura_service.test_service import ALICE, Clock

S = TicketStatus


class Harness:
    def __init__(self, brain: ScriptedBrain | None = None, tools: RecordingTools | None = None, *,
                 plan_approval: bool = True) -> None:
        self.store, self.kicks, self.clock = FakeAuraStore(), RecordedKicks(), Clock()
        self.brain, self.tools = brain or ScriptedBrain(), tools or RecordingTools()
        self.service = AuraService(self.store, self.kicks, clock=self.clock,
                                   features=Features(plan_approval_required=plan_approval))
        self.agent = Agent(self.store, self.brain, self.tools, self.kicks, clock=self.clock,
                           settings=AgentSettings(plan_approval_required=plan_approval))
        self.delays: list[int] = []

    def create(self, max_turns: int = 50) -> str:
        request = CreateTicketRequest.model_validate({"title": "Deploy Redis", "description": "redis in cache",
                                                      "maxTurns": max_turns})
        return self.service.create_ticket(ALICE, request).id

    def drain(self) -> None:
        """Deliver kicks until none is left (delays are not waited for here)."""
        for _ in range(200):
            pending = self.kicks.take()
            if not pending:
                return
            for tenant, ticket, run, delay in pending:
                if delay:
                    self.delays.append(delay)
                self.agent.work(tenant, ticket, run)
        raise AssertionError("the run never settled")

    def ticket(self, ticket_id: str):  # noqa: ANN201
        return self.store.tickets[("acme", ticket_id)]

    def events(self, ticket_id: str) -> list[str]:
        return [e.type for e in self.store.events if e.stream == f"aura:{ticket_id}"]


def test_a_ticket_goes_from_draft_to_resolved_through_plan_approval() -> None:
    h = Harness()
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PENDING_PLAN_APPROVAL and not ticket.running and ticket.plan is not None
    assert [s.tool for s in ticket.plan.steps] == [s.tool for s in STEPS]
    assert h.tools.calls == []  # nothing runs before the plan is approved
    h.service.approve_plan(ALICE, ticket_id, ApprovePlanRequest(approved_by="lead@acme.test"))
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.RESOLVED and not ticket.running
    assert [tool for _, tool in h.tools.calls] == ["git_write_file", "git_commit", "git_push", "argo_sync",
                                                  "argo_health", "argo_health"]
    assert ticket.commits == (f"sha-{ticket_id}:3",) and ticket.plan_approved_by == "lead@acme.test"
    assert ticket.current_turn == 8  # plan, six calls, the resolution
    assert ticket.usage.total_tokens == 150 + 7 * 50 and ticket.usage.estimated_cost > 0
    events = h.events(ticket_id)
    for kind in ("status_changed", "plan_generated", "turn_started", "turn_completed", "tool_called",
                 "commit_created", "push_completed", "argo_sync_started", "argo_health_update", "resolved"):
        assert kind in events, kind
    assert h.service.verify_audit(ALICE, ticket_id).intact
    stats = h.service.stats(ALICE)
    assert stats["agent"]["totalTurns"] == 8 and stats["agent"]["toolCalls"]["argo_health"] == 2
    assert stats["tickets"]["byStatus"] == {"resolved": 1}


def test_without_plan_approval_the_agent_executes_at_once() -> None:
    h = Harness(plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    assert h.ticket(ticket_id).status is S.RESOLVED


def test_observing_waits_with_growing_delays_at_no_compute_between_checks() -> None:
    h = Harness(tools=RecordingTools(healthy_after=3))
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    h.service.approve_plan(ALICE, ticket_id, ApprovePlanRequest())
    h.drain()
    assert h.ticket(ticket_id).status is S.RESOLVED
    assert h.delays == [2, 4, 8]
    assert "observing" in [e.data["payload"].get("to") for e in h.store.events if e.type == "status_changed"]


DESTRUCTIVE = (*STEPS[:3], PlanStep("Sync and prune", "argo_sync", {"app": "cache", "prune": True}), STEPS[4])


def test_a_destructive_action_waits_for_an_approval_bound_to_it() -> None:
    h = Harness(ScriptedBrain(steps=DESTRUCTIVE), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PENDING_APPROVAL and not ticket.running
    assert ticket.pending_approval is not None and ticket.pending_approval.args == {"app": "cache", "prune": True}
    assert [tool for _, tool in h.tools.calls] == ["git_write_file", "git_commit", "git_push"]
    assert "approval_needed" in h.events(ticket_id)
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True))
    h.drain()
    assert h.ticket(ticket_id).status is S.RESOLVED
    assert [tool for _, tool in h.tools.calls][3] == "argo_sync"


def test_a_denied_action_is_never_run_and_the_ticket_is_planned_again() -> None:
    h = Harness(ScriptedBrain(steps=DESTRUCTIVE), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=False, reason="never prune"))
    h.drain()
    ticket = h.ticket(ticket_id)
    assert all(tool != "argo_sync" for _, tool in h.tools.calls)
    assert h.brain.plans_made == 2 and ticket.plan is not None and ticket.plan.revision == 2
    entries, _ = h.service.audit(ALICE, AuditFilter(types=("approval_denied",)), OffsetRequest(0, 5))
    assert entries[0].reasoning == "never prune" and entries[0].actor == "user"


@pytest.mark.parametrize("approved", [True, False], ids=["approved", "denied"])
def test_the_audit_log_accounts_for_every_token_the_ticket_used(approved: bool) -> None:
    h = Harness(ScriptedBrain(steps=DESTRUCTIVE), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=approved, reason="checked"))
    h.drain()

    logged = [e.usage for e in h.store.chain("acme", ticket_id) if e.usage is not None]
    assert sum(u.total_tokens for u in logged) == h.ticket(ticket_id).usage.total_tokens > 0


def test_approving_one_action_does_not_authorise_another() -> None:
    h = Harness(ScriptedBrain(steps=DESTRUCTIVE), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    key = ("acme", ticket_id)
    pending = h.store.tickets[key].pending_approval
    assert pending is not None
    # The brain now proposes a different destructive call than the one approved: it waits again.
    h.brain.steps = (*STEPS[:3], PlanStep("Prune another app", "argo_sync", {"app": "payments", "prune": True}))
    h.store.tickets[key] = replace(h.store.tickets[key], plan=replace(h.store.tickets[key].plan,
                                                                        steps=h.brain.steps))
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True))
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PENDING_APPROVAL and ticket.pending_approval is not None
    assert ticket.pending_approval.args == {"app": "payments", "prune": True}
    assert all(tool != "argo_sync" for _, tool in h.tools.calls)


def test_an_approval_allows_one_call_and_the_same_action_in_a_revised_plan_asks_again() -> None:
    # Given a plan with the approved prune, then a step a person refuses, then the prune again
    steps = (*DESTRUCTIVE[:4], PlanStep("Delete old manifest", "git_delete_file", {"path": "apps/cache/old.yaml"}),
             DESTRUCTIVE[4])
    h = Harness(ScriptedBrain(steps=steps), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True, reason="prune once"))
    h.drain()
    assert h.ticket(ticket_id).pending_approval.tool == "git_delete_file"

    # When the refusal sends the ticket back to planning and the revised plan comes back to the prune
    h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=False, reason="keep old.yaml"))
    h.drain()

    # Then the prune ran once and waits for a person again, and the checkpoint keeps no decision's reason
    ticket = h.ticket(ticket_id)
    assert [tool for _, tool in h.tools.calls].count("argo_sync") == 1
    assert ticket.status is S.PENDING_APPROVAL and ticket.pending_approval.args == {"app": "cache", "prune": True}
    assert "prune once" not in json.dumps(progress_doc(ticket.progress))


def test_a_plan_nobody_approved_is_never_carried_out_after_a_pause_and_a_resume() -> None:
    # Given a plan waiting for approval, planned again by /run until the turn budget paused it
    h = Harness()
    ticket_id = h.create(max_turns=1)
    h.service.run(ALICE, ticket_id)
    h.drain()
    h.service.run(ALICE, ticket_id)
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PAUSED and ticket.plan is not None and ticket.plan_approved_at is None

    # When more turns are granted
    h.service.resume(ALICE, ticket_id, ResumeRequest.model_validate({"additionalTurns": 20}))
    h.drain()

    # Then the plan waits for a person's approval again and no tool ran
    assert h.ticket(ticket_id).status is S.PENDING_PLAN_APPROVAL
    assert h.tools.calls == []


def test_the_agent_plans_anew_rather_than_run_a_plan_nobody_approved() -> None:
    # Given an executing ticket whose plan was never approved (no route leads there: the agent's own guard)
    h = Harness()
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    key = ("acme", ticket_id)
    h.store.tickets[key] = replace(h.store.tickets[key], status=S.EXECUTING, run_id="forced")

    # When the agent takes a turn
    h.agent.work("acme", ticket_id, "forced")

    # Then it asks for the plan's approval instead of calling a tool
    assert h.ticket(ticket_id).status is S.PENDING_PLAN_APPROVAL and h.tools.calls == []


def test_a_question_waits_for_the_answer_and_the_answer_reaches_the_call() -> None:
    h = Harness(ScriptedBrain(ask_before_step={0: "namespace"}), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PENDING_INPUT and ticket.pending_question is not None
    assert ticket.pending_question.key == "namespace" and "question_asked" in h.events(ticket_id)
    h.service.answer(ALICE, ticket_id, AnswerRequest(answer="cache"))
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.RESOLVED
    assert ticket.progress.completed[0].args["namespace"] == "cache"


def announced_turns(h: Harness, ticket_id: str, kind: str) -> list[int]:
    return [e.data["payload"]["turn"] if "payload" in e.data else e.data["turn"]
            for e in h.store.events if e.stream == f"aura:{ticket_id}" and e.type == kind]


@pytest.mark.parametrize("brain", [
    pytest.param(lambda: ScriptedBrain(ask_before_step={0: "namespace", 2: "replicas"}), id="questions"),
    pytest.param(lambda: ScriptedBrain(steps=DESTRUCTIVE), id="approval"),
])
def test_every_turn_the_ticket_counts_is_announced_started_and_completed_once(brain) -> None:  # noqa: ANN001
    # Turns that end in a question, an approval request or the resolution count in currentTurn like tool calls:
    # a client that shows "turn N of maxTurns" from the stream must agree with GET /tickets/:id.
    h = Harness(brain(), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.drain()
    while h.ticket(ticket_id).status in (S.PENDING_INPUT, S.PENDING_APPROVAL):
        if h.ticket(ticket_id).status is S.PENDING_INPUT:
            h.service.answer(ALICE, ticket_id, AnswerRequest(answer="cache"))
        else:
            h.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True))
        h.drain()
    ticket = h.ticket(ticket_id)

    assert ticket.status is S.RESOLVED
    every_turn = list(range(1, ticket.current_turn + 1))
    assert announced_turns(h, ticket_id, "turn_started") == every_turn
    assert announced_turns(h, ticket_id, "turn_completed") == every_turn


def test_the_turn_budget_pauses_the_ticket_and_resume_carries_on() -> None:
    h = Harness(plan_approval=False)
    ticket_id = h.create(max_turns=3)
    h.service.run(ALICE, ticket_id)
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.PAUSED and ticket.current_turn == 3 and not ticket.running
    h.service.resume(ALICE, ticket_id, ResumeRequest.model_validate({"additionalTurns": 10}))
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.RESOLVED and ticket.max_turns == 13 and ticket.current_turn == 8


@pytest.mark.parametrize("tool", ["git_commit", "git_push", "argo_sync"])
def test_a_crash_after_a_tool_call_resumes_without_repeating_it(tool: str) -> None:
    h = Harness(tools=RecordingTools(crash_after_call=tool), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    with pytest.raises(RuntimeError):
        h.drain()
    crashed = h.ticket(ticket_id)
    assert crashed.running and crashed.progress.inflight is not None
    assert crashed.progress.inflight.request.tool == tool
    run_id = crashed.run_id
    assert run_id is not None
    h.agent.work("acme", ticket_id, run_id)  # the kick's redelivery
    h.drain()
    ticket = h.ticket(ticket_id)
    assert ticket.status is S.RESOLVED
    assert all(count == 1 for count in h.tools.effects.values())
    assert [tool for _, tool in h.tools.calls].count(tool) == 1
    assert len([c for c in ticket.progress.completed if c.tool == tool]) == 1
    # The replayed call's audit entry carries the tokens of the turn that decided it
    logged = [e.usage for e in h.store.chain("acme", ticket_id) if e.usage is not None]
    assert sum(u.total_tokens for u in logged) == ticket.usage.total_tokens


def test_cancelling_while_a_call_is_in_flight_logs_the_call_and_its_tokens() -> None:
    h = Harness(tools=RecordingTools(crash_after_call="git_push"), plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    with pytest.raises(RuntimeError):
        h.drain()  # the call was made; its result was never recorded
    assert h.ticket(ticket_id).progress.inflight is not None

    h.service.cancel(ALICE, ticket_id)

    ticket = h.ticket(ticket_id)
    assert ticket.status is S.CANCELLED and ticket.progress.inflight is None
    entries = list(h.store.chain("acme", ticket_id))
    [abandoned] = [e for e in entries if e.type == "error" and e.action == "git_push"]
    assert abandoned.reasoning is not None and "not known" in abandoned.reasoning
    assert sum(e.usage.total_tokens for e in entries if e.usage is not None) == ticket.usage.total_tokens
    assert h.service.verify_audit(ALICE, ticket_id).intact


def test_a_kick_of_an_older_run_does_nothing() -> None:
    h = Harness(plan_approval=False)
    ticket_id = h.create()
    h.service.run(ALICE, ticket_id)
    h.kicks.take()
    assert h.agent.work("acme", ticket_id, "some-older-run") == 0
    assert h.tools.calls == []


def test_cancelling_stops_the_agent_at_its_next_turn() -> None:
    h = Harness(plan_approval=False)
    ticket_id = h.create()
    run_id = h.service.run(ALICE, ticket_id).run_id
    h.kicks.take()
    h.service.cancel(ALICE, ticket_id)
    assert run_id is not None and h.agent.work("acme", ticket_id, run_id) == 0
    assert h.ticket(ticket_id).status is S.CANCELLED and h.tools.calls == []


class LargeReads(RecordingTools):
    """Every git_read_file answers a 16 KB manifest."""

    def run(self, ticket_id: str, call_id: str, request: ToolRequest, workspace: Mapping[str, Any]) -> ToolOutcome:
        outcome = super().run(ticket_id, call_id, request, workspace)
        if request.tool != "git_read_file":
            return outcome
        path = request.args["path"]
        return ToolOutcome(True, {"path": path, "content": f"# {path}\n" + "x" * 16_000}, outcome.workspace)


def test_a_long_run_of_large_reads_keeps_the_checkpoint_within_its_budget_and_the_audit_whole() -> None:
    # Given a plan of 40 reads of 16 KB manifests: 640 KB of results, past DynamoDB's 400 KB item limit
    reads = tuple(PlanStep(f"Read {n}", "git_read_file", {"path": f"apps/a{n}.yaml"}) for n in range(40))
    h = Harness(ScriptedBrain(steps=reads), LargeReads(), plan_approval=False)
    ticket_id = h.create()

    # When the agent works it to the end
    h.service.run(ALICE, ticket_id)
    h.drain()

    # Then every read ran once, the checkpoint stayed within its budget with the newest read whole, and the audit
    # log holds every manifest whole
    ticket = h.ticket(ticket_id)
    completed = ticket.progress.completed
    assert ticket.status is S.RESOLVED and len(completed) == 40
    assert len(json.dumps(progress_doc(ticket.progress)).encode()) <= CALLS_BUDGET_BYTES + 8 * 1024
    assert "content" in left_out(completed[0]) and not left_out(completed[-1])
    audited = [e for e in h.store.entries[("acme", ticket_id)] if e.type == "tool_called"]
    assert len(audited) == 40 and all(len(e.tool_call["result"]["content"]) > 16_000 for e in audited)
