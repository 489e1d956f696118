"""The CopilotStore on DynamoDB (the IncidentsTable; layout in docs/data-model.md). Every list is a Query with a
limit; every change that must stay consistent (a membership and the user's roles and the owner count, an incident
and its events, hypotheses and the usage they cost) is one transaction."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.alerts.routes import RouteEntry, RouteItem, route_entries, route_item
from opsdesk.analysis.evidence import Hypothesis
from opsdesk.copilot import keys
from opsdesk.copilot.items import (
    CounterItem,
    IncidentsTableItem,
    RecordItem,
    alert_item,
    alert_record,
    as_hypothesis,
    change_item,
    change_record,
    email_item,
    hypotheses_from_json,
    hypotheses_json,
    hypothesis_item,
    hypothesis_record,
    incident_item,
    incident_record,
    integration_item,
    integration_record,
    member_item,
    member_record,
    project_item,
    project_record,
    slug_item,
    tenant_item,
    tenant_record,
    user_item,
    user_record,
)
from opsdesk.copilot.records import (
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
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    counter_sk,
    counter_totals,
    domain_error_for,
    get_item,
    record_items_read,
)
from opsdesk.errors import Conflict, DomainError, NotFound
from opsdesk.eventlog import EventLog
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest
from opsdesk.settings import CopilotSettings, load_settings

PRIOR_STEP = {"confirmed": 1.0, "rejected": -1.0}
MAX_HYPOTHESES = 10


def _changed(message: str) -> Callable[[], DomainError]:
    return lambda: Conflict(message)


class CopilotRepository:
    def __init__(self, event_log: EventLog | None = None, settings: CopilotSettings | None = None) -> None:
        settings = settings or load_settings(CopilotSettings)
        bind_table(IncidentsTableItem, settings.incidents_table_name, settings)
        bind_table(RouteItem, settings.incidents_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    # Tenants, users, projects, members

    def create_tenant(self, tenant: Tenant, user: User, project: Project, owner: Member) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(slug_item(tenant), condition=RecordItem.pk.does_not_exist())
            tx.save(tenant_item(tenant), condition=RecordItem.pk.does_not_exist())
            tx.save(user_item(user), condition=RecordItem.pk.does_not_exist())
            tx.save(email_item(user))
            tx.save(project_item(replace(project, owner_count=1)), condition=RecordItem.pk.does_not_exist())
            tx.save(member_item(tenant.id, owner))

        def outcome() -> Outcome:  # our own earlier attempt, or someone else's tenant with the slug
            ours = self.get_tenant(tenant.id) == tenant_record(tenant_item(tenant))
            return Outcome.DONE if ours else Outcome.CONFLICT

        self._commit(write, _changed(f"Slug {tenant.slug} is taken"), outcome)

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.TENANT_SK)
        return tenant_record(item) if item else None

    def get_user(self, tenant_id: str, user_id: str) -> User | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.user_sk(user_id))
        return user_record(item) if item else None

    def find_user_by_email(self, tenant_id: str, email: str) -> User | None:
        lookup = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.email_sk(email))
        return self.get_user(tenant_id, lookup.refId) if lookup and lookup.refId else None

    def set_current_project(self, user: User, project_id: str | None) -> User:
        after = replace(user, current_project_id=project_id, version=user.version + 1)
        self._commit(lambda tx: tx.save(user_item(after), condition=RecordItem.version == user.version),
                     _changed("The user changed meanwhile; retry"), lambda: Outcome.CONFLICT)
        return after

    def create_project(self, project: Project, owner: Member, user: User) -> None:
        after = replace(user, roles={**user.roles, project.id: Role.OWNER}, version=user.version + 1)

        def write(tx: TransactWrite) -> None:
            tx.save(project_item(replace(project, owner_count=1)), condition=RecordItem.pk.does_not_exist())
            tx.save(member_item(project.tenant_id, owner))
            tx.save(user_item(after), condition=RecordItem.version == user.version)

        self._commit(write, _changed("The user changed meanwhile; retry"), lambda: Outcome.CONFLICT)

    def get_project(self, tenant_id: str, project_id: str) -> Project | None:
        item = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.project_sk(project_id))
        return project_record(item) if item else None

    def get_projects(self, tenant_id: str, project_ids: Sequence[str]) -> list[Project]:
        wanted = list(dict.fromkeys(project_ids))
        if not wanted:
            return []
        try:
            found = list(RecordItem.batch_get([(keys.tenant_pk(tenant_id), keys.project_sk(p)) for p in wanted],
                                              consistent_read=True))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        by_id = {project.id: project for project in map(project_record, found)}
        return [by_id[p] for p in wanted if p in by_id]  # BatchGetItem answers in no particular order

    def update_project(self, before: Project, after: Project) -> None:
        # The name and description only: the owner count moves with memberships (save_member), not the version, so
        # writing the count as read could undo a membership change made meanwhile.
        item = project_item(after)

        def write(tx: TransactWrite) -> None:
            tx.update(item, actions=[RecordItem.data.set(item.data), RecordItem.version.set(after.version)],
                      condition=RecordItem.version == before.version)

        self._commit(write, _changed("The project changed meanwhile; reload and retry"), lambda: Outcome.CONFLICT)

    def delete_project(self, project: Project, members: Sequence[Member]) -> None:
        users = [self.get_user(project.tenant_id, m.user_id) for m in members]

        def write(tx: TransactWrite) -> None:
            tx.delete(RecordItem(keys.tenant_pk(project.tenant_id), keys.project_sk(project.id)),
                      condition=RecordItem.version == project.version)
            for member in members:
                tx.delete(RecordItem(keys.project_pk(project.tenant_id, project.id), keys.member_sk(member.user_id)))
            for user in users:
                if user is not None:
                    tx.save(user_item(_without_project(user, project.id)),
                            condition=RecordItem.version == user.version)

        self._commit(write, _changed("The project changed meanwhile; reload and retry"), lambda: Outcome.CONFLICT)

    def list_members(self, tenant_id: str, project_id: str) -> list[Member]:
        return [member_record(i) for i in self._query(keys.project_pk(tenant_id, project_id),
                                                      RecordItem.sk.startswith("MEMBER#"), limit=1000)]

    def get_member(self, tenant_id: str, project_id: str, user_id: str) -> Member | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.member_sk(user_id))
        return member_record(item) if item else None

    def save_member(self, tenant_id: str, project: Project, member: Member, previous: Member | None,
                    user: User | None) -> None:
        owners = project.owner_count + (member.role is Role.OWNER) - (previous is not None and
                                                                      previous.role is Role.OWNER)
        if user is None:
            made = User(member.user_id, tenant_id, member.email, member.full_name, project.id,
                        {project.id: member.role})
        else:
            made = replace(user, roles={**user.roles, project.id: member.role}, version=user.version + 1,
                           current_project_id=user.current_project_id or project.id)

        def write(tx: TransactWrite) -> None:
            tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(project.id)),
                      actions=[RecordItem.ownerCount.set(owners)],
                      condition=RecordItem.ownerCount == project.owner_count)
            tx.save(member_item(tenant_id, member),
                    condition=RecordItem.pk.does_not_exist() if previous is None else RecordItem.pk.exists())
            if user is None:
                tx.save(user_item(made), condition=RecordItem.pk.does_not_exist())
                tx.save(email_item(made))
            else:
                tx.save(user_item(made), condition=RecordItem.version == user.version)

        self._commit(write, _changed("The project's members changed meanwhile; reload and retry"),
                     lambda: Outcome.CONFLICT)

    def remove_member(self, tenant_id: str, project: Project, member: Member, user: User) -> None:
        owners = project.owner_count - (member.role is Role.OWNER)

        def write(tx: TransactWrite) -> None:
            tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(project.id)),
                      actions=[RecordItem.ownerCount.set(owners)],
                      condition=RecordItem.ownerCount == project.owner_count)
            tx.delete(RecordItem(keys.project_pk(tenant_id, project.id), keys.member_sk(member.user_id)),
                      condition=RecordItem.pk.exists())
            tx.save(user_item(_without_project(user, project.id)), condition=RecordItem.version == user.version)

        self._commit(write, _changed("The project's members changed meanwhile; reload and retry"),
                     lambda: Outcome.CONFLICT)

    # Incidents and hypotheses

    def create_incident(self, tenant_id: str, incident: Incident, events: Sequence[DomainEvent] = ()) -> None:
        day = incident.created_at.date()

        def write(tx: TransactWrite) -> None:
            tx.save(incident_item(tenant_id, incident), condition=RecordItem.pk.does_not_exist())
            tx.update(CounterItem(keys.usage_pk(tenant_id, incident.project_id),
                                  counter_sk(keys.incident_day_sk(day))),
                      actions=[CounterItem.incidentsCreated.add(1)])
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:  # our own earlier attempt, another incident with the id, or a lost event race
            found = self.get_incident(tenant_id, incident.project_id, incident.id)
            if found is None:
                return Outcome.RETRY
            return Outcome.DONE if found == _as_stored(tenant_id, incident) else Outcome.CONFLICT

        self._commit(write, _changed("Incident already exists"), outcome)

    def get_incident(self, tenant_id: str, project_id: str, incident_id: str) -> Incident | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.incident_sk(incident_id))
        return incident_record(item) if item and item.kind == "incident" else None

    def query_incidents(self, tenant_id: str, project_id: str, filters: IncidentFilters,
                        page: OffsetRequest) -> list[Incident]:
        severity = filters.severity.value if filters.severity else None
        state = filters.state.value if filters.state else None
        if severity and state:
            index, partition = RecordItem.by_severity_state, keys.severity_state_list_pk(tenant_id, project_id,
                                                                                          severity, state)
        elif severity:
            index, partition = RecordItem.by_severity, keys.severity_list_pk(tenant_id, project_id, severity)
        elif state:
            index, partition = RecordItem.by_state, keys.state_list_pk(tenant_id, project_id, state)
        else:
            index, partition = RecordItem.by_project, keys.incidents_list_pk(tenant_id, project_id)
        wanted = page.offset + page.limit
        items = self._query_index(index, partition, wanted)
        return [incident_record(item) for item in items[page.offset:wanted]]

    def update_incident(self, tenant_id: str, before: Incident, after: Incident,
                        events: Sequence[DomainEvent] = ()) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(incident_item(tenant_id, after), condition=RecordItem.version == before.version)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:  # our own earlier attempt, someone else's change, or a lost event race
            found = self.get_incident(tenant_id, before.project_id, before.id)
            if found is not None and found == _as_stored(tenant_id, after):
                return Outcome.DONE
            return Outcome.RETRY if found is not None and found.version == before.version else Outcome.CONFLICT

        self._commit(write, _changed("Incident changed meanwhile; reload and retry"), outcome)

    def past_incidents(self, tenant_id: str, project_id: str, service_name: str, limit: int) -> list[Incident]:
        items = self._query_index(RecordItem.by_service, keys.service_list_pk(tenant_id, project_id, service_name),
                                  limit)
        return [incident_record(item) for item in items]

    def save_hypotheses(self, tenant_id: str, incident: Incident, hypotheses: Sequence[StoredHypothesis],
                        usage: UsageRecord, *, cache_key: str, events: Sequence[DomainEvent] = ()) -> None:
        if len(hypotheses) > MAX_HYPOTHESES:  # old and new, the incident, the counters and events: one transaction
            raise ValueError(f"At most {MAX_HYPOTHESES} hypotheses are kept per incident")
        project_pk = keys.project_pk(tenant_id, incident.project_id)
        usage_pk = keys.usage_pk(tenant_id, incident.project_id)
        new = [hypothesis_item(tenant_id, incident.project_id, h) for h in hypotheses]
        tokens = usage.input_tokens + usage.output_tokens
        cached = hypotheses_json([as_hypothesis(h) for h in hypotheses])

        def write(tx: TransactWrite) -> None:
            # Read anew on every attempt: a change of the incident meanwhile (its state) is kept, not overwritten.
            current = self.get_incident(tenant_id, incident.project_id, incident.id)
            if current is None:
                raise NotFound("Incident not found")
            old = self._query(project_pk, RecordItem.sk.startswith(keys.hypotheses_prefix(incident.id)),
                              limit=MAX_HYPOTHESES * 2)
            kept = {item.sk for item in new}
            for item in old:
                if item.sk not in kept:  # one transaction may not touch an item twice
                    tx.delete(RecordItem(item.pk, item.sk))
            for item in new:
                tx.save(item)
            after = replace(current, hypothesis_count=len(hypotheses), ai_requests=current.ai_requests + 1,
                            ai_tokens=current.ai_tokens + tokens,
                            ai_cost_micros=current.ai_cost_micros + usage.cost_micros, version=current.version + 1)
            tx.save(incident_item(tenant_id, after), condition=RecordItem.version == current.version)
            tx.update(CounterItem(usage_pk, counter_sk(keys.usage_sk(usage.at.date(), usage.request_type))),
                      actions=[CounterItem.requests.add(1), CounterItem.tokens.add(tokens),
                               CounterItem.costMicros.add(usage.cost_micros),
                               CounterItem.cacheHits.add(1 if usage.cache_hit else 0)])
            if current.hypothesis_count == 0 and hypotheses:
                # Counted on the incident's own day, beside its creation: "of the incidents of these days, how many
                # got hypotheses".
                tx.update(CounterItem(usage_pk, counter_sk(keys.incident_day_sk(current.created_at.date()))),
                          actions=[CounterItem.incidentsWithHypotheses.add(1)])
            if not usage.cache_hit:
                tx.save(RecordItem(project_pk, keys.cache_sk(cache_key), kind="cache", data=cached))
            self._transactions.publish(tx, tenant_id, events)

        self._commit(write, _changed("Incident changed meanwhile; ranking again"), lambda: Outcome.RETRY)

    def list_hypotheses(self, tenant_id: str, project_id: str, incident_id: str) -> list[StoredHypothesis]:
        items = self._query(keys.project_pk(tenant_id, project_id),
                            RecordItem.sk.startswith(keys.hypotheses_prefix(incident_id)), limit=100)
        return sorted((hypothesis_record(i) for i in items), key=lambda h: h.rank)

    def cached_hypotheses(self, tenant_id: str, project_id: str, cache_key: str) -> list[Hypothesis] | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.cache_sk(cache_key))
        return hypotheses_from_json(item.data) if item else None

    def set_feedback(self, tenant_id: str, project_id: str, hypothesis: StoredHypothesis, feedback: str,
                     incident: Incident) -> None:
        project_pk = keys.project_pk(tenant_id, project_id)
        step = PRIOR_STEP[feedback] - PRIOR_STEP.get(hypothesis.user_feedback or "", 0.0)
        as_read = hypothesis_item(tenant_id, project_id, hypothesis_record(hypothesis_item(tenant_id, project_id,
                                                                                          hypothesis)))
        judged = hypothesis_item(tenant_id, project_id, replace(hypothesis, user_feedback=feedback))
        confirmed = feedback == "confirmed"
        after = replace(incident, confirmed_cause=hypothesis.cause, version=incident.version + 1)

        def write(tx: TransactWrite) -> None:
            # The hypothesis as read (re-ranked or judged meanwhile: Conflict); the priors as read on this attempt
            # (another judgement meanwhile: read them again).
            tx.save(judged, condition=RecordItem.data == as_read.data)
            found = get_item(RecordItem, project_pk, keys.PRIORS_SK)
            priors = _priors(found)
            priors[hypothesis.cause] = priors.get(hypothesis.cause, 0.0) + step
            version = int(found.version or 0) if found else 0
            tx.save(RecordItem(project_pk, keys.PRIORS_SK, kind="priors", data=json.dumps(priors, sort_keys=True),
                               version=version + 1), condition=_as_read(found))
            if confirmed:
                tx.save(incident_item(tenant_id, after), condition=RecordItem.version == incident.version)

        def outcome() -> Outcome:
            now = get_item(RecordItem, as_read.pk, as_read.sk)
            if now is None or now.data != as_read.data:
                return Outcome.DONE if now is not None and now.data == judged.data else Outcome.CONFLICT
            current = self.get_incident(tenant_id, project_id, incident.id)
            stale = confirmed and (current is None or current.version != incident.version)
            return Outcome.CONFLICT if stale else Outcome.RETRY

        self._commit(write, _changed("The incident changed meanwhile; retry"), outcome)

    def cause_priors(self, tenant_id: str, project_id: str) -> dict[str, float]:
        return _priors(get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.PRIORS_SK))

    # Evidence, alerts, changes

    def save_alert(self, tenant_id: str, alert: Alert, events: Sequence[DomainEvent] = ()) -> None:
        """Puts the alert (again, harmlessly: an alert's id is its own), with its events in one transaction."""
        if not events:
            self._save(alert_item(tenant_id, alert))
            return

        def write(tx: TransactWrite) -> None:
            tx.save(alert_item(tenant_id, alert))
            self._transactions.publish(tx, tenant_id, events)

        self._commit(write, _changed("Alert write failed"), lambda: Outcome.RETRY)

    def save_change(self, tenant_id: str, change: ChangeEvent) -> None:
        self._save(change_item(tenant_id, change))

    def alerts_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                       limit: int) -> list[Alert]:
        items = self._query(keys.alerts_pk(tenant_id, project_id), RecordItem.sk.between(
            keys.timeline_sk(start, ""), keys.timeline_sk(end, "~")), limit=limit, newest_first=True)
        return [alert_record(i) for i in items]

    def changes_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                        limit: int) -> list[ChangeEvent]:
        items = self._query(keys.changes_pk(tenant_id, project_id), RecordItem.sk.between(
            keys.timeline_sk(start, ""), keys.timeline_sk(end, "~")), limit=limit, newest_first=True)
        return [change_record(i) for i in items]

    def query_alerts(self, tenant_id: str, project_id: str, page: OffsetRequest) -> list[Alert]:
        wanted = page.offset + page.limit
        items = self._query(keys.alerts_pk(tenant_id, project_id), None, limit=wanted, newest_first=True)
        return [alert_record(i) for i in items[page.offset:wanted]]

    # Monitoring integrations

    def save_integration(self, tenant_id: str, integration: Integration, *, create: bool) -> None:
        """The integration and its alert route entries (opsdesk.alerts.routes) in one transaction: the entries of
        the integration as it was are replaced by those of the integration as it is."""
        before = None if create else self.get_integration(tenant_id, integration.project_id, integration.id)
        if not create and before is None:
            raise NotFound("Integration not found")
        stale = _routes(tenant_id, before) if before else []
        fresh = _routes(tenant_id, integration)

        def write(tx: TransactWrite) -> None:
            condition = RecordItem.pk.does_not_exist() if create else RecordItem.pk.exists()
            tx.save(integration_item(tenant_id, integration), condition=condition)
            for entry in stale:
                if entry not in fresh:
                    tx.delete(route_item(entry))
            for entry in fresh:
                tx.save(route_item(entry))

        self._commit(write, _changed("Integration already exists" if create else "Integration not found"),
                     lambda: Outcome.CONFLICT)

    def get_integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.integration_sk(integration_id))
        return integration_record(item) if item else None

    def list_integrations(self, tenant_id: str, project_id: str) -> list[Integration]:
        items = self._query(keys.project_pk(tenant_id, project_id), RecordItem.sk.startswith("INTEG#"), limit=200)
        return sorted((integration_record(i) for i in items), key=lambda i: (i.created_at, i.id))

    def delete_integration(self, tenant_id: str, integration: Integration) -> None:
        def write(tx: TransactWrite) -> None:
            tx.delete(RecordItem(keys.project_pk(tenant_id, integration.project_id),
                                 keys.integration_sk(integration.id)))
            for entry in _routes(tenant_id, integration):
                tx.delete(route_item(entry))

        self._commit(write, _changed("Delete failed"), lambda: Outcome.CONFLICT)

    # Analytics aggregates

    def usage_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[UsageDay]:
        counters = self._counters(keys.usage_pk(tenant_id, project_id), first, last)
        return [UsageDay(day=keys.day_of(sk), request_type=kind, requests=n["requests"], tokens=n["tokens"],
                         cost_micros=n["costMicros"], cache_hits=n["cacheHits"])
                for sk, n in counters.items() if (kind := keys.request_type_of(sk)) is not None]

    def incident_days(self, tenant_id: str, project_id: str, first: date, last: date) -> list[IncidentDay]:
        counters = self._counters(keys.usage_pk(tenant_id, project_id), first, last)
        return [IncidentDay(day=keys.day_of(sk), incidents_created=n["incidentsCreated"],
                            incidents_with_hypotheses=n["incidentsWithHypotheses"])
                for sk, n in counters.items() if keys.is_incident_day(sk)]

    def most_expensive_incidents(self, tenant_id: str, project_id: str, limit: int) -> list[Incident]:
        items = self._query_index(RecordItem.by_cost, keys.project_pk(tenant_id, project_id), limit)
        return [incident_record(item) for item in items]

    # Reads and writes

    def _query(self, pk: str, condition: Any, *, limit: int, newest_first: bool = False) -> list[RecordItem]:
        return _read(RecordItem.query(pk, condition, consistent_read=True, limit=limit, page_size=limit,
                                      scan_index_forward=not newest_first))

    @staticmethod
    def _query_index(index: Any, partition: str, limit: int) -> list[RecordItem]:
        return _read(index.query(partition, scan_index_forward=False, limit=limit, page_size=limit))

    @staticmethod
    def _counters(pk: str, first: date, last: date) -> dict[str, Counter[str]]:
        """The counter items of the days first..last, each summed with its spill items (opsdesk.dynamo.counter_totals),
        by their sort keys in order: one Query."""
        low, high = keys.day_range(first, last)
        return dict(sorted(counter_totals(CounterItem, pk, low, high).items()))

    @staticmethod
    def _save(item: RecordItem) -> None:
        try:
            item.save()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Write failed") from exc

    def _commit(self, write: Callable[[TransactWrite], None], conflict: Callable[[], DomainError],
                outcome: Callable[[], Outcome]) -> None:
        self._transactions.commit(write, lambda _: conflict(), outcome)


def _routes(tenant_id: str, integration: Integration) -> list[RouteEntry]:
    return route_entries(tenant_id, integration.project_id, integration.id, integration.type,
                         config=integration.config, enabled=integration.enabled)


def _read(results: Any) -> list[Any]:
    """A Query's items (it runs as they are iterated), its ScannedCount reported as items read."""
    try:
        items = list(results)
    except PynamoDBException as exc:
        raise domain_error_for(exc, "Read failed") from exc
    record_items_read(results.page_iter.total_scanned_count)
    return items


def _as_stored(tenant_id: str, incident: Incident) -> Incident:
    """The incident as a read gives it back (times to the millisecond)."""
    return incident_record(incident_item(tenant_id, incident))


def _priors(item: RecordItem | None) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(item.data).items()} if item else {}


def _as_read(item: RecordItem | None) -> Any:
    """The condition that an item is still as `item` was read (None: still absent), by its version."""
    if item is None:
        return RecordItem.pk.does_not_exist()
    return RecordItem.version == item.version if item.version is not None else RecordItem.version.does_not_exist()


def _without_project(user: User, project_id: str) -> User:
    roles = {p: r for p, r in user.roles.items() if p != project_id}
    current = user.current_project_id if user.current_project_id != project_id else None
    return replace(user, roles=roles, current_project_id=current, version=user.version + 1)
