"""The IncidentsTable's copilot items (pynamodb models) and their conversions to and from records: what
opsdesk.copilot.repository reads and writes, and nothing else imports. Each record is one item whose fields are
kept as JSON text (`data`), beside the attributes DynamoDB itself must see: keys, index keys, the version and
owner count that conditions test, and the numbers that aggregates ADD to."""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from opsdesk import tables
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.copilot import keys
from opsdesk.copilot.records import (
    Alert,
    ChangeEvent,
    Incident,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    Severity,
    StoredHypothesis,
    Tenant,
    User,
)
from opsdesk.dynamo import index_model, unbound_meta

if TYPE_CHECKING:
    from opsdesk.analysis.evidence import Hypothesis

RecordT = TypeVar("RecordT")


class IncidentsTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


_ByProject = index_model(tables.INCIDENTS_BY_PROJECT, "projectListPk", "listSk")
_BySeverity = index_model(tables.INCIDENTS_BY_SEVERITY, "severityListPk", "listSk")
_ByState = index_model(tables.INCIDENTS_BY_STATE, "stateListPk", "listSk")
_BySeverityState = index_model(tables.INCIDENTS_BY_SEVERITY_STATE, "severityStateListPk", "listSk")
_ByService = index_model(tables.INCIDENTS_BY_SERVICE, "serviceListPk", "listSk")
_ByCost = index_model(tables.INCIDENTS_BY_COST, "costListPk", "costSk")


class RecordItem(IncidentsTableItem):
    """A record as JSON, with what conditions and indexes need as attributes of their own."""

    kind = UnicodeAttribute()
    data = UnicodeAttribute()
    version = NumberAttribute(null=True)
    ownerCount = NumberAttribute(null=True)
    deletingSince = UnicodeAttribute(null=True)
    """On a project whose delete has begun (AccountRepository.delete_project): its memberships no longer change."""
    integrationCount = NumberAttribute(null=True)
    """On a project: its monitoring integrations, moved in their create's and delete's transactions (the create's
    conditioned on fewer than MAX_PROJECT_INTEGRATIONS). Absent on a project none was created in since it was
    kept: counted on its next create (MonitoringRepository.save_integration)."""
    refId = UnicodeAttribute(null=True)
    """What a lookup item points at (the user id of an email, the tenant of a slug)."""
    projectListPk = UnicodeAttribute(null=True)
    severityListPk = UnicodeAttribute(null=True)
    stateListPk = UnicodeAttribute(null=True)
    severityStateListPk = UnicodeAttribute(null=True)
    serviceListPk = UnicodeAttribute(null=True)
    listSk = UnicodeAttribute(null=True)
    costListPk = UnicodeAttribute(null=True)
    costSk = UnicodeAttribute(null=True)

    by_project = _ByProject()
    by_severity = _BySeverity()
    by_state = _ByState()
    by_severity_state = _BySeverityState()
    by_service = _ByService()
    by_cost = _ByCost()


class CounterItem(IncidentsTableItem):
    """A day's aggregates: AI usage of one request type, or the incidents made and given hypotheses."""

    requests = NumberAttribute(null=True)
    tokens = NumberAttribute(null=True)
    costMicros = NumberAttribute(null=True)
    cacheHits = NumberAttribute(null=True)
    incidentsCreated = NumberAttribute(null=True)
    incidentsWithHypotheses = NumberAttribute(null=True)


class RankedEventItem(IncidentsTableItem):
    """A stream event hypotheses were ranked for (keys.ranked_event_sk), kept until its redeliveries have ended."""

    expiresAt = NumberAttribute()


# Records as JSON


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_rfc3339(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(record: Any, unset_left_out: frozenset[str] = frozenset()) -> str:
    """The record as compact JSON. A field in `unset_left_out` is left out while None: it was added after items
    were written, and an item written before it must serialise as stored (saves are conditioned on that text)."""
    assert is_dataclass(record)
    return json.dumps({f.name: _plain(getattr(record, f.name)) for f in fields(record)
                       if not (f.name in unset_left_out and getattr(record, f.name) is None)}, separators=(",", ":"))


TIME_FIELDS = {"created_at", "updated_at", "detected_at", "joined_at", "starts_at", "ends_at", "at", "verified_at"}


def _times(data: dict[str, Any]) -> dict[str, Any]:
    return {k: parse_rfc3339(v) if k in TIME_FIELDS and isinstance(v, str) else v for k, v in data.items()}


def tenant_record(item: RecordItem) -> Tenant:
    return Tenant(**_times(json.loads(item.data)))


def user_record(item: RecordItem) -> User:
    data = json.loads(item.data)
    data["roles"] = {project: Role(role) for project, role in data["roles"].items()}
    return User(**{**data, "version": int(item.version or 0)})


def project_record(item: RecordItem) -> Project:
    data = _times(json.loads(item.data))
    return Project(**{**data, "owner_count": int(item.ownerCount or 0), "version": int(item.version or 0),
                      "deleting": item.deletingSince is not None})


def member_record(item: RecordItem) -> Member:
    data = _times(json.loads(item.data))
    return Member(**{**data, "role": Role(data["role"])})


def incident_record(item: RecordItem) -> Incident:
    data = _times(json.loads(item.data))
    data["severity"], data["state"] = Severity(data["severity"]), IncidentState(data["state"])
    data["reached_at"] = {IncidentState(k): parse_rfc3339(v) for k, v in data["reached_at"].items()}
    return Incident(**{**data, "version": int(item.version or 0)})


def hypothesis_record(item: RecordItem) -> StoredHypothesis:
    data = _times(json.loads(item.data))
    data["supporting_evidence"] = tuple(data["supporting_evidence"])
    data["contradicting_evidence"] = tuple(data["contradicting_evidence"])
    return StoredHypothesis(**data)


def integration_record(item: RecordItem) -> Integration:
    data = _times(json.loads(item.data))
    return Integration(**{**data, "credential_keys": tuple(data["credential_keys"])})


def alert_record(item: RecordItem) -> Alert:
    return Alert(**_times(json.loads(item.data)))


def change_record(item: RecordItem) -> ChangeEvent:
    return ChangeEvent(**_times(json.loads(item.data)))


def as_hypothesis(stored: StoredHypothesis) -> Hypothesis:
    """What the hypothesis cache keeps of a stored hypothesis."""
    from opsdesk.analysis.evidence import Hypothesis  # noqa: PLC0415 - the ranking engine's, loaded by its functions

    return Hypothesis(stored.cause, stored.claim, stored.description, stored.confidence_score,
                      stored.confidence_lower, stored.confidence_upper, stored.rank, stored.supporting_evidence,
                      stored.contradicting_evidence)


def hypotheses_json(hypotheses: list[Hypothesis]) -> str:
    return json.dumps([json.loads(to_json(h)) for h in hypotheses], separators=(",", ":"))


def hypotheses_from_json(text: str) -> list[Hypothesis]:
    from opsdesk.analysis.evidence import Hypothesis  # noqa: PLC0415 - the ranking engine's, loaded by its functions

    return [Hypothesis(**{**h, "supporting_evidence": tuple(h["supporting_evidence"]),
                          "contradicting_evidence": tuple(h["contradicting_evidence"])}) for h in json.loads(text)]


# Items of records


def tenant_item(tenant: Tenant) -> RecordItem:
    return RecordItem(keys.tenant_pk(tenant.id), keys.TENANT_SK, kind="tenant", data=to_json(tenant))


def slug_item(tenant: Tenant) -> RecordItem:
    return RecordItem(keys.slug_pk(tenant.slug), keys.SLUG_SK, kind="slug", data="{}", refId=tenant.id)


def user_item(user: User) -> RecordItem:
    data = json.loads(to_json(user))
    data.pop("version")
    return RecordItem(keys.tenant_pk(user.tenant_id), keys.user_sk(user.id), kind="user",
                      data=json.dumps(data, separators=(",", ":")), version=user.version)


def email_item(user: User) -> RecordItem:
    return RecordItem(keys.tenant_pk(user.tenant_id), keys.email_sk(user.email), kind="email", data="{}",
                      refId=user.id)


def project_item(project: Project) -> RecordItem:
    data = json.loads(to_json(project))
    for name in ("owner_count", "version", "deleting"):  # attributes of their own
        data.pop(name)
    return RecordItem(keys.tenant_pk(project.tenant_id), keys.project_sk(project.id), kind="project",
                      data=json.dumps(data, separators=(",", ":")), version=project.version,
                      ownerCount=project.owner_count)


def member_item(tenant_id: str, member: Member) -> RecordItem:
    return RecordItem(keys.project_pk(tenant_id, member.project_id), keys.member_sk(member.user_id), kind="member",
                      data=to_json(member))


def incident_item(tenant_id: str, incident: Incident) -> RecordItem:
    data = json.loads(to_json(incident))
    data.pop("version")
    project, severity, state = incident.project_id, incident.severity.value, incident.state.value
    cost_list = keys.project_pk(tenant_id, project) if incident.ai_cost_micros else None
    return RecordItem(
        keys.project_pk(tenant_id, project), keys.incident_sk(incident.id), kind="incident",
        data=json.dumps(data, separators=(",", ":")), version=incident.version,
        projectListPk=keys.incidents_list_pk(tenant_id, project),
        severityListPk=keys.severity_list_pk(tenant_id, project, severity),
        stateListPk=keys.state_list_pk(tenant_id, project, state),
        severityStateListPk=keys.severity_state_list_pk(tenant_id, project, severity, state),
        serviceListPk=keys.service_list_pk(tenant_id, project, incident.service_name),
        listSk=keys.list_sk(incident.created_at, incident.id),
        costListPk=cost_list, costSk=keys.cost_sk(incident.ai_cost_micros, incident.id) if cost_list else None,
    )


def hypothesis_item(tenant_id: str, project_id: str, hypothesis: StoredHypothesis) -> RecordItem:
    return RecordItem(keys.project_pk(tenant_id, project_id),
                      keys.hypothesis_sk(hypothesis.incident_id, hypothesis.rank, hypothesis.id), kind="hypothesis",
                      data=to_json(hypothesis))


INTEGRATION_FIELDS_ADDED = frozenset({"verified_account", "verified_at"})
"""Integration fields newer than the first integrations stored (2026-12-08)."""


def integration_item(tenant_id: str, integration: Integration) -> RecordItem:
    return RecordItem(keys.project_pk(tenant_id, integration.project_id), keys.integration_sk(integration.id),
                      kind="integration", data=to_json(integration, INTEGRATION_FIELDS_ADDED))


def alert_item(tenant_id: str, alert: Alert) -> RecordItem:
    return RecordItem(keys.alerts_pk(tenant_id, alert.project_id), keys.timeline_sk(alert.starts_at, alert.id),
                      kind="alert", data=to_json(alert))


def change_item(tenant_id: str, change: ChangeEvent) -> RecordItem:
    return RecordItem(keys.changes_pk(tenant_id, change.project_id), keys.timeline_sk(change.at, change.id),
                      kind="change", data=to_json(change))
