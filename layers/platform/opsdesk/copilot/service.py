"""The copilot's rules: who may do what in which project, incidents and their states, hypotheses feedback.
Plain Python over the store Protocol (opsdesk.copilot.store); accounts, hypotheses, integrations and analytics
have their own services beside this one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from opsdesk.auth import Principal
from opsdesk.clock import utc_now
from opsdesk.copilot.records import (
    Alert,
    Incident,
    IncidentFilters,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    StoredHypothesis,
    User,
)
from opsdesk.copilot.store import CopilotStore
from opsdesk.copilot.workflow import can_move, moved
from opsdesk.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized, ValidationFailed
from opsdesk.events import RANKING_CHANNEL, DomainEvent, project_stream
from opsdesk.frozen import frozen
from opsdesk.pagination import OffsetRequest, beyond_reach, reach_probe, too_deep

T = TypeVar("T")

if TYPE_CHECKING:  # annotations only: the alert path and the hypothesis ranker use this service without a body
    from opsdesk.copilot.requests import (
        AddMemberRequest,
        CreateIncidentRequest,
        CreateProjectRequest,
        UpdateMemberRequest,
        UpdateProjectRequest,
    )
    from opsdesk.secrets import SecretStore

InviteUser = Callable[[str, str, Project], str]
"""Makes a user of the tenant for an email that has none and mails them the invitation: (email, full name,
project) -> the new user's id. The accounts service provides it (it owns the user directory)."""
NO_PROJECT = "No active project: switch to a project you are a member of (POST /auth/switch-project)"


@frozen
class ProjectContext:
    """The caller in their current project: who they are there."""

    user: User
    project_id: str
    role: Role

    @property
    def tenant_id(self) -> str:
        return self.user.tenant_id

    def require(self, role: Role, action: str) -> None:
        if not self.role.at_least(role):
            raise Forbidden(f"{action} needs the {role.value} role in this project (you are {self.role.value})")


def incident_created_event(incident: Incident) -> DomainEvent:
    return DomainEvent("incident.created", project_stream("incidents", incident.project_id),
                       {"id": incident.id, "title": incident.title, "severity": incident.severity.value,
                        "state": incident.state.value})


def incident_updated_event(incident: Incident) -> DomainEvent:
    return DomainEvent("incident.updated", project_stream("incidents", incident.project_id),
                       {"id": incident.id, "state": incident.state.value})


def alert_fired_event(alert: Alert) -> DomainEvent:
    return DomainEvent("alert.fired", project_stream("alerts", alert.project_id),
                       {"alertname": alert.name, "severity": alert.severity, "service": alert.service,
                        "description": alert.described})


def ranking_requested_event(incident: Incident) -> DomainEvent:
    """New evidence (an alert that joined the incident): rank its hypotheses again."""
    return DomainEvent("hypotheses.requested", project_stream(RANKING_CHANNEL, incident.project_id),
                       {"id": incident.id})


STATE_CHANGE_ATTEMPTS = 3
"""A state change read again when the incident moved meanwhile without changing state (hypotheses ranked)."""


class CopilotService:
    def __init__(self, store: CopilotStore) -> None:
        self._store = store

    # Who is asking

    def user(self, principal: Principal) -> User:
        """The caller's copilot user; a Cognito user the copilot has never seen is not one of its users."""
        user = self._store.get_user(principal.tenant_id, principal.user_id)
        if user is None:
            raise Unauthorized("User not found")
        return user

    def context(self, principal: Principal) -> ProjectContext:
        user = self.user(principal)
        project_id = user.active_project_id
        if project_id is None:
            raise Forbidden(NO_PROJECT)
        return ProjectContext(user, project_id, user.roles[project_id])

    def project_context(self, principal: Principal, project_id: str) -> tuple[ProjectContext, Project]:
        """The caller in the project the path names; a project they are not a member of does not exist for
        them (404), whoever's it is."""
        user = self.user(principal)
        role = user.roles.get(project_id)
        project = self._store.get_project(user.tenant_id, project_id) if role else None
        if role is None or project is None:
            raise NotFound("Project not found")
        return ProjectContext(user, project_id, role), project

    # Projects

    def list_projects(self, principal: Principal) -> list[tuple[Project, Role]]:
        user = self.user(principal)
        projects = self._store.get_projects(user.tenant_id, sorted(user.roles))
        return sorted(((p, user.roles[p.id]) for p in projects), key=lambda pair: (pair[0].created_at, pair[0].id))

    def create_project(self, principal: Principal, request: CreateProjectRequest) -> tuple[Project, Role]:
        user = self.user(principal)
        now = utc_now()
        project = Project(id=str(uuid.uuid4()), tenant_id=user.tenant_id, name=request.name,
                          description=request.description, created_at=now, updated_at=now)
        owner = Member(project.id, user.id, user.email, user.full_name, Role.OWNER, now)
        self._store.create_project(project, owner, user)
        return project, Role.OWNER

    def get_project(self, principal: Principal, project_id: str) -> tuple[Project, Role]:
        context, project = self.project_context(principal, project_id)
        return project, context.role

    def update_project(self, principal: Principal, project_id: str, request: UpdateProjectRequest) -> Project:
        context, project = self.project_context(principal, project_id)
        context.require(Role.OWNER, "Changing a project")
        _require_not_deleting(project)
        changes = request.model_dump(exclude_unset=True, exclude_none=True)
        if not changes:
            raise ValidationFailed.on_field("body", "Nothing to change: send name or description")
        after = replace(project, **changes, updated_at=utc_now(), version=project.version + 1)
        self._store.update_project(project, after)
        return after

    def delete_project(self, principal: Principal, project_id: str, secrets: SecretStore | None = None) -> None:
        """The project goes with its members and integrations (CopilotStore.delete_project), then the credentials
        of every integration that went, from `secrets`, also when the delete failed after taking some."""
        context, project = self.project_context(principal, project_id)
        context.require(Role.OWNER, "Deleting a project")
        gone: list[Integration] = []
        try:
            self._store.delete_project(project, gone.append)
        finally:  # outside the store's delete, so a slow Secrets Manager cannot leave the project marked
            if secrets is not None:
                _forget_credentials(secrets, gone)

    # Members

    def list_members(self, principal: Principal, project_id: str) -> list[Member]:
        context, _ = self.project_context(principal, project_id)
        return self._store.list_members(context.tenant_id, project_id)

    def add_member(self, principal: Principal, project_id: str, request: AddMemberRequest,
                   invite: InviteUser) -> Member:
        context, project = self.project_context(principal, project_id)
        context.require(Role.ADMIN, "Adding members")
        _require_not_deleting(project)
        _check_grant(context, request.role)
        user = self._find_user(context.tenant_id, request)
        invited = False
        if user is None:
            if request.email is None:
                raise NotFound("User not found")
            user_id = invite(request.email, request.full_name or request.email, project)
            user, invited = None, True
            email, full_name = request.email, request.full_name or request.email
        else:
            if project_id in user.roles:
                raise Conflict("User is already a member of this project")
            user_id, email, full_name = user.id, user.email, user.full_name
        member = Member(project_id, user_id, email, full_name, request.role, utc_now(), invited=invited)
        self._store.save_member(context.tenant_id, project, member, None, user)
        return member

    def update_member(self, principal: Principal, project_id: str, user_id: str,
                      request: UpdateMemberRequest) -> Member:
        context, project = self.project_context(principal, project_id)
        context.require(Role.ADMIN, "Changing roles")
        _require_not_deleting(project)
        member = self._member(context, user_id)
        if Role.OWNER in (member.role, request.role):
            _check_grant(context, Role.OWNER)
        if member.role is Role.OWNER and request.role is not Role.OWNER and project.owner_count <= 1:
            raise Conflict("The last owner cannot be demoted: make someone else owner first")
        after = replace(member, role=request.role)
        if after != member:
            user = self._store.get_user(context.tenant_id, user_id)
            self._store.save_member(context.tenant_id, project, after, member, user)
        return after

    def remove_member(self, principal: Principal, project_id: str, user_id: str) -> None:
        context, project = self.project_context(principal, project_id)
        context.require(Role.ADMIN, "Removing members")
        _require_not_deleting(project)
        member = self._member(context, user_id)
        if member.role is Role.OWNER:
            _check_grant(context, Role.OWNER)
            if project.owner_count <= 1:
                raise Conflict("The last owner cannot be removed: make someone else owner first")
        user = self._store.get_user(context.tenant_id, user_id)
        if user is None:
            raise NotFound("Member not found")
        self._store.remove_member(context.tenant_id, project, member, user)

    def _member(self, context: ProjectContext, user_id: str) -> Member:
        member = self._store.get_member(context.tenant_id, context.project_id, user_id)
        if member is None:
            raise NotFound("Member not found")
        return member

    def _find_user(self, tenant_id: str, request: AddMemberRequest) -> User | None:
        if request.user_id is not None:
            return self._store.get_user(tenant_id, request.user_id)
        assert request.email is not None
        return self._store.find_user_by_email(tenant_id, request.email)

    # Incidents

    def create_incident(self, principal: Principal, request: CreateIncidentRequest) -> Incident:
        context = self.context(principal)
        context.require(Role.MEMBER, "Creating incidents")
        now = utc_now()
        incident = Incident(id=str(uuid.uuid4()), project_id=context.project_id, title=request.title,
                            description=request.description, service_name=request.service_name,
                            severity=request.severity, state=IncidentState.DETECTED, detected_at=now,
                            created_at=now, updated_at=now, created_by=context.user.id)
        self._store.create_incident(context.tenant_id, incident, [incident_created_event(incident)])
        return incident

    def list_incidents(self, principal: Principal, filters: IncidentFilters, page: OffsetRequest) -> list[Incident]:
        context = self.context(principal)
        return _offset_page(page, lambda deep: self._store.query_incidents(context.tenant_id, context.project_id,
                                                                           filters, deep))

    def get_incident(self, principal: Principal, incident_id: str) -> Incident:
        context = self.context(principal)
        return self._incident(context, incident_id)

    def change_state(self, principal: Principal, incident_id: str, target: IncidentState) -> Incident:
        context = self.context(principal)
        context.require(Role.MEMBER, "Changing an incident's state")
        for _ in range(STATE_CHANGE_ATTEMPTS):
            incident = self._incident(context, incident_id)
            if incident.state is target:
                return incident  # a retried request: nothing to do, and nothing to announce
            if not can_move(incident.state, target):
                raise Conflict(f"Cannot move an incident from {incident.state.value} to {target.value}")
            after = moved(incident, target, utc_now())
            try:
                self._store.update_incident(context.tenant_id, incident, after, [incident_updated_event(after)])
                return after
            except Conflict:
                # The incident changed since it was read. If only its AI figures moved (hypotheses were ranked
                # meanwhile) the state is as it was and the move is still the person's to make: read it again.
                now = self._incident(context, incident_id)
                if now.state is not incident.state:
                    raise
        raise Conflict("Incident changed meanwhile; reload and retry")

    def hypotheses(self, principal: Principal, incident_id: str) -> list[StoredHypothesis]:
        context = self.context(principal)
        self._incident(context, incident_id)
        return self._store.list_hypotheses(context.tenant_id, context.project_id, incident_id)

    def give_feedback(self, principal: Principal, incident_id: str, hypothesis_id: str,
                      feedback: str) -> StoredHypothesis:
        context = self.context(principal)
        context.require(Role.MEMBER, "Judging hypotheses")
        incident = self._incident(context, incident_id)
        found = next((h for h in self._store.list_hypotheses(context.tenant_id, context.project_id, incident_id)
                      if h.id == hypothesis_id), None)
        if found is None:
            raise NotFound("Hypothesis not found")
        if found.user_feedback == feedback:
            return found
        self._store.set_feedback(context.tenant_id, context.project_id, found, feedback, incident)
        return replace(found, user_feedback=feedback)

    def _incident(self, context: ProjectContext, incident_id: str) -> Incident:
        incident = self._store.get_incident(context.tenant_id, context.project_id, incident_id)
        if incident is None:
            raise NotFound("Incident not found")
        return incident

    # Alerts

    def list_alerts(self, principal: Principal, project_id: str, page: OffsetRequest) -> list[Alert]:
        context, _ = self.project_context(principal, project_id)
        return _offset_page(page, lambda deep: self._store.query_alerts(context.tenant_id, project_id, deep))


def _offset_page(page: OffsetRequest, query: Callable[[OffsetRequest], list[T]]) -> list[T]:
    """The page `query` reads. A page deeper than lists are read (the copilot's lists report no total) is empty
    when the list ends within the read depth, which one item read at that depth tells (as deep as the deepest page
    costs); in a longer list it is a validation error naming `skip`."""
    if not beyond_reach(page.offset):
        return query(page)
    if query(reach_probe()):
        raise too_deep("skip")
    return []


def _forget_credentials(secrets: SecretStore, integrations: list[Integration]) -> None:
    for integration in integrations:
        if integration.secret_ref:
            with suppress(DomainError):  # the integration is gone either way; a credential left has no route
                secrets.delete(integration.secret_ref)


def _require_not_deleting(project: Project) -> None:
    if project.deleting:  # the delete reads what it takes once it has marked the project (and a retry reads again)
        raise Conflict("The project is being deleted: it and its members cannot change")


def _check_grant(context: ProjectContext, role: Role) -> None:
    """Nobody hands out more than they have: only an owner makes, demotes or removes owners."""
    if role is Role.OWNER and context.role is not Role.OWNER:
        raise Forbidden("Only an owner can grant, change or remove the owner role")


def elapsed_minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 2)
