"""The agent's side of a ticket: one run works turn after turn, each checkpointed (opsdesk.aura.store), until the
ticket waits for a person, observes a rollout, runs out of turns or ends.

A turn that calls a tool is written twice. First its intent (the call, its id, the turn counted), then the tool
runs, then its result. A run that dies between the two (a crash, a redeploy, a timeout) is picked up by the next
delivery of its kick, which finds the intent and makes the same call with the same id instead of deciding again;
the tools make a repeated id harmless (the same commit, a push of the same sha, a sync already running). So a
completed call is never repeated and a decided one never lost.

What the brain proposes passes the policy (opsdesk.aura.policy) here, in code: a destructive call runs only with a
person's approval bound to its exact hash; a denied one is never proposed twice (the ticket is planned again)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from opsdesk.ai.pricing import cost_micros
from opsdesk.aura.brain import (
    AgentBrain,
    AgentState,
    AskQuestion,
    CallTool,
    Finish,
    GiveUp,
    Replan,
    TicketBrief,
    Tokens,
)
from opsdesk.aura.checkpoint import kept_calls
from opsdesk.aura.journal import Journal
from opsdesk.aura.policy import assess
from opsdesk.aura.records import (
    CompletedCall,
    InflightCall,
    PendingApproval,
    PendingQuestion,
    Ticket,
    TicketStatus,
    ToolRequest,
    Usage,
)
from opsdesk.aura.service import AgentKicks
from opsdesk.aura.store import AuraStore
from opsdesk.aura.tools import ToolRunner, working_branch
from opsdesk.aura.views import plan_view
from opsdesk.clock import new_id, utc_now
from opsdesk.errors import Conflict
from opsdesk.frozen import frozen

S = TicketStatus
HEALTHY = "Healthy"
TOOL_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "git_commit": ("commit_created", ("sha", "message", "branch")),
    "git_push": ("push_completed", ("branch", "sha", "remote")),
    "argo_sync": ("argo_sync_started", ("app", "revision", "operation", "phase")),
    "argo_health": ("argo_health_update", ("app", "sync", "health")),
}
"""The live event a tool's result also makes, and the result fields it carries."""


class Next(Enum):
    CONTINUE = "continue"
    WAIT = "wait"
    STOP = "stop"


@frozen
class AgentSettings:
    plan_approval_required: bool = True
    lease_seconds: int = 900
    observe_delays: tuple[int, ...] = (2, 4, 8, 15, 30, 60)
    """Seconds between health checks while observing (the last repeats)."""
    max_observations: int = 40
    turn_time_budget_seconds: float = 60.0
    """An invocation takes turns for about this long, then hands the run on to a fresh one (the next kick)."""


@frozen
class TurnResult:
    next: Next
    delay_seconds: int = 0


class Agent:
    def __init__(self, store: AuraStore, brain: AgentBrain, tools: ToolRunner, kicks: AgentKicks, *,
                 settings: AgentSettings | None = None, clock: Callable[[], datetime] = utc_now,
                 ids: Callable[[], str] = new_id) -> None:
        self._store = store
        self._brain = brain
        self._tools = tools
        self._kicks = kicks
        self._settings = settings or AgentSettings()
        self._now = clock
        self._ids = ids

    def work(self, tenant_id: str, ticket_id: str, run_id: str, *,
             seconds_left: Callable[[], float] | None = None) -> int:
        """Take turns for the run `run_id` until the ticket waits or ends, or the time budget is spent (then the
        run goes on in a fresh invocation). A kick of an older run, or for a ticket that moved on, does nothing.
        Returns the turns taken."""
        started = self._now()
        budget = self._settings.turn_time_budget_seconds
        turns = 0
        while True:
            ticket = self._store.get_ticket(tenant_id, ticket_id)
            if ticket is None or ticket.run_id != run_id:
                return turns
            try:
                result = self._turn(ticket)
            except Conflict:  # a person changed the ticket meanwhile: read it again and decide again
                continue
            turns += 1
            if result.next is Next.STOP:
                return turns
            if result.next is Next.WAIT:
                self._kicks.kick(tenant_id, ticket_id, run_id, result.delay_seconds)
                return turns
            elapsed = (self._now() - started).total_seconds()
            if elapsed >= budget or (seconds_left is not None and seconds_left() < budget):
                self._kicks.kick(tenant_id, ticket_id, run_id)
                return turns

    # One turn

    def _turn(self, ticket: Ticket) -> TurnResult:
        if ticket.status not in (S.PLANNING, S.EXECUTING, S.OBSERVING):
            return self._release(ticket, None)
        if ticket.progress.inflight is not None:
            return self._finish_call(ticket, ticket.progress.inflight)
        if ticket.current_turn >= ticket.max_turns:
            return self._pause(ticket)
        if ticket.status is S.PLANNING or ticket.plan is None or self._unapproved(ticket):
            return self._plan(ticket)
        return self._execute(ticket)

    def _unapproved(self, ticket: Ticket) -> bool:
        """A plan to carry out that no person approved while approval is required: it is planned and asked anew
        rather than run (no route should lead here; this is the last guard before the tools)."""
        return self._settings.plan_approval_required and ticket.plan_approved_at is None

    def _plan(self, ticket: Ticket) -> TurnResult:
        journal = self._journal(ticket)
        if ticket.status is not S.PLANNING:  # answered what to change before any plan (the answer says executing)
            ticket = journal.moved(ticket, S.PLANNING, "agent", "planning with the answer")
        brief = TicketBrief(ticket.id, ticket.title, ticket.description, ticket.priority)
        result = self._brain.plan(brief, ticket.progress.answers, denied=ticket.progress.denied_actions)
        usage = self._priced(result.tokens)
        turn = ticket.current_turn + 1
        if result.question is not None and not result.plan.steps and not ticket.commits:
            after = replace(self._counted(ticket, journal, usage, turn), plan=None)  # the answer is planned anew
            return self._ask(ticket, after, journal, result.question, usage=usage, turn=turn)
        # Counted, not taken from the plan before: a question in between leaves no plan, and an approval of an older
        # revision must never match a newer one.
        revision = ticket.audit_counts.get("type:plan_generated", 0) + 1
        plan = replace(result.plan, revision=revision, generated_at=journal.now)
        after = self._counted(ticket, journal, usage, turn)
        journal.record(after, "plan_generated", "agent", "plan", reasoning=result.reasoning, usage=usage,
                       details={"plan": plan_view(plan)})
        journal.emit("plan_generated", {"plan": plan_view(plan)})
        self._turn_completed(journal, ticket, turn)
        # A new plan starts its steps afresh; answers, approvals and refusals still hold.
        after = replace(after, plan=plan, progress=replace(after.progress, completed=()),
                        working_branch=after.working_branch or working_branch(ticket.id))
        if not plan.steps:
            return self._fail(after, journal, plan.summary)
        if self._settings.plan_approval_required:
            after = journal.moved(after, S.PENDING_PLAN_APPROVAL, "agent", "the plan needs a person's approval")
            after = replace(after, run_id=None, lease_until=None, plan_approved_at=None, plan_approved_by=None)
            self._store.save(journal.build(after))
            return TurnResult(Next.STOP)
        after = journal.moved(after, S.EXECUTING, "agent", "plan approval is not required")
        self._store.save(journal.build(self._leased(after)))
        return TurnResult(Next.CONTINUE)

    def _execute(self, ticket: Ticket) -> TurnResult:
        assert ticket.plan is not None
        state = AgentState(TicketBrief(ticket.id, ticket.title, ticket.description, ticket.priority), ticket.plan,
                           ticket.progress, ticket.current_turn + 1, ticket.working_branch or working_branch(ticket.id))
        decision = self._brain.decide(state)
        usage, move = self._priced(decision.tokens), decision.move
        journal = self._journal(ticket)
        turn = ticket.current_turn + 1
        if isinstance(move, CallTool) and ticket.progress.denied(move.request):
            move = Replan(f"a person refused {move.request.tool}")
        if isinstance(move, CallTool):
            return self._call(ticket, journal, move.request, usage, turn)
        after = self._counted(ticket, journal, usage, turn)
        if isinstance(move, AskQuestion):
            return self._ask(ticket, after, journal, move, usage=usage, turn=turn)
        if isinstance(move, Finish):
            journal.record(after, "resolved", "agent", "resolve", reasoning=move.summary, usage=usage,
                           details={"commits": list(after.commits)})
            self._turn_completed(journal, ticket, turn)
            after = journal.moved(after, S.RESOLVED, "agent", move.summary)
            journal.emit("resolved", {"summary": move.summary, "commits": list(after.commits),
                                      "workingBranch": after.working_branch})
            return self._release(replace(after, resolution=move.summary), journal)
        self._turn_completed(journal, ticket, turn)
        if isinstance(move, GiveUp):
            return self._fail(after, journal, move.reason, usage)
        assert isinstance(move, Replan)
        # The turn's tokens go on the audit entry of its one decision, so the log adds up to the ticket's usage.
        after = journal.moved(after, S.PLANNING, "agent", move.reason, usage=usage)
        self._store.save(journal.build(self._leased(after)))
        return TurnResult(Next.CONTINUE)

    def _ask(self, ticket: Ticket, after: Ticket, journal: Journal, move: AskQuestion, *, usage: Usage,
             turn: int) -> TurnResult:
        question = PendingQuestion(self._ids(), move.key, move.question, move.options, journal.now)
        journal.record(after, "question_asked", "agent", "ask", reasoning=move.reasoning, usage=usage,
                       details={"questionId": question.id, "key": move.key, "question": move.question,
                                "options": list(move.options)})
        journal.emit("question_asked", {"questionId": question.id, "question": move.question,
                                        "options": list(move.options)})
        self._turn_completed(journal, ticket, turn)
        after = journal.moved(after, S.PENDING_INPUT, "agent", "the agent needs an answer")
        return self._release(replace(after, pending_question=question), journal)

    def _call(self, ticket: Ticket, journal: Journal, request: ToolRequest, usage: Usage, turn: int) -> TurnResult:
        assessment = assess(request)
        if assessment.destructive and not ticket.progress.approved(request):
            after = self._counted(ticket, journal, usage, turn)
            approval = PendingApproval(self._ids(), request.tool, request.args, request.action_hash,
                                       assessment.reasons, request.reasoning, journal.now, request.step_index)
            journal.record(after, "approval_needed", "agent", request.tool, reasoning=request.reasoning, usage=usage,
                           details={"approvalId": approval.id, "args": dict(request.args),
                                    "actionHash": approval.action_hash, "reasons": list(assessment.reasons)})
            journal.emit("approval_needed", {"approvalId": approval.id, "action": request.tool,
                                             "args": dict(request.args), "reasons": list(assessment.reasons)})
            self._turn_completed(journal, ticket, turn)
            after = journal.moved(after, S.PENDING_APPROVAL, "agent", "a destructive action needs approval")
            return self._release(replace(after, pending_approval=approval), journal)
        # The intent first: a crash from here on replays this very call.
        inflight = InflightCall(f"{ticket.id}:{turn}", turn, journal.now, request, usage)
        after = self._counted(ticket, journal, usage, turn)
        progress = after.progress.spent(request) if assessment.destructive else after.progress
        after = replace(after, progress=replace(progress, inflight=inflight))
        change = journal.build(self._leased(after))
        self._store.save(change)
        return self._finish_call(change.after, inflight)

    def _finish_call(self, ticket: Ticket, inflight: InflightCall) -> TurnResult:
        request = inflight.request
        outcome = self._tools.run(ticket.id, inflight.call_id, request, ticket.progress.workspace)
        journal = self._journal(ticket)
        result = dict(outcome.result)
        completed = CompletedCall(inflight.call_id, request.tool, request.args, result, outcome.ok,
                                  request.step_index, inflight.turn)
        progress = replace(ticket.progress, inflight=None,
                           completed=kept_calls((*ticket.progress.completed, completed)),
                           workspace=dict(outcome.workspace) if outcome.workspace else ticket.progress.workspace)
        after = replace(ticket, progress=progress, tool_calls=ticket.tool_calls + 1, updated_at=journal.now)
        journal.tool_calls[request.tool] += 1
        journal.record(after, "tool_called", "agent", request.tool, reasoning=request.reasoning, usage=inflight.usage,
                       tool_call={"name": request.tool, "args": dict(request.args), "result": result},
                       details={} if outcome.ok else {"error": str(result.get("error", "failed"))})
        journal.emit("tool_called", {"tool": request.tool, "args": dict(request.args), "ok": outcome.ok,
                                     "result": result, "turn": inflight.turn})
        if not outcome.ok:
            journal.emit("error", {"message": str(result.get("error", "the tool failed")), "tool": request.tool})
        elif request.tool in TOOL_EVENTS:
            kind, fields = TOOL_EVENTS[request.tool]
            journal.emit(kind, {name: result[name] for name in fields if name in result})
        if outcome.ok and request.tool == "git_commit" and result.get("sha"):
            after = replace(after, commits=(*after.commits, str(result["sha"])))
        self._turn_completed(journal, ticket, inflight.turn)
        if outcome.ok and request.tool == "argo_health":
            return self._observed(after, journal, result)
        if after.status is S.OBSERVING:
            after = journal.moved(after, S.EXECUTING, "agent")
        self._store.save(journal.build(self._leased(after)))
        return TurnResult(Next.CONTINUE)

    def _observed(self, ticket: Ticket, journal: Journal, result: Mapping[str, Any]) -> TurnResult:
        """After a health check: healthy goes on executing; otherwise observe again after a growing wait."""
        if result.get("health") == HEALTHY:
            after = journal.moved(ticket, S.EXECUTING, "agent", "the rollout is healthy")
            self._store.save(journal.build(self._leased(replace(after, progress=replace(after.progress,
                                                                                       observations=0)))))
            return TurnResult(Next.CONTINUE)
        observations = ticket.progress.observations + 1
        if observations > self._settings.max_observations:
            return self._fail(ticket, journal, f"the rollout did not become healthy after {observations - 1} checks")
        delays = self._settings.observe_delays
        delay = delays[min(observations - 1, len(delays) - 1)]
        after = journal.moved(ticket, S.OBSERVING, "agent", f"waiting for the rollout ({result.get('health')})")
        after = replace(after, progress=replace(after.progress, observations=observations))
        self._store.save(journal.build(self._leased(after, extra_seconds=delay)))
        return TurnResult(Next.WAIT, delay)

    # Endings and waits

    def _pause(self, ticket: Ticket) -> TurnResult:
        journal = self._journal(ticket)
        after = journal.moved(ticket, S.PAUSED, "system", f"the turn budget ({ticket.max_turns}) is spent")
        return self._release(after, journal)

    def _fail(self, ticket: Ticket, journal: Journal, reason: str, usage: Usage | None = None) -> TurnResult:
        journal.record(ticket, "error", "agent", "fail", reasoning=reason, usage=usage)
        journal.emit("error", {"message": reason, "fatal": True})
        after = journal.moved(ticket, S.FAILED, "agent", reason)
        return self._release(replace(after, failure=reason), journal)

    def _release(self, ticket: Ticket, journal: Journal | None) -> TurnResult:
        """The run lets go of the ticket: nothing computes until a person acts."""
        journal = journal or self._journal(ticket)
        self._store.save(journal.build(replace(ticket, run_id=None, lease_until=None)))
        return TurnResult(Next.STOP)

    # Helpers

    def _journal(self, ticket: Ticket) -> Journal:
        return Journal(ticket, self._now(), self._ids)

    def _counted(self, ticket: Ticket, journal: Journal, usage: Usage, turn: int) -> Ticket:
        """A turn starts: it counts in `currentTurn` and its usage, and the stream hears `turn_started`. Every
        turn that starts ends in `turn_completed` (_turn_completed), whatever it did: a tool call, a plan, a
        question, an approval request, planning again, the resolution or giving up."""
        journal.turns += 1
        journal.spend(usage)
        journal.emit("turn_started", {"turn": turn, "maxTurns": ticket.max_turns})
        return replace(ticket, current_turn=turn, usage=ticket.usage + usage, updated_at=journal.now)

    @staticmethod
    def _turn_completed(journal: Journal, ticket: Ticket, turn: int) -> None:
        journal.emit("turn_completed", {"turn": turn, "maxTurns": ticket.max_turns})

    def _leased(self, ticket: Ticket, extra_seconds: int = 0) -> Ticket:
        until = self._now() + timedelta(seconds=self._settings.lease_seconds + extra_seconds)
        return replace(ticket, lease_until=until)

    def _priced(self, tokens: Tokens) -> Usage:
        micros = cost_micros(self._brain.model_id, tokens.prompt, tokens.completion)
        return Usage(tokens.prompt, tokens.completion, micros / 1_000_000)

