"""The incident life cycle (opsdesk.copilot.workflow): which moves exist and what each records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from opsdesk.copilot.records import Incident, IncidentState, Severity
from opsdesk.copilot.views import state_change_view, workflow_view
from opsdesk.copilot.workflow import TRANSITIONS, can_move, moved

S = IncidentState
T0 = datetime(2026, 1, 24, 12, 0, tzinfo=UTC)


def incident(state: IncidentState = S.DETECTED) -> Incident:
    return Incident(id="i1", project_id="p1", title="t", description="", service_name="api",
                    severity=Severity.HIGH, state=state, detected_at=T0, created_at=T0, updated_at=T0)


def test_every_state_has_a_row_and_learned_is_final() -> None:
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.LEARNED] == frozenset()


@pytest.mark.parametrize("state", list(S))
def test_nothing_moves_back_to_detected_or_acknowledged(state: IncidentState) -> None:
    assert not can_move(state, S.DETECTED)
    assert not can_move(state, S.ACKNOWLEDGED) or state is S.DETECTED


@pytest.mark.parametrize("target", [s for s in S if s is not S.DETECTED])
def test_a_new_incident_may_move_to_any_state_the_document_lists(target: IncidentState) -> None:
    """The document lists the states and no rules: a client may record an outcome straight away."""
    assert can_move(S.DETECTED, target)


@pytest.mark.parametrize("state", [s for s in S if s is not S.LEARNED])
def test_any_state_but_learned_may_end_inconclusive_or_learned(state: IncidentState) -> None:
    assert can_move(state, S.LEARNED)
    assert can_move(state, S.INCONCLUSIVE) or state is S.INCONCLUSIVE


def test_a_move_records_the_time_of_the_state_reached_and_bumps_the_version() -> None:
    after = moved(incident(), S.INVESTIGATING, T0 + timedelta(minutes=5))

    assert after.state is S.INVESTIGATING
    assert after.reached_at[S.INVESTIGATING] == T0 + timedelta(minutes=5)
    assert after.version == 1
    assert state_change_view(after) == {"id": "i1", "state": "investigating",
                                        "investigating_started_at": "2026-01-24T12:05:00.000Z"}


def test_the_first_move_out_of_detected_counts_as_the_acknowledgement() -> None:
    after = moved(incident(), S.MITIGATED, T0 + timedelta(minutes=9))

    assert after.reached_at[S.ACKNOWLEDGED] == T0 + timedelta(minutes=9)


def test_reopening_a_resolved_incident_forgets_its_resolution() -> None:
    resolved = moved(moved(incident(), S.MITIGATED, T0 + timedelta(minutes=3)), S.RESOLVED,
                     T0 + timedelta(minutes=9))
    reopened = moved(resolved, S.INVESTIGATING, T0 + timedelta(hours=1))

    assert S.RESOLVED not in reopened.reached_at and S.MITIGATED not in reopened.reached_at
    assert reopened.reached_at[S.ACKNOWLEDGED] == T0 + timedelta(minutes=3)


def test_the_workflow_marks_steps_done_current_and_pending() -> None:
    view = workflow_view(moved(incident(), S.INVESTIGATING, T0 + timedelta(minutes=5)))

    assert [(s["state"], s["status"]) for s in view["steps"]] == [
        ("detected", "completed"), ("acknowledged", "completed"), ("investigating", "current"),
        ("mitigated", "pending"), ("resolved", "pending"), ("learned", "pending")]
    assert view["allowed_transitions"] == ["inconclusive", "learned", "mitigated", "resolved"]
