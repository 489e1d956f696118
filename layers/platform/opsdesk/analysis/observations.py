"""Observations as evidence (opsdesk.analysis.evidence.ObservationEvidence: the response module's events).

Each observation is read like the incident's own text, clause by clause (a clause that calls a thing normal speaks
against its causes), and weighed by its level (an error says more than a debug line), its kind (an alert or a
metric reading is a measurement, a note is someone's reading of one) and its time (full weight in the hours around
detection, fading outside). Lines that differ only in their numbers count once per cause, so a log repeated a
thousand times is one sign, not a thousand.

Observations that report a change (a deployment, a config or flag change, scaling) also become ChangeEvidence
(`reported_changes`): the engine then weighs them as it weighs changes a deploy tool reported, by kind, service and
time before detection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from opsdesk.analysis.evidence import ChangeEvidence, ChangeKind, ObservationEvidence
from opsdesk.analysis.text import (
    Signal,
    ago,
    clauses,
    has_normal_marker,
    line_shares,
    match_phrases,
    minutes_before,
    quote,
    relation,
    tokenize,
)
from opsdesk.frozen import frozen

LEVEL_FACTOR: Mapping[str, float] = {"critical": 1.0, "error": 1.0, "warning": 0.7, "info": 0.45, "debug": 0.25}
KIND_FACTOR: Mapping[str, float] = {"alert": 1.0, "metric": 1.0, "log": 0.9, "trace": 0.85, "user_action": 0.8}
NORMAL_OBSERVATION_FACTOR = 0.6
"""A clause that calls a thing normal ("db looks fine") counts this share of its terms against their causes."""
OBSERVATION_MAX_POINTS = 3.0
FULL_WEIGHT_BEFORE_MINUTES = 120.0
FULL_WEIGHT_AFTER_MINUTES = 90.0
FADE_HALF_LIFE_MINUTES = 60.0
MAX_DETAIL_CHARS = 120
"""Metadata values longer than this (stack traces, payloads) are left out of the text an observation is read as."""
_ID_LIKE = re.compile(r"^[0-9a-f-]{16,}$|^\d+(\.\d+)?$", re.IGNORECASE)
_NUMBERS = re.compile(r"\d+")


@frozen
class ChangeVocabulary:
    kind: ChangeKind
    pattern: re.Pattern[str]


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


_CHANGED = _words("chang\\w*", "updat\\w*", "appl(?:y|ied)", "set", "bump\\w*", "rais\\w*", "lower\\w*",
                  "reduc\\w*", "increas\\w*", "edit\\w*", "modif\\w*", "tweak\\w*", "flipp?\\w*", "enabl\\w*",
                  "disabl\\w*", "turn\\w* (?:on|off)", "toggl\\w*", "push\\w*")
CHANGE_VOCABULARY: tuple[ChangeVocabulary, ...] = (
    # Most specific first: a flag turned on is a feature-flag change even when the line says "deployed".
    ChangeVocabulary("feature_flag", re.compile(
        _words("feature[ -]?flags?", "launchdarkly", "unleash", "flagsmith", "split\\.io", "feature toggles?")
        + "|" + _words("flag") + r".{0,60}" + _CHANGED + "|" + _CHANGED + r".{0,60}" + _words("flag"),
        re.IGNORECASE)),
    ChangeVocabulary("config_change", re.compile(
        _words("config\\w*", "settings?", "env(?:ironment)? var\\w*", "parameters?", "configmap", "helm values",
               "ssm", "consul kv", "max_?connections", "pool size", "timeouts?", "ttl", "limits?")
        + r".{0,60}" + _CHANGED + "|" + _CHANGED + r".{0,60}"
        + _words("config\\w*", "settings?", "env(?:ironment)? var\\w*", "parameters?", "configmap", "values"),
        re.IGNORECASE)),
    ChangeVocabulary("dependency_update", re.compile(
        _words("upgrad\\w*", "bump\\w*") + r".{0,60}" + _words("librar\\w*", "dependenc\\w*", "packages?", "sdk",
                                                              "drivers?", "client lib\\w*", "base image")
        + "|" + _words("dependabot", "renovate"), re.IGNORECASE)),
    ChangeVocabulary("scaling", re.compile(
        _words("scaled (?:down|in|up|out)", "scal(?:e|ing) (?:down|in)", "replicas? (?:to|from)", "desired count",
               "autoscal\\w* (?:removed|reduced|shrank)", "(?:max|min)?replicas:? \\d+ ?(?:->|to) ?\\d+",
               "kubectl (?:scale|patch hpa)"), re.IGNORECASE)),
    ChangeVocabulary("infrastructure", re.compile(
        _words("terraform apply", "cloudformation", "instance types?", "node pools?", "cluster upgrade",
               "kernel upgrade", "os patch\\w*", "ami"), re.IGNORECASE)),
    ChangeVocabulary("deployment", re.compile(
        _words("deploy\\w*", "rollouts?", "rolled out", "released?", "shipp?\\w*", "promot\\w*", "canary",
               "new version", "new build", "argocd sync\\w*", "synced", "roll out", "image tag"), re.IGNORECASE)),
    # A manifest applied by hand changes configuration unless the line says what else it was (above).
    ChangeVocabulary("config_change", re.compile(_words("kubectl (?:apply|edit|patch|set env|annotate)"),
                                                 re.IGNORECASE)),
)
"""How a line that reports a change says so, by kind (data: extend it with the words your tools write)."""
NOT_A_CAUSE = re.compile(_words("roll(?:ed|ing)? ?back\\w*", "revert\\w*", "undo\\w*", "restor\\w*", "plann\\w*",
                                "will deploy", "scheduled", "dry-run", "kubectl diff", "did not", "didn't"),
                         re.IGNORECASE)
"""A line about undoing a change (or one still to come, or one only tried out) reports no cause."""
_VERSION = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?(?![\w.])")


def observation_text(observation: ObservationEvidence) -> str:
    """What an observation says: its message, then its metadata as `key value` clauses (ids and bare numbers
    left out: they carry no term)."""
    details = [f"{key.replace('.', ' ').replace('_', ' ')} {value}"
               for key, value in observation.details.items()
               if len(value) <= MAX_DETAIL_CHARS and not _ID_LIKE.match(value.strip())]
    return "; ".join([observation.message, *details])


def _timing(minutes_before_detection: float) -> float:
    if -FULL_WEIGHT_AFTER_MINUTES <= minutes_before_detection <= FULL_WEIGHT_BEFORE_MINUTES:
        return 1.0
    beyond = (minutes_before_detection - FULL_WEIGHT_BEFORE_MINUTES if minutes_before_detection > 0
              else -minutes_before_detection - FULL_WEIGHT_AFTER_MINUTES)
    return float(0.5 ** (beyond / FADE_HALF_LIFE_MINUTES))


def _describe(observation: ObservationEvidence, before: float) -> str:
    what = {"alert": "Alert", "metric": "Metric", "log": "Log", "trace": "Trace", "user_action": "Note"}
    level = f" {observation.level}" if observation.kind == "log" else ""
    return f"{what[observation.kind]}{level} from {observation.source} {quote(observation.message)} {ago(before)}"


def observation_signals(observations: Iterable[ObservationEvidence], detected_at: datetime) -> list[Signal]:
    """A signal per cause an observation speaks for or against; of lines that read the same but for their numbers,
    only the strongest counts (per cause)."""
    strongest: dict[tuple[str, str, bool], Signal] = {}
    for observation in sorted(observations, key=lambda o: (o.at, o.id)):
        before = minutes_before(detected_at, observation.at)
        factor = (LEVEL_FACTOR.get(observation.level, 0.5) * KIND_FACTOR.get(observation.kind, 0.8)
                  * _timing(before))
        template = _NUMBERS.sub("#", observation.message.lower())
        points: dict[str, float] = {}
        peaks: dict[str, float] = {}
        for clause in clauses(observation_text(observation)):
            normal = has_normal_marker(clause)
            for match in match_phrases(tokenize(clause)):
                for entry in match.entries:
                    signed = entry.points if entry.points > 0 and not normal else \
                        -abs(entry.points) * (NORMAL_OBSERVATION_FACTOR if entry.points > 0 else 1.0)
                    points[entry.cause] = points.get(entry.cause, 0.0) + signed
                    if signed > 0:
                        peaks[entry.cause] = max(peaks.get(entry.cause, 0.0), signed)
        shares = line_shares(peaks)
        sentence = _describe(observation, before)
        for cause, total in points.items():
            shared = total * shares.get(cause, 1.0) if total > 0 else total
            value = max(-OBSERVATION_MAX_POINTS, min(OBSERVATION_MAX_POINTS, shared)) * factor
            if value == 0:
                continue
            key = (cause, template, value > 0)
            kept = strongest.get(key)
            if kept is None or abs(value) > abs(kept.points):
                strongest[key] = Signal(cause, "observation", value, sentence, observation.id, supports=value > 0,
                                        item=f"{observation.kind.replace('_', ' ')} {quote(observation.message)}")
    return list(strongest.values())


def change_kind(text: str) -> ChangeKind | None:
    """The kind of change a line reports, or None (it reports none, or reports undoing one)."""
    if NOT_A_CAUSE.search(text):
        return None
    return next((v.kind for v in CHANGE_VOCABULARY if v.pattern.search(text)), None)


def reported_changes(observations: Iterable[ObservationEvidence], service: str) -> tuple[ChangeEvidence, ...]:
    """Changes the observations report. A line that names the incident's service is a change of it; otherwise
    the change is of the service its metadata names, or of its source."""
    changes: list[ChangeEvidence] = []
    for observation in observations:
        if observation.kind in ("metric", "trace") or observation.level in ("error", "critical"):
            continue  # a failing deploy step is a symptom; a change is reported as it happens
        kind = change_kind(observation.message)
        if kind is None:
            continue
        words = re.findall(r"[\w.-]+", observation.message)
        names_service = bool(service) and any(relation(service, word) != "other" for word in words)
        changed = service if names_service else (observation.details.get("service") or observation.source)
        version = observation.details.get("version") or next(iter(_VERSION.findall(observation.message)), None)
        changes.append(ChangeEvidence(id=observation.id, kind=kind, service=changed,
                                      summary=observation.message, at=observation.at, version=version))
    return tuple(changes)
