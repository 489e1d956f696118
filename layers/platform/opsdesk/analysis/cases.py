"""Labelled incidents (tests/data/hypotheses/*.json, format in its README) as evidence bundles: what the engine's
tests and benchmarks measure it on. The loader assigns the evidence ids (`alert-1`, `change-1`, `past-1`, in file
order)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, cast

from opsdesk.analysis.evidence import (
    CAUSE_CLASSES,
    AlertEvidence,
    ChangeEvidence,
    ChangeKind,
    EvidenceBundle,
    IncidentFacts,
    PastIncident,
    Severity,
)

SEVERITIES = ("critical", "high", "medium", "low", "info")
CHANGE_KINDS = ("deployment", "config_change", "feature_flag", "infrastructure", "scaling", "dependency_update")


class LabelledCase(NamedTuple):
    case_id: str
    bundle: EvidenceBundle
    expected_cause: str
    acceptable_causes: tuple[str, ...]

    def accepts(self, cause: str) -> bool:
        return cause == self.expected_cause or cause in self.acceptable_causes


class CaseError(ValueError):
    """A case does not follow the format (the message names the case and the field)."""


def load_cases(path: str | Path) -> list[LabelledCase]:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
        raise CaseError(f"{path}: expected an object with a `cases` list")
    cases = [parse_case(raw) for raw in document["cases"]]
    ids = [case.case_id for case in cases]
    if len(set(ids)) != len(ids):
        raise CaseError(f"{path}: case ids repeat")
    return cases


def parse_case(raw: Mapping[str, Any]) -> LabelledCase:
    case_id = str(raw.get("id", "?"))
    try:
        incident = raw["incident"]
        facts = IncidentFacts(
            title=str(incident["title"]), description=str(incident.get("description", "")),
            service_name=str(incident["service_name"]),
            severity=cast(Severity, _choice(incident.get("severity", "medium"), SEVERITIES, "incident.severity")),
            detected_at=parse_time(incident["detected_at"]),
        )
        alerts = tuple(
            AlertEvidence(id=f"alert-{n}", name=str(a["name"]), service=str(a.get("service", facts.service_name)),
                          severity=cast(Severity, _choice(a.get("severity", "medium"), SEVERITIES,
                                                                   "alerts.severity")),
                          summary=str(a.get("summary", "")), starts_at=parse_time(a["starts_at"]),
                          status="resolved" if a.get("status") == "resolved" else "firing",
                          labels={str(k): str(v) for k, v in (a.get("labels") or {}).items()})
            for n, a in enumerate(raw.get("alerts") or (), start=1))
        changes = tuple(
            ChangeEvidence(id=f"change-{n}", kind=cast(ChangeKind, _choice(c["kind"], CHANGE_KINDS, "changes.kind")),
                           service=str(c.get("service", facts.service_name)), summary=str(c.get("summary", "")),
                           at=parse_time(c["at"]), version=str(c["version"]) if c.get("version") else None)
            for n, c in enumerate(raw.get("changes") or (), start=1))
        past = tuple(
            PastIncident(id=f"past-{n}", ref=str(p.get("ref") or p["title"]), title=str(p["title"]),
                         description=str(p.get("description", "")),
                         service_name=str(p.get("service_name", facts.service_name)),
                         detected_at=parse_time(p["detected_at"]),
                         confirmed_cause=_cause(p.get("confirmed_cause"), "past_incidents.confirmed_cause"),
                         rejected_causes=tuple(_cause(c, "past_incidents.rejected_causes") or ""
                                               for c in p.get("rejected_causes") or ()))
            for n, p in enumerate(raw.get("past_incidents") or (), start=1))
        expected = _cause(raw["expected_cause"], "expected_cause")
        acceptable = tuple(_cause(c, "acceptable_causes") or "" for c in raw.get("acceptable_causes") or ())
    except (KeyError, TypeError, ValueError) as exc:
        raise CaseError(f"case {case_id}: {exc}") from exc
    if expected is None:
        raise CaseError(f"case {case_id}: expected_cause is required")
    return LabelledCase(case_id, EvidenceBundle(facts, alerts, changes, past), expected, acceptable)


def parse_time(value: object) -> datetime:
    """RFC 3339 with `Z` or an offset; a time without a zone is refused."""
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed


def _choice(value: object, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _cause(value: object, name: str) -> str | None:
    if value is None:
        return None
    if value not in CAUSE_CLASSES:
        raise ValueError(f"{name} {value!r} is not a cause class")
    return str(value)
