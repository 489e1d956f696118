"""What the incident analysis engine reasons over (DESIGN.md §6b): plain records of what the platform holds about
an incident, with no AWS in sight. The copilot's hypotheses and the response module's root-cause analysis both
build an `EvidenceBundle` from their stores and hand it to a `HypothesisProvider` (opsdesk.analysis.providers).

Every evidence item has an `id` so a hypothesis can cite exactly the items it rests on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime
from typing import Literal

from opsdesk.frozen import frozen

Severity = Literal["critical", "high", "medium", "low", "info"]
ChangeKind = Literal["deployment", "config_change", "feature_flag", "infrastructure", "scaling", "dependency_update"]

CAUSE_CLASSES: tuple[str, ...] = (
    "bad_deploy",
    "config_change",
    "connection_pool_exhaustion",
    "slow_queries",
    "memory_leak",
    "cpu_saturation",
    "disk_full",
    "expired_certificate",
    "dns_failure",
    "dependency_outage",
    "traffic_spike",
    "upstream_rate_limiting",
    "cache_failure",
    "queue_backlog",
    "network_partition",
)
"""The catalogue's cause classes, by id: labelled cases, confirmed causes and hypotheses all use these ids."""


@frozen
class IncidentFacts:
    title: str
    description: str
    service_name: str
    severity: Severity
    detected_at: datetime


@frozen
class AlertEvidence:
    """An alert of the incident's project around `detected_at` (any source, normalised)."""

    id: str
    name: str
    """The alert's name (Alertmanager `alertname`, a CloudWatch alarm name, ...)."""
    service: str
    severity: Severity
    summary: str
    starts_at: datetime
    status: Literal["firing", "resolved"] = "firing"
    labels: Mapping[str, str] = field(default_factory=dict)


@frozen
class ChangeEvidence:
    """A change an alert source or a deploy tool reported (a deployment, a config or flag change, ...)."""

    id: str
    kind: ChangeKind
    service: str
    summary: str
    at: datetime
    version: str | None = None


@frozen
class PastIncident:
    """An earlier incident of the same project, with the cause people confirmed (None: never confirmed)."""

    id: str
    ref: str
    """How people name it (a title or a short id)."""
    title: str
    description: str
    service_name: str
    detected_at: datetime
    confirmed_cause: str | None = None
    """One of CAUSE_CLASSES."""
    rejected_causes: tuple[str, ...] = ()
    """Causes people rejected for it."""


ObservationKind = Literal["log", "metric", "alert", "trace", "user_action"]
Level = Literal["debug", "info", "warning", "error", "critical"]


@frozen
class ObservationEvidence:
    """Something observed during the incident (the response module's events): a log line, a metric reading, an
    alert, a trace, or a note of what someone did. Changes it reports (a deployment, a flag turned on) also reach the
    engine as ChangeEvidence (opsdesk.analysis.observations.reported_changes)."""

    id: str
    kind: ObservationKind
    message: str
    level: Level
    source: str
    """Who emitted it: a host, a pod, a service or a tool."""
    at: datetime
    details: Mapping[str, str] = field(default_factory=dict)
    """Its metadata as text (a metric's name, a version, a status code)."""


@frozen
class EvidenceBundle:
    incident: IncidentFacts
    alerts: tuple[AlertEvidence, ...] = ()
    changes: tuple[ChangeEvidence, ...] = ()
    past_incidents: tuple[PastIncident, ...] = ()
    observations: tuple[ObservationEvidence, ...] = ()


@frozen
class Hypothesis:
    """One ranked explanation, with exactly what the copilot document's Hypothesis shows (its id, incident id,
    feedback and creation time are the store's business)."""

    cause: str
    """One of CAUSE_CLASSES."""
    claim: str
    description: str
    confidence_score: float
    confidence_lower: float
    confidence_upper: float
    rank: int
    supporting_evidence: tuple[str, ...]
    contradicting_evidence: tuple[str, ...]
