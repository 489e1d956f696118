"""The agent's brain: what plans a ticket and decides each turn's next move, behind one interface with two
implementations (DESIGN.md §6): the offline planner and executor (opsdesk.aura.planner, the local default) and a
model on Amazon Bedrock with tool use (opsdesk.aura.bedrock).

The brain only proposes. Whether a proposed call runs, waits for a human, or is refused is the agent loop's
decision (opsdesk.aura.agent with opsdesk.aura.policy), never the brain's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from opsdesk.aura.records import AgentProgress, Plan, Priority, ToolRequest
from opsdesk.frozen import frozen


@frozen
class TicketBrief:
    ticket_id: str
    title: str
    description: str
    priority: Priority


@frozen
class Tokens:
    prompt: int
    completion: int


@frozen
class PlanResult:
    plan: Plan
    reasoning: str
    tokens: Tokens
    question: AskQuestion | None = None
    """Instead of a plan (whose summary then says why): what the brain must know before it can plan at all."""


@frozen
class CallTool:
    request: ToolRequest


@frozen
class AskQuestion:
    key: str
    question: str
    options: tuple[str, ...]
    reasoning: str


@frozen
class Finish:
    summary: str


@frozen
class GiveUp:
    reason: str


@frozen
class Replan:
    """The plan cannot go on as written (an action was denied): plan again with what is known now."""

    reason: str


Move = CallTool | AskQuestion | Finish | GiveUp | Replan


@frozen
class TurnDecision:
    move: Move
    tokens: Tokens


@frozen
class AgentState:
    brief: TicketBrief
    plan: Plan
    progress: AgentProgress
    turn: int
    working_branch: str


class AgentBrain(Protocol):
    @property
    def model_id(self) -> str: ...

    def plan(self, brief: TicketBrief, answers: Mapping[str, str], *, denied: tuple[str, ...] = ()) -> PlanResult:
        """Plan the ticket. `answers`: choices a human already made; `denied`: descriptions of actions a human
        refused (a revised plan avoids them or fails)."""
        ...

    def decide(self, state: AgentState) -> TurnDecision:
        """The next move given the plan and what has happened so far (completed calls, answers, decisions)."""
        ...
