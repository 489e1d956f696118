"""Observations as evidence (opsdesk.analysis.observations): how an event's line speaks for or against causes
(once per cause for lines that differ only in their numbers; a clause that calls a thing normal counts against;
level, kind and time weigh), and which lines report a change the engine weighs as it weighs a deploy tool's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from opsdesk.analysis.evidence import Level, ObservationEvidence, ObservationKind
from opsdesk.analysis.observations import (
    KIND_FACTOR,
    LEVEL_FACTOR,
    NORMAL_OBSERVATION_FACTOR,
    OBSERVATION_MAX_POINTS,
    change_kind,
    observation_signals,
    observation_text,
    reported_changes,
)
from opsdesk.analysis.text import Signal

DETECTED = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
POOL = "connection_pool_exhaustion"
_ids = count(1)


def seen(message: str, *, level: Level = "error", kind: ObservationKind = "log", source: str = "checkout-1",
         minutes_before: float = 5, details: dict[str, str] | None = None) -> ObservationEvidence:
    return ObservationEvidence(f"event-{next(_ids)}", kind, message, level, source,
                               DETECTED - timedelta(minutes=minutes_before), details or {})


def signals(*observations: ObservationEvidence) -> list[Signal]:
    return observation_signals(observations, DETECTED)


def points(observation: ObservationEvidence, cause: str = POOL) -> float:
    return sum(s.points for s in signals(observation) if s.cause == cause)


# Signals


def test_a_line_speaks_for_the_cause_its_terms_name_and_cites_itself() -> None:
    line = seen("HikariPool-1 - Connection is not available, request timed out after 30000ms")

    [signal] = signals(line)

    assert (signal.cause, signal.group, signal.supports, signal.evidence_id) == (POOL, "observation", True, line.id)
    assert 0 < signal.points <= OBSERVATION_MAX_POINTS
    assert signal.sentence == ('Log error from checkout-1 "HikariPool-1 - Connection is not available, request '
                               'timed out after 30000ms" 5 minutes before detection')


def test_a_line_repeated_with_other_numbers_counts_once_per_cause() -> None:
    once = signals(seen("connection pool exhausted after 100ms; disk full on node-1"))
    repeated = signals(*(seen(f"connection pool exhausted after {n * 10}ms; disk full on node-{n}",
                              minutes_before=5 - n / 100) for n in range(200)))

    assert sorted(s.cause for s in once) == sorted(s.cause for s in repeated) == ["connection_pool_exhaustion",
                                                                                 "disk_full"]
    assert {s.cause: s.points for s in repeated} == {s.cause: s.points for s in once}


def test_of_lines_alike_but_for_their_numbers_the_strongest_counts() -> None:
    weak = seen("connection pool exhausted after 10ms", level="debug", minutes_before=6)
    strong = seen("connection pool exhausted after 20ms", level="error", minutes_before=5)

    [signal] = signals(weak, strong)

    assert signal.evidence_id == strong.id and signal.points == points(strong)


def test_different_lines_about_one_cause_each_count() -> None:
    found = signals(seen("connection pool exhausted"), seen("connection pool exhausted on the replica"))

    assert [s.cause for s in found] == [POOL, POOL]


@pytest.mark.parametrize(("message", "cause"), [("db connections look fine", POOL),
                                                ("db cpu looks fine", "slow_queries"),
                                                ("connection pool is healthy", POOL),
                                                ("cpu looks normal", "cpu_saturation")])
def test_a_clause_calling_a_thing_normal_counts_against_its_causes(message: str, cause: str) -> None:
    [signal] = signals(seen(message))

    assert signal.cause == cause and signal.supports is False and signal.points < 0


def test_a_normal_clause_counts_a_share_of_its_terms_against() -> None:
    sick, fine = points(seen("db connections exhausted")), points(seen("db connections look fine"))

    assert sick > 0 and fine == pytest.approx(-sick * NORMAL_OBSERVATION_FACTOR)


def test_a_normal_clause_weakens_the_line_it_is_part_of() -> None:
    alone = points(seen("connection pool exhausted"))
    tempered = points(seen("connection pool exhausted; db connections look fine"))

    assert 0 < tempered < alone


def test_a_normal_word_after_not_does_not_count_against() -> None:
    assert points(seen("db connections are not fine")) > 0


def test_the_level_weighs_a_line() -> None:
    levels: tuple[Level, ...] = ("critical", "error", "warning", "info", "debug")
    assert set(levels) == set(LEVEL_FACTOR)
    by_level = {level: points(seen("connection pool exhausted", level=level)) for level in levels}

    assert by_level["critical"] == by_level["error"] > by_level["warning"] > by_level["info"] > by_level["debug"] > 0
    assert by_level["debug"] / by_level["error"] == pytest.approx(LEVEL_FACTOR["debug"] / LEVEL_FACTOR["error"])


def test_the_kind_weighs_a_line() -> None:
    kinds: tuple[ObservationKind, ...] = ("alert", "metric", "log", "trace", "user_action")
    assert set(kinds) == set(KIND_FACTOR)
    by_kind = {kind: points(seen("connection pool exhausted", kind=kind)) for kind in kinds}

    assert by_kind["alert"] == by_kind["metric"] > by_kind["log"] > by_kind["trace"] > by_kind["user_action"] > 0
    assert by_kind["user_action"] / by_kind["log"] == pytest.approx(KIND_FACTOR["user_action"] / KIND_FACTOR["log"])


@pytest.mark.parametrize(("minutes_before", "weight"), [(0, 1.0), (120, 1.0), (-90, 1.0), (180, 0.5), (-150, 0.5),
                                                        (240, 0.25)])
def test_lines_far_from_detection_fade(minutes_before: float, weight: float) -> None:
    near = points(seen("connection pool exhausted", minutes_before=5))

    assert points(seen("connection pool exhausted", minutes_before=minutes_before)) == pytest.approx(near * weight)


def test_a_line_without_any_cause_term_says_nothing() -> None:
    assert signals(seen("request served in 12ms"), seen("db looks fine")) == []


def test_metadata_is_read_but_ids_numbers_and_long_values_are_not() -> None:
    line = seen("checkout failing", details={"reason": "pool exhausted", "request_id": "4f9c2a1e-0b7d-4c55-9e3a",
                                             "count": "42", "stack": "x" * 500})

    assert observation_text(line) == "checkout failing; reason pool exhausted"


# Reported changes


def test_a_deploy_line_of_a_tool_is_a_deployment_of_the_service_it_names() -> None:
    line = seen("deployed checkout v2.3.1", level="info", source="github-actions")

    [change] = reported_changes([line], "checkout")

    assert (change.id, change.kind, change.service, change.version, change.summary, change.at) == (
        line.id, "deployment", "checkout", "v2.3.1", "deployed checkout v2.3.1", line.at)


def test_a_deploy_line_naming_no_service_is_a_change_of_the_service_its_metadata_names_else_its_source() -> None:
    by_metadata = seen("deployed build 1841", level="info", source="argocd",
                       details={"service": "payments", "version": "1841"})
    by_source = seen("new version released", level="info", source="inventory")

    assert [(c.service, c.version) for c in reported_changes([by_metadata, by_source], "checkout")] == [
        ("payments", "1841"), ("inventory", None)]


@pytest.mark.parametrize("message", ["rolled back to v2.3.0", "reverted checkout to v2.3.0",
                                     "will deploy checkout v2.4.0 tomorrow", "restored the previous config"])
def test_undoing_or_planning_a_change_is_no_change(message: str) -> None:
    assert reported_changes([seen(message, level="info", source="github-actions")], "checkout") == ()
    assert change_kind(message) is None


@pytest.mark.parametrize(("message", "kind"), [
    ("toggled feature flag new-pricing on", "feature_flag"),
    ("deployed flag new-checkout enabled for 10%", "feature_flag"),
    ("max_connections changed from 100 to 20", "config_change"),
    ("bumped dependency psycopg to 3.2", "dependency_update"),
    ("scaled down checkout to 2 replicas", "scaling"),
    ("terraform apply finished", "infrastructure"),
    ("rollout of checkout v2.3.1 complete", "deployment"),
])
def test_a_change_line_is_read_as_its_kind(message: str, kind: str) -> None:
    [change] = reported_changes([seen(message, level="info", source="ops")], "checkout")

    assert change.kind == kind


@pytest.mark.parametrize("level", ["error", "critical"])
def test_an_error_line_is_never_a_change(level: Level) -> None:
    assert reported_changes([seen("deployed checkout v2.3.1", level=level, source="github-actions"),
                             seen("ERROR deploy of checkout v2.3.1 failed", level=level)], "checkout") == ()


@pytest.mark.parametrize("kind", ["metric", "trace"])
def test_a_measurement_is_never_a_change(kind: ObservationKind) -> None:
    assert reported_changes([seen("deployed checkout v2.3.1", level="info", kind=kind)], "checkout") == ()


def test_a_line_reporting_nothing_changed_is_no_change() -> None:
    assert reported_changes([seen("GET /cart 200 in 12ms", level="info")], "checkout") == ()


def test_a_kubectl_apply_someone_ran_is_a_config_change() -> None:
    from opsdesk.analysis.observations import change_kind

    assert change_kind("platform-eng ran: kubectl apply -n payments -f security/peer-auth.yaml") == "config_change"


@pytest.mark.parametrize(("line", "kind"), [
    ("kubectl apply -f k8s/deployment.yaml (image payments:v2.4.6)", "deployment"),
    ("kubectl apply --dry-run=server -f payments.yaml", None),
    ("kubectl edit deployment payments: replicas 6 -> 2", "scaling"),
])
def test_a_manifest_applied_by_hand_is_the_change_its_line_says(line: str, kind: str | None) -> None:
    from opsdesk.analysis.observations import change_kind

    assert change_kind(line) == kind
