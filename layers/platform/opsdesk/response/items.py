"""The IncidentsTable's response items (pynamodb models) and their conversions to and from records: what
opsdesk.response.repository reads and writes, and nothing else imports. An incident keeps the fields that change
apart from each other as attributes of their own (status, analysis, event counters), so a status change, an
analysis and an ingest each update only theirs; fields that never change after creation are one JSON document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from opsdesk import tables
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.dynamo import index_model, unbound_meta
from opsdesk.response import keys
from opsdesk.response.records import Action, ActionStatus, EntryType, Event, Incident, Status, TimelineEntry

if TYPE_CHECKING:
    from opsdesk.response.store import IdempotentRequest

MTTR_BUCKETS_MINUTES: tuple[float, ...] = (5, 15, 30, 60, 120, 240, 480, 1440, 4320)
"""Upper bounds of the MTTR histogram's buckets (Prometheus `le`); +Inf is the count."""


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class ResponseTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


_ByTenant = index_model(tables.INCIDENTS_BY_PROJECT, "projectListPk", "listSk")
_ByStatus = index_model(tables.INCIDENTS_BY_STATE, "stateListPk", "listSk")


class IncidentItem(ResponseTableItem):
    data = UnicodeAttribute()
    """What never changes: title, description, severity, source, tags, metadata, created_at (JSON)."""
    status = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    resolvedAt = UnicodeAttribute(null=True)
    mttrMinutes = NumberAttribute(null=True)
    version = NumberAttribute()
    aiSummary = UnicodeAttribute(null=True)
    rootCause = UnicodeAttribute(null=True)
    suggestedActions = UnicodeAttribute(null=True)
    analysisCount = NumberAttribute(null=True)
    analysedEvents = UnicodeAttribute(null=True)
    eventCount = NumberAttribute(null=True)
    lastEventAt = UnicodeAttribute(null=True)
    ingestsInFlight = NumberAttribute(null=True)
    """Event writes under way (added to when one begins, taken from when it ends): an analysis waits for them."""
    ingestBeganAt = UnicodeAttribute(null=True)
    analysisPendingAt = UnicodeAttribute(null=True)
    """Set when an analysis is requested and cleared when one starts: events arriving meanwhile request none."""
    projectListPk = UnicodeAttribute()
    stateListPk = UnicodeAttribute()
    listSk = UnicodeAttribute()

    by_tenant = _ByTenant()
    by_status = _ByStatus()


class DocumentItem(ResponseTableItem):
    """An event, a timeline entry or an action: the record as JSON (an action's version for its condition)."""

    data = UnicodeAttribute()
    version = NumberAttribute(null=True)


class AnalysisRequestItem(ResponseTableItem):
    """Inserted when an incident's analysis is requested: its stream record starts the analysis function (the
    event-source mapping keeps INSERTs of this `type`: opsdesk.apimap RESPONSE.stream_consumers)."""

    type = UnicodeAttribute()
    tenantId = UnicodeAttribute()
    incidentId = UnicodeAttribute()
    expiresAt = NumberAttribute()


class IdempotencyItem(ResponseTableItem):
    bodyHash = UnicodeAttribute()
    answer = UnicodeAttribute()
    """The events the request stored (JSON): a retry with the same key and body gets them back."""
    completed = NumberAttribute(null=True)
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()


COUNTERS: tuple[str, ...] = (
    *(f"created_{s}" for s in ("critical", "high", "medium", "low", "info")),
    *(f"status_{s.value}" for s in Status),
    "events_ingested", "analyses", "mttr_count", "mttr_sum",
    *(f"mttr_le_{int(b)}" for b in MTTR_BUCKETS_MINUTES),
)
"""The platform-wide counters of GET /response/metrics: incidents created by severity, incidents in each status
now, events ingested, analyses run, and the MTTR histogram. None names a tenant or an incident."""

MetricsShardItem: type[ResponseTableItem] = type(
    "MetricsShardItem", (ResponseTableItem,), {name: NumberAttribute(null=True) for name in COUNTERS})


def mttr_counters(minutes: float) -> dict[str, float]:
    """The histogram's increments for one resolution (cumulative buckets, as Prometheus reads them)."""
    counts: dict[str, float] = {"mttr_count": 1, "mttr_sum": round(minutes, 2)}
    for bound in MTTR_BUCKETS_MINUTES:
        if minutes <= bound:
            counts[f"mttr_le_{int(bound)}"] = 1
    return counts


# Incidents


def incident_item(incident: Incident) -> IncidentItem:
    return IncidentItem(
        keys.incident_pk(incident.tenant_id, incident.id), keys.INCIDENT_SK,
        data=_compact({"title": incident.title, "description": incident.description, "severity": incident.severity,
                       "source": incident.source, "tags": list(incident.tags), "metadata": incident.metadata,
                       "created_at": to_rfc3339(incident.created_at)}),
        status=incident.status.value, updatedAt=to_rfc3339(incident.updated_at),
        resolvedAt=to_rfc3339(incident.resolved_at) if incident.resolved_at else None,
        mttrMinutes=incident.mttr_minutes, version=incident.version,
        aiSummary=incident.ai_summary, rootCause=incident.root_cause,
        suggestedActions=_compact(list(incident.suggested_actions)) if incident.suggested_actions else None,
        analysisCount=incident.analysis_count, eventCount=incident.event_count,
        projectListPk=keys.incidents_list_pk(incident.tenant_id),
        stateListPk=keys.status_list_pk(incident.tenant_id, incident.status.value),
        listSk=keys.list_sk(incident.created_at, incident.id),
    )


def incident_record(item: IncidentItem) -> Incident:
    data = json.loads(item.data)
    tenant_id, _, incident_id = item.pk.removeprefix("R#").partition("#INC#")
    return Incident(
        id=incident_id, tenant_id=tenant_id, title=data["title"], description=data["description"],
        status=Status(item.status), severity=data["severity"], source=data["source"], tags=tuple(data["tags"]),
        metadata=data["metadata"], created_at=parse_rfc3339(data["created_at"]),
        updated_at=parse_rfc3339(item.updatedAt),
        resolved_at=parse_rfc3339(item.resolvedAt) if item.resolvedAt else None,
        ai_summary=item.aiSummary, root_cause=item.rootCause,
        suggested_actions=tuple(json.loads(item.suggestedActions)) if item.suggestedActions else (),
        mttr_minutes=float(item.mttrMinutes) if item.mttrMinutes is not None else None,
        version=int(item.version), event_count=int(item.eventCount or 0),
        analysis_count=int(item.analysisCount or 0), analysed_events=item.analysedEvents,
    )


# Events, timeline entries, actions


def event_item(tenant_id: str, event: Event) -> DocumentItem:
    return DocumentItem(keys.incident_pk(tenant_id, event.incident_id), keys.event_sk(event.timestamp, event.id),
                        data=_compact(event_json(event)))


def event_json(event: Event) -> dict[str, Any]:
    return {"id": event.id, "incident_id": event.incident_id, "event_type": event.event_type,
            "message": event.message, "level": event.level, "source": event.source, "metadata": event.metadata,
            "timestamp": to_rfc3339(event.timestamp)}


def event_record(data: dict[str, Any]) -> Event:
    return Event(id=data["id"], incident_id=data["incident_id"], event_type=data["event_type"],
                 message=data["message"], level=data["level"], source=data["source"], metadata=data["metadata"],
                 timestamp=parse_rfc3339(data["timestamp"]))


def entry_item(tenant_id: str, entry: TimelineEntry) -> DocumentItem:
    return DocumentItem(
        keys.incident_pk(tenant_id, entry.incident_id), keys.timeline_sk(entry.timestamp, entry.id),
        data=_compact({"id": entry.id, "incident_id": entry.incident_id, "entry_type": entry.entry_type.value,
                       "title": entry.title, "description": entry.description, "actor": entry.actor,
                       "timestamp": to_rfc3339(entry.timestamp), "details": entry.details}))


def entry_record(item: DocumentItem) -> TimelineEntry:
    data = json.loads(item.data)
    return TimelineEntry(id=data["id"], incident_id=data["incident_id"], entry_type=EntryType(data["entry_type"]),
                         title=data["title"], description=data["description"], actor=data["actor"],
                         timestamp=parse_rfc3339(data["timestamp"]), details=data.get("details") or {})


def action_title_item(tenant_id: str, action: Action) -> DocumentItem:
    """The action's title, looked up by title (keys.action_title_sk): an incident holds an action of that title."""
    return DocumentItem(keys.incident_pk(tenant_id, action.incident_id), keys.action_title_sk(action.title),
                        data=json.dumps({"title": action.title}, separators=(",", ":")))


def action_item(tenant_id: str, action: Action) -> DocumentItem:
    return DocumentItem(
        keys.incident_pk(tenant_id, action.incident_id), keys.action_sk(action.id), version=action.version,
        data=_compact({"id": action.id, "incident_id": action.incident_id, "title": action.title,
                       "description": action.description, "status": action.status.value,
                       "suggested_by": action.suggested_by, "priority": action.priority,
                       "created_at": to_rfc3339(action.created_at), "updated_at": to_rfc3339(action.updated_at)}))


def action_record(item: DocumentItem) -> Action:
    data = json.loads(item.data)
    return Action(id=data["id"], incident_id=data["incident_id"], title=data["title"],
                  description=data["description"], status=ActionStatus(data["status"]),
                  suggested_by=data["suggested_by"], priority=int(data["priority"]),
                  created_at=parse_rfc3339(data["created_at"]), updated_at=parse_rfc3339(data["updated_at"]),
                  version=int(item.version or 1))


IDEMPOTENCY_TTL = timedelta(hours=24)
"""How long an Idempotency-Key's claim answers for its request (the document's 24 hours)."""

def claim_item(tenant_id: str, request: IdempotentRequest, now: datetime, *,
                completed: bool = False) -> IdempotencyItem:
    """The idempotency claim of `request`: the events' ids and times only, the same body (its hash) holds the rest."""
    # The events' ids and times only: the same body (its hash) holds the rest. The whole events made the item pass
    # DynamoDB's 400 KB with a batch of about 400 events of 1 KB (a 500, and every retry the same).
    answer = [[event.id, to_rfc3339(event.timestamp)] for event in request.events]
    return IdempotencyItem(keys.idempotency_pk(tenant_id), request.key, bodyHash=request.body_hash,
                           answer=json.dumps(answer, separators=(",", ":")), completed=1 if completed else None,
                           createdAt=to_rfc3339(now), expiresAt=int((now + IDEMPOTENCY_TTL).timestamp()))


def claimed_events(events: Sequence[Event], answer: list[Any]) -> tuple[Event, ...]:
    """The request's events (the same body as the claim's) with the ids and times the claim gave them; a claim
    written before the ids alone were kept holds the events whole."""
    if answer and isinstance(answer[0], dict):
        return tuple(event_record(e) for e in answer)
    return tuple(replace(event, id=event_id, timestamp=parse_rfc3339(stamp))
                 for event, (event_id, stamp) in zip(events, answer, strict=True))
