"""Labelled cases: the loader, and the tuning set's coverage."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from opsdesk.analysis.cases import CaseError, load_cases, parse_case
from opsdesk.analysis.evidence import CAUSE_CLASSES

DATA = Path(__file__).resolve().parents[2] / "data" / "hypotheses"
CASE = {
    "id": "x1",
    "incident": {"title": "Checkout 5xx", "description": "500s", "service_name": "checkout", "severity": "high",
                 "detected_at": "2026-03-02T14:05:00Z"},
    "alerts": [{"name": "HighErrorRate", "service": "checkout", "severity": "high", "summary": "5xx 9%",
                "starts_at": "2026-03-02T14:01:00Z", "status": "firing", "labels": {"instance": "a"}},
               {"name": "HighLatencyP99", "service": "checkout", "severity": "medium", "summary": "p99 3s",
                "starts_at": "2026-03-02T14:02:00Z"}],
    "changes": [{"kind": "deployment", "service": "checkout", "summary": "deploy", "at": "2026-03-02T13:55:00Z",
                 "version": "v2.4.5"}],
    "past_incidents": [{"ref": "INC-41", "title": "Checkout slow", "description": "", "service_name": "checkout",
                        "detected_at": "2026-01-10T09:00:00Z", "confirmed_cause": "slow_queries"}],
    "expected_cause": "bad_deploy",
    "acceptable_causes": ["config_change"],
}


def test_the_loader_builds_a_bundle_and_numbers_the_evidence_in_file_order() -> None:
    case = parse_case(CASE)

    assert case.case_id == "x1" and case.expected_cause == "bad_deploy"
    assert case.acceptable_causes == ("config_change",)
    assert [a.id for a in case.bundle.alerts] == ["alert-1", "alert-2"]
    assert [c.id for c in case.bundle.changes] == ["change-1"]
    assert [p.id for p in case.bundle.past_incidents] == ["past-1"]
    assert case.bundle.incident.detected_at.isoformat() == "2026-03-02T14:05:00+00:00"
    assert case.bundle.changes[0].version == "v2.4.5"
    assert case.accepts("config_change") and not case.accepts("dns_failure")


@pytest.mark.parametrize(("field", "value"), [
    ("expected_cause", "cosmic_rays"),
    ("acceptable_causes", ["cosmic_rays"]),
    ("incident", {**CASE["incident"], "detected_at": "2026-03-02T14:05:00"}),
    ("changes", [{"kind": "reboot", "service": "x", "summary": "", "at": "2026-03-02T13:55:00Z"}]),
])
def test_the_loader_refuses_a_case_outside_the_format(field: str, value: object) -> None:
    with pytest.raises(CaseError, match="x1"):
        parse_case({**CASE, field: value})


def test_the_loader_refuses_repeated_case_ids(tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [CASE, CASE]}))

    with pytest.raises(CaseError, match="repeat"):
        load_cases(path)


def test_the_tuning_set_has_42_cases_covering_every_cause_class_at_least_twice() -> None:
    cases = load_cases(DATA / "tuning.json")

    assert [c.case_id for c in cases] == [f"t{n:02d}" for n in range(1, 43)]
    counts = Counter(c.expected_cause for c in cases)
    assert set(counts) == set(CAUSE_CLASSES)
    assert min(counts.values()) >= 2
