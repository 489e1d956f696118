"""IncidentRepository: the copilot's incidents on the IncidentsTable, their ranked hypotheses with the usage they
cost (one transaction), feedback and the project's cause priors, and the analytics aggregates kept on write."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.transactions import TransactWrite

from opsdesk.copilot import keys
from opsdesk.copilot.items import (
    CounterItem,
    RankedEventItem,
    RecordItem,
    alert_item,
    as_hypothesis,
    hypotheses_from_json,
    hypotheses_json,
    hypothesis_item,
    hypothesis_record,
    incident_item,
    incident_record,
)
from opsdesk.copilot.records import (
    Alert,
    Incident,
    IncidentDay,
    IncidentFilters,
    StoredHypothesis,
    UsageDay,
    UsageRecord,
)
from opsdesk.copilot.table_repository import CopilotTableRepository, changed
from opsdesk.dynamo import Outcome, counter_sk, counter_totals, get_item
from opsdesk.errors import NotFound
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest

if TYPE_CHECKING:  # the ranking engine's types: only the hypothesis functions load it
    from opsdesk.analysis.evidence import Hypothesis

PRIOR_STEP = {"confirmed": 1.0, "rejected": -1.0}
MAX_HYPOTHESES = 10
RANKED_EVENT_TTL = timedelta(days=2)
"""A stream record is redelivered for at most the stream's 24 hours of retention; its event's marker outlives that."""


class IncidentRepository(CopilotTableRepository):
    """Incidents (a list index per filter), hypotheses and priors, and the per-day usage and incident counters."""

    def create_incident(self, tenant_id: str, incident: Incident, events: Sequence[DomainEvent] = (),
                        alert: Alert | None = None) -> None:
        day = incident.created_at.date()
        opening = alert_item(tenant_id, alert) if alert is not None else None

        def write(tx: TransactWrite) -> None:
            tx.save(incident_item(tenant_id, incident), condition=RecordItem.pk.does_not_exist())
            if opening is not None:
                tx.save(opening)
            tx.update(CounterItem(keys.usage_pk(tenant_id, incident.project_id),
                                  counter_sk(keys.incident_day_sk(day))),
                      actions=[CounterItem.incidentsCreated.add(1)])
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:  # our own earlier attempt, another incident with the id, or a lost event race
            found = self.get_incident(tenant_id, incident.project_id, incident.id)
            if found is None:
                return Outcome.RETRY
            # Another alert of the group may open the same incident with the same fields: ours only with our alert.
            ours = opening is None or get_item(RecordItem, opening.pk, opening.sk) is not None
            return Outcome.DONE if found == _as_stored(tenant_id, incident) and ours else Outcome.CONFLICT

        self._commit(write, changed("Incident already exists"), outcome)

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

        self._commit(write, changed("Incident changed meanwhile; reload and retry"), outcome)

    def past_incidents(self, tenant_id: str, project_id: str, service_name: str, limit: int) -> list[Incident]:
        items = self._query_index(RecordItem.by_service, keys.service_list_pk(tenant_id, project_id, service_name),
                                  limit)
        return [incident_record(item) for item in items]

    def save_hypotheses(self, tenant_id: str, incident: Incident, hypotheses: Sequence[StoredHypothesis],
                        usage: UsageRecord, *, cache_key: str, events: Sequence[DomainEvent] = (),
                        event_key: str | None = None) -> None:
        if len(hypotheses) > MAX_HYPOTHESES:  # old and new, the incident, the counters and events: one transaction
            raise ValueError(f"At most {MAX_HYPOTHESES} hypotheses are kept per incident")
        project_pk = keys.project_pk(tenant_id, incident.project_id)
        usage_pk = keys.usage_pk(tenant_id, incident.project_id)
        tokens = usage.input_tokens + usage.output_tokens
        cached = hypotheses_json([as_hypothesis(h) for h in hypotheses])

        def write(tx: TransactWrite) -> None:
            # Read anew on every attempt: a change of the incident meanwhile (its state) is kept, not overwritten.
            current = self.get_incident(tenant_id, incident.project_id, incident.id)
            if current is None:
                raise NotFound("Incident not found")
            old = self._query(project_pk, RecordItem.sk.startswith(keys.hypotheses_prefix(incident.id)),
                              limit=MAX_HYPOTHESES * 2)
            # The last ranking's feedback stays with its cause; the old items as read are the condition, so a
            # judgement meanwhile is read again rather than lost.
            judged = judgements([hypothesis_record(item) for item in old])
            new = {item.sk: item for item in (hypothesis_item(tenant_id, incident.project_id, h)
                                              for h in with_judgements(hypotheses, judged))}
            for item in old:
                if item.sk not in new:  # one transaction may not touch an item twice
                    tx.delete(RecordItem(item.pk, item.sk), condition=RecordItem.data == item.data)
            read = {item.sk: item.data for item in old}
            for sk, item in new.items():
                tx.save(item, condition=RecordItem.data == read[sk] if sk in read else RecordItem.pk.does_not_exist())
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
            if event_key is not None:
                tx.save(RankedEventItem(project_pk, keys.ranked_event_sk(event_key),
                                        expiresAt=int((usage.at + RANKED_EVENT_TTL).timestamp())),
                        condition=RankedEventItem.pk.does_not_exist())
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:  # the event ranked meanwhile (a redelivery, or our own lost reply): done
            ranked = event_key is not None and self.event_ranked(tenant_id, incident.project_id, event_key)
            return Outcome.DONE if ranked else Outcome.RETRY

        self._commit(write, changed("Incident changed meanwhile; ranking again"), outcome)

    def event_ranked(self, tenant_id: str, project_id: str, event_key: str) -> bool:
        return get_item(RankedEventItem, keys.project_pk(tenant_id, project_id),
                        keys.ranked_event_sk(event_key)) is not None

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
        # A confirmation sets the incident's cause; rejecting the cause it holds takes it back.
        moves_cause = confirmed or incident.confirmed_cause == hypothesis.cause
        after = replace(incident, confirmed_cause=hypothesis.cause if confirmed else None, version=incident.version + 1)

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
            if moves_cause:
                tx.save(incident_item(tenant_id, after), condition=RecordItem.version == incident.version)

        def outcome() -> Outcome:
            now = get_item(RecordItem, as_read.pk, as_read.sk)
            if now is None or now.data != as_read.data:
                return Outcome.DONE if now is not None and now.data == judged.data else Outcome.CONFLICT
            current = self.get_incident(tenant_id, project_id, incident.id)
            stale = moves_cause and (current is None or current.version != incident.version)
            return Outcome.CONFLICT if stale else Outcome.RETRY

        self._commit(write, changed("The incident changed meanwhile; retry"), outcome)

    def cause_priors(self, tenant_id: str, project_id: str) -> dict[str, float]:
        return _priors(get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.PRIORS_SK))

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

    @staticmethod
    def _counters(pk: str, first: date, last: date) -> dict[str, Counter[str]]:
        """The counter items of the days first..last, each summed with its spill items (opsdesk.dynamo.counter_totals),
        by their sort keys in order: one Query."""
        low, high = keys.day_range(first, last)
        return dict(sorted(counter_totals(CounterItem, pk, low, high).items()))


def judgements(ranked: Sequence[StoredHypothesis]) -> dict[str, str]:
    """The people's feedback on a ranking, by cause."""
    return {h.cause: h.user_feedback for h in ranked if h.user_feedback}


def with_judgements(hypotheses: Sequence[StoredHypothesis], judged: dict[str, str]) -> list[StoredHypothesis]:
    """A new ranking keeps the feedback given on its causes in the last one (a hypothesis's own comes first)."""
    return [h if h.user_feedback or h.cause not in judged else replace(h, user_feedback=judged[h.cause])
            for h in hypotheses]


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
