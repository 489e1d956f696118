"""An in-memory CopilotStore (opsdesk.copilot.store): the contract the copilot's services rely on, over plain
dicts. Conflicts where the DynamoDB repository's conditions fail (a taken slug, a stale version or owner count, a
membership that is not as read), the same orders (incidents newest first by creation then id, alerts and changes
newest first, members by user id, hypotheses by rank, usage by day and type, costs highest first), offset + limit
pages, and the aggregates kept on write. tests/integration/test_copilot_store_contract.py runs the same cases on
both. Times are kept as given: the repository keeps them to the millisecond, so the contract uses such times."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from opsdesk.alerts.routes import ACCOUNT_HELD, claimed_accounts, route_entries
from opsdesk.analysis.evidence import Hypothesis
from opsdesk.clock import to_rfc3339
from opsdesk.copilot.keys import proof_sk
from opsdesk.copilot.proofs import DueProof, DueProofPage, proof_due
from opsdesk.copilot.records import (
    MAX_PROJECT_INTEGRATIONS,
    PROJECT_INTEGRATIONS_FULL,
    Alert,
    ChangeEvent,
    Incident,
    IncidentDay,
    IncidentFilters,
    Integration,
    Member,
    Project,
    Role,
    StoredHypothesis,
    Tenant,
    UsageDay,
    UsageRecord,
    User,
)
from opsdesk.errors import Conflict, NotFound
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest

PRIOR_STEP = {"confirmed": 1.0, "rejected": -1.0}
MAX_HYPOTHESES = 10
T = TypeVar("T")


@dataclass
class _Usage:
    requests: int = 0
    tokens: int = 0
    cost_micros: int = 0
    cache_hits: int = 0


@dataclass
class _Day:
    created: int = 0
    with_hypotheses: int = 0


ProjectKey = tuple[str, str]
"""(tenant id, project id)"""



def accounts_routed(tenant_id: str, integration: Integration) -> set[str]:
    """The AWS accounts whose alarms the integration routes, as the repository counts them."""
    return claimed_accounts(route_entries(tenant_id, integration.project_id, integration.id, integration.type,
                                          config=integration.config, enabled=integration.enabled,
                                          verified_account=integration.verified_account))

class FakeCopilotStore:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.slugs: dict[str, str] = {}
        self.users: dict[tuple[str, str], User] = {}
        self.emails: dict[tuple[str, str], str] = {}
        self.projects: dict[ProjectKey, Project] = {}
        self.members: dict[ProjectKey, dict[str, Member]] = defaultdict(dict)
        self.incidents: dict[ProjectKey, dict[str, Incident]] = defaultdict(dict)
        self.hypotheses: dict[ProjectKey, dict[str, list[StoredHypothesis]]] = defaultdict(dict)
        self.ranked_events: dict[ProjectKey, set[str]] = defaultdict(set)
        self.cache: dict[ProjectKey, dict[str, list[Hypothesis]]] = defaultdict(dict)
        self.priors: dict[ProjectKey, dict[str, float]] = defaultdict(dict)
        self.alerts: dict[ProjectKey, dict[str, Alert]] = defaultdict(dict)
        self.changes: dict[ProjectKey, dict[str, ChangeEvent]] = defaultdict(dict)
        self.integrations: dict[ProjectKey, dict[str, Integration]] = defaultdict(dict)
        self.account_claims: dict[str, tuple[str, set[str]]] = {}
        """AWS account -> (the tenant holding it, its integrations that do)."""
        self.usage: dict[ProjectKey, dict[tuple[str, str], _Usage]] = defaultdict(lambda: defaultdict(_Usage))
        self.days: dict[ProjectKey, dict[str, _Day]] = defaultdict(lambda: defaultdict(_Day))
        self.published: list[tuple[str, DomainEvent]] = []
        self.before_write: Callable[[], None] | None = None
        """Runs once just before the next incident update checks its version: lets a test slip in a change."""
        self._lock = threading.RLock()

    # Tenants, users, projects and members

    def create_tenant(self, tenant: Tenant, user: User, project: Project, owner: Member) -> None:
        with self._lock:
            if tenant.slug in self.slugs:
                if self.tenants.get(tenant.id) == tenant:
                    return  # the same registration again
                raise Conflict(f"Slug {tenant.slug} is taken")
            self.slugs[tenant.slug] = tenant.id
            self.tenants[tenant.id] = tenant
            self._put_user(user)
            self.projects[tenant.id, project.id] = replace(project, owner_count=1)
            self.members[tenant.id, project.id][owner.user_id] = owner

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def get_user(self, tenant_id: str, user_id: str) -> User | None:
        return self.users.get((tenant_id, user_id))

    def find_user_by_email(self, tenant_id: str, email: str) -> User | None:
        user_id = self.emails.get((tenant_id, email.lower()))
        return self.get_user(tenant_id, user_id) if user_id else None

    def set_current_project(self, user: User, project_id: str | None) -> User:
        with self._lock:
            self._check_user(user, "The user changed meanwhile; retry")
            after = replace(user, current_project_id=project_id, version=user.version + 1)
            self._put_user(after)
            return after

    def create_project(self, project: Project, owner: Member, user: User) -> None:
        with self._lock:
            self._check_user(user, "The user changed meanwhile; retry")
            if (project.tenant_id, project.id) in self.projects:
                raise Conflict("The user changed meanwhile; retry")
            self.projects[project.tenant_id, project.id] = replace(project, owner_count=1)
            self.members[project.tenant_id, project.id][owner.user_id] = owner
            self._put_user(replace(user, roles={**user.roles, project.id: Role.OWNER}, version=user.version + 1))

    def get_project(self, tenant_id: str, project_id: str) -> Project | None:
        return self.projects.get((tenant_id, project_id))

    def get_projects(self, tenant_id: str, project_ids: Sequence[str]) -> list[Project]:
        wanted = dict.fromkeys(project_ids)
        return [self.projects[tenant_id, p] for p in wanted if (tenant_id, p) in self.projects]

    def update_project(self, before: Project, after: Project) -> None:
        with self._lock:
            found = self.projects.get((before.tenant_id, before.id))
            if found is None or found.version != before.version:
                raise Conflict("The project changed meanwhile; reload and retry")
            # the owner count moves with memberships only
            self.projects[before.tenant_id, before.id] = replace(after, owner_count=found.owner_count)

    def delete_project(self, project: Project,
                       on_integration_gone: Callable[[Integration], None] | None = None) -> None:
        with self._lock:
            key = (project.tenant_id, project.id)
            found = self.projects.get(key)
            if found is None or found.version != project.version:
                raise Conflict("The project changed meanwhile; reload and retry")
            del self.projects[key]
            for integration in self.integrations.pop(key, {}).values():  # its alerts stop with it
                self._release(accounts_routed(project.tenant_id, integration), integration.id)
                if on_integration_gone is not None:
                    on_integration_gone(integration)
            for member in list(self.members[key].values()):
                self.members[key].pop(member.user_id, None)
                user = self.users.get((project.tenant_id, member.user_id))
                if user is not None:
                    self._put_user(_without_project(user, project.id))

    def list_members(self, tenant_id: str, project_id: str) -> list[Member]:
        return [m for _, m in sorted(self.members[tenant_id, project_id].items())]

    def get_member(self, tenant_id: str, project_id: str, user_id: str) -> Member | None:
        return self.members[tenant_id, project_id].get(user_id)

    def save_member(self, tenant_id: str, project: Project, member: Member, previous: Member | None,
                    user: User | None) -> None:
        with self._lock:
            conflict = Conflict("The project's members changed meanwhile; reload and retry")
            self._check_owner_count(tenant_id, project, conflict)
            if self.members[tenant_id, project.id].get(member.user_id) != previous:
                raise conflict
            if user is None:
                if (tenant_id, member.user_id) in self.users:
                    raise conflict
                made = User(member.user_id, tenant_id, member.email, member.full_name, project.id,
                            {project.id: member.role})
            else:
                self._check_user(user, conflict.message)
                made = replace(user, roles={**user.roles, project.id: member.role}, version=user.version + 1,
                               current_project_id=user.current_project_id or project.id)
            owners = project.owner_count + (member.role is Role.OWNER) - (
                previous is not None and previous.role is Role.OWNER)
            self.projects[tenant_id, project.id] = replace(self.projects[tenant_id, project.id], owner_count=owners)
            self.members[tenant_id, project.id][member.user_id] = member
            self._put_user(made)

    def remove_member(self, tenant_id: str, project: Project, member: Member, user: User) -> None:
        with self._lock:
            conflict = Conflict("The project's members changed meanwhile; reload and retry")
            self._check_owner_count(tenant_id, project, conflict)
            if self.members[tenant_id, project.id].get(member.user_id) != member:
                raise conflict
            self._check_user(user, conflict.message)
            owners = project.owner_count - (member.role is Role.OWNER)
            self.projects[tenant_id, project.id] = replace(self.projects[tenant_id, project.id], owner_count=owners)
            del self.members[tenant_id, project.id][member.user_id]
            self._put_user(_without_project(user, project.id))

    # Incidents and hypotheses

    def create_incident(self, tenant_id: str, incident: Incident, events: Sequence[DomainEvent] = (),
                        alert: Alert | None = None) -> None:
        with self._lock:
            incidents = self.incidents[tenant_id, incident.project_id]
            alerts = self.alerts[tenant_id, incident.project_id]
            if incident.id in incidents:
                if incidents[incident.id] == incident and (alert is None or alert in alerts.values()):
                    return  # the same create again
                raise Conflict("Incident already exists")
            incidents[incident.id] = incident
            if alert is not None:
                alerts[_timeline(alert.starts_at, alert.id)] = alert
            self.days[tenant_id, incident.project_id][incident.created_at.date().isoformat()].created += 1
            self.published.extend((tenant_id, e) for e in events)

    def get_incident(self, tenant_id: str, project_id: str, incident_id: str) -> Incident | None:
        return self.incidents[tenant_id, project_id].get(incident_id)

    def query_incidents(self, tenant_id: str, project_id: str, filters: IncidentFilters,
                        page: OffsetRequest) -> list[Incident]:
        found = [i for i in self._newest_first(tenant_id, project_id)
                 if filters.severity in (None, i.severity) and filters.state in (None, i.state)]
        return found[page.offset:page.offset + page.limit]

    def update_incident(self, tenant_id: str, before: Incident, after: Incident,
                        events: Sequence[DomainEvent] = ()) -> None:
        if self.before_write is not None:
            hook, self.before_write = self.before_write, None
            hook()
        with self._lock:
            incidents = self.incidents[tenant_id, before.project_id]
            found = incidents.get(before.id)
            if found == after:
                return  # the same update again
            if found is None or found.version != before.version:
                raise Conflict("Incident changed meanwhile; reload and retry")
            incidents[before.id] = after
            self.published.extend((tenant_id, e) for e in events)

    def past_incidents(self, tenant_id: str, project_id: str, service_name: str, limit: int) -> list[Incident]:
        wanted = service_name.lower()
        return [i for i in self._newest_first(tenant_id, project_id) if i.service_name.lower() == wanted][:limit]

    def save_hypotheses(self, tenant_id: str, incident: Incident, hypotheses: Sequence[StoredHypothesis],
                        usage: UsageRecord, *, cache_key: str, events: Sequence[DomainEvent] = (),
                        event_key: str | None = None) -> None:
        if len(hypotheses) > MAX_HYPOTHESES:
            raise ValueError(f"At most {MAX_HYPOTHESES} hypotheses are kept per incident")
        with self._lock:
            key = (tenant_id, incident.project_id)
            if event_key is not None and event_key in self.ranked_events[key]:
                return  # the event was ranked for: a redelivery changes nothing
            current = self.incidents[key].get(incident.id)
            if current is None:
                raise NotFound("Incident not found")
            tokens = usage.input_tokens + usage.output_tokens
            self.incidents[key][incident.id] = replace(
                current, hypothesis_count=len(hypotheses), ai_requests=current.ai_requests + 1,
                ai_tokens=current.ai_tokens + tokens, ai_cost_micros=current.ai_cost_micros + usage.cost_micros,
                version=current.version + 1)
            judged = {h.cause: h.user_feedback for h in self.hypotheses[key].get(incident.id, []) if h.user_feedback}
            ranked = [h if h.user_feedback or h.cause not in judged else replace(h, user_feedback=judged[h.cause])
                      for h in hypotheses]
            self.hypotheses[key][incident.id] = sorted(ranked, key=lambda h: (h.rank, h.id))
            counted = self.usage[key][usage.at.date().isoformat(), usage.request_type]
            counted.requests += 1
            counted.tokens += tokens
            counted.cost_micros += usage.cost_micros
            counted.cache_hits += 1 if usage.cache_hit else 0
            if current.hypothesis_count == 0 and hypotheses:
                self.days[key][current.created_at.date().isoformat()].with_hypotheses += 1
            if not usage.cache_hit:
                self.cache[key][cache_key] = [_as_hypothesis(h) for h in hypotheses]
            if event_key is not None:
                self.ranked_events[key].add(event_key)
            self.published.extend((tenant_id, e) for e in events)

    def event_ranked(self, tenant_id: str, project_id: str, event_key: str) -> bool:
        return event_key in self.ranked_events[tenant_id, project_id]

    def list_hypotheses(self, tenant_id: str, project_id: str, incident_id: str) -> list[StoredHypothesis]:
        return list(self.hypotheses[tenant_id, project_id].get(incident_id, []))

    def cached_hypotheses(self, tenant_id: str, project_id: str, cache_key: str) -> list[Hypothesis] | None:
        found = self.cache[tenant_id, project_id].get(cache_key)
        return list(found) if found is not None else None

    def set_feedback(self, tenant_id: str, project_id: str, hypothesis: StoredHypothesis, feedback: str,
                     incident: Incident) -> None:
        with self._lock:
            key = (tenant_id, project_id)
            stored = self.hypotheses[key].get(hypothesis.incident_id, [])
            judged = replace(hypothesis, user_feedback=feedback)
            if judged in stored:
                return  # the same judgement again
            if hypothesis not in stored:
                raise Conflict("The incident changed meanwhile; retry")
            confirmed = feedback == "confirmed"
            if confirmed or incident.confirmed_cause == hypothesis.cause:
                current = self.incidents[key].get(incident.id)
                if current is None or current.version != incident.version:
                    raise Conflict("The incident changed meanwhile; retry")
                self.incidents[key][incident.id] = replace(
                    incident, confirmed_cause=hypothesis.cause if confirmed else None, version=incident.version + 1)
            self.hypotheses[key][hypothesis.incident_id] = [judged if h == hypothesis else h for h in stored]
            step = PRIOR_STEP[feedback] - PRIOR_STEP.get(hypothesis.user_feedback or "", 0.0)
            self.priors[key][hypothesis.cause] = self.priors[key].get(hypothesis.cause, 0.0) + step

    def cause_priors(self, tenant_id: str, project_id: str) -> dict[str, float]:
        return dict(self.priors[tenant_id, project_id])

    # Evidence, alerts, changes

    def save_alert(self, tenant_id: str, alert: Alert, events: Sequence[DomainEvent] = ()) -> None:
        with self._lock:
            self.alerts[tenant_id, alert.project_id][_timeline(alert.starts_at, alert.id)] = alert
            self.published.extend((tenant_id, e) for e in events)

    def save_change(self, tenant_id: str, change: ChangeEvent) -> None:
        with self._lock:
            self.changes[tenant_id, change.project_id][_timeline(change.at, change.id)] = change

    def alerts_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                       limit: int) -> list[Alert]:
        return _between(self.alerts[tenant_id, project_id], start, end)[:limit]

    def changes_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                        limit: int) -> list[ChangeEvent]:
        return _between(self.changes[tenant_id, project_id], start, end)[:limit]

    def query_alerts(self, tenant_id: str, project_id: str, page: OffsetRequest) -> list[Alert]:
        newest_first = [a for _, a in sorted(self.alerts[tenant_id, project_id].items(), reverse=True)]
        return newest_first[page.offset:page.offset + page.limit]

    # Monitoring integrations

    def save_integration(self, tenant_id: str, integration: Integration, *, create: bool,
                         read: Integration | None = None) -> None:
        with self._lock:
            integrations = self.integrations[tenant_id, integration.project_id]
            if create and integrations.get(integration.id, integration) != integration:
                raise Conflict("Integration already exists")
            if not create and integration.id not in integrations:
                raise NotFound("Integration not found")
            if read is not None and integrations[integration.id] != read:
                raise Conflict("The integration changed meanwhile; reload and retry")
            if (tenant_id, integration.project_id) not in self.projects:
                raise Conflict("Integration already exists, or its project is being deleted")
            if create and integration.id not in integrations and len(integrations) >= MAX_PROJECT_INTEGRATIONS:
                raise Conflict(PROJECT_INTEGRATIONS_FULL)
            held = accounts_routed(tenant_id, integration)
            for account in sorted(held):
                holder, holders = self.account_claims.get(account, (tenant_id, set()))
                if holders and holder != tenant_id:
                    raise Conflict(ACCOUNT_HELD.format(account=account))
            before = integrations.get(integration.id)
            self._release(before and accounts_routed(tenant_id, before) - held, integration.id)
            for account in held:
                self.account_claims[account] = (tenant_id, self.account_claims.get(account, ("", set()))[1]
                                                | {integration.id})
            integrations[integration.id] = integration

    def _release(self, accounts: set[str] | None, integration_id: str) -> None:
        for account in accounts or ():
            holder, holders = self.account_claims.get(account, ("", set()))
            self.account_claims[account] = (holder, holders - {integration_id})

    def get_integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration | None:
        return self.integrations[tenant_id, project_id].get(integration_id)

    def list_integrations(self, tenant_id: str, project_id: str) -> list[Integration]:
        return sorted(self.integrations[tenant_id, project_id].values(), key=lambda i: (i.created_at, i.id))

    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        due_by = f"{to_rfc3339(now)}#~"
        due = [DueProof(tenant_id, project_id, integration.id, proof_sk(when, tenant_id, project_id, integration.id))
               for (tenant_id, project_id), integrations in self.integrations.items()
               for integration in integrations.values() if (when := proof_due(integration)) is not None]
        page = [p for p in sorted(due, key=lambda p: p.marker) if (after is None or p.marker > after)
                and p.marker <= due_by][:limit]
        return DueProofPage(tuple(page), page[-1].marker if len(page) == limit else None)

    def forget_proof(self, proof: DueProof) -> None:
        """Nothing to forget: the fake's proofs are its integrations'."""

    def delete_integration(self, tenant_id: str, integration: Integration) -> None:
        with self._lock:
            self.integrations[tenant_id, integration.project_id].pop(integration.id, None)
            self._release(accounts_routed(tenant_id, integration), integration.id)

    # Analytics aggregates

    def usage_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[UsageDay]:
        low, high = first.isoformat(), last.isoformat()
        return [UsageDay(day, kind, u.requests, u.tokens, u.cost_micros, u.cache_hits)
                for (day, kind), u in sorted(self.usage[tenant_id, project_id].items()) if low <= day <= high]

    def incident_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[IncidentDay]:
        low, high = first.isoformat(), last.isoformat()
        return [IncidentDay(day, d.created, d.with_hypotheses)
                for day, d in sorted(self.days[tenant_id, project_id].items()) if low <= day <= high]

    def most_expensive_incidents(self, tenant_id: str, project_id: str, limit: int) -> list[Incident]:
        costly = [i for i in self.incidents[tenant_id, project_id].values() if i.ai_cost_micros]
        return sorted(costly, key=lambda i: (i.ai_cost_micros, i.id), reverse=True)[:limit]

    # Helpers

    def _newest_first(self, tenant_id: str, project_id: str) -> list[Incident]:
        return sorted(self.incidents[tenant_id, project_id].values(),
                      key=lambda i: (to_rfc3339(i.created_at), i.id), reverse=True)

    def _put_user(self, user: User) -> None:
        self.users[user.tenant_id, user.id] = user
        self.emails[user.tenant_id, user.email.lower()] = user.id

    def _check_user(self, user: User, message: str) -> None:
        found = self.users.get((user.tenant_id, user.id))
        if found is None or found.version != user.version:
            raise Conflict(message)

    def _check_owner_count(self, tenant_id: str, project: Project, conflict: Conflict) -> None:
        found = self.projects.get((tenant_id, project.id))
        if found is None or found.owner_count != project.owner_count:
            raise conflict


def _timeline(at: datetime, item_id: str) -> str:
    return f"{to_rfc3339(at)}#{item_id}"


def _between(items: dict[str, T], start: datetime, end: datetime) -> list[T]:
    low, high = _timeline(start, ""), _timeline(end, "~")
    return [item for sk, item in sorted(items.items(), reverse=True) if low <= sk <= high]


def _without_project(user: User, project_id: str) -> User:
    roles = {p: r for p, r in user.roles.items() if p != project_id}
    current = user.current_project_id if user.current_project_id != project_id else None
    return replace(user, roles=roles, current_project_id=current, version=user.version + 1)


def _as_hypothesis(stored: StoredHypothesis) -> Hypothesis:
    return Hypothesis(stored.cause, stored.claim, stored.description, stored.confidence_score,
                      stored.confidence_lower, stored.confidence_upper, stored.rank, stored.supporting_evidence,
                      stored.contradicting_evidence)
