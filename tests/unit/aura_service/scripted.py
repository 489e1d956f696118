"""A scripted brain and tool runner for the agent's loop tests: the plan and each move are given, so the tests pin
down what the loop does with them (checkpoints, approvals, questions, budgets, crashes), not what a planner
decides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opsdesk.aura.brain import (
    AgentState,
    AskQuestion,
    CallTool,
    Finish,
    Move,
    PlanResult,
    TicketBrief,
    Tokens,
    TurnDecision,
)
from opsdesk.aura.records import Plan, PlanStep, ToolRequest
from opsdesk.aura.tools import ToolOutcome

STEPS = (
    PlanStep("Write the manifest", "git_write_file", {"path": "apps/cache/redis.yaml", "content": "kind: ConfigMap"}),
    PlanStep("Commit", "git_commit", {"message": "Add redis"}),
    PlanStep("Push", "git_push", {}),
    PlanStep("Sync", "argo_sync", {"app": "cache"}),
    PlanStep("Check health", "argo_health", {"app": "cache"}),
)


@dataclass
class ScriptedBrain:
    steps: tuple[PlanStep, ...] = STEPS
    ask_before_step: Mapping[int, str] = field(default_factory=dict)
    """Step index -> the key of a question asked before it (until answered)."""
    plans_made: int = 0

    @property
    def model_id(self) -> str:
        return "opsdesk-offline-planner"

    def plan(self, brief: TicketBrief, answers: Mapping[str, str], *, denied: tuple[str, ...] = ()) -> PlanResult:
        self.plans_made += 1
        steps = tuple(s for s in self.steps if not any(s.tool in d for d in denied))
        return PlanResult(Plan("Deploy redis", steps, tuple(s.tool for s in steps), ("none",)), "because",
                          Tokens(100, 50))

    def decide(self, state: AgentState) -> TurnDecision:
        done = {c.step_index for c in state.progress.completed if c.ok}
        health = [c for c in state.progress.completed if c.tool == "argo_health"]
        move: Move
        pending = [i for i in range(len(state.plan.steps)) if i not in done]
        if not pending and (not health or health[-1].result.get("health") == "Healthy"):
            move = Finish("deployed")
        else:
            index = pending[0] if pending else len(state.plan.steps) - 1
            key = self.ask_before_step.get(index)
            if key and key not in state.progress.answers:
                move = AskQuestion(key, f"Which {key}?", ("a", "b"), "the ticket does not say")
            else:
                step = state.plan.steps[index]
                args = {**step.args, **({key: state.progress.answers[key]} if key else {})}
                move = CallTool(ToolRequest(step.tool, args, step.description, index))
        return TurnDecision(move, Tokens(40, 10))


@dataclass
class RecordingTools:
    calls: list[tuple[str, str]] = field(default_factory=list)
    """(call id, tool) of every call that took effect."""
    healthy_after: int = 1
    """argo_health reports Progressing this many times, then Healthy."""
    crash_after_call: str | None = None
    """A tool whose first call takes effect and then the process 'dies' (raises) before the checkpoint."""
    effects: dict[str, int] = field(default_factory=dict)

    def run(self, ticket_id: str, call_id: str, request: ToolRequest, workspace: Mapping[str, Any]) -> ToolOutcome:
        first_time = call_id not in self.effects
        self.effects[call_id] = self.effects.get(call_id, 0) + (1 if first_time else 0)
        if first_time:
            self.calls.append((call_id, request.tool))
        result: dict[str, Any] = {"ok": True}
        if request.tool == "git_commit":
            result = {"sha": f"sha-{call_id}", "message": request.args.get("message")}
        if request.tool == "argo_health":
            checks = sum(1 for _, tool in self.calls if tool == "argo_health")
            result = {"app": request.args.get("app"), "sync": "Synced",
                      "health": "Healthy" if checks > self.healthy_after else "Progressing"}
        if self.crash_after_call == request.tool:
            self.crash_after_call = None
            raise RuntimeError("the process died after the call")
        return ToolOutcome(True, result, {**workspace, "calls": int(workspace.get("calls", 0)) + 1})
