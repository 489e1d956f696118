"""The incident's life (seeds/sre-copilot-api.md, PATCH /incidents/{id}/state): which moves are allowed, the
timestamp each state records, and the response steps that `GET /incidents/{id}/workflow` shows.

    detected ─> acknowledged ─> investigating ─> mitigated ─> resolved ─> learned   forward: to any later step
    mitigated | resolved | inconclusive ─> investigating                             back: reopened
    any state but learned ─> inconclusive ─> investigating | learned

The document lists the states and no rules, so every move it could mean is allowed: forward to any later step
(skipping some), to `inconclusive` from any open or closed state, and back to `investigating` from mitigated,
resolved or inconclusive (it regressed, was reopened, or new evidence came). Nothing goes back to `detected` or
`acknowledged`, and `learned` (post-mortem done) is final."""

from __future__ import annotations

from datetime import datetime

from opsdesk.copilot.records import Incident, IncidentState
from opsdesk.frozen import frozen

S = IncidentState
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    S.DETECTED: frozenset({S.ACKNOWLEDGED, S.INVESTIGATING, S.MITIGATED, S.RESOLVED, S.LEARNED, S.INCONCLUSIVE}),
    S.ACKNOWLEDGED: frozenset({S.INVESTIGATING, S.MITIGATED, S.RESOLVED, S.LEARNED, S.INCONCLUSIVE}),
    S.INVESTIGATING: frozenset({S.MITIGATED, S.RESOLVED, S.LEARNED, S.INCONCLUSIVE}),
    S.MITIGATED: frozenset({S.INVESTIGATING, S.RESOLVED, S.LEARNED, S.INCONCLUSIVE}),
    S.RESOLVED: frozenset({S.LEARNED, S.INCONCLUSIVE, S.INVESTIGATING}),
    S.INCONCLUSIVE: frozenset({S.INVESTIGATING, S.LEARNED}),
    S.LEARNED: frozenset(),
}

TIMESTAMP_FIELD: dict[IncidentState, str] = {
    S.DETECTED: "detected_at",
    S.ACKNOWLEDGED: "acknowledged_at",
    S.INVESTIGATING: "investigating_started_at",
    S.MITIGATED: "mitigated_at",
    S.RESOLVED: "resolved_at",
    S.LEARNED: "learned_at",
    S.INCONCLUSIVE: "inconclusive_at",
}
"""The field each state's time is shown in (the document names acknowledged_at and investigating_started_at)."""

CLEARED_ON_REOPEN = (S.MITIGATED, S.RESOLVED, S.LEARNED, S.INCONCLUSIVE)
"""Going back to `investigating` forgets these: time to mitigate and to resolve count to the final ones."""


def can_move(current: IncidentState, target: IncidentState) -> bool:
    return target in TRANSITIONS[current]


def moved(incident: Incident, target: IncidentState, now: datetime) -> Incident:
    """The incident in `target` at `now` (the caller has checked can_move). Acknowledging is implied by any
    later step taken straight from `detected`, so time to acknowledge is always known once someone acted."""
    reached = dict(incident.reached_at)
    if target is S.INVESTIGATING and incident.state in CLEARED_ON_REOPEN:
        for state in CLEARED_ON_REOPEN:
            reached.pop(state, None)
    if incident.state is S.DETECTED and S.ACKNOWLEDGED not in reached:
        reached[S.ACKNOWLEDGED] = now
    reached[target] = now
    return Incident(**{**incident.__dict__, "state": target, "reached_at": reached, "updated_at": now,
                       "version": incident.version + 1})


@frozen
class WorkflowStep:
    state: IncidentState
    title: str
    description: str


STEPS: tuple[WorkflowStep, ...] = (
    WorkflowStep(S.DETECTED, "Detect", "The incident is open: an alert fired or someone reported it."),
    WorkflowStep(S.ACKNOWLEDGED, "Acknowledge", "A responder owns the incident and the pager stops."),
    WorkflowStep(S.INVESTIGATING, "Investigate", "Work the AI hypotheses: confirm or reject them against evidence."),
    WorkflowStep(S.MITIGATED, "Mitigate", "User impact is stopped (rollback, failover, scaling), cause may remain."),
    WorkflowStep(S.RESOLVED, "Resolve", "The cause is fixed and the service is healthy."),
    WorkflowStep(S.LEARNED, "Learn", "The post-mortem is written; confirmed causes improve future hypotheses."),
)
"""The response steps in order; `inconclusive` is an outcome beside them, not a step."""
