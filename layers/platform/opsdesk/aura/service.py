"""The aura module's domain (seeds/aura-api.md): tickets, the people's side of the agent's state machine (run,
approve the plan, approve or deny an action, answer, resume, cancel), the audit log and the stats, scoped to the
signed-in user's tenant (another tenant's ticket is TICKET_NOT_FOUND). Plain Python over an AuraStore and an
AgentKicks queue; the agent's own side is opsdesk.aura.agent.

A change a person makes can meet a turn the agent is committing: every write is conditioned on the version read,
and the loser reads again and decides again (a person's cancel always wins; the agent's turn replays)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from opsdesk.aura import chain, workflow
from opsdesk.aura.journal import Journal
from opsdesk.aura.queries import MAX_TURNS_LIMIT
from opsdesk.aura.records import Decision, Ticket, TicketStatus
from opsdesk.aura.store import AuditFilter, AuraStore, TicketFilter
from opsdesk.aura.tools import working_branch
from opsdesk.auth import Principal
from opsdesk.clock import new_id, utc_now
from opsdesk.errors import Conflict, FieldError, NotFound, ValidationFailed
from opsdesk.frozen import frozen
from opsdesk.pagination import OffsetRequest, beyond_reach, too_deep

if TYPE_CHECKING:
    from opsdesk.aura.requests import (
        AnswerRequest,
        ApprovalRequest,
        ApprovePlanRequest,
        CreateTicketRequest,
        ResumeRequest,
        UpdateTicketRequest,
    )

S = TicketStatus
ATTEMPTS = 6
DENIALS_KEPT = 20
"""The refused actions a revised plan is told to avoid, newest (the checkpoint keeps no more: it is one item)."""


class AgentKicks(Protocol):
    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        """Ask the agent to work on the ticket (the run `run_id`), now or after a delay."""
        ...


def not_found(ticket_id: str) -> NotFound:
    return NotFound(f"Ticket with ID {ticket_id} not found", code="TICKET_NOT_FOUND")


def invalid_transition(ticket: Ticket, action: str) -> ValidationFailed:
    return ValidationFailed(f"Cannot {action} a ticket in status {ticket.status.value}", code="INVALID_TRANSITION",
                            details=[FieldError("status", ticket.status.value)])


def agent_busy(ticket: Ticket) -> Conflict:
    return Conflict(f"Agent already processing ticket {ticket.id}", code="AGENT_BUSY")


def person(principal: Principal) -> str:
    return principal.email or principal.username


REQUEST_TIME_RESOLUTION = timedelta(milliseconds=1)
"""API Gateway stamps a request to the millisecond."""


def sent_before(sent_at: datetime | None, asked_at: datetime) -> bool:
    """Whether a decision or an answer sent at `sent_at` predates what is pending now: the agent asked this after the
    request was sent, so the request was meant for what it asked before (decided by someone else meanwhile). The
    documents' bodies name no question or action, so the time is what ties a response to what it answers."""
    return sent_at is not None and asked_at >= sent_at + REQUEST_TIME_RESOLUTION


@frozen
class Features:
    plan_approval_required: bool = True
    run_lease_seconds: int = 900
    """A run that has not checkpointed for this long is taken as dead: `run` may start another."""


class AuraService:
    def __init__(self, store: AuraStore, kicks: AgentKicks, *, features: Features | None = None,
                 clock: Callable[[], datetime] = utc_now, ids: Callable[[], str] = new_id) -> None:
        self._store = store
        self._kicks = kicks
        self._features = features or Features()
        self._now = clock
        self._ids = ids

    # Tickets

    def create_ticket(self, principal: Principal, request: CreateTicketRequest) -> Ticket:
        now, ticket_id = self._now(), self._ids()
        ticket = Ticket(id=ticket_id, tenant_id=principal.tenant_id, title=request.title,
                        description=request.description, status=S.DRAFT, priority=request.priority, created_at=now,
                        updated_at=now, created_by=person(principal), max_turns=request.max_turns)
        journal = Journal(None, now, self._ids)
        journal.record(ticket, "ticket_created", "user", "create_ticket",
                       details={"title": ticket.title, "priority": ticket.priority, "by": person(principal)})
        self._store.save(journal.build(ticket))
        return self._get(principal.tenant_id, ticket_id)

    def get_ticket(self, principal: Principal, ticket_id: str) -> Ticket:
        return self._get(principal.tenant_id, ticket_id)

    def list_tickets(self, principal: Principal, where: TicketFilter,
                     page: OffsetRequest) -> tuple[list[Ticket], int]:
        total = self._store.count_tickets(principal.tenant_id, where)
        if within(page, total):
            return self._store.list_tickets(principal.tenant_id, where, page.offset, page.limit), total
        return [], total

    def update_ticket(self, principal: Principal, ticket_id: str, request: UpdateTicketRequest) -> Ticket:
        fields = request.model_dump(exclude_unset=True)

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            max_turns = request.max_turns if request.max_turns is not None else ticket.max_turns
            if max_turns < ticket.current_turn:
                raise ValidationFailed(details=[FieldError(
                    "maxTurns", f"maxTurns must be at least the turns already taken ({ticket.current_turn})")])
            after = replace(ticket, title=request.title or ticket.title,
                            description=request.description or ticket.description,
                            priority=request.priority or ticket.priority, max_turns=max_turns,
                            updated_at=journal.now)
            if fields:
                journal.record(after, "ticket_updated", "user", "update_ticket",
                               details={"fields": sorted(fields), "by": person(principal)})
            return after

        return self._change(principal, ticket_id, change)

    def cancel(self, principal: Principal, ticket_id: str) -> Ticket:
        def change(ticket: Ticket, journal: Journal) -> Ticket:
            if ticket.status in workflow.ENDED:
                raise invalid_transition(ticket, "cancel")
            inflight = ticket.progress.inflight
            if inflight is not None:
                # The agent decided this call and may have made it; its result will never be recorded now. The
                # entry says so and carries the deciding turn's tokens, so the log still adds up to the ticket's.
                journal.record(ticket, "error", "agent", inflight.request.tool, usage=inflight.usage,
                               reasoning="the ticket was cancelled before this call's result was recorded: "
                                         "whether it ran is not known",
                               tool_call={"name": inflight.request.tool, "args": dict(inflight.request.args)},
                               details={"callId": inflight.call_id})
            after = journal.moved(ticket, S.CANCELLED, "user", f"cancelled by {person(principal)}")
            return replace(after, run_id=None, lease_until=None, pending_approval=None, pending_question=None,
                           progress=replace(after.progress, inflight=None))

        return self._change(principal, ticket_id, change)

    # The agent's state machine, the people's side

    def run(self, principal: Principal, ticket_id: str) -> Ticket:
        run_id = self._ids()

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            if ticket.running and not self._lease_expired(ticket):
                raise agent_busy(ticket)
            if ticket.status not in workflow.RUNNABLE:
                raise invalid_transition(ticket, "run")
            target = workflow.run_target(ticket.status)
            after = journal.moved(ticket, target, "user", f"run by {person(principal)}")
            if target is S.PLANNING:
                after = replace(after, plan=None if ticket.status is S.DRAFT else after.plan)
            return self._held(after, run_id)

        return self._change(principal, ticket_id, change, kick=run_id)

    def approve_plan(self, principal: Principal, ticket_id: str, request: ApprovePlanRequest, *,
                     sent_at: datetime | None = None) -> Ticket:
        """`sent_at` as for respond_to_approval: an approval sent before the waiting plan was made (the ticket was
        planned again meanwhile) does not approve it."""
        run_id = self._ids()
        approver = request.approved_by or person(principal)

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            if ticket.status is not S.PENDING_PLAN_APPROVAL or ticket.plan is None:
                raise invalid_transition(ticket, "approve the plan of")
            generated_at = ticket.plan.generated_at
            if request.plan_revision not in (None, ticket.plan.revision) or (
                    generated_at is not None and sent_before(sent_at, generated_at)):
                seen = "an earlier plan" if request.plan_revision is None else f"plan revision {request.plan_revision}"
                raise ValidationFailed(f"This approval of ticket {ticket.id} was for {seen}, not the one waiting for "
                                       f"approval (revision {ticket.plan.revision})", code="INVALID_TRANSITION")
            journal.record(ticket, "plan_approved", "user", "approve_plan",
                           details={"approvedBy": approver, "by": person(principal),
                                    "planRevision": ticket.plan.revision})
            after = journal.moved(ticket, S.EXECUTING, "user", f"plan approved by {approver}")
            after = replace(after, plan_approved_at=journal.now, plan_approved_by=approver,
                            working_branch=after.working_branch or working_branch(ticket.id))
            return self._held(after, run_id)

        return self._change(principal, ticket_id, change, kick=run_id)

    def respond_to_approval(self, principal: Principal, ticket_id: str, request: ApprovalRequest, *,
                            sent_at: datetime | None = None) -> Ticket:
        """`sent_at`: when the request reached the API; an action the agent asked about after that is not the one
        the caller decided on (theirs was decided meanwhile), so it stays pending."""
        run_id = self._ids()

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            pending = ticket.pending_approval
            if ticket.status is not S.PENDING_APPROVAL or pending is None:
                raise ValidationFailed(f"Ticket {ticket.id} has no action waiting for approval",
                                       code="APPROVAL_NOT_PENDING")
            if request.approval_id not in (None, pending.id) or sent_before(sent_at, pending.requested_at):
                raise ValidationFailed(f"The action this decision was for is no longer pending on ticket {ticket.id}; "
                                       "another one waits for approval", code="APPROVAL_NOT_PENDING")
            decision = Decision(pending.action_hash, request.approved, person(principal))
            kind = "approval_granted" if request.approved else "approval_denied"
            journal.record(ticket, kind, "user", pending.tool, reasoning=request.reason, details={
                "approvalId": pending.id, "actionHash": pending.action_hash, "args": dict(pending.args),
                "by": person(principal)})
            progress = ticket.progress
            denied = progress.denied_actions
            if not request.approved:
                denied = (*denied, f"{pending.tool} {dict(pending.args)}"[:300])[-DENIALS_KEPT:]
            progress = replace(progress, decisions=(*progress.decisions, decision), denied_actions=denied)
            after = journal.moved(ticket, S.EXECUTING, "user",
                                  f"action {'approved' if request.approved else 'denied'} by {person(principal)}")
            return self._held(replace(after, pending_approval=None, progress=progress), run_id)

        return self._change(principal, ticket_id, change, kick=run_id)

    def answer(self, principal: Principal, ticket_id: str, request: AnswerRequest, *,
               sent_at: datetime | None = None) -> Ticket:
        """`sent_at` as for respond_to_approval: two people answering one question at once answer it once; the
        later answer does not land on the question the agent asks next."""
        run_id = self._ids()

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            question = ticket.pending_question
            if ticket.status is not S.PENDING_INPUT or question is None:
                raise ValidationFailed(f"Ticket {ticket.id} has no question waiting for an answer",
                                       code="QUESTION_NOT_PENDING")
            if request.question_id not in (None, question.id) or sent_before(sent_at, question.requested_at):
                raise ValidationFailed(f"The question this answer was for is no longer pending on ticket {ticket.id}; "
                                       "another one waits for an answer", code="QUESTION_NOT_PENDING")
            journal.record(ticket, "question_answered", "user", "answer", details={
                "questionId": question.id, "key": question.key, "question": question.question,
                "answer": request.answer, "by": person(principal)})
            progress = replace(ticket.progress, answers={**ticket.progress.answers, question.key: request.answer})
            after = journal.moved(ticket, S.EXECUTING, "user", f"answered by {person(principal)}")
            return self._held(replace(after, pending_question=None, progress=progress), run_id)

        return self._change(principal, ticket_id, change, kick=run_id)

    def resume(self, principal: Principal, ticket_id: str, request: ResumeRequest) -> Ticket:
        run_id = self._ids()

        def change(ticket: Ticket, journal: Journal) -> Ticket:
            if ticket.status is not S.PAUSED:
                raise invalid_transition(ticket, "resume")
            max_turns = ticket.max_turns + request.additional_turns
            if max_turns > MAX_TURNS_LIMIT:
                raise ValidationFailed(details=[FieldError(
                    "additionalTurns", f"a ticket's budget may not pass {MAX_TURNS_LIMIT} turns")])
            journal.record(ticket, "turns_granted", "user", "resume", details={
                "additionalTurns": request.additional_turns, "maxTurns": max_turns, "by": person(principal)})
            # Back to executing only with a plan a person approved (or none needed): a ticket paused while
            # planning again may hold a plan nobody approved.
            target = S.EXECUTING if ticket.plan is not None and (
                ticket.plan_approved_at is not None or not self._features.plan_approval_required) else S.PLANNING
            after = journal.moved(ticket, target, "user", f"resumed by {person(principal)}")
            return self._held(replace(after, max_turns=max_turns), run_id)

        return self._change(principal, ticket_id, change, kick=run_id)

    # Audit

    def ticket_audit(self, principal: Principal, ticket_id: str, types: tuple[str, ...],
                     page: OffsetRequest) -> tuple[list[Any], int]:
        ticket = self._get(principal.tenant_id, ticket_id)
        total = (sum(ticket.audit_counts.get(f"type:{t}", 0) for t in types) if types
                 else ticket.audit_sequence)
        if within(page, total):
            return self._store.ticket_audit(principal.tenant_id, ticket_id, types, page.offset, page.limit), total
        return [], total

    def audit(self, principal: Principal, where: AuditFilter, page: OffsetRequest) -> tuple[list[Any], int]:
        total = self._store.count_audit(principal.tenant_id, where)
        if within(page, total):
            return self._store.audit(principal.tenant_id, where, page.offset, page.limit), total
        return [], total

    def verify_audit(self, principal: Principal, ticket_id: str) -> chain.ChainReport:
        """The chain up to the head read: an entry appended after that read is checked by the next verify."""
        ticket = self._get(principal.tenant_id, ticket_id)
        entries = self._store.chain(principal.tenant_id, ticket_id, up_to=ticket.audit_sequence)
        return chain.verify(entries, ticket.audit_sequence, ticket.audit_head)

    def stats(self, principal: Principal) -> dict[str, Any]:
        tenant, now = principal.tenant_id, self._now()
        counters = self._store.counters(tenant)
        by_status = {s.value: counters.get(f"status_{s.value}", 0) for s in TicketStatus}
        tickets = counters.get("tickets", 0)
        turns = counters.get("turns", 0)
        tools = {name.removeprefix("tool_"): value for name, value in counters.items()
                 if name.startswith("tool_") and name != "tool_calls" and value}
        return {
            "tickets": {"total": tickets, "byStatus": {k: v for k, v in by_status.items() if v}},
            "tokenUsage": {
                "total": counters.get("prompt_tokens", 0) + counters.get("completion_tokens", 0),
                "estimatedCost": round(counters.get("cost_micros", 0) / 1_000_000, 4),
                "last24h": self._store.tokens_since(tenant, now - timedelta(hours=23)),
                "last7d": self._store.tokens_since(tenant, now - timedelta(days=7) + timedelta(hours=1)),
            },
            "agent": {"totalTurns": turns, "averageTurnsPerTicket": round(turns / tickets) if tickets else 0,
                      "toolCalls": tools},
        }

    # Helpers

    def _get(self, tenant_id: str, ticket_id: str) -> Ticket:
        ticket = self._store.get_ticket(tenant_id, ticket_id) if 0 < len(ticket_id) <= 64 else None
        if ticket is None:
            raise not_found(ticket_id)
        return ticket

    def _lease_expired(self, ticket: Ticket) -> bool:
        return ticket.lease_until is not None and ticket.lease_until <= self._now()

    def _held(self, ticket: Ticket, run_id: str) -> Ticket:
        return replace(ticket, run_id=run_id,
                       lease_until=self._now() + timedelta(seconds=self._features.run_lease_seconds))

    def _change(self, principal: Principal, ticket_id: str, decide: Callable[[Ticket, Journal], Ticket], *,
                kick: str | None = None) -> Ticket:
        """Read, decide, write conditioned on the version read; on a lost race read again and decide again."""
        for attempt in range(ATTEMPTS):
            ticket = self._get(principal.tenant_id, ticket_id)
            journal = Journal(ticket, self._now(), self._ids)
            after = decide(ticket, journal)
            change = journal.build(after)
            try:
                self._store.save(change)
            except Conflict:
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            if kick is not None:
                self._kicks.kick(principal.tenant_id, ticket_id, kick)
            return change.after
        raise AssertionError("unreachable")


def within(page: OffsetRequest, total: int) -> bool:
    """Whether the page starts inside a list of `total` items (else it is empty, read or not); one deeper than
    lists are read, in a list that long, is a validation error (opsdesk.pagination.too_deep)."""
    if page.offset >= total:
        return False
    if beyond_reach(page.offset):
        raise too_deep("offset")
    return True
