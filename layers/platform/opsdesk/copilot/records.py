"""The copilot's domain records (seeds/sre-copilot-api.md): tenants, users, projects and their members, incidents,
hypotheses, monitoring integrations and alerts. What the service and the store exchange."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from opsdesk.frozen import frozen


class Role(StrEnum):
    """Per-project roles, strongest first. A viewer reads; a member also works incidents; an admin also manages
    members and integrations; an owner also renames and deletes the project."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"

    def at_least(self, other: Role) -> bool:
        return ROLE_STRENGTH[self] >= ROLE_STRENGTH[other]


ROLE_STRENGTH = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class IncidentState(StrEnum):
    DETECTED = "detected"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    LEARNED = "learned"
    INCONCLUSIVE = "inconclusive"


@frozen
class Tenant:
    id: str
    name: str
    slug: str
    created_at: datetime


@frozen
class User:
    """A copilot user of a tenant: the Cognito user (`id` is its `sub`) and what the copilot keeps about it."""

    id: str
    tenant_id: str
    email: str
    full_name: str
    current_project_id: str | None
    roles: dict[str, Role] = field(default_factory=dict)
    """Project id -> the user's role there: the projects the user belongs to."""
    version: int = 0

    @property
    def active_project_id(self) -> str | None:
        """The current project while the user still holds a role in it (a removed member's is none)."""
        return self.current_project_id if self.current_project_id in self.roles else None


def connection_project(user: User | None, token_age_seconds: float, token_lifetime_seconds: int) -> str | None:
    """The project a WebSocket connection made with a copilot access token (the Cognito ID token) follows: its
    user's active one, while the token is within the copilot's lifetime (its REST routes refuse it after that)."""
    if user is None or token_age_seconds > token_lifetime_seconds:
        return None
    return user.active_project_id


@frozen
class Project:
    id: str
    tenant_id: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    owner_count: int = 1
    version: int = 0
    deleting: bool = False
    """A delete is under way (CopilotStore.delete_project marks the project first): memberships cannot change."""


@frozen
class Member:
    project_id: str
    user_id: str
    email: str
    full_name: str
    role: Role
    joined_at: datetime
    invited: bool = False
    """Added by email before the user ever signed in (an invitation was mailed)."""


@frozen
class Incident:
    id: str
    project_id: str
    title: str
    description: str
    service_name: str
    severity: Severity
    state: IncidentState
    detected_at: datetime
    created_at: datetime
    updated_at: datetime
    reached_at: dict[IncidentState, datetime] = field(default_factory=dict)
    """When the incident last reached each state after `detected` (opsdesk.copilot.workflow)."""
    created_by: str = ""
    hypothesis_count: int = 0
    ai_requests: int = 0
    ai_tokens: int = 0
    ai_cost_micros: int = 0
    """AI cost in millionths of a US dollar (integers add up exactly)."""
    confirmed_cause: str | None = None
    version: int = 0


@frozen
class IncidentFilters:
    severity: Severity | None = None
    state: IncidentState | None = None


@frozen
class StoredHypothesis:
    id: str
    incident_id: str
    cause: str
    claim: str
    description: str
    confidence_score: float
    confidence_lower: float
    confidence_upper: float
    rank: int
    supporting_evidence: tuple[str, ...]
    contradicting_evidence: tuple[str, ...]
    created_at: datetime
    user_feedback: str | None = None
    """None, `confirmed` or `rejected`."""


@frozen
class Integration:
    id: str
    project_id: str
    type: str
    name: str
    config: dict[str, Any]
    """Non-secret settings (base url, region, routing rules)."""
    secret_ref: str | None
    """Where the credentials live (a Secrets Manager ARN); never returned."""
    credential_keys: tuple[str, ...]
    """Which credentials are set (their names only), for the masked view."""
    enabled: bool
    created_at: datetime
    updated_at: datetime
    last_test: dict[str, Any] | None = None
    verified_account: str | None = None
    """A `cloudwatch` integration's AWS account once the platform has assumed a role in it with the tenant's
    external ID (opsdesk.copilot.integrations): only then do the account's alarms reach the project."""
    verified_at: datetime | None = None
    """When the account was last proven: a scheduled check proves it again a day later (opsdesk.copilot.proofs)."""


MAX_PROJECT_INTEGRATIONS = 100
"""A project holds at most this many monitoring integrations: the store refuses another create (409), so a list
reads them all and pages them in creation order (docs/decisions.md)."""
PROJECT_INTEGRATIONS_FULL = (f"The project has {MAX_PROJECT_INTEGRATIONS} monitoring integrations, the most it may "
                             "hold; delete one first")


@frozen
class Alert:
    id: str
    project_id: str
    source: str
    name: str
    status: str
    """`firing` or `resolved`."""
    severity: str
    service: str
    summary: str
    starts_at: datetime
    labels: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""
    ends_at: datetime | None = None
    incident_id: str | None = None
    description: str = ""
    """The source's longer text, when it has one (the document's `description`); else the summary says it."""

    @property
    def described(self) -> str:
        return self.description or self.summary


@frozen
class ChangeEvent:
    """A deployment or configuration change that an alert source reported for the project."""

    id: str
    project_id: str
    kind: str
    service: str
    summary: str
    at: datetime
    version: str | None = None


@frozen
class UsageRecord:
    """One AI request (a hypothesis generation), as the analytics count it."""

    request_type: str
    model_id: str
    input_tokens: int
    output_tokens: int
    cost_micros: int
    cache_hit: bool
    at: datetime


@frozen
class UsageDay:
    day: str
    request_type: str
    requests: int
    tokens: int
    cost_micros: int
    cache_hits: int


@frozen
class IncidentDay:
    day: str
    incidents_created: int
    incidents_with_hypotheses: int
