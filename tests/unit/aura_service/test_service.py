"""The people's side of aura (opsdesk.aura.service) over the in-memory store: tickets, the state machine's
guarded moves with the document's error codes, one run at a time, the audit chain and the totals."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from opsdesk.aura.records import PendingApproval, PendingQuestion, Plan, TicketStatus, action_hash
from opsdesk.aura.requests import (
    AnswerRequest,
    ApprovalRequest,
    ApprovePlanRequest,
    CreateTicketRequest,
    ResumeRequest,
    UpdateTicketRequest,
    parse_body,
)
from opsdesk.aura.service import AuraService, Features
from opsdesk.aura.store import AuditFilter, TicketFilter
from opsdesk.auth import Principal
from opsdesk.errors import Conflict, NotFound, ValidationFailed
from opsdesk.pagination import OffsetRequest
from tests.unit.aura_fakes import FakeAuraStore, RecordedKicks

ALICE = Principal("u-alice", "acme", "alice", frozenset(), email="alice@acme.test")
CAROL = Principal("u-carol", "globex", "carol", frozenset(), email="carol@globex.test")
S = TicketStatus


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def parts() -> tuple[AuraService, FakeAuraStore, RecordedKicks, Clock]:
    store, kicks, clock = FakeAuraStore(), RecordedKicks(), Clock()
    return AuraService(store, kicks, features=Features(run_lease_seconds=60), clock=clock), store, kicks, clock


def _create(service: AuraService, title: str = "Deploy Redis", priority: str = "medium") -> str:
    request = CreateTicketRequest.model_validate({"title": title, "description": "3 replicas in cache",
                                                  "priority": priority})
    return service.create_ticket(ALICE, request).id


def _code(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    return getattr(excinfo.value, "code", None)


def test_a_new_ticket_is_a_draft_with_the_documented_defaults_and_an_audit_entry(parts) -> None:
    service, store, _, _ = parts
    ticket = service.get_ticket(ALICE, _create(service))
    assert (ticket.status, ticket.priority, ticket.current_turn, ticket.max_turns) == (S.DRAFT, "medium", 0, 50)
    entries, total = service.ticket_audit(ALICE, ticket.id, (), OffsetRequest(0, 10))
    assert [e.type for e in entries] == ["ticket_created"] and total == 1


def test_another_tenants_ticket_is_ticket_not_found(parts) -> None:
    service, _, _, _ = parts
    ticket_id = _create(service)
    with pytest.raises(NotFound) as excinfo:
        service.get_ticket(CAROL, ticket_id)
    assert _code(excinfo) == "TICKET_NOT_FOUND"


def test_patch_changes_metadata_and_never_the_status(parts) -> None:
    service, _, _, _ = parts
    ticket_id = _create(service)
    request = UpdateTicketRequest.model_validate({"title": "Deploy Redis 7", "status": "resolved", "maxTurns": 70})
    ticket = service.update_ticket(ALICE, ticket_id, request)
    assert (ticket.title, ticket.status, ticket.max_turns) == ("Deploy Redis 7", S.DRAFT, 70)


@pytest.mark.parametrize("field", ["title", "description", "priority", "maxTurns"])
def test_a_patch_field_sent_as_null_is_refused_naming_that_field(field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_body(UpdateTicketRequest, {field: None})
    assert [detail.field for detail in refused.value.details] == [field]


def test_run_plans_a_draft_kicks_the_agent_and_a_second_run_is_agent_busy(parts) -> None:
    service, _, kicks, _ = parts
    ticket_id = _create(service)
    ticket = service.run(ALICE, ticket_id)
    assert ticket.status is S.PLANNING and ticket.running
    assert kicks.take() == [("acme", ticket_id, ticket.run_id, 0)]
    with pytest.raises(Conflict) as excinfo:
        service.run(ALICE, ticket_id)
    assert _code(excinfo) == "AGENT_BUSY" and kicks.take() == []


def test_concurrent_runs_start_exactly_one(parts) -> None:
    service, _, kicks, _ = parts
    ticket_id = _create(service)
    outcomes: list[str] = []

    def run() -> None:
        try:
            service.run(ALICE, ticket_id)
            outcomes.append("started")
        except Conflict as exc:
            outcomes.append(str(exc.code))

    threads = [threading.Thread(target=run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("started") == 1 and outcomes.count("AGENT_BUSY") == 11
    assert len(kicks.take()) == 1


def test_a_run_whose_lease_ran_out_may_be_taken_over(parts) -> None:
    service, store, kicks, clock = parts
    ticket_id = _create(service)
    first = service.run(ALICE, ticket_id)
    clock.now += timedelta(seconds=61)
    second = service.run(ALICE, ticket_id)
    assert second.run_id != first.run_id and len(kicks.take()) == 2


@pytest.mark.parametrize(("status", "action", "code"), [
    (S.PENDING_INPUT, "approve", "APPROVAL_NOT_PENDING"),
    (S.EXECUTING, "approve", "APPROVAL_NOT_PENDING"),
    (S.PENDING_APPROVAL, "answer", "QUESTION_NOT_PENDING"),
    (S.DRAFT, "answer", "QUESTION_NOT_PENDING"),
    (S.DRAFT, "approve_plan", "INVALID_TRANSITION"),
    (S.EXECUTING, "resume", "INVALID_TRANSITION"),
    (S.PENDING_INPUT, "run", "INVALID_TRANSITION"),
    (S.PAUSED, "run", "INVALID_TRANSITION"),
    (S.RESOLVED, "cancel", "INVALID_TRANSITION"),
    (S.CANCELLED, "run", "INVALID_TRANSITION"),
])
def test_moves_out_of_turn_answer_the_documented_code_and_change_nothing(parts, status, action, code) -> None:
    service, store, kicks, _ = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    store.tickets[key] = replace(store.tickets[key], status=status)
    before = store.tickets[key]
    calls = {
        "approve": lambda: service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True)),
        "answer": lambda: service.answer(ALICE, ticket_id, AnswerRequest(answer="cache")),
        "approve_plan": lambda: service.approve_plan(ALICE, ticket_id, ApprovePlanRequest()),
        "resume": lambda: service.resume(ALICE, ticket_id, ResumeRequest()),
        "run": lambda: service.run(ALICE, ticket_id),
        "cancel": lambda: service.cancel(ALICE, ticket_id),
    }
    with pytest.raises(ValidationFailed) as excinfo:
        calls[action]()
    assert _code(excinfo) == code
    assert store.tickets[key] == before and kicks.take() == []


def waiting_on(action: str, asked_at: datetime) -> dict[str, object]:
    """A ticket's fields while its agent waits for an answer (question `q2`) or a decision (action `a2`)."""
    if action == "answer":
        return {"status": S.PENDING_INPUT,
                "pending_question": PendingQuestion("q2", "replicas", "How many replicas?", ("1", "3"), asked_at)}
    return {"status": S.PENDING_APPROVAL, "pending_approval": PendingApproval(
        "a2", "kubectl_delete", {"name": "cache"}, action_hash("kubectl_delete", {"name": "cache"}), ("deletes",),
        "clean up", asked_at)}


@pytest.mark.parametrize("action", ["answer", "approve"])
def test_an_answer_or_a_decision_sent_before_the_agent_asked_is_not_taken_for_it(parts, action: str) -> None:
    """Two people answer one question at once: the first answer lets the agent ask its next question before the
    second request is handled. That request was sent before the new question existed, so it answers nothing."""
    service, store, kicks, clock = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    asked_at = clock.now + timedelta(seconds=5)
    store.tickets[key] = replace(store.tickets[key], **waiting_on(action, asked_at))
    before = store.tickets[key]

    def respond(sent_at: datetime) -> object:
        if action == "answer":
            return service.answer(ALICE, ticket_id, AnswerRequest(answer="3"), sent_at=sent_at)
        return service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=True), sent_at=sent_at)

    for sent_at in (asked_at - timedelta(seconds=1), asked_at - timedelta(milliseconds=1)):
        with pytest.raises(ValidationFailed) as refused:
            respond(sent_at)
        assert _code(refused) == {"answer": "QUESTION_NOT_PENDING", "approve": "APPROVAL_NOT_PENDING"}[action]
    assert store.tickets[key] == before and kicks.take() == []

    clock.now = asked_at + timedelta(seconds=2)
    respond(asked_at)  # sent in the millisecond it was asked: after it, to API Gateway's millisecond
    assert store.tickets[key].status is S.EXECUTING and len(kicks.take()) == 1


@pytest.mark.parametrize("action", ["answer", "approve"])
def test_a_response_naming_a_question_or_action_that_is_no_longer_pending_is_refused(parts, action: str) -> None:
    """Beyond the document: `questionId` / `approvalId` tie a response to what the caller saw, however late it is
    sent (a stale screen), where the request time only catches responses already in flight."""
    service, store, kicks, _ = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    asked_at = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    store.tickets[key] = replace(store.tickets[key], **waiting_on(action, asked_at))
    before = store.tickets[key]

    def respond(pending_id: str) -> object:
        if action == "answer":
            return service.answer(ALICE, ticket_id, parse_body(AnswerRequest, {"answer": "3",
                                                                               "questionId": pending_id}))
        return service.respond_to_approval(ALICE, ticket_id, parse_body(ApprovalRequest, {
            "approved": True, "approvalId": pending_id}))

    with pytest.raises(ValidationFailed) as refused:
        respond("q1" if action == "answer" else "a1")
    assert _code(refused) == {"answer": "QUESTION_NOT_PENDING", "approve": "APPROVAL_NOT_PENDING"}[action]
    assert store.tickets[key] == before and kicks.take() == []
    respond("q2" if action == "answer" else "a2")
    assert store.tickets[key].status is S.EXECUTING


def test_approving_a_plan_revision_that_is_no_longer_waiting_is_refused(parts) -> None:
    service, store, kicks, _ = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    plan = Plan("Deploy Redis", (), ("kubectl_apply",), ("outage",), revision=2)
    store.tickets[key] = replace(store.tickets[key], status=S.PENDING_PLAN_APPROVAL, plan=plan)
    before = store.tickets[key]

    with pytest.raises(ValidationFailed) as refused:
        service.approve_plan(ALICE, ticket_id, parse_body(ApprovePlanRequest, {"planRevision": 1}))
    assert _code(refused) == "INVALID_TRANSITION" and store.tickets[key] == before
    service.approve_plan(ALICE, ticket_id, parse_body(ApprovePlanRequest, {"planRevision": 2}))
    assert store.tickets[key].status is S.EXECUTING


def test_a_plan_approval_sent_before_the_waiting_plan_was_made_does_not_approve_it(parts) -> None:
    """A document client sends no planRevision: the request time ties its approval to the plan it saw, as for
    answers and decisions (the ticket was planned again between the two)."""
    service, store, kicks, clock = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    planned_at = clock.now + timedelta(seconds=5)
    plan = Plan("Deploy Redis", (), ("kubectl_apply",), ("outage",), revision=2, generated_at=planned_at)
    store.tickets[key] = replace(store.tickets[key], status=S.PENDING_PLAN_APPROVAL, plan=plan)
    before = store.tickets[key]

    with pytest.raises(ValidationFailed) as refused:
        service.approve_plan(ALICE, ticket_id, ApprovePlanRequest(), sent_at=planned_at - timedelta(milliseconds=1))
    assert _code(refused) == "INVALID_TRANSITION" and store.tickets[key] == before and kicks.take() == []

    clock.now = planned_at + timedelta(seconds=2)
    service.approve_plan(ALICE, ticket_id, ApprovePlanRequest(), sent_at=planned_at)
    assert store.tickets[key].status is S.EXECUTING and len(kicks.take()) == 1


def test_cancel_stops_a_running_ticket_and_lets_go_of_the_run(parts) -> None:
    service, _, _, _ = parts
    ticket_id = _create(service)
    service.run(ALICE, ticket_id)
    ticket = service.cancel(ALICE, ticket_id)
    assert ticket.status is S.CANCELLED and not ticket.running


def test_resume_grants_turns_up_to_the_ceiling(parts) -> None:
    service, store, _, _ = parts
    ticket_id = _create(service)
    key = ("acme", ticket_id)
    store.tickets[key] = replace(store.tickets[key], status=S.PAUSED, current_turn=50)
    ticket = service.resume(ALICE, ticket_id, ResumeRequest.model_validate({"additionalTurns": 20}))
    assert (ticket.status, ticket.max_turns) == (S.PLANNING, 70)
    store.tickets[key] = replace(store.tickets[key], status=S.PAUSED, run_id=None)
    with pytest.raises(ValidationFailed):
        service.resume(ALICE, ticket_id, ResumeRequest.model_validate({"additionalTurns": 450}))


def test_lists_filter_by_comma_separated_values_and_total_from_counters(parts) -> None:
    service, _, _, _ = parts
    ids = [_create(service, f"T{n}", priority) for n, priority in enumerate(["low", "high", "high", "critical"])]
    service.cancel(ALICE, ids[0])
    page, total = service.list_tickets(ALICE, TicketFilter(priorities=("high", "critical")), OffsetRequest(0, 2))
    assert total == 3 and [t.title for t in page] == ["T3", "T2"]
    page, total = service.list_tickets(ALICE, TicketFilter(statuses=(S.CANCELLED, S.DRAFT), priorities=("low",)),
                                       OffsetRequest(0, 10))
    assert total == 1 and page[0].id == ids[0]
    assert service.list_tickets(CAROL, TicketFilter(), OffsetRequest(0, 10)) == ([], 0)


def test_a_page_past_the_end_is_empty_and_one_deeper_than_lists_are_read_in_a_longer_list_is_refused(
        parts, monkeypatch: pytest.MonkeyPatch) -> None:
    service, _, _, _ = parts
    ticket_id = _create(service, "T0")
    _create(service, "T1"), _create(service, "T2")

    assert service.list_tickets(ALICE, TicketFilter(), OffsetRequest(100_000, 50)) == ([], 3)
    assert service.ticket_audit(ALICE, ticket_id, (), OffsetRequest(100_000, 50)) == ([], 1)
    assert service.audit(ALICE, AuditFilter(), OffsetRequest(100_000, 50)) == ([], 3)
    monkeypatch.setattr("opsdesk.pagination.MAX_OFFSET", 2)  # lists read 2 deep: the 3 tickets are longer
    with pytest.raises(ValidationFailed) as refused:
        service.list_tickets(ALICE, TicketFilter(), OffsetRequest(2, 1))
    assert refused.value.details[0].field == "offset"
    with pytest.raises(ValidationFailed):
        service.audit(ALICE, AuditFilter(), OffsetRequest(2, 1))
    assert service.list_tickets(ALICE, TicketFilter(), OffsetRequest(3, 1)) == ([], 3)


def test_the_audit_chain_verifies_and_an_edited_entry_breaks_it(parts) -> None:
    service, store, _, _ = parts
    ticket_id = _create(service)
    service.update_ticket(ALICE, ticket_id, UpdateTicketRequest(title="New title"))
    service.run(ALICE, ticket_id)
    assert service.verify_audit(ALICE, ticket_id).intact
    entries = store.entries[("acme", ticket_id)]
    entries[1] = replace(entries[1], action="delete_everything")
    report = service.verify_audit(ALICE, ticket_id)
    assert not report.intact and report.first_broken_sequence == 2


def test_global_audit_filters_and_totals(parts) -> None:
    service, _, _, _ = parts
    first, second = _create(service), _create(service)
    service.run(ALICE, first)
    entries, total = service.audit(ALICE, AuditFilter(types=("status_changed",)), OffsetRequest(0, 10))
    assert total == 1 and entries[0].ticket_id == first
    entries, total = service.audit(ALICE, AuditFilter(ticket_id=second), OffsetRequest(0, 10))
    assert total == 1 and [e.type for e in entries] == ["ticket_created"]
    assert service.audit(CAROL, AuditFilter(), OffsetRequest(0, 10)) == ([], 0)
