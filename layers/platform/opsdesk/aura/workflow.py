"""A ticket's statuses as a transition table (seeds/aura-api.md; docs/decisions.md, Aura).

    draft ──run──> planning ──plan──> pending_plan_approval ──approve-plan──> executing
                   │  ^   └──(plan approval off)─────────────────────────────> │
                   │  └──── replan (a denied action; run on a waiting plan) ────┤
                   └──> pending_input ──answer──> executing ──> planning (a ticket that named no change)
        executing ──> pending_approval ──approve / deny──> executing
                  ──> pending_input ────answer──────────> executing
                  ──> observing ───────(health)─────────> executing
                  ──> paused ──────────resume───────────> executing (planning without a plan)
                  ──> resolved | failed

Every status but the three ends (resolved, failed, cancelled) may be cancelled. The ends are final: a ticket that
failed is not run again (create a new one; its audit log stays whole). Who moves a ticket is part of the table:
the agent moves it through its own work, a person through approvals, answers, resume, run and cancel."""

from __future__ import annotations

from opsdesk.aura.records import TicketStatus

S = TicketStatus
ENDED = frozenset({S.RESOLVED, S.FAILED, S.CANCELLED})
WAITING_FOR_HUMAN = frozenset({S.PENDING_PLAN_APPROVAL, S.PENDING_APPROVAL, S.PENDING_INPUT, S.PAUSED})
"""The agent holds no run in these: nothing computes until a person acts."""

TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.DRAFT: frozenset({S.PLANNING, S.CANCELLED}),
    S.PLANNING: frozenset({S.PENDING_PLAN_APPROVAL, S.EXECUTING, S.PENDING_INPUT, S.PAUSED, S.FAILED, S.CANCELLED}),
    S.PENDING_PLAN_APPROVAL: frozenset({S.EXECUTING, S.PLANNING, S.CANCELLED}),
    S.EXECUTING: frozenset({S.PENDING_APPROVAL, S.PENDING_INPUT, S.OBSERVING, S.PAUSED, S.PLANNING, S.RESOLVED,
                            S.FAILED, S.CANCELLED}),
    S.PENDING_APPROVAL: frozenset({S.EXECUTING, S.CANCELLED}),
    S.PENDING_INPUT: frozenset({S.EXECUTING, S.CANCELLED}),
    S.OBSERVING: frozenset({S.EXECUTING, S.PAUSED, S.FAILED, S.CANCELLED}),
    S.PAUSED: frozenset({S.EXECUTING, S.PLANNING, S.CANCELLED}),
    S.RESOLVED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

RUNNABLE = frozenset({S.DRAFT, S.PENDING_PLAN_APPROVAL, S.EXECUTING, S.OBSERVING, S.PLANNING})
"""Where `POST /run` starts or continues the agent: a draft is planned, a plan awaiting approval is planned again
(after the ticket was edited), an executing or observing ticket whose run ended (a crash, a redeploy) continues.
A ticket waiting for an approval, an answer or more turns is moved on by that route instead (INVALID_TRANSITION)."""


def can_move(current: TicketStatus, target: TicketStatus) -> bool:
    return target in TRANSITIONS[current]


def run_target(current: TicketStatus) -> TicketStatus:
    """The status `POST /run` puts a runnable ticket in."""
    if current in (S.DRAFT, S.PENDING_PLAN_APPROVAL, S.PLANNING):
        return S.PLANNING
    return current
