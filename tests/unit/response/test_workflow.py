"""An incident's statuses and an action's (opsdesk.response.workflow): every move the tables allow and forbid, and
what a move records (resolution time and MTTR)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import pytest

from opsdesk.response.records import ActionStatus, Incident, Status
from opsdesk.response.workflow import ACTION_TRANSITIONS, TRANSITIONS, can_move, can_move_action, moved

S, A = Status, ActionStatus
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ACTIVE = (S.OPEN, S.INVESTIGATING, S.IDENTIFIED, S.MONITORING)

# Written out here, not derived from the module: the tables as the module's docstring describes them.
ALLOWED: dict[Status, set[Status]] = {
    **{status: {*ACTIVE, S.RESOLVED, S.CLOSED} - {status} for status in ACTIVE},
    S.RESOLVED: {S.CLOSED, S.OPEN, S.INVESTIGATING},
    S.CLOSED: {S.OPEN},
}
ACTION_ALLOWED: dict[ActionStatus, set[ActionStatus]] = {
    A.PENDING: {A.IN_PROGRESS, A.COMPLETED, A.FAILED, A.SKIPPED},
    A.IN_PROGRESS: {A.COMPLETED, A.FAILED, A.PENDING},
    A.COMPLETED: set(),
    A.FAILED: {A.PENDING, A.IN_PROGRESS},
    A.SKIPPED: {A.PENDING},
}


def incident(status: Status = S.OPEN, **fields: Any) -> Incident:
    made = Incident(id="i1", tenant_id="t1", title="Checkout errors", description="", status=status,
                    severity="high", source="datadog", tags=(), metadata={}, created_at=T0, updated_at=T0)
    return replace(made, **fields)


def test_every_status_has_a_row() -> None:
    assert set(TRANSITIONS) == set(S) and set(ACTION_TRANSITIONS) == set(A)


@pytest.mark.parametrize(("current", "target"), list(product(S, S)), ids=lambda s: s.value)
def test_an_incident_moves_exactly_as_the_table_says(current: Status, target: Status) -> None:
    assert can_move(current, target) is (target in ALLOWED[current])


@pytest.mark.parametrize(("current", "target"), list(product(A, A)), ids=lambda s: s.value)
def test_an_action_moves_exactly_as_the_table_says(current: ActionStatus, target: ActionStatus) -> None:
    assert can_move_action(current, target) is (target in ACTION_ALLOWED[current])


@pytest.mark.parametrize("status", list(S))
def test_no_status_moves_to_itself(status: Status) -> None:
    assert not can_move(status, status)  # the service answers a same-status PATCH without a move


def test_a_move_sets_the_status_time_and_next_version() -> None:
    after = moved(incident(version=3), S.INVESTIGATING, T0 + timedelta(minutes=4))

    assert (after.status, after.updated_at, after.version) == (S.INVESTIGATING, T0 + timedelta(minutes=4), 4)
    assert after.resolved_at is None and after.mttr_minutes is None
    assert after.created_at == T0


def test_resolving_sets_the_resolution_time_and_mttr_in_minutes() -> None:
    after = moved(incident(S.MONITORING), S.RESOLVED, T0 + timedelta(minutes=90, seconds=20))

    assert after.resolved_at == T0 + timedelta(minutes=90, seconds=20)
    assert after.mttr_minutes == 90.33


def test_closing_an_unresolved_incident_resolves_it_then() -> None:
    after = moved(incident(S.INVESTIGATING), S.CLOSED, T0 + timedelta(hours=2))

    assert after.resolved_at == T0 + timedelta(hours=2) and after.mttr_minutes == 120.0


def test_closing_a_resolved_incident_keeps_its_resolution() -> None:
    resolved = moved(incident(), S.RESOLVED, T0 + timedelta(minutes=30))
    closed = moved(resolved, S.CLOSED, T0 + timedelta(days=1))

    assert closed.resolved_at == T0 + timedelta(minutes=30) and closed.mttr_minutes == 30.0
    assert closed.version == resolved.version + 1


@pytest.mark.parametrize(("ended", "reopened_to"), [(S.RESOLVED, S.OPEN), (S.RESOLVED, S.INVESTIGATING),
                                                    (S.CLOSED, S.OPEN)])
def test_reopening_clears_the_resolution(ended: Status, reopened_to: Status) -> None:
    done = moved(incident(), ended, T0 + timedelta(minutes=10))
    reopened = moved(done, reopened_to, T0 + timedelta(minutes=50))

    assert reopened.status is reopened_to and reopened.resolved_at is None and reopened.mttr_minutes is None
    again = moved(reopened, S.RESOLVED, T0 + timedelta(minutes=70))
    assert again.mttr_minutes == 70.0  # MTTR describes the last resolution, from creation


def test_mttr_is_never_negative() -> None:
    assert moved(incident(), S.RESOLVED, T0 - timedelta(minutes=5)).mttr_minutes == 0.0
