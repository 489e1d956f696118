"""Hypotheses for an incident (DESIGN.md §6b): gather the evidence the platform holds, ask the provider
(opsdesk.analysis: the offline engine or Bedrock) unless an identical question was answered before, store the
ranked result with its usage, and announce `hypothesis.generated`.

Runs in copilot_hypotheses, fed by the event log (incident.created); the evidence windows are written here."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from opsdesk.ai.pricing import cost_micros
from opsdesk.analysis.evidence import (
    AlertEvidence,
    ChangeEvidence,
    EvidenceBundle,
    Hypothesis,
    IncidentFacts,
    PastIncident,
)
from opsdesk.analysis.providers import HypothesisProvider
from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.copilot.records import Alert, ChangeEvent, Incident, StoredHypothesis, UsageRecord
from opsdesk.copilot.store import CopilotStore
from opsdesk.events import DomainEvent, project_stream

ALERTS_BEFORE = timedelta(hours=2)
ALERTS_AFTER = timedelta(minutes=30)
CHANGES_BEFORE = timedelta(hours=24)
MAX_ALERTS, MAX_CHANGES, MAX_PAST_INCIDENTS = 50, 30, 20
REQUEST_TYPE = "hypothesis"
CACHE_VERSION = "v1"
"""Part of every cache key: a change to the engine or the evidence gathering starts a fresh cache."""
HYPOTHESIS_ID_NAMESPACE = uuid.UUID("5b0c3f0e-7d1a-5e2b-9c4f-0a6e8d2b1c37")
"""Hypothesis ids are uuid5s of the incident and the cause in this namespace (never change it: ids would move)."""


class HypothesisService:
    def __init__(self, store: CopilotStore, provider: HypothesisProvider) -> None:
        self._store = store
        self._provider = provider

    def generate(self, tenant_id: str, project_id: str, incident_id: str,
                 event_key: str | None = None) -> list[StoredHypothesis]:
        """Rank the incident's hypotheses. `event_key` names the stream event asking (the event log item's key):
        once it was ranked for, a redelivery of it asks nothing of the provider and counts nothing ([])."""
        if event_key is not None and self._store.event_ranked(tenant_id, project_id, event_key):
            return []
        incident = self._store.get_incident(tenant_id, project_id, incident_id)
        if incident is None:
            return []  # deleted meanwhile: nothing to explain
        bundle = self.evidence(tenant_id, incident)
        priors = self._store.cause_priors(tenant_id, project_id)
        key = cache_key(bundle, priors)
        cached = self._store.cached_hypotheses(tenant_id, project_id, key)
        now = utc_now()
        if cached is not None:
            ranked, usage = cached, UsageRecord(REQUEST_TYPE, self._provider.model_id, 0, 0, 0, True, now)
        else:
            result = self._provider.generate(bundle, feedback=priors)
            ranked = list(result.hypotheses)
            usage = UsageRecord(REQUEST_TYPE, result.model_id, result.usage.input_tokens, result.usage.output_tokens,
                                cost_micros(result.model_id, result.usage.input_tokens, result.usage.output_tokens),
                                False, now)
        stored = [stored_hypothesis(incident.id, h, now) for h in ranked]
        self._store.save_hypotheses(tenant_id, incident, stored, usage, cache_key=key,
                                    events=[hypotheses_event(incident, stored)] if stored else [],
                                    event_key=event_key)
        return stored

    def evidence(self, tenant_id: str, incident: Incident) -> EvidenceBundle:
        at = incident.detected_at
        alerts = self._store.alerts_between(tenant_id, incident.project_id, at - ALERTS_BEFORE, at + ALERTS_AFTER,
                                            MAX_ALERTS)
        changes = self._store.changes_between(tenant_id, incident.project_id, at - CHANGES_BEFORE, at, MAX_CHANGES)
        past = [p for p in self._store.past_incidents(tenant_id, incident.project_id, incident.service_name,
                                                      MAX_PAST_INCIDENTS + 1) if p.id != incident.id]
        return EvidenceBundle(
            incident=IncidentFacts(incident.title, incident.description, incident.service_name,
                                   incident.severity.value, at),
            alerts=tuple(alert_evidence(a) for a in alerts),
            changes=tuple(change_evidence(c) for c in changes),
            past_incidents=tuple(past_incident(p) for p in past[:MAX_PAST_INCIDENTS]),
        )


def alert_evidence(alert: Alert) -> AlertEvidence:
    severity = alert.severity if alert.severity in {"critical", "high", "medium", "low", "info"} else "medium"
    return AlertEvidence(id=alert.id, name=alert.name, service=alert.service, severity=severity,  # type: ignore[arg-type]
                         summary=alert.summary, starts_at=alert.starts_at,
                         status="resolved" if alert.status == "resolved" else "firing", labels=dict(alert.labels))


def change_evidence(change: ChangeEvent) -> ChangeEvidence:
    return ChangeEvidence(id=change.id, kind=change.kind, service=change.service,  # type: ignore[arg-type]
                          summary=change.summary, at=change.at, version=change.version)


def past_incident(incident: Incident) -> PastIncident:
    return PastIncident(id=incident.id, ref=incident.title, title=incident.title, description=incident.description,
                        service_name=incident.service_name, detected_at=incident.detected_at,
                        confirmed_cause=incident.confirmed_cause)


def hypothesis_id(incident_id: str, cause: str) -> str:
    """One id per incident and cause, whichever ranking names it: feedback and links to it outlive a re-rank."""
    return str(uuid.uuid5(HYPOTHESIS_ID_NAMESPACE, f"{incident_id}#{cause}"))


def stored_hypothesis(incident_id: str, hypothesis: Hypothesis, now: datetime) -> StoredHypothesis:
    return StoredHypothesis(id=hypothesis_id(incident_id, hypothesis.cause), incident_id=incident_id,
                            cause=hypothesis.cause, claim=hypothesis.claim, description=hypothesis.description,
                            confidence_score=hypothesis.confidence_score,
                            confidence_lower=hypothesis.confidence_lower,
                            confidence_upper=hypothesis.confidence_upper, rank=hypothesis.rank,
                            supporting_evidence=tuple(hypothesis.supporting_evidence),
                            contradicting_evidence=tuple(hypothesis.contradicting_evidence), created_at=now)


def hypotheses_event(incident: Incident, stored: list[StoredHypothesis]) -> DomainEvent:
    top = min(stored, key=lambda h: h.rank)
    return DomainEvent("hypothesis.generated", project_stream("hypotheses", incident.project_id),
                       {"count": len(stored),
                        "top_hypothesis": {"claim": top.claim, "confidence_score": top.confidence_score}},
                       envelope={"incidentId": incident.id})


def cache_key(bundle: EvidenceBundle, priors: dict[str, float]) -> str:
    """Identical questions get the same key: the incident's text, service and severity, the evidence items (by
    content, not id) and the project's priors; the detection time only through the evidence it selects."""
    facts = bundle.incident
    material = {
        "v": CACHE_VERSION,
        "incident": [facts.title.strip().lower(), facts.description.strip().lower(), facts.service_name,
                     facts.severity],
        "alerts": sorted([a.name, a.service, a.severity, a.summary, a.status,
                          round((a.starts_at - facts.detected_at).total_seconds() / 60)] for a in bundle.alerts),
        "changes": sorted([c.kind, c.service, c.summary, c.version or "",
                           round((c.at - facts.detected_at).total_seconds() / 60)] for c in bundle.changes),
        "past": sorted([p.title, p.service_name, p.confirmed_cause or ""] for p in bundle.past_incidents),
        "priors": sorted((cause, round(weight, 3)) for cause, weight in priors.items()),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:40]


def hypothesis_json(hypothesis: Hypothesis) -> dict[str, object]:
    """A hypothesis as the cache keeps it."""
    return {**asdict(hypothesis), "supporting_evidence": list(hypothesis.supporting_evidence),
            "contradicting_evidence": list(hypothesis.contradicting_evidence)}


def usage_timestamp(usage: UsageRecord) -> str:
    return to_rfc3339(usage.at)
