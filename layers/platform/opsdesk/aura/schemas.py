"""The aura module's response shapes as pydantic models: what opsdesk.aura.views, opsdesk.aura.info, the service's
stats and the aura handlers answer, field for field, under the document's camelCase names (seeds/aura-api.md).
They exist to be documented (opsdesk.aura.openapi turns them into the OpenAPI document's components); the views
build plain dicts, and tests/unit/test_aura_openapi.py validates the views' output against these schemas, so the
two cannot drift.

Conventions, as every module's (opsdesk.schemas): every model forbids other fields; a field that is always
present but may be null is `X | None` without a default (required, nullable); a field that may be left out is
`X | SkipJsonSchema[None] = optional()` (not required, never null). Python names are snake_case and the JSON names
their camelCase aliases. Times are RFC 3339 in UTC with a `Z` (opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic.json_schema import SkipJsonSchema

from opsdesk.aura.records import Actor, AuditType, Priority, TicketStatus
from opsdesk.schemas import CamelAnswer, optional

# Tickets

class TokenUsage(CamelAnswer):
    """Tokens the model calls used (an audit entry's: the call it records)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class TicketTokenUsage(TokenUsage):
    """Tokens the ticket's model calls used so far, and what they cost."""

    estimated_cost: float
    """USD by the price table of the configured model (the offline planner is priced as the default Bedrock
    model)."""


class PlanStep(CamelAnswer):
    description: str
    tool: str
    """The tool the step calls (`git_write_file`, `git_commit`, `argo_sync`, ...)."""


class Plan(CamelAnswer):
    summary: str
    steps: list[PlanStep]
    estimated_tools: list[str]
    risks: list[str]
    revision: int
    """Beyond the document: 1 for the first plan, one more each time the ticket is planned again (a denied action,
    `run` on a plan waiting for approval)."""


class PendingApproval(CamelAnswer):
    """A destructive action the agent waits to have approved (`POST /tickets/{ticket_id}/approve`)."""

    id: str
    action: str
    """The tool the agent would call."""
    args: dict[str, Any]
    """The exact arguments: an approval is bound to them."""
    action_hash: str
    """sha256 of the tool and its arguments: approving one action never authorises another."""
    reasons: list[str]
    """Why the policy calls the action destructive."""
    reasoning: str
    """Why the agent wants to take it."""
    requested_at: datetime


class PendingQuestion(CamelAnswer):
    """A choice the ticket left open, which the agent asks a person (`POST /tickets/{ticket_id}/answer`)."""

    id: str
    key: str
    """The open choice the answer fills (e.g. `namespace`)."""
    question: str
    options: list[str]
    """Suggested answers (any answer is taken)."""
    asked_at: datetime


class TicketSummary(CamelAnswer):
    """A ticket in a list."""

    id: str
    title: str
    status: TicketStatus
    priority: Priority
    created_at: datetime
    updated_at: datetime


class Ticket(TicketSummary):
    """A ticket with its plan, progress, token usage and what it waits for (null when nothing)."""

    description: str
    plan: Plan | None
    """Null until the agent has planned (and again while it plans anew from a draft)."""
    plan_approved_at: datetime | None
    """Beyond the document on this answer: when the current plan was approved."""
    current_turn: int
    max_turns: int
    """The turn budget: at it the ticket pauses (`POST /tickets/{ticket_id}/resume` grants more)."""
    token_usage: TicketTokenUsage
    working_branch: str | None
    """`aura/ticket-<id>`, once the plan is approved; left for a person to review and merge."""
    commits: list[str]
    pending_approval: PendingApproval | None
    pending_question: PendingQuestion | None
    running: bool
    """Beyond the document: a run of the agent holds the ticket now (`POST .../run` would be AGENT_BUSY)."""
    failure_reason: str | SkipJsonSchema[None] = optional()
    """Beyond the document: why a `failed` ticket failed (only there)."""
    resolution: str | SkipJsonSchema[None] = optional()
    """Beyond the document: what the agent did, on a `resolved` ticket (only there)."""


class TicketList(CamelAnswer):
    tickets: list[TicketSummary]
    """Newest first."""
    total: int
    """Tickets matching the filters (all pages)."""


class CancelledTicket(CamelAnswer):
    id: str
    status: Literal[TicketStatus.CANCELLED]


class PlanApproved(CamelAnswer):
    id: str
    status: Literal[TicketStatus.EXECUTING]
    plan_approved_at: datetime


class ApprovalAnswered(CamelAnswer):
    """The action was approved or denied; the agent carries on (denied: it plans again without the action)."""

    id: str
    status: Literal[TicketStatus.EXECUTING]
    pending_approval: None


class QuestionAnswered(CamelAnswer):
    id: str
    status: Literal[TicketStatus.EXECUTING]
    pending_question: None


class Resumed(CamelAnswer):
    id: str
    status: Literal[TicketStatus.EXECUTING, TicketStatus.PLANNING]
    """`executing`, or `planning` when the ticket paused before it had a plan."""
    max_turns: int
    """The budget with the turns granted."""


class AgentStarted(CamelAnswer):
    message: Literal["Agent started"]
    ticket_id: str


# Audit

class ToolCall(CamelAnswer):
    """The call a `tool_called` entry records."""

    name: str
    args: dict[str, Any]
    result: dict[str, Any]


class AuditEntry(CamelAnswer):
    """One entry of a ticket's hash-chained audit log; `reasoning`, `toolCall`, `tokenUsage` and `details` are
    left out when the entry has none."""

    id: str
    ticket_id: str
    timestamp: datetime
    type: AuditType
    actor: Actor
    action: str
    """What was done: the tool called, `create_ticket`, `<from> -> <to>` for a status change, ..."""
    sequence: int
    """Beyond the document: the entry's place in the ticket's log, from 1."""
    hash: str
    """Beyond the document: sha256 over the entry's content and `previousHash`."""
    previous_hash: str
    """Beyond the document: the hash of the ticket's entry before it (64 zeros for the first)."""
    reasoning: str | SkipJsonSchema[None] = optional()
    tool_call: ToolCall | SkipJsonSchema[None] = optional()
    token_usage: TokenUsage | SkipJsonSchema[None] = optional()
    details: dict[str, Any] | SkipJsonSchema[None] = optional()
    """Beyond the document: what else the entry records (the status moved from and to, who approved, the
    question and its answer, ...)."""


class AuditLog(CamelAnswer):
    entries: list[AuditEntry]
    """A ticket's log oldest first (its history in order); `GET /audit` newest first."""
    total: int
    """Entries matching the filters (all pages)."""


class AuditChain(CamelAnswer):
    """Whether the stored entries are exactly the chain the ticket's head commits to."""

    ticket_id: str
    intact: bool
    entries: int
    """Entries checked."""
    first_broken_sequence: int | None
    """Where the chain breaks; null when intact."""
    reason: str | None
    """Why it breaks; null when intact."""


# Health and status

class Health(CamelAnswer):
    status: Literal["healthy", "unhealthy"]
    """`unhealthy` (with 503) when the tickets table cannot be read."""
    version: str
    uptime: int
    """Seconds the answering function instance has been up."""
    database: Literal["connected", "disconnected"]
    git: Literal["available", "unavailable"]
    """Whether the GitOps remote is configured (and, for a local bare repository, present)."""
    llm: Literal["available"]
    """The configured provider (the offline planner is always there; a health check does not call Bedrock)."""


class Llm(CamelAnswer):
    model: str
    provider: Literal["bedrock", "offline"]


class Features(CamelAnswer):
    plan_approval_required: bool
    destructive_action_approval: bool
    """Always true: destructive actions wait for a person (the policy is code, not a setting)."""
    auto_merge_on_resolution: bool
    """Always false: the working branch is left for a person to merge."""


class Info(CamelAnswer):
    version: str
    environment: str
    llm: Llm
    features: Features


class TicketCounts(CamelAnswer):
    total: int
    by_status: dict[TicketStatus, int]
    """Only the statuses that have tickets."""


class TokenTotals(CamelAnswer):
    total: int
    """Tokens the tenant's tickets used, ever."""
    estimated_cost: float
    """USD."""
    last_24h: int
    """Tokens used from the hour 23 hours ago on."""
    last_7d: int
    """Tokens used in the last 7 days (by the hour)."""


class AgentTotals(CamelAnswer):
    total_turns: int
    average_turns_per_ticket: int
    """Rounded; 0 without tickets."""
    tool_calls: dict[str, int]
    """Calls by tool (tools never called are left out)."""


class Stats(CamelAnswer):
    """The tenant's tickets, tokens and the agent's work, from counters kept on write."""

    tickets: TicketCounts
    token_usage: TokenTotals
    agent: AgentTotals


# Errors

class ErrorBody(CamelAnswer):
    code: str
    """`VALIDATION_ERROR`, `INVALID_TRANSITION`, `APPROVAL_NOT_PENDING`, `QUESTION_NOT_PENDING` (400),
    `UNAUTHORIZED` (401), `FORBIDDEN` (403), `TICKET_NOT_FOUND`, `NOT_FOUND` (404), `AGENT_BUSY`, `CONFLICT` (409),
    `RATE_LIMITED` (429), `INTERNAL_ERROR` (500), `SERVICE_UNAVAILABLE` (503)."""
    message: str
    details: dict[str, str]
    """Field (or query parameter, or header) -> what is wrong with it (INVALID_TRANSITION: `status` -> the ticket's
    status); empty when the error names no field."""


class Error(CamelAnswer):
    """Every error: `{"error": {"code", "message", "details"}}`."""

    error: ErrorBody


RESPONSE_MODELS: tuple[type[CamelAnswer], ...] = (
    Ticket, TicketList, CancelledTicket, PlanApproved, ApprovalAnswered, QuestionAnswered, Resumed, AgentStarted,
    AuditLog, AuditChain, Health, Info, Stats, Error,
)
"""Every top-level response shape (their parts are reached from them)."""
