"""The ResponseStore on DynamoDB (the IncidentsTable's response items; layout in docs/data-model.md). Every list is
a Query of at most its page; a status change, its timeline entry, its room event and the metrics move in one
transaction; events are written in BatchWriteItem calls and counted once, in the request's closing transaction."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.cursors import CursorCodec, secret_key_source
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    cursor_page,
    domain_error_for,
    get_item,
    record_items_read,
)
from opsdesk.dynamo_batches import batch_put
from opsdesk.errors import Conflict
from opsdesk.eventlog import EventLog
from opsdesk.events import DomainEvent
from opsdesk.pagination import Page
from opsdesk.response import keys
from opsdesk.response.items import (
    COUNTERS,
    AnalysisRequestItem,
    DocumentItem,
    IdempotencyItem,
    IncidentItem,
    MetricsShardItem,
    ResponseTableItem,
    action_item,
    action_record,
    action_title_item,
    claim_item,
    claimed_events,
    entry_item,
    entry_record,
    event_item,
    event_record,
    incident_item,
    incident_record,
    mttr_counters,
)
from opsdesk.response.records import Action, Analysis, Event, Incident, IngestActivity, Status, TimelineEntry
from opsdesk.response.store import INCIDENT_CHANGED, Claim, ClaimResult, IdempotentRequest
from opsdesk.settings import ResponseSettings, load_settings

ANALYSIS_REQUESTED = "response.analysis_requested"
"""The `type` of the item whose insertion starts an analysis (the stream consumer's filter)."""
UNFINISHED_AFTER = timedelta(seconds=30)
"""A claimed key not finished after this long belongs to an attempt that failed: a retry finishes it."""
ANALYSIS_REQUEST_TTL = timedelta(days=1)
T = TypeVar("T")


def _metric_updates(counts: Mapping[str, float]) -> list[Any]:
    return [getattr(MetricsShardItem, name).add(value) for name, value in counts.items() if value]


class ResponseRepository:
    def __init__(self, event_log: EventLog | None = None, settings: ResponseSettings | None = None,
                 cursors: CursorCodec | None = None) -> None:
        settings = settings or load_settings(ResponseSettings)
        bind_table(ResponseTableItem, settings.incidents_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)
        self._cursors = cursors or CursorCodec(secret_key_source(
            settings.cursor_key_secret_arn, settings.aws_region, settings.aws_endpoint_url))

    # Incidents

    def create_incident(self, incident: Incident, entry: TimelineEntry, events: Sequence[DomainEvent],
                        opening: IdempotentRequest | None = None) -> None:
        tenant_id = incident.tenant_id

        def write(tx: TransactWrite) -> None:
            made = incident_item(incident)
            counts = {f"created_{incident.severity}": 1, f"status_{incident.status.value}": 1}
            if opening is not None:
                made.eventCount, made.lastEventAt = len(opening.events), to_rfc3339(incident.updated_at)
                for event in opening.events:
                    tx.save(event_item(tenant_id, event))
                tx.save(claim_item(tenant_id, opening, incident.updated_at, completed=True),
                        condition=IdempotencyItem.pk.does_not_exist())
                counts["events_ingested"] = len(opening.events)
            tx.save(made, condition=IncidentItem.pk.does_not_exist())
            tx.save(entry_item(tenant_id, entry))
            self._count(tx, counts)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:  # our own earlier attempt (a server error hid its success)
            if opening is not None:  # made with these events: their claim was written with it
                claim = get_item(IdempotencyItem, keys.idempotency_pk(tenant_id), opening.key)
                return Outcome.DONE if claim is not None and claim.bodyHash == opening.body_hash \
                    and self.get_incident(tenant_id, incident.id) else Outcome.CONFLICT
            return Outcome.DONE if self.get_incident(tenant_id, incident.id) else Outcome.CONFLICT

        self._transactions.commit(write, lambda exc: Conflict("Incident exists"), outcome)

    def get_incident(self, tenant_id: str, incident_id: str) -> Incident | None:
        item = get_item(IncidentItem, keys.incident_pk(tenant_id, incident_id), keys.INCIDENT_SK)
        return incident_record(item) if item else None

    def get_incidents(self, tenant_id: str, incident_ids: Sequence[str]) -> dict[str, Incident]:
        wanted = list(dict.fromkeys(incident_ids))
        try:
            found = list(IncidentItem.batch_get([(keys.incident_pk(tenant_id, i), keys.INCIDENT_SK) for i in wanted],
                                                consistent_read=True))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        return {incident.id: incident for incident in map(incident_record, found)}

    def list_incidents(self, tenant_id: str, status: Status | None, limit: int, cursor: str | None) -> Page[Incident]:
        if status is None:
            index, partition = IncidentItem.by_tenant, keys.incidents_list_pk(tenant_id)
        else:
            index, partition = IncidentItem.by_status, keys.status_list_pk(tenant_id, status.value)
        results = index.query(partition, scan_index_forward=False, limit=limit, page_size=limit,
                              last_evaluated_key=self._cursors.decode(cursor, partition))
        return cursor_page(results, incident_record, limit, self._cursors, partition)

    def change_status(self, before: Incident, after: Incident, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        counts: dict[str, float] = {f"status_{before.status.value}": -1, f"status_{after.status.value}": 1}
        if after.mttr_minutes is not None and before.mttr_minutes is None:
            counts.update(mttr_counters(after.mttr_minutes))
        pk = keys.incident_pk(after.tenant_id, after.id)

        def write(tx: TransactWrite) -> None:
            tx.update(IncidentItem(pk, keys.INCIDENT_SK), actions=[
                IncidentItem.status.set(after.status.value),
                IncidentItem.stateListPk.set(keys.status_list_pk(after.tenant_id, after.status.value)),
                IncidentItem.updatedAt.set(to_rfc3339(after.updated_at)),
                IncidentItem.resolvedAt.set(to_rfc3339(after.resolved_at)) if after.resolved_at
                else IncidentItem.resolvedAt.remove(),
                IncidentItem.mttrMinutes.set(after.mttr_minutes) if after.mttr_minutes is not None
                else IncidentItem.mttrMinutes.remove(),
                IncidentItem.version.set(after.version),
            ], condition=(IncidentItem.version == before.version)
                & (IncidentItem.updatedAt == to_rfc3339(before.updated_at)))
            tx.save(entry_item(after.tenant_id, entry))
            self._count(tx, counts)
            self._transactions.publish(tx, after.tenant_id, events)

        def outcome() -> Outcome:
            now = self.get_incident(after.tenant_id, after.id)
            return Outcome.DONE if now is not None and now.version == after.version and \
                now.status is after.status and now.updated_at == after.updated_at else Outcome.CONFLICT

        self._transactions.commit(write, lambda exc: Conflict(
            "The incident's status changed meanwhile; reload it and retry"), outcome)

    # Timeline and actions

    def timeline(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[TimelineEntry]:
        return self._page(tenant_id, incident_id, keys.TIMELINE_PREFIX, limit, cursor, convert=entry_record)

    def add_entry(self, tenant_id: str, entry: TimelineEntry, events: Sequence[DomainEvent]) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(entry_item(tenant_id, entry), condition=DocumentItem.pk.does_not_exist())
            self._transactions.publish(tx, tenant_id, events)

        self._transactions.commit(write, lambda exc: Conflict("Entry exists"), lambda: Outcome.DONE)

    def actions(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Action]:
        return self._page(tenant_id, incident_id, keys.ACTION_PREFIX, limit, cursor, convert=action_record)

    def get_action(self, tenant_id: str, incident_id: str, action_id: str) -> Action | None:
        item = get_item(DocumentItem, keys.incident_pk(tenant_id, incident_id), keys.action_sk(action_id))
        return action_record(item) if item else None

    def add_action(self, tenant_id: str, action: Action, entry: TimelineEntry,
                   events: Sequence[DomainEvent]) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(action_item(tenant_id, action), condition=DocumentItem.pk.does_not_exist())
            tx.save(action_title_item(tenant_id, action))
            tx.save(entry_item(tenant_id, entry))
            self._transactions.publish(tx, tenant_id, events)

        self._transactions.commit(write, lambda exc: Conflict("Action exists"), lambda: Outcome.DONE)

    def action_titles(self, tenant_id: str, incident_id: str, titles: Sequence[str]) -> set[str]:
        wanted = {keys.action_title_sk(title): title.strip().casefold() for title in titles}
        if not wanted:
            return set()
        pk = keys.incident_pk(tenant_id, incident_id)
        try:
            found = list(DocumentItem.batch_get([(pk, sk) for sk in wanted], attributes_to_get=["pk", "sk"]))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        record_items_read(len(found))
        return {wanted[item.sk] for item in found}

    def update_action(self, tenant_id: str, before: Action, after: Action, entry: TimelineEntry,
                      events: Sequence[DomainEvent]) -> None:
        def write(tx: TransactWrite) -> None:
            tx.save(action_item(tenant_id, after), condition=DocumentItem.version == before.version)
            tx.save(entry_item(tenant_id, entry))
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            now = self.get_action(tenant_id, after.incident_id, after.id)
            return Outcome.DONE if now == after else Outcome.CONFLICT

        self._transactions.commit(write, lambda exc: Conflict("The action changed meanwhile; reload it and retry"),
                                  outcome)

    # Events

    def claim_request(self, tenant_id: str, request: IdempotentRequest, now: datetime) -> ClaimResult:
        pk, sk = keys.idempotency_pk(tenant_id), request.key
        item = claim_item(tenant_id, request, now)
        try:
            # A claim past its 24 hours is free, whether or not DynamoDB's TTL (days late, at times) took it yet.
            item.save(condition=IdempotencyItem.pk.does_not_exist()
                      | (IdempotencyItem.expiresAt <= int(now.timestamp())))
            return ClaimResult(Claim.NEW, request.events)
        except PynamoDBException as exc:
            error = domain_error_for(exc, "claimed")
            if not isinstance(error, Conflict):
                raise error from exc
        found = get_item(IdempotencyItem, pk, sk)
        if found is None:  # expired between the two calls: the key is free again
            return self.claim_request(tenant_id, request, now)
        if found.bodyHash != request.body_hash:
            return ClaimResult(Claim.MISMATCH)
        events = claimed_events(request.events, json.loads(found.answer))
        if found.completed:
            return ClaimResult(Claim.REPLAY, events)
        if now - parse_rfc3339(found.createdAt) < UNFINISHED_AFTER:
            return ClaimResult(Claim.BUSY)
        return ClaimResult(Claim.UNFINISHED, events)

    def store_events(self, tenant_id: str, events: Sequence[Event]) -> int:
        return batch_put(DocumentItem, [event_item(tenant_id, event) for event in events]).requests

    def begin_ingest(self, tenant_id: str, incident_ids: Sequence[str], now: datetime) -> None:
        for incident_id in incident_ids:
            self._mark_ingest(tenant_id, incident_id, [IncidentItem.ingestsInFlight.add(1),
                                                       IncidentItem.ingestBeganAt.set(to_rfc3339(now))])

    def end_ingest(self, tenant_id: str, incident_ids: Sequence[str]) -> None:
        for incident_id in incident_ids:
            self._mark_ingest(tenant_id, incident_id, [IncidentItem.ingestsInFlight.add(-1)])

    @staticmethod
    def _mark_ingest(tenant_id: str, incident_id: str, actions: list[Any]) -> None:
        try:
            IncidentItem(keys.incident_pk(tenant_id, incident_id), keys.INCIDENT_SK).update(
                actions=actions, condition=IncidentItem.pk.exists())
        except PynamoDBException as exc:
            error = domain_error_for(exc, "gone")
            if not isinstance(error, Conflict):  # the incident is gone: nothing waits on it
                raise error from exc

    def finish_ingest(self, tenant_id: str, counts: Mapping[str, int], last_at: datetime,
                      idempotency_key: str | None, events: Sequence[DomainEvent] = ()) -> None:
        stamp = to_rfc3339(last_at)

        def write(tx: TransactWrite) -> None:
            if idempotency_key is not None:
                tx.update(IdempotencyItem(keys.idempotency_pk(tenant_id), idempotency_key),
                          actions=[IdempotencyItem.completed.set(1)],
                          condition=IdempotencyItem.completed.does_not_exist())
            for incident_id, count in counts.items():
                tx.update(IncidentItem(keys.incident_pk(tenant_id, incident_id), keys.INCIDENT_SK),
                          actions=[IncidentItem.eventCount.add(count), IncidentItem.lastEventAt.set(stamp)],
                          condition=IncidentItem.pk.exists())
            self._count(tx, {"events_ingested": sum(counts.values())})
            self._transactions.publish(tx, tenant_id, events)

        # A failed condition: the key was finished by an earlier attempt (counted then), or an incident is gone.
        self._transactions.commit(write, lambda exc: Conflict("An incident of the batch no longer exists"),
                                  lambda: Outcome.DONE)

    def list_events(self, tenant_id: str, incident_id: str, limit: int, cursor: str | None) -> Page[Event]:
        return self._page(tenant_id, incident_id, keys.EVENT_PREFIX, limit, cursor,
                          convert=lambda item: event_record(json.loads(item.data)))

    def latest_events(self, tenant_id: str, incident_id: str, limit: int) -> list[Event]:
        results = DocumentItem.query(keys.incident_pk(tenant_id, incident_id),
                                     DocumentItem.sk.startswith(keys.EVENT_PREFIX), scan_index_forward=False,
                                     limit=limit, page_size=limit)
        events = [event_record(json.loads(item.data)) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return events[::-1]

    # Analysis

    def request_analysis(self, tenant_id: str, incident_id: str, now: datetime, stale_after_seconds: int) -> bool:
        pk = keys.incident_pk(tenant_id, incident_id)
        stale = to_rfc3339(now - timedelta(seconds=stale_after_seconds))

        def write(tx: TransactWrite) -> None:
            tx.update(IncidentItem(pk, keys.INCIDENT_SK), actions=[IncidentItem.analysisPendingAt.set(to_rfc3339(now))],
                      condition=IncidentItem.pk.exists() & (IncidentItem.analysisPendingAt.does_not_exist()
                                                            | (IncidentItem.analysisPendingAt < stale)))
            tx.save(AnalysisRequestItem(pk, keys.analysis_request_sk(now), type=ANALYSIS_REQUESTED, tenantId=tenant_id,
                                        incidentId=incident_id,
                                        expiresAt=int((now + ANALYSIS_REQUEST_TTL).timestamp())))

        try:
            self._transactions.commit(write, lambda exc: Conflict("pending"), lambda: Outcome.CONFLICT)
        except Conflict:
            return False  # one is pending already: it will read these events too
        return True

    def ingest_activity(self, tenant_id: str, incident_id: str) -> IngestActivity | None:
        item = get_item(IncidentItem, keys.incident_pk(tenant_id, incident_id), keys.INCIDENT_SK)
        if item is None:
            return None
        return IngestActivity(last_event_at=parse_rfc3339(item.lastEventAt) if item.lastEventAt else None,
                              writes_in_flight=int(item.ingestsInFlight or 0),
                              last_write_began_at=parse_rfc3339(item.ingestBeganAt) if item.ingestBeganAt else None)

    def start_analysis(self, tenant_id: str, incident_id: str) -> None:
        try:
            IncidentItem(keys.incident_pk(tenant_id, incident_id), keys.INCIDENT_SK).update(
                actions=[IncidentItem.analysisPendingAt.remove()], condition=IncidentItem.pk.exists())
        except PynamoDBException as exc:
            error = domain_error_for(exc, "gone")
            if not isinstance(error, Conflict):
                raise error from exc

    def save_analysis(self, incident: Incident, analysis: Analysis, actions: Sequence[Action],
                      entry: TimelineEntry, events: Sequence[DomainEvent]) -> bool:
        pk = keys.incident_pk(incident.tenant_id, incident.id)
        saved = True

        def write(tx: TransactWrite) -> None:
            tx.update(IncidentItem(pk, keys.INCIDENT_SK), actions=[
                IncidentItem.aiSummary.set(analysis.ai_summary),
                IncidentItem.rootCause.set(analysis.root_cause) if analysis.root_cause
                else IncidentItem.rootCause.remove(),
                IncidentItem.suggestedActions.set(json.dumps(list(analysis.suggested_actions))),
                IncidentItem.analysisCount.add(1),
                IncidentItem.analysedEvents.set(analysis.events_digest),
                IncidentItem.updatedAt.set(to_rfc3339(incident.updated_at)),
            ], condition=IncidentItem.pk.exists() & (IncidentItem.version == incident.version) & (
                IncidentItem.analysedEvents.does_not_exist() | (IncidentItem.analysedEvents != analysis.events_digest)))
            for action in actions:
                tx.save(action_item(incident.tenant_id, action), condition=DocumentItem.pk.does_not_exist())
                tx.save(action_title_item(incident.tenant_id, action))
            tx.save(entry_item(incident.tenant_id, entry), condition=DocumentItem.pk.does_not_exist())
            self._count(tx, {"analyses": 1})
            self._transactions.publish(tx, incident.tenant_id, events)

        def not_saved() -> Outcome:
            nonlocal saved
            current = self.get_incident(incident.tenant_id, incident.id)
            if current is None or current.analysed_events == analysis.events_digest:
                saved = False  # gone, or these events were analysed (maybe by our own earlier attempt, whose
                return Outcome.DONE  # success a server error hid)
            return Outcome.CONFLICT  # changed since it was read: the caller saves it again from what it is now

        self._transactions.commit(write, lambda exc: Conflict(INCIDENT_CHANGED), not_saved)
        return saved

    # Metrics and health

    def metrics(self) -> dict[str, float]:
        totals = dict.fromkeys(COUNTERS, 0.0)
        try:
            shards = list(MetricsShardItem.batch_get(
                [(keys.METRICS_PK, keys.metrics_shard_sk(n)) for n in range(keys.METRICS_SHARDS)]))
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Read failed") from exc
        for shard in shards:
            for name in COUNTERS:
                totals[name] += float(getattr(shard, name) or 0)
        return totals

    def ready(self) -> None:
        try:
            IncidentItem.describe_table()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "The incidents table cannot be read") from exc

    # Helpers

    @staticmethod
    def _count(tx: TransactWrite, counts: Mapping[str, float]) -> None:
        updates = _metric_updates(counts)
        if updates:
            shard = MetricsShardItem(keys.METRICS_PK, keys.metrics_shard_sk(random.randrange(keys.METRICS_SHARDS)))
            tx.update(shard, actions=updates)

    def _page(self, tenant_id: str, incident_id: str, prefix: str, limit: int, cursor: str | None, *,
              convert: Callable[[DocumentItem], T]) -> Page[T]:
        partition = keys.incident_pk(tenant_id, incident_id)
        scope = f"{partition}#{prefix}"
        results = DocumentItem.query(partition, DocumentItem.sk.startswith(prefix), consistent_read=True,
                                     limit=limit, page_size=limit,
                                     last_evaluated_key=self._cursors.decode(cursor, scope))
        return cursor_page(results, convert, limit, self._cursors, scope)

