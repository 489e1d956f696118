"""Evidence for engine tests: one incident detected at DETECTED, items placed in minutes relative to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from opsdesk.analysis.evidence import (
    AlertEvidence,
    ChangeEvidence,
    ChangeKind,
    EvidenceBundle,
    IncidentFacts,
    PastIncident,
    Severity,
)

DETECTED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
_ids = count(1)


def at(minutes_before: float) -> datetime:
    return DETECTED - timedelta(minutes=minutes_before)


def incident(title: str = "Errors on payment-api", description: str = "", service: str = "payment-api",
             severity: Severity = "high") -> IncidentFacts:
    return IncidentFacts(title, description, service, severity, DETECTED)


def alert(name: str, *, service: str = "payment-api", summary: str = "", minutes_before: float = 2,
          severity: Severity = "high", labels: dict[str, str] | None = None) -> AlertEvidence:
    return AlertEvidence(f"alert-{next(_ids)}", name, service, severity, summary, at(minutes_before),
                         labels=labels or {})


def change(kind: ChangeKind = "deployment", *, service: str = "payment-api", summary: str = "",
           minutes_before: float = 10, version: str | None = "v2.4.5") -> ChangeEvidence:
    return ChangeEvidence(f"change-{next(_ids)}", kind, service, summary or f"{kind} of {service}",
                          at(minutes_before), version)


def past(ref: str, cause: str | None, *, service: str = "payment-api", title: str = "Errors on payment-api",
         description: str = "", rejected: tuple[str, ...] = ()) -> PastIncident:
    return PastIncident(f"past-{next(_ids)}", ref, title, description, service, at(60 * 24 * 30), cause, rejected)


def bundle(facts: IncidentFacts | None = None, *, alerts: tuple[AlertEvidence, ...] = (),
           changes: tuple[ChangeEvidence, ...] = (), past_incidents: tuple[PastIncident, ...] = ()) -> EvidenceBundle:
    return EvidenceBundle(facts or incident(), alerts, changes, past_incidents)
