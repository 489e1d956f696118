"""The aura module's records (seeds/aura-api.md): tickets with their plan, pending approval and question, the
agent's progress (its checkpoint), audit entries, and the shapes the agent's brain and tools exchange.

Everything here is plain data: the service, the agent loop, the planner and the tools share it, and nothing in
it touches AWS."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from opsdesk.frozen import frozen

Priority = Literal["low", "medium", "high", "critical"]
PRIORITIES: tuple[Priority, ...] = ("low", "medium", "high", "critical")
Actor = Literal["agent", "user", "system"]
ACTORS: tuple[Actor, ...] = ("agent", "user", "system")
DEFAULT_MAX_TURNS = 50


class TicketStatus(StrEnum):
    DRAFT = "draft"
    PLANNING = "planning"
    PENDING_PLAN_APPROVAL = "pending_plan_approval"
    EXECUTING = "executing"
    PENDING_APPROVAL = "pending_approval"
    PENDING_INPUT = "pending_input"
    OBSERVING = "observing"
    PAUSED = "paused"
    RESOLVED = "resolved"
    FAILED = "failed"
    CANCELLED = "cancelled"


class AuditType(StrEnum):
    """What an audit entry records; the SSE event types that have an audit entry share these names."""

    TICKET_CREATED = "ticket_created"
    TICKET_UPDATED = "ticket_updated"
    STATUS_CHANGED = "status_changed"
    PLAN_GENERATED = "plan_generated"
    PLAN_APPROVED = "plan_approved"
    TURN_STARTED = "turn_started"
    TURN_COMPLETED = "turn_completed"
    TOOL_CALLED = "tool_called"
    APPROVAL_NEEDED = "approval_needed"
    APPROVAL_GRANTED = "approval_granted"
    APPROVAL_DENIED = "approval_denied"
    QUESTION_ASKED = "question_asked"
    QUESTION_ANSWERED = "question_answered"
    COMMIT_CREATED = "commit_created"
    PUSH_COMPLETED = "push_completed"
    ARGO_SYNC_STARTED = "argo_sync_started"
    ARGO_HEALTH_UPDATE = "argo_health_update"
    TURNS_GRANTED = "turns_granted"
    ERROR = "error"
    RESOLVED = "resolved"


@frozen
class Usage:
    """Tokens one model call (or a ticket, summed) used, and what they cost by the price table."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_cost: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.prompt_tokens + other.prompt_tokens, self.completion_tokens + other.completion_tokens,
                     round(self.estimated_cost + other.estimated_cost, 6))


@frozen
class PlanStep:
    description: str
    tool: str
    args: Mapping[str, Any] = field(default_factory=dict)
    """What the step will call the tool with, as far as the plan knows it; `requires` names what is still open."""
    requires: tuple[str, ...] = ()
    """Choices the ticket left open that this step needs (e.g. `namespace`, `replicas`): the agent asks first."""


@frozen
class Plan:
    summary: str
    steps: tuple[PlanStep, ...]
    estimated_tools: tuple[str, ...]
    risks: tuple[str, ...]
    revision: int = 1
    generated_at: datetime | None = None
    """When the agent made it: an approval sent before then was for an earlier plan (AuraService.approve_plan)."""


def action_hash(tool: str, args: Mapping[str, Any]) -> str:
    """The identity of one exact action: an approval is bound to it, so approving one never authorises another."""
    canonical = json.dumps({"tool": tool, "args": args}, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                           default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@frozen
class ToolRequest:
    """One tool call the brain asks for."""

    tool: str
    args: Mapping[str, Any]
    reasoning: str
    step_index: int | None = None
    """The plan step this call carries out (None for a call outside the plan, e.g. a read)."""

    @property
    def action_hash(self) -> str:
        return action_hash(self.tool, self.args)


@frozen
class PendingApproval:
    id: str
    tool: str
    args: Mapping[str, Any]
    action_hash: str
    reasons: tuple[str, ...]
    """Why the policy calls the action destructive."""
    reasoning: str
    requested_at: datetime
    step_index: int | None = None


@frozen
class PendingQuestion:
    id: str
    key: str
    """The open choice the answer fills (e.g. `namespace`)."""
    question: str
    options: tuple[str, ...]
    requested_at: datetime


@frozen
class CompletedCall:
    """A tool call that finished: the checkpoint keeps it so a replayed turn never calls it again."""

    call_id: str
    tool: str
    args: Mapping[str, Any]
    result: Mapping[str, Any]
    ok: bool
    step_index: int | None
    turn: int


@frozen
class Decision:
    """A human's answer to an approval, bound to the action's hash. An approval is used up by the one call it
    allowed (AgentProgress.spent); a denial stands for the ticket's life. The reason is in the decision's audit
    entry, not here: the checkpoint would grow by up to 2,000 characters a decision."""

    action_hash: str
    approved: bool
    by: str


@frozen
class InflightCall:
    """A tool call the agent decided on and recorded before making it: a turn replayed after a crash makes this
    call again with the same id (the tools make a repeated id harmless) instead of deciding anew."""

    call_id: str
    turn: int
    started_at: datetime
    request: ToolRequest
    usage: Usage = field(default_factory=Usage)
    """The deciding turn's tokens, for the call's audit entry (a replayed call's too)."""


@frozen
class AgentProgress:
    """The agent's checkpoint: everything a turn needs to carry on, written with the turn's results."""

    completed: tuple[CompletedCall, ...] = ()
    answers: Mapping[str, str] = field(default_factory=dict)
    decisions: tuple[Decision, ...] = ()
    workspace: Mapping[str, Any] = field(default_factory=dict)
    """What the git tools keep between turns (staged files, the commits made: opsdesk.aura.git)."""
    observations: int = 0
    """Health checks made while observing (the wait between them grows)."""
    denied_actions: tuple[str, ...] = ()
    """What people refused, in words (a revised plan avoids them)."""
    inflight: InflightCall | None = None

    def approved(self, request: ToolRequest) -> bool:
        digest = request.action_hash
        return any(d.approved and d.action_hash == digest for d in self.decisions)

    def spent(self, request: ToolRequest) -> AgentProgress:
        """The progress once `request`'s approval has allowed its one call: the same action later (a revised plan
        that comes back to it) asks a person again."""
        digest = request.action_hash
        used = next((i for i, d in enumerate(self.decisions) if d.approved and d.action_hash == digest), None)
        if used is None:
            return self
        return replace(self, decisions=self.decisions[:used] + self.decisions[used + 1:])

    def denied(self, request: ToolRequest) -> bool:
        digest = request.action_hash
        return any(not d.approved and d.action_hash == digest for d in self.decisions)


@frozen
class Ticket:
    id: str
    tenant_id: str
    title: str
    description: str
    status: TicketStatus
    priority: Priority
    created_at: datetime
    updated_at: datetime
    created_by: str
    current_turn: int = 0
    max_turns: int = DEFAULT_MAX_TURNS
    usage: Usage = Usage()
    plan: Plan | None = None
    plan_approved_at: datetime | None = None
    plan_approved_by: str | None = None
    working_branch: str | None = None
    commits: tuple[str, ...] = ()
    pending_approval: PendingApproval | None = None
    pending_question: PendingQuestion | None = None
    progress: AgentProgress = AgentProgress()
    run_id: str | None = None
    """The run that holds the ticket (one at a time: AGENT_BUSY); None when the agent waits or has ended."""
    lease_until: datetime | None = None
    """When a run that stopped answering is considered dead and another may take the ticket."""
    failure: str | None = None
    resolution: str | None = None
    version: int = 1
    audit_sequence: int = 0
    """The number of audit entries (the last one's sequence): the hash chain's position."""
    audit_head: str = ""
    """The last audit entry's hash."""
    audit_counts: Mapping[str, int] = field(default_factory=dict)
    """Audit entries by type (the ticket audit's `total` for a type filter)."""
    tool_calls: int = 0

    @property
    def running(self) -> bool:
        return self.run_id is not None


@frozen
class AuditEntry:
    id: str
    ticket_id: str
    tenant_id: str
    sequence: int
    timestamp: datetime
    type: str
    actor: Actor
    action: str
    reasoning: str | None = None
    tool_call: Mapping[str, Any] | None = None
    """`{"name", "args", "result"}` for a tool call."""
    usage: Usage | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    previous_hash: str = ""
    hash: str = ""


@frozen
class TicketEvent:
    """One SSE event (seeds/aura-api.md, "Event Format")."""

    type: str
    ticket_id: str
    timestamp: datetime
    payload: Mapping[str, Any]
    status: TicketStatus
    priority: Priority
    """The ticket's status and priority when the event happened: `/stream` filters on them."""
