"""The agent's brain: what plans a ticket and decides each turn's next move, behind one interface with two
implementations (DESIGN.md §6): the offline planner and executor (opsdesk.aura.planner, the local default) and a
model on Amazon Bedrock with tool use (opsdesk.aura.bedrock).

The brain only proposes. Whether a proposed call runs, waits for a human, or is refused is the agent loop's
decision (opsdesk.aura.agent with opsdesk.aura.policy), never the brain's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from opsdesk.aura.records import AgentProgress, Plan, Priority, ToolRequest


@dataclass(frozen=True)
class TicketBrief:
    ticket_id: str
    title: str
    description: str
    priority: Priority


@dataclass(frozen=True)
class Tokens:
    prompt: int
    completion: int


@dataclass(frozen=True)
class PlanResult:
    plan: Plan
    reasoning: str
    tokens: Tokens


@dataclass(frozen=True)
class CallTool:
    request: ToolRequest


@dataclass(frozen=True)
class AskQuestion:
    key: str
    question: str
    options: tuple[str, ...]
    reasoning: str


@dataclass(frozen=True)
class Finish:
    summary: str


@dataclass(frozen=True)
class GiveUp:
    reason: str


@dataclass(frozen=True)
class Replan:
    """The plan cannot go on as written (an action was denied): plan again with what is known now."""

    reason: str


Move = CallTool | AskQuestion | Finish | GiveUp | Replan


@dataclass(frozen=True)
class TurnDecision:
    move: Move
    tokens: Tokens


@dataclass(frozen=True)
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
