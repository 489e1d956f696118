"""An incident's AI analysis (seeds/incident-response-api.md: `ai_summary`, `root_cause`, `suggested_actions`):
its events become evidence for the analysis engine shared with the copilot (opsdesk.analysis), the ranked causes
become a summary written from the evidence used, a root cause, and suggested actions (opsdesk.analysis.remediation).
Plain Python: the service stores what this returns."""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from opsdesk.analysis.evidence import EvidenceBundle, Hypothesis, IncidentFacts, ObservationEvidence
from opsdesk.analysis.providers import HypothesisProvider
from opsdesk.analysis.remediation import REMEDIATION
from opsdesk.analysis.text import BY_CAUSE
from opsdesk.frozen import frozen
from opsdesk.response.records import Analysis, Event, Incident, IngestActivity

ROOT_CAUSE_CONFIDENCE = 0.45
"""Below this, the analysis names no root cause (the summary still gives the leading candidates). Chosen on the
tuning sets (tests/data/response_analysis) at the engine's confidence scale: it withholds 3 of their 9 wrong top
causes and 1 of their 83 right ones (0.3 at the scale before withheld 3 wrong and 5 right)."""
MAX_SUGGESTED = 5
MAX_EVENTS_READ = 500
"""The newest events an analysis reads (the engine weighs repeated lines once anyway)."""
ERROR_LEVELS = frozenset({"error", "critical"})
_POD_SUFFIX = re.compile(r"-(?=[0-9a-f]*\d)[0-9a-f]{4,10}(-[0-9a-z]{5})?$|-\d+$")
"""A pod's or an instance's suffix (`-7f9c`, `-7d9f8b6c5-x2k4p`, `-01`): hex with a digit in it, so `news-feed`
keeps its name."""


@frozen
class SuggestedStep:
    title: str
    description: str
    priority: int


@frozen
class AnalysisResult:
    analysis: Analysis
    steps: tuple[SuggestedStep, ...]
    hypotheses: tuple[Hypothesis, ...]


def failing_service(incident: Incident, events: Sequence[Event]) -> str:
    """The source most of the incident's errors come from (pod and instance suffixes dropped), else the most
    frequent source, else the incident's first tag or its source."""
    def base(source: str) -> str:
        return _POD_SUFFIX.sub("", source.strip().lower()) or source

    for pool in ([e for e in events if e.level in ERROR_LEVELS and e.event_type != "user_action"], list(events)):
        named = [base(e.source) for e in pool if e.source.strip()]
        if named:
            return Counter(named).most_common(1)[0][0]
    return incident.tags[0] if incident.tags else incident.source


def detected_at(incident: Incident, events: Sequence[Event]) -> datetime:
    """When trouble was first seen: the first warning or worse, if it came before the incident was opened."""
    troubled = [e.timestamp for e in events if e.level in ("warning", *ERROR_LEVELS) and e.event_type != "user_action"]
    return min([incident.created_at, *troubled[:1]]) if troubled else incident.created_at


def evidence_for(incident: Incident, events: Sequence[Event]) -> EvidenceBundle:
    ordered = sorted(events, key=lambda e: (e.timestamp, e.id))
    facts = IncidentFacts(title=incident.title, description=incident.description,
                          service_name=failing_service(incident, ordered), severity=incident.severity,
                          detected_at=detected_at(incident, ordered))
    observations = tuple(
        ObservationEvidence(id=f"event-{e.id}", kind=e.event_type, message=e.message, level=e.level, source=e.source,
                            at=e.timestamp, details={str(k): str(v) for k, v in e.metadata.items()
                                                     if isinstance(v, str | int | float | bool)})
        for e in ordered)
    return EvidenceBundle(facts, observations=observations)


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def summary_of(incident: Incident, events: Sequence[Event], hypotheses: Sequence[Hypothesis]) -> str:
    """What was seen and what it points to, citing the evidence the top cause rests on."""
    sources = {e.source for e in events if e.source}
    errors = sum(1 for e in events if e.level in ERROR_LEVELS)
    if events:
        first, last = min(e.timestamp for e in events), max(e.timestamp for e in events)
        span = max(1, round((last - first).total_seconds() / 60))
        seen = (f"{len(events)} event{'s' if len(events) != 1 else ''} from {len(sources)} "
                f"source{'s' if len(sources) != 1 else ''} over {span} minute{'s' if span != 1 else ''}"
                f" ({errors} at error level or worse).")
    else:
        seen = "No events yet; this reads the incident's own description."
    if not hypotheses:
        return f"{seen} The evidence points to no known cause yet; add logs, metrics or alerts to the incident."
    top = hypotheses[0]
    label = BY_CAUSE[top.cause].label if top.cause in BY_CAUSE else top.cause
    lead = "Most likely" if top.confidence_score >= ROOT_CAUSE_CONFIDENCE else "Possibly, with weak evidence,"
    parts = [seen, f"{lead} {label} ({_percent(top.confidence_score)} confident): {top.claim}."]
    if top.supporting_evidence:
        parts.append("Evidence: " + "; ".join(top.supporting_evidence[:3]) + ".")
    if top.contradicting_evidence:
        parts.append("Against it: " + "; ".join(top.contradicting_evidence[:2]) + ".")
    others = [f"{BY_CAUSE[h.cause].label if h.cause in BY_CAUSE else h.cause} ({_percent(h.confidence_score)})"
              for h in hypotheses[1:3]]
    if others:
        parts.append("Also considered: " + ", ".join(others) + ".")
    return " ".join(parts)


def suggested_steps(hypotheses: Sequence[Hypothesis]) -> tuple[SuggestedStep, ...]:
    """The top cause's steps first, then the runner-up's first step when it is a real contender; priority 1 is the
    most urgent."""
    steps: list[tuple[str, str]] = []
    for index, hypothesis in enumerate(hypotheses[:2]):
        if index and hypothesis.confidence_score < hypotheses[0].confidence_score / 2:
            break
        remedies = REMEDIATION.get(hypothesis.cause, ())
        steps.extend(remedies if index == 0 else remedies[:1])
    unique = list(dict.fromkeys(steps))[:MAX_SUGGESTED]
    return tuple(SuggestedStep(title, description, priority) for priority, (title, description)
                 in enumerate(unique, start=1))


def events_digest(events: Sequence[Event]) -> str:
    """Names a set of events: two analyses with the same digest read the same events, so the second adds nothing
    (an ingest that straddles an analysis's start requests another analysis of what it already read)."""
    ids = sorted(event.id for event in events)
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:32]


def analyse(incident: Incident, events: Sequence[Event], provider: HypothesisProvider) -> AnalysisResult:
    result = provider.generate(evidence_for(incident, events))
    hypotheses = result.hypotheses
    top = hypotheses[0] if hypotheses else None
    confident = top is not None and top.confidence_score >= ROOT_CAUSE_CONFIDENCE
    steps = suggested_steps(hypotheses) if top is not None else ()
    analysis = Analysis(
        ai_summary=summary_of(incident, events, hypotheses),
        root_cause=top.claim if confident and top is not None else None,
        suggested_actions=tuple(step.title for step in steps),
        cause=top.cause if top is not None else None,
        confidence=top.confidence_score if top is not None else 0.0,
        model_id=result.model_id,
        events_read=len(events),
        events_digest=events_digest(events),
    )
    return AnalysisResult(analysis, steps, hypotheses)


INGEST_LEASE_SECONDS = 120.0
"""An ingest that began longer ago than this and never ended (its process died) no longer holds an analysis back;
far beyond the ingest function's timeout."""


def last_activity_at(activity: IngestActivity | None, now: datetime) -> datetime | None:
    """When the incident last saw ingest activity: now while a write that began within the lease is still under way,
    else when its events were last written."""
    if activity is None:
        return None
    began = activity.last_write_began_at
    if activity.writes_in_flight > 0 and began is not None and (now - began).total_seconds() < INGEST_LEASE_SECONDS:
        return now
    return activity.last_event_at


def wait_for_quiet(activity_at: Callable[[], datetime | None], now: Callable[[], datetime], *,
                   quiet_seconds: float, max_wait_seconds: float,
                   sleep: Callable[[float], None] = time.sleep) -> float:
    """Wait until no event has arrived for `quiet_seconds` (a burst is analysed once, after it), at most
    `max_wait_seconds`. Returns the seconds waited."""
    waited = 0.0
    while waited < max_wait_seconds:
        last = activity_at()
        idle = (now() - last).total_seconds() if last else quiet_seconds
        if idle >= quiet_seconds:
            break
        pause = min(quiet_seconds - idle, max_wait_seconds - waited)
        sleep(pause)
        waited += pause
    return waited
