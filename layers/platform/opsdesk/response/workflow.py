"""An incident's statuses (seeds/incident-response-api.md, `PATCH /api/incidents/{id}/status?status=`) and an
action's, as transition tables.

    open ──> investigating ──> identified ──> monitoring ──> resolved ──> closed
      │           ^  │             ^  │            │  ^          │
      └───────────┼──┴─(any later)─┼──┴────────────┘  │          └──> open / investigating (reopened)
                  └────────────────┴──── back while active ───┘        closed ──> open (reopened)

Any active status (open, investigating, identified, monitoring) moves to any other active status or to resolved
or closed: on-call work goes back and forth (a fix that did not hold sends `monitoring` back to `investigating`).
A resolved incident is closed or reopened; a closed one only reopened (to `open`). Asking for the status the
incident already has changes nothing and answers the incident (a retried PATCH is harmless).

Resolving (or closing an incident that was never resolved) sets `resolved_at` and `mttr_minutes` (minutes from
`created_at`); reopening clears both, so MTTR always describes the last resolution."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from opsdesk.response.records import ActionStatus, Incident, Status

S = Status
ACTIVE = frozenset({S.OPEN, S.INVESTIGATING, S.IDENTIFIED, S.MONITORING})
TRANSITIONS: dict[Status, frozenset[Status]] = {
    **{status: (ACTIVE | {S.RESOLVED, S.CLOSED}) - {status} for status in ACTIVE},
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN, S.INVESTIGATING}),
    S.CLOSED: frozenset({S.OPEN}),
}
ENDED = frozenset({S.RESOLVED, S.CLOSED})

A = ActionStatus
ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    A.PENDING: frozenset({A.IN_PROGRESS, A.COMPLETED, A.FAILED, A.SKIPPED}),
    A.IN_PROGRESS: frozenset({A.COMPLETED, A.FAILED, A.PENDING}),
    A.COMPLETED: frozenset(),
    A.FAILED: frozenset({A.PENDING, A.IN_PROGRESS}),
    A.SKIPPED: frozenset({A.PENDING}),
}
"""An action is worked (`in_progress`) and ends `completed`, `failed` or `skipped`; a failed one may be tried
again and a skipped one taken up again; a completed one is done."""


def can_move(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def can_move_action(current: ActionStatus, target: ActionStatus) -> bool:
    return target in ACTION_TRANSITIONS[current]


def moved(incident: Incident, target: Status, now: datetime) -> Incident:
    """The incident in `target` at `now` (the caller has checked can_move)."""
    resolved_at, mttr = incident.resolved_at, incident.mttr_minutes
    if target in ENDED and resolved_at is None:
        resolved_at = now
        mttr = round(max(0.0, (now - incident.created_at).total_seconds()) / 60.0, 2)
    elif target in ACTIVE:
        resolved_at, mttr = None, None
    return replace(incident, status=target, updated_at=now, resolved_at=resolved_at, mttr_minutes=mttr,
                   version=incident.version + 1)
