"""What the copilot needs from storage (the DynamoDB implementation is opsdesk.copilot.repository; unit tests use
tests/unit/copilot_fakes.py) and from the user directory (Cognito: opsdesk.directory)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from opsdesk.copilot.proofs import DueProof, DueProofPage
from opsdesk.copilot.records import (
    Alert,
    ChangeEvent,
    Incident,
    IncidentDay,
    IncidentFilters,
    Integration,
    Member,
    Project,
    StoredHypothesis,
    Tenant,
    UsageDay,
    UsageRecord,
    User,
)
from opsdesk.directory import Tokens
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest

if TYPE_CHECKING:  # the analysis engine's types: only the hypothesis functions load it
    from opsdesk.analysis.evidence import Hypothesis


class CopilotStore(Protocol):
    # Tenants, users, projects and members

    def create_tenant(self, tenant: Tenant, user: User, project: Project, owner: Member) -> None:
        """Everything a registration writes, in one transaction; Conflict when the slug is taken."""
        ...

    def get_tenant(self, tenant_id: str) -> Tenant | None: ...

    def get_user(self, tenant_id: str, user_id: str) -> User | None: ...

    def find_user_by_email(self, tenant_id: str, email: str) -> User | None: ...

    def set_current_project(self, user: User, project_id: str | None) -> User: ...

    def create_project(self, project: Project, owner: Member, user: User) -> None: ...

    def get_project(self, tenant_id: str, project_id: str) -> Project | None: ...

    def get_projects(self, tenant_id: str, project_ids: Sequence[str]) -> list[Project]: ...

    def update_project(self, before: Project, after: Project) -> None:
        """Conflict when someone changed it meanwhile."""
        ...

    def delete_project(self, project: Project,
                       on_integration_gone: Callable[[Integration], None] | None = None) -> None:
        """The project (Conflict when someone changed it meanwhile), its integrations (each reported to
        `on_integration_gone` once it is gone, even when the delete fails later), then every membership and each
        member's role in it: with the project in one transaction up to DynamoDB's 100 items, the rest after it."""
        ...

    def list_members(self, tenant_id: str, project_id: str) -> list[Member]: ...

    def get_member(self, tenant_id: str, project_id: str, user_id: str) -> Member | None: ...

    def save_member(self, tenant_id: str, project: Project, member: Member, previous: Member | None,
                    user: User | None) -> None:
        """Add or change a membership: the member item, the user's role map and the project's owner count in one
        transaction, on the condition that the project and the previous membership are as read (Conflict).
        `user` None: the user item does not exist yet (an invitation) and is created."""
        ...

    def remove_member(self, tenant_id: str, project: Project, member: Member, user: User) -> None:
        """Take the membership, the user's role in the project and its owner count in one transaction, on the
        condition that the project, the membership and the user are as read (Conflict)."""
        ...

    # Incidents and hypotheses

    def create_incident(self, tenant_id: str, incident: Incident, events: Sequence[DomainEvent] = (),
                        alert: Alert | None = None) -> None:
        """Conflict when another incident has the id (the same create again changes nothing). `alert`: the alert
        that opened it, written in the same write, so its hypotheses never rank it without the alert."""
        ...

    def get_incident(self, tenant_id: str, project_id: str, incident_id: str) -> Incident | None: ...

    def query_incidents(self, tenant_id: str, project_id: str, filters: IncidentFilters,
                        page: OffsetRequest) -> list[Incident]:
        """Newest first, `page.offset` skipped: a Query reading offset + limit items, never a Scan."""
        ...

    def update_incident(self, tenant_id: str, before: Incident, after: Incident,
                        events: Sequence[DomainEvent] = ()) -> None:
        """Conflict when the incident changed since `before` was read (its version)."""
        ...

    def past_incidents(self, tenant_id: str, project_id: str, service_name: str, limit: int) -> list[Incident]:
        """The service's latest incidents, newest first (a Query)."""
        ...

    def save_hypotheses(self, tenant_id: str, incident: Incident, hypotheses: Sequence[StoredHypothesis],
                        usage: UsageRecord, *, cache_key: str, events: Sequence[DomainEvent] = (),
                        event_key: str | None = None) -> None:
        """Replace the incident's hypotheses, count the usage on the incident and the day, remember the result
        under `cache_key`, and publish `events`, in one transaction. A new hypothesis without feedback takes the
        feedback given to its cause in the ranking it replaces. With `event_key` (the stream event ranked for) the
        transaction also marks the event ranked, and does nothing when it was (a redelivery)."""
        ...

    def event_ranked(self, tenant_id: str, project_id: str, event_key: str) -> bool:
        """Whether hypotheses were saved for the stream event `event_key` (its marker is kept RANKED_EVENT_TTL)."""
        ...

    def list_hypotheses(self, tenant_id: str, project_id: str, incident_id: str) -> list[StoredHypothesis]: ...

    def cached_hypotheses(self, tenant_id: str, project_id: str, cache_key: str) -> list[Hypothesis] | None: ...

    def set_feedback(self, tenant_id: str, project_id: str, hypothesis: StoredHypothesis, feedback: str,
                     incident: Incident) -> None:
        """Record a confirmation or rejection, move the project's prior for the cause, and set the incident's
        confirmed cause (confirmed) or clear it (rejected, when it is this cause), conditioned on its version."""
        ...

    def cause_priors(self, tenant_id: str, project_id: str) -> dict[str, float]: ...

    # Evidence, alerts, changes

    def save_alert(self, tenant_id: str, alert: Alert, events: Sequence[DomainEvent] = ()) -> None: ...

    def save_change(self, tenant_id: str, change: ChangeEvent) -> None: ...

    def alerts_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                       limit: int) -> list[Alert]: ...

    def changes_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                        limit: int) -> list[ChangeEvent]: ...

    def query_alerts(self, tenant_id: str, project_id: str, page: OffsetRequest) -> list[Alert]:
        """Newest first (a Query reading offset + limit items)."""
        ...

    # Monitoring integrations

    def save_integration(self, tenant_id: str, integration: Integration, *, create: bool,
                         read: Integration | None = None) -> None:
        """Conflict when it changed since `read` (the caller's read; else the store reads it), or its project is
        gone or being deleted, or (a create) already holds MAX_PROJECT_INTEGRATIONS (PROJECT_INTEGRATIONS_FULL)."""
        ...

    def get_integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration | None: ...

    def list_integrations(self, tenant_id: str, project_id: str) -> list[Integration]:
        """Every integration of the project, oldest first."""
        ...

    def delete_integration(self, tenant_id: str, integration: Integration) -> None: ...

    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        """Proven AWS accounts due to be proven again by `now` (opsdesk.copilot.proofs), the longest due first;
        their items are written, moved and deleted with their integrations."""
        ...

    def forget_proof(self, proof: DueProof) -> None: ...

    # Analytics aggregates (kept on write)

    def usage_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[UsageDay]:
        """One item per day and request type (a Query on the project's usage partition)."""
        ...

    def incident_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[IncidentDay]: ...

    def most_expensive_incidents(self, tenant_id: str, project_id: str, limit: int) -> list[Incident]: ...


class UserDirectory(Protocol):
    """The platform's user pool, as the copilot's auth routes use it."""

    def create_user(self, email: str, password: str, full_name: str, tenant_id: str) -> str:
        """The new user's `sub`. Conflict when the email is taken; ValidationFailed when the pool refuses the
        password."""
        ...

    def invite_user(self, email: str, full_name: str, tenant_id: str) -> tuple[str, str]:
        """(`sub`, a temporary password) of a new user who must choose a password on first sign-in."""
        ...

    def delete_user(self, email: str) -> None: ...

    def sign_in(self, email: str, password: str, new_password: str | None = None) -> Tokens:
        """Unauthorized for wrong credentials."""
        ...

    def refresh(self, refresh_token: str) -> Tokens: ...

    def revoke(self, refresh_token: str) -> None: ...
