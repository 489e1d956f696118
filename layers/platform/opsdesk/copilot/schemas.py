"""The copilot's response shapes as pydantic models: what opsdesk.copilot.views, opsdesk.copilot.analytics, the
connection tests (opsdesk.copilot.integrations) and the auth handlers answer, field for field. They exist to be
documented (opsdesk.copilot.openapi turns them into the OpenAPI document's components); the views build plain
dicts, and tests/unit/test_copilot_openapi.py validates the views' output against these schemas, so the two
cannot drift.

Conventions (opsdesk.schemas): every model forbids other fields; a field that is always present but may be null
is `X | None` without a default (required, nullable); a field that may be left out is
`X | SkipJsonSchema[None] = optional()` (not required, never null). Times are RFC 3339 in UTC with a `Z`
(opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict
from pydantic.json_schema import SkipJsonSchema

from opsdesk.copilot.records import IncidentState, Role, Severity
from opsdesk.schemas import Answer, optional

# Accounts

class User(Answer):
    """A user of the tenant (`POST /auth/register`)."""

    id: str
    email: str
    full_name: str
    tenant_id: str


class UserWithProject(User):
    """A user with their current project and their role there (null when they have none)."""

    project_id: str | None
    """The current project (`POST /auth/switch-project` changes it)."""
    role: Role | None
    """The user's role in the current project."""


class Tenant(Answer):
    id: str
    name: str
    slug: str
    """From the name (`Acme Corporation` -> `acme-corporation`), `-2`, `-3`... when taken."""


class ProjectRole(Answer):
    """A project the user belongs to, with their role there."""

    id: str
    name: str
    role: Role


class RegisterResponse(Answer):
    user: User
    tenant: Tenant
    access_token: str
    """The Cognito ID token (15 minutes); also set as the `access_token` cookie."""
    token_type: Literal["bearer"]


class LoginResponse(Answer):
    user: UserWithProject
    projects: list[ProjectRole]
    access_token: str
    """The Cognito ID token (15 minutes); also set as the `access_token` cookie."""
    token_type: Literal["bearer"]


class RefreshResponse(Answer):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    """Seconds the access token is valid."""


class LogoutResponse(Answer):
    message: str


class WebhookAccepted(Answer):
    accepted: int
    """Alerts the delivery holds (they open or join incidents moments later)."""
    event_id: str
    """The alerts bus event that carries it."""


class MeResponse(UserWithProject):
    """The current user, their current project and role, and every project they belong to."""

    projects: list[ProjectRole]


class WsTokenResponse(Answer):
    """A short-lived token for the WebSocket `connect` message (a browser cannot read its HttpOnly cookie)."""

    token: str
    expires_in: int
    """Seconds the token is valid."""


# Projects and members

class Project(Answer):
    id: str
    name: str
    description: str
    tenant_id: str
    role: Role | SkipJsonSchema[None] = optional()
    """The caller's role in the project."""
    created_at: datetime
    updated_at: datetime


class SwitchProjectResponse(Answer):
    user: UserWithProject
    project: Project


class Member(Answer):
    user_id: str
    project_id: str
    email: str
    full_name: str
    role: Role
    joined_at: datetime
    invited: bool
    """Added by email before the user ever signed in: an invitation was mailed."""


# Incidents

class Incident(Answer):
    """An incident with a time for each state it reached (null until reached; `investigating_started_at` is the
    time it last went to `investigating`, which clears the later ones)."""

    id: str
    title: str
    description: str
    service_name: str
    severity: Severity
    state: IncidentState
    detected_at: datetime
    acknowledged_at: datetime | None
    investigating_started_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    learned_at: datetime | None
    inconclusive_at: datetime | None
    project_id: str
    created_at: datetime
    updated_at: datetime


class CreatedIncident(Answer):
    """A new incident (`POST /incidents`): state `detected`, detected when created."""

    id: str
    title: str
    description: str
    service_name: str
    severity: Severity
    state: Literal[IncidentState.DETECTED]
    detected_at: datetime
    project_id: str
    created_at: datetime


class StateChange(Answer):
    """The id, the state and the time it was reached, in that state's field: exactly one of the time fields."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 3, "maxProperties": 3})

    id: str
    state: IncidentState
    detected_at: datetime | SkipJsonSchema[None] = optional()
    acknowledged_at: datetime | SkipJsonSchema[None] = optional()
    investigating_started_at: datetime | SkipJsonSchema[None] = optional()
    mitigated_at: datetime | SkipJsonSchema[None] = optional()
    resolved_at: datetime | SkipJsonSchema[None] = optional()
    learned_at: datetime | SkipJsonSchema[None] = optional()
    inconclusive_at: datetime | SkipJsonSchema[None] = optional()


class Hypothesis(Answer):
    """A ranked cause of the incident with its evidence (rank 1 is the most likely)."""

    id: str
    incident_id: str
    claim: str
    description: str
    confidence_score: float
    confidence_lower: float
    """Lower end of the confidence interval."""
    confidence_upper: float
    rank: int
    supporting_evidence: list[str]
    contradicting_evidence: list[str]
    user_feedback: Literal["confirmed", "rejected"] | None
    created_at: datetime


class WorkflowStep(Answer):
    order: int
    state: IncidentState
    title: str
    description: str
    status: Literal["completed", "current", "pending"]
    reached_at: datetime | None


class Workflow(Answer):
    """The response steps and where the incident stands (an inconclusive incident has no current step)."""

    incident_id: str
    current_state: IncidentState
    steps: list[WorkflowStep]
    allowed_transitions: list[IncidentState]
    """The states `PATCH /incidents/{incident_id}/state` may move the incident to now."""


StateTimestampField = Literal["acknowledged_at", "investigating_started_at", "mitigated_at", "resolved_at",
                              "learned_at", "inconclusive_at"]


class IncidentMetrics(Answer):
    """Minutes from detection to each response step (null until reached) and what the AI spent."""

    incident_id: str
    state: IncidentState
    time_to_acknowledge_minutes: float | None
    time_to_investigate_minutes: float | None
    time_to_mitigate_minutes: float | None
    time_to_resolve_minutes: float | None
    hypotheses_count: int
    confirmed_cause: str | None
    """The cause class of the hypothesis a responder confirmed."""
    ai_requests: int
    ai_tokens: int
    ai_cost_usd: float
    state_timestamps: dict[StateTimestampField, datetime]
    """The time of each state reached after `detected`."""


# Analytics

class TokenUsageByType(Answer):
    request_type: str
    count: int
    total_tokens: int
    cost_usd: float


class TokenUsageDay(Answer):
    date: date
    requests: int
    tokens: int
    cost_usd: float


class TokenUsage(Answer):
    total_requests: int
    total_tokens: int
    total_cost_usd: float
    breakdown_by_type: list[TokenUsageByType]
    timeline: list[TokenUsageDay]
    """Every day of the range, oldest first (days without requests show zeros)."""


class OverallStats(Answer):
    total_requests: int
    total_cost_usd: float
    avg_cost_per_request: float


class CacheStats(Answer):
    total_incidents: int
    incidents_with_hypotheses: int
    cache_hit_rate: float
    """Percent of the period's incidents whose hypotheses are stored (`incidents_with_hypotheses` of
    `total_incidents`): later reads are served without the model."""
    potential_savings: float
    """USD: the period's AI cost times the cache hit rate."""


class ExpensiveIncident(Answer):
    incident_id: str
    title: str
    total_cost: float
    request_count: int


class Recommendation(Answer):
    type: Literal["low_cache_hit_rate", "high_cost_per_request", "cost_concentrated", "no_usage"]
    message: str
    priority: Literal["high", "medium", "low"]


class CostSummary(Answer):
    overall_stats: OverallStats
    cache_stats: CacheStats
    most_expensive_incidents: list[ExpensiveIncident]
    """At most 5, most expensive first."""
    recommendations: list[Recommendation]


class IncidentAnalytics(Answer):
    incident_id: str
    title: str
    request_count: int
    total_tokens: int
    total_cost_usd: float
    avg_cost_per_request: float
    hypotheses_count: int


# Monitoring

class ConnectionTest(Answer):
    """The outcome of calling the monitoring system's own health or auth endpoint (never a 500 for an
    unreachable or refusing endpoint: `success` is false and `message` says why)."""

    success: bool
    status_code: int | None
    """The endpoint's HTTP status; null when no answer came."""
    message: str
    latency_ms: float | None
    details: dict[str, Any]
    tested_at: datetime


class Integration(Answer):
    id: str
    project_id: str
    type: Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
    name: str
    config: dict[str, Any]
    """Non-secret settings (`url`, `region`, routing rules)."""
    credentials: dict[str, Literal["********"]]
    """The credentials set, each masked: they are kept in Secrets Manager and never returned."""
    enabled: bool
    last_test: ConnectionTest | None
    """The last test of this integration (`POST .../{integration_id}/test`)."""
    verified_account: str | None
    """Beyond the document: the AWS account whose alarms a `cloudwatch` integration routes, its `config.account_id`
    once the platform has assumed `credentials.role_arn` (a role in that account) with the organization's external ID
    (`details.external_id` of a cloudwatch test). Null until then, and for other types."""
    created_at: datetime
    updated_at: datetime


class Alert(Answer):
    id: str
    project_id: str
    source: str
    """The monitoring system that sent it (`prometheus`, `grafana`, ...)."""
    alertname: str
    status: str
    """`firing` or `resolved`."""
    severity: str
    """As the source labels it."""
    service: str
    description: str
    labels: dict[str, str]
    fingerprint: str
    starts_at: datetime
    ends_at: datetime | None
    incident_id: str | None
    """The incident the alert opened or joined."""


class Error(Answer):
    """Every error: `{"detail": "..."}`. A validation error's detail names the fields (`field: message; ...`)."""

    detail: str


RESPONSE_MODELS: tuple[type[Answer], ...] = (
    User, UserWithProject, Tenant, ProjectRole, RegisterResponse, LoginResponse, RefreshResponse, LogoutResponse,
    MeResponse, WsTokenResponse, Project, SwitchProjectResponse, Member, Incident, CreatedIncident, StateChange,
    Hypothesis, Workflow, IncidentMetrics, TokenUsage, CostSummary, IncidentAnalytics, ConnectionTest, Integration,
    Alert, Error,
)
"""Every top-level response shape (their parts are reached from them)."""
