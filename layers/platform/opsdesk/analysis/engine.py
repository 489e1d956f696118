"""The offline incident-analysis engine: ranks the catalogue's cause classes (opsdesk.analysis.catalogue) for an
EvidenceBundle by weighted evidence. Pure Python, deterministic, no AWS.

Every cause collects signals, each worth signed points and described by a sentence that cites its item:

- the incident's text: catalogue terms in the title (x TITLE_FACTOR) and description, clause by clause (a clause
  that calls a thing normal turns its terms against their causes; a clause naming a consequence weighs less);
- alerts: their name and summary matched like the text, weighed by when they started (full weight from
  ALERT_FULL_MINUTES before detection, fading before that and after it), by service (same, related, other), by
  order (the first alert to fire is nearest the cause) and by severity;
- changes before detection: the catalogue's change kinds for the cause, fading with their half-life, full weight on
  the same service and a share on others, plus the change summary's terms; a change after detection, long before
  it or on an unrelated service is cited against the causes it would carry;
- past incidents: the cause people confirmed (for), the causes they rejected (against), by service and similarity;
- feedback: the project's per-cause prior (confirmations positive, rejections negative), saturating at
  FEEDBACK_CAP points.

One line, one meaning: in a clause, an alert or an observed line whose strongest term is diagnostic, causes whose
own terms there are clearly weaker keep a share of them (text.line_shares). And a cause explains the classes it
produces (catalogue.PRODUCES: a DNS failure fills queues): when both have evidence, the produced class loses a share
of the smaller score, and says so among its contradicting evidence (`explained`).

Points of one kind add up with diminishing returns (the n-th signal counts DIMINISHING**n), so one specific sign
outweighs many vague ones. Scores become confidences by a softmax over the 15 causes plus an "unexplained" weight
(CONFIDENCE_SCALE, fitted on the tuning sets); the interval is a Wilson interval whose width
shrinks with the number of signals the hypothesis rests on. The weights are data, next to the catalogue
(opsdesk.analysis.weights).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime

from opsdesk.analysis.catalogue import CATALOGUE, PRODUCES
from opsdesk.analysis.evidence import (
    CAUSE_CLASSES,
    AlertEvidence,
    ChangeEvidence,
    EvidenceBundle,
    Hypothesis,
    PastIncident,
)
from opsdesk.analysis.observations import observation_signals, reported_changes
from opsdesk.analysis.text import (
    BY_CAUSE,
    MAX_QUOTE,
    TEXT_MENTIONS,
    Signal,
    ago,
    clauses,
    diminished,
    has_consequence_marker,
    has_normal_marker,
    has_speculation_marker,
    line_shares,
    mask,
    match_phrases,
    match_points,
    minutes_before,
    peak_points,
    quote,
    relation,
    terms_of,
    tokenize,
)
from opsdesk.analysis.vocabulary import ALERT_LABELS
from opsdesk.analysis.weights import (
    ALERT_AFTER_HALF_LIFE,
    ALERT_FADE_MINUTES,
    ALERT_FULL_MINUTES,
    ALERT_LATER_FACTOR,
    ALERT_MAX_POINTS,
    ALERT_SERVICE_FACTOR,
    ALERT_SEVERITY_FACTOR,
    CHANGE_AFTER_POINTS,
    CHANGE_CITED_POINTS,
    CHANGE_RELATED_FACTOR,
    CHANGE_TEXT_FACTOR,
    CHANGE_TEXT_HALF_LIFE,
    CONFIDENCE_SCALE,
    CONSEQUENCE_FACTOR,
    EXPLAINED_SHARE,
    FEEDBACK_CAP,
    INTERVAL_BASE_COUNT,
    INTERVAL_COUNT_PER_SIGNAL,
    INTERVAL_Z,
    MIN_CITED_POINTS,
    MISSING_CHANGE_POINTS,
    NORMAL_FACTOR,
    OTHER_SERVICE_CHANGE_FACTOR,
    PAST_POINTS,
    PAST_REJECTED_FACTOR,
    PAST_SIMILAR,
    PRODUCER_MIN_SCORE,
    SPECULATION_FACTOR,
    TITLE_FACTOR,
    ConfidenceScale,
)
from opsdesk.analysis.wording import claim_for, evidence_sentences, symptom_of
from opsdesk.frozen import frozen


def alert_signals(alerts: Iterable[AlertEvidence], service: str, detected_at: datetime) -> list[Signal]:
    ordered = sorted(alerts, key=lambda a: (a.starts_at, a.id))
    first = ordered[0].starts_at if ordered else None
    signals: list[Signal] = []
    for alert in ordered:
        before = minutes_before(detected_at, alert.starts_at)
        if before >= 0:
            timing = 1.0 if before <= ALERT_FULL_MINUTES else 0.5 ** ((before - ALERT_FULL_MINUTES) /
                                                                      ALERT_FADE_MINUTES)
        else:
            timing = 0.5 ** (-before / ALERT_AFTER_HALF_LIFE)
        factor = (timing * ALERT_SERVICE_FACTOR[relation(service, alert.service)]
                  * (1.0 if alert.starts_at == first else ALERT_LATER_FACTOR)
                  * ALERT_SEVERITY_FACTOR.get(alert.severity, 0.9) * (0.8 if alert.status == "resolved" else 1.0))
        summary = f" ({' '.join(alert.summary.split())[:MAX_QUOTE]})" if alert.summary.strip() else ""
        status = "fired" if alert.status == "resolved" else "started"
        sentence = f"Alert {alert.name} on {alert.service}{summary} {status} {ago(before)}"
        described = " ".join(str(v) for k, v in sorted(alert.labels.items()) if k.lower() in ALERT_LABELS)
        for cause, points in match_points(f"{alert.name} {alert.summary} {described}").items():
            signed = max(-ALERT_MAX_POINTS, min(ALERT_MAX_POINTS, points)) * factor
            signals.append(Signal(cause, "alert", signed, sentence, alert.id, supports=signed > 0,
                                  item=f"alert {alert.name}"))
    return signals


def text_signals(title: str, description: str, service: str = "") -> list[Signal]:
    """A supporting signal per term found (quoting it), a contradicting one per clause that speaks against a cause.
    Mentions of the incident's own service are not evidence."""
    found: dict[str, dict[str, float]] = {}
    against: dict[str, dict[str, float]] = {}
    for text, factor in ((mask(title, service), TITLE_FACTOR), (mask(description, service), 1.0)):
        for clause in clauses(text):
            normal = has_normal_marker(clause)
            scale = factor * (CONSEQUENCE_FACTOR if has_consequence_marker(clause) else 1.0) * (
                SPECULATION_FACTOR if has_speculation_marker(clause) else 1.0)
            matches = match_phrases(tokenize(clause))
            shares = line_shares(peak_points(matches))
            for match in matches:
                surface = clause[match.start:match.end]
                for entry in match.entries:
                    if entry.points > 0 and not normal:
                        bucket = found.setdefault(entry.cause, {})
                        key = next((k for k in bucket if k.lower() == surface.lower()), surface)
                        bucket[key] = max(bucket.get(key, 0.0), entry.points * scale * shares[entry.cause])
                    else:
                        points = -abs(entry.points) * (NORMAL_FACTOR if entry.points > 0 else 1.0) * factor
                        bucket = against.setdefault(entry.cause, {})
                        bucket[clause] = min(bucket.get(clause, 0.0), points)
    signals: list[Signal] = []
    for cause, terms in found.items():
        ordered = sorted(terms.items(), key=lambda item: (-item[1], item[0]))
        for surface, points in ordered:
            signals.append(Signal(cause, "text", points, f"{TEXT_MENTIONS}{quote(surface)}", item=quote(surface)))
    for cause, by_clause in against.items():
        for clause, points in by_clause.items():
            signals.append(Signal(cause, "text", points, f"The incident text says {quote(clause)}", supports=False))
    return signals


KIND_NAMES = {"deployment": "Deployment", "config_change": "Config change", "feature_flag": "Feature flag change",
              "infrastructure": "Infrastructure change", "scaling": "Scaling change",
              "dependency_update": "Dependency update"}


def change_name(change: ChangeEvidence) -> str:
    """`Deployment v2.4.5 of payment-api`, `Config change "consul kv: ..." on orders-svc`."""
    kind = KIND_NAMES.get(change.kind, "Change")
    if change.version:
        return f"{kind} {change.version} of {change.service}"
    return f"{kind} {quote(change.summary)} on {change.service}" if change.summary.strip() else \
        f"{kind} on {change.service}"


def change_signals(changes: Iterable[ChangeEvidence], service: str, detected_at: datetime) -> list[Signal]:
    signals: list[Signal] = []
    for change in sorted(changes, key=lambda c: (c.at, c.id)):
        before = minutes_before(detected_at, change.at)
        related = relation(service, change.service)
        service_factor = {"same": 1.0, "related": CHANGE_RELATED_FACTOR}.get(
            related, OTHER_SERVICE_CHANGE_FACTOR.get(change.kind, 0.15))
        name = change_name(change)
        text_points = match_points(change.summary) if before >= 0 else {}
        for entry in CATALOGUE:
            kind_signal = next((s for s in entry.changes if s.kind == change.kind), None)
            carries = kind_signal is not None and kind_signal.weight >= 2.0
            points = 0.0
            # A change elsewhere supports a cause it does not carry only through what its summary says.
            if kind_signal is not None and before >= 0 and (carries or related != "other"):
                points = kind_signal.weight * 0.5 ** (before / kind_signal.half_life_minutes) * service_factor
            if entry.cause in text_points and kind_signal is None:  # the kind already speaks for the rest
                points += (CHANGE_TEXT_FACTOR * text_points[entry.cause] * service_factor
                           * 0.5 ** (before / CHANGE_TEXT_HALF_LIFE))
            if points >= CHANGE_CITED_POINTS or (points >= MIN_CITED_POINTS and not carries):
                signals.append(Signal(entry.cause, "change", points, f"{name} {ago(before)}", change.id, item=name))
            elif carries and before < 0:
                signals.append(Signal(entry.cause, "change", CHANGE_AFTER_POINTS,
                                      f"{name} came {ago(before)}, too late to cause it", change.id, supports=False))
            elif carries:
                where = "" if related == "same" else f", on another service than {service}"
                signals.append(Signal(entry.cause, "change", points, f"{name} was {ago(before)}{where}", change.id,
                                      supports=False))
    return signals


def missing_change_signals(signals: list[Signal], service: str) -> list[Signal]:
    """For causes a change carries: no change of their kinds worth citing before detection."""
    out: list[Signal] = []
    for entry in CATALOGUE:
        if not entry.needs_change:
            continue
        if any(s.cause == entry.cause and s.group == "change" for s in signals):
            continue  # cited already, for or against
        kinds = " or ".join(sorted({KIND_NAMES[s.kind].lower() for s in entry.changes if s.weight >= 2.0}))
        out.append(Signal(entry.cause, "change", MISSING_CHANGE_POINTS,
                          f"No {kinds} of {service} shortly before detection", supports=False))
    return out


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def past_signals(past: Iterable[PastIncident], service: str, incident_terms: set[str]) -> list[Signal]:
    signals: list[Signal] = []
    for incident in past:
        related = relation(service, incident.service_name)
        similarity = _similarity(incident_terms, set(terms_of(f"{incident.title} {incident.description}")))
        weight = PAST_POINTS[related] * (0.5 + 0.5 * min(1.0, similarity / PAST_SIMILAR))
        adjective = "Similar incident" if similarity >= PAST_SIMILAR / 2 else "Earlier incident"
        if incident.confirmed_cause in BY_CAUSE:
            label = BY_CAUSE[incident.confirmed_cause].label
            signals.append(Signal(incident.confirmed_cause, "past", weight,
                                  f"{adjective} {incident.ref} on {incident.service_name} confirmed as {label}",
                                  incident.id, item=f"as in {incident.ref}"))
        for cause in incident.rejected_causes:
            if cause in BY_CAUSE and cause != incident.confirmed_cause:
                signals.append(Signal(cause, "past", weight * PAST_REJECTED_FACTOR,
                                      f"{adjective} {incident.ref} on {incident.service_name}: people rejected "
                                      f"{BY_CAUSE[cause].label}", incident.id, supports=False))
    return signals


def feedback_signals(feedback: Mapping[str, float]) -> list[Signal]:
    signals: list[Signal] = []
    for cause in CAUSE_CLASSES:
        weight = float(feedback.get(cause, 0.0))
        if not math.isfinite(weight) or weight == 0:
            continue
        points = FEEDBACK_CAP * math.tanh(weight / FEEDBACK_CAP)
        label = BY_CAUSE[cause].label
        verb = "confirmed" if points > 0 else "rejected"
        signals.append(Signal(cause, "feedback", points,
                              f"People on this project have {verb} {label} as a cause before (prior {weight:+.2f})",
                              supports=points > 0))
    return signals


def collect_signals(bundle: EvidenceBundle, feedback: Mapping[str, float] | None = None) -> list[Signal]:
    facts = bundle.incident
    signals = text_signals(facts.title, facts.description, facts.service_name)
    signals += alert_signals(bundle.alerts, facts.service_name, facts.detected_at)
    changes = bundle.changes + reported_changes(bundle.observations, facts.service_name)
    signals += change_signals(changes, facts.service_name, facts.detected_at)
    signals += observation_signals(bundle.observations, facts.detected_at)
    signals += missing_change_signals(signals, facts.service_name)
    signals += past_signals(bundle.past_incidents, facts.service_name,
                            set(terms_of(f"{facts.title} {facts.description}")))
    signals += feedback_signals(feedback or {})
    return signals


# ---------------------------------------------------------------------------------------------------- ranking
def score(signals: Iterable[Signal]) -> float:
    by_group: dict[str, list[float]] = {}
    negative = 0.0
    for signal in signals:
        if signal.points > 0:
            by_group.setdefault(signal.group, []).append(signal.points)
        else:
            negative += signal.points
    return sum(diminished(points) for points in by_group.values()) + negative


def explained_by(by_cause: Mapping[str, list[Signal]], scores: Mapping[str, float]) -> dict[str, Signal]:
    """Cause -> the strongest sign of the cause that would produce its evidence (catalogue.PRODUCES), the strongest
    of those whose own score reaches PRODUCER_MIN_SCORE, for causes that have evidence too."""
    strongest = {cause: max((s for s in by_cause[cause] if s.supports and s.points > 0 and s.group != "feedback"),
                            key=lambda s: s.points, default=None) for cause in scores}
    # the incident's own evidence: a project's prior for a cause explains nothing about this incident
    producing = {cause: own for cause in scores
                 if strongest[cause] is not None
                 and (own := score(s for s in by_cause[cause] if s.group != "feedback")) >= PRODUCER_MIN_SCORE}
    out: dict[str, Signal] = {}
    for cause, value in scores.items():
        producers = [other for other, produced in PRODUCES.items() if cause in produced and other in producing]
        if producers and value > 0:
            sign = strongest[max(producers, key=lambda other: producing[other])]
            assert sign is not None
            out[cause] = sign
    return out


def explained(scores: Mapping[str, float], producers: Mapping[str, Signal]) -> dict[str, float]:
    """Scores less what a producing cause explains: EXPLAINED_SHARE of the smaller of the two scores (a weak
    producer explains little)."""
    return {cause: value - EXPLAINED_SHARE * min(value, scores[producers[cause].cause]) if cause in producers
            else value for cause, value in scores.items()}


def confidences(scores: Mapping[str, float], scale: ConfidenceScale = CONFIDENCE_SCALE) -> dict[str, float]:
    """Softmax over the causes and an "unexplained" alternative (weak evidence leaves confidence low)."""
    top = max([*scores.values(), scale.unexplained_score])
    weights = {cause: math.exp((value - top) / scale.temperature) for cause, value in scores.items()}
    total = sum(weights.values()) + math.exp((scale.unexplained_score - top) / scale.temperature)
    return {cause: weight / total for cause, weight in weights.items()}


def interval(confidence: float, signal_count: int) -> tuple[float, float]:
    """A Wilson interval around `confidence` as if observed over INTERVAL_BASE_COUNT + INTERVAL_COUNT_PER_SIGNAL
    x `signal_count` trials: more evidence, narrower interval. Always lower <= confidence <= upper."""
    n = INTERVAL_BASE_COUNT + INTERVAL_COUNT_PER_SIGNAL * signal_count
    z2 = INTERVAL_Z**2
    centre = (confidence + z2 / (2 * n)) / (1 + z2 / n)
    half = INTERVAL_Z * math.sqrt(confidence * (1 - confidence) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, min(confidence, centre - half)), min(1.0, max(confidence, centre + half))


@frozen
class Scored:
    """A bundle's evidence weighed: each cause's signals, its score after what other causes explain, the causes
    explained (by the sign that explains them) and the causes that may be proposed."""

    by_cause: dict[str, list[Signal]]
    scores: dict[str, float]
    producers: dict[str, Signal]
    candidates: tuple[str, ...]
    """Causes with a supporting signal of the incident's own, highest score first (softmax keeps that order)."""


def scored(bundle: EvidenceBundle, feedback: Mapping[str, float] | None = None) -> Scored:
    signals = collect_signals(bundle, feedback)
    by_cause: dict[str, list[Signal]] = {cause: [] for cause in CAUSE_CLASSES}
    for signal in signals:
        by_cause[signal.cause].append(signal)
    raw = {cause: score(items) for cause, items in by_cause.items()}
    producers = explained_by(by_cause, raw)
    scores = explained(raw, producers)
    # The project's prior moves a cause the incident's evidence speaks for; it proposes none on its own.
    candidates = [cause for cause in CAUSE_CLASSES
                  if any(s.supports and s.points > 0 and s.group != "feedback" for s in by_cause[cause])]
    order = {cause: index for index, cause in enumerate(CAUSE_CLASSES)}
    candidates.sort(key=lambda cause: (-scores[cause], order[cause]))
    return Scored(by_cause, scores, producers, tuple(candidates))


def rank_hypotheses(bundle: EvidenceBundle, *, limit: int = 5, feedback: Mapping[str, float] | None = None,
                    scale: ConfidenceScale = CONFIDENCE_SCALE) -> list[Hypothesis]:
    """The causes the evidence supports, most confident first (at most `limit`; a cause without a supporting
    signal is not proposed). `feedback`: the project's per-cause prior (positive after confirmations, negative
    after rejections; one unit is worth about one point of evidence)."""
    weighed = scored(bundle, feedback)
    by_cause, scores, producers = weighed.by_cause, weighed.scores, weighed.producers
    confidence = confidences(scores, scale)
    candidates = weighed.candidates
    facts = bundle.incident
    symptom = symptom_of(facts.title, facts.description)
    hypotheses: list[Hypothesis] = []
    for rank, cause in enumerate(candidates[: max(0, limit)], start=1):
        entry = BY_CAUSE[cause]
        support = sorted((s for s in by_cause[cause] if s.supports and s.points > 0), key=lambda s: -s.points)
        against = sorted((s for s in by_cause[cause] if not (s.supports and s.points > 0)), key=lambda s: s.points)
        if cause in producers:
            sign = producers[cause]
            label = BY_CAUSE[sign.cause].label
            cited = f" ({sign.item})" if sign.item else ""
            against.insert(0, Signal(cause, "explained", 0.0, f"{label[0].upper()}{label[1:]}{cited} would produce "
                                     f"these signs too", supports=False))
        lower, upper = interval(confidence[cause], len(by_cause[cause]))
        hypotheses.append(Hypothesis(
            cause=cause,
            claim=claim_for(entry, support, facts.service_name, symptom),
            description=entry.description,
            confidence_score=round(confidence[cause], 4),
            confidence_lower=round(lower, 4),
            confidence_upper=round(upper, 4),
            rank=rank,
            supporting_evidence=evidence_sentences(support),
            contradicting_evidence=evidence_sentences(against),
        ))
    return hypotheses
