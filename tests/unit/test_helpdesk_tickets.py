"""Helpdesk domain rules over the in-memory store: numbering, source, the status workflow, SLA stamps and the due
index, lost-update protection, comments, watchers, requesters, search words and the metrics aggregates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339
from opsdesk.errors import Forbidden, NotFound, ValidationFailed
from opsdesk.events import reaches
from opsdesk.helpdesk.csat import CsatToken, new_survey_token
from opsdesk.helpdesk.queries import parse_comment_page, parse_ticket_filters, parse_ticket_page, parse_ticket_search
from opsdesk.helpdesk.records import Ticket, TicketSource, TicketStatus
from opsdesk.helpdesk.requests import (
    AddWatcherRequest,
    CreateRequesterRequest,
    CreateTicketRequest,
    UpdateRequesterRequest,
    UpdateTicketRequest,
)
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.helpdesk.sla import SLA_POLICIES, due_bucket
from opsdesk.helpdesk.workflow import QUEUE_CHANGED, TICKET_CREATED, TICKET_UPDATED, search_words
from opsdesk.pagination import Page
from tests.unit.fakes import FakeClock
from tests.unit.helpdesk_fakes import InMemoryHelpdeskStore, TenantUsersByHand, comment_by

START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def person(tenant_id: str, *groups: str, user_id: str | None = None) -> Principal:
    user = user_id or str(uuid.uuid4())
    return Principal(user_id=user, tenant_id=tenant_id, username=f"{user}@example.test", groups=frozenset(groups))


@pytest.fixture
def store() -> InMemoryHelpdeskStore:
    return InMemoryHelpdeskStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def issued_tokens() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def users() -> TenantUsersByHand:
    return TenantUsersByHand()


@pytest.fixture
def service(store: InMemoryHelpdeskStore, clock: FakeClock, issued_tokens: list[tuple[str, str]],
            users: TenantUsersByHand) -> HelpdeskService:
    def issue(tenant_id: str, ticket_id: str, requester_id: str, now: datetime) -> tuple[str, CsatToken]:
        issued_tokens.append((ticket_id, requester_id))
        return new_survey_token(tenant_id, ticket_id, requester_id, now)

    return HelpdeskService(store, clock=clock, backoff=lambda attempt: None, issue_csat_token=issue, users=users)


@pytest.fixture
def tenant() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def agent(tenant: str) -> Principal:
    return person(tenant, "agent")


@pytest.fixture
def user(tenant: str) -> Principal:
    return person(tenant)


@pytest.fixture
def requester_id(service: HelpdeskService, agent: Principal) -> str:
    request = CreateRequesterRequest(email="jane@customer.example", display_name="Jane Doe")
    return service.create_requester(agent, request).id


@pytest.fixture
def create(service: HelpdeskService, agent: Principal, requester_id: str) -> Any:
    def _create(by: Principal | None = None, channel: str = "bearer", **overrides: Any) -> Ticket:
        body = {"title": "VPN drops every hour", "description": "The VPN client disconnects on the hour.",
                "requester_id": requester_id, "priority": "normal", **overrides}
        return service.create_ticket(by or agent, CreateTicketRequest.model_validate(body), channel)  # type: ignore[arg-type]

    return _create


def patch(service: HelpdeskService, who: Principal, ticket: Ticket, **fields: Any) -> Ticket:
    return service.update_ticket(who, ticket.id, UpdateTicketRequest.model_validate(fields))


# Creating


def test_ticket_numbers_are_sequential_per_tenant(service: HelpdeskService, create: Any) -> None:
    other = person(str(uuid.uuid4()), "agent")
    other_requester = service.create_requester(other, CreateRequesterRequest(email="x@y.example", display_name="X"))

    numbers = [create().number for _ in range(3)]
    other_ticket = service.create_ticket(other, CreateTicketRequest(
        title="t", description="d", requester_id=other_requester.id, priority="low"), "bearer")

    assert numbers == [1, 2, 3]
    assert other_ticket.number == 1


@pytest.mark.parametrize(("channel", "source"), [("bearer", TicketSource.API), ("cookie", TicketSource.WEB)])
def test_source_is_how_the_creator_signed_in(create: Any, user: Principal, channel: str,
                                             source: TicketSource) -> None:
    assert create(by=user, channel=channel).source is source


def test_an_agent_may_record_a_ticket_that_came_by_email(create: Any) -> None:
    assert create(source="email").source is TicketSource.EMAIL


def test_only_agents_may_name_the_source(create: Any, user: Principal) -> None:
    with pytest.raises(ValidationFailed) as refused:
        create(by=user, source="email")

    assert refused.value.details[0].field == "source"


def test_the_requester_must_belong_to_the_callers_tenant(service: HelpdeskService, create: Any) -> None:
    stranger = person(str(uuid.uuid4()), "agent")
    foreign = service.create_requester(stranger, CreateRequesterRequest(email="s@t.example", display_name="S"))

    with pytest.raises(ValidationFailed) as refused:
        create(requester_id=foreign.id)

    assert refused.value.details[0].field == "requester_id"


def test_a_new_ticket_is_open_with_its_first_response_clock_in_the_due_index(create: Any) -> None:
    ticket = create(priority="high")

    due = START + SLA_POLICIES["high"].first_response
    assert ticket.status is TicketStatus.OPEN
    assert ticket.sla_due_at == to_rfc3339(due)
    assert ticket.sla_due_bucket == due_bucket(due)


def test_creating_publishes_ticket_created_and_queue_changed(store: InMemoryHelpdeskStore, create: Any,
                                                             tenant: str) -> None:
    ticket = create()

    events = store.events_of(tenant)
    assert [e.type for e in events] == [TICKET_CREATED, QUEUE_CHANGED]
    assert events[0].data["id"] == ticket.id and events[0].data["number"] == ticket.number
    assert events[1].data["previous"] is None


def test_custom_json_must_be_an_object() -> None:
    with pytest.raises(ValueError, match="custom_json"):
        CreateTicketRequest.model_validate({"title": "t", "description": "d", "requester_id": str(uuid.uuid4()),
                                            "priority": "low", "custom_json": [1, 2]})


@pytest.mark.parametrize("urgency", [0, 5, "2", True])
def test_urgency_is_an_integer_from_1_to_4(urgency: Any) -> None:
    with pytest.raises(ValueError, match="urgency"):
        CreateTicketRequest.model_validate({"title": "t", "description": "d", "requester_id": str(uuid.uuid4()),
                                            "priority": "low", "urgency": urgency})


# Reading


def test_another_tenants_ticket_and_a_malformed_id_are_not_found(service: HelpdeskService, create: Any) -> None:
    ticket = create()
    stranger = person(str(uuid.uuid4()), "agent")

    with pytest.raises(NotFound):
        service.get_ticket(stranger, ticket.id)
    with pytest.raises(NotFound):
        service.get_ticket(stranger, "not-a-uuid")


def test_an_upper_case_id_finds_the_ticket(service: HelpdeskService, agent: Principal, create: Any) -> None:
    ticket = create()

    assert service.get_ticket(agent, ticket.id.upper()) == ticket


# Updating


def test_only_agents_may_update_a_ticket(service: HelpdeskService, create: Any, user: Principal,
                                         tenant: str) -> None:
    ticket = create()

    with pytest.raises(Forbidden):
        patch(service, user, ticket, priority="high")
    assert patch(service, person(tenant, "admin"), ticket, priority="high").priority == "high"


@pytest.mark.parametrize(("moves", "final"), [
    (["pending", "open", "resolved", "closed"], TicketStatus.CLOSED),
    (["resolved", "open"], TicketStatus.OPEN),
    (["pending", "closed"], TicketStatus.CLOSED),
    (["closed", "open"], TicketStatus.OPEN),
    (["resolved", "pending"], TicketStatus.PENDING),
    (["closed", "resolved"], TicketStatus.RESOLVED),
])
def test_the_status_workflow_moves_between_any_two_statuses(service: HelpdeskService, agent: Principal,
                                                            create: Any, moves: list[str],
                                                            final: TicketStatus) -> None:
    """The document names the statuses and no rules."""
    ticket = create()
    for status in moves:
        ticket = patch(service, agent, ticket, status=status)

    assert ticket.status is final


def test_a_closed_ticket_reopened_leaves_the_aggregates_and_resolved_again_keeps_one_resolution(
        service: HelpdeskService, agent: Principal, create: Any, clock: FakeClock,
        issued_tokens: list[tuple[str, str]]) -> None:
    ticket = create()
    clock.advance(minutes=30)
    closed = patch(service, agent, patch(service, agent, ticket, status="resolved"), status="closed")
    clock.advance(minutes=30)

    again = patch(service, agent, closed, status="resolved")
    assert again.resolved_at == closed.resolved_at
    assert service.resolution_metrics(agent) == {"avg_resolution_ms": 30 * 60 * 1000}
    reopened = patch(service, agent, patch(service, agent, again, status="closed"), status="open")

    assert reopened.resolved_at is None and reopened.sla_due_at is not None
    assert service.sla_metrics(agent) == {"total": 0, "met": 0, "sla_attainment": 0.0}
    assert issued_tokens == [(ticket.id, ticket.requester_id)]


def test_the_same_values_again_change_nothing_and_publish_nothing(service: HelpdeskService, agent: Principal,
                                                                  create: Any, store: InMemoryHelpdeskStore,
                                                                  tenant: str) -> None:
    ticket = create()
    published = len(store.events_of(tenant))

    again = patch(service, agent, ticket, status="open", priority="normal")

    assert again == ticket
    assert len(store.events_of(tenant)) == published


def test_an_empty_patch_or_a_null_status_is_refused(service: HelpdeskService, agent: Principal,
                                                    create: Any) -> None:
    ticket = create()

    with pytest.raises(ValidationFailed):
        patch(service, agent, ticket)
    with pytest.raises(ValidationFailed) as refused:
        patch(service, agent, ticket, status=None)
    assert refused.value.details[0].field == "status"


def test_fields_outside_the_document_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="number"):
        UpdateTicketRequest.model_validate({"number": 7})


def test_null_clears_the_optional_fields(service: HelpdeskService, agent: Principal, create: Any) -> None:
    ticket = patch(service, agent, create(), assignee_id=agent.user_id, urgency=2, due_at="2026-03-09T17:00:00Z")

    cleared = patch(service, agent, ticket, assignee_id=None, urgency=None, due_at=None)

    assert (cleared.assignee_id, cleared.urgency, cleared.due_at) == (None, None, None)
    assert ticket.due_at == "2026-03-09T17:00:00.000Z"


def test_a_concurrent_change_is_reapplied_not_lost(service: HelpdeskService, agent: Principal, create: Any,
                                                   store: InMemoryHelpdeskStore, tenant: str) -> None:
    ticket = create()
    # Another agent raises the priority between this PATCH's read and its write
    store.before_write = lambda: patch(service, person(tenant, "agent"), ticket, priority="urgent")

    patch(service, agent, ticket, assignee_id=agent.user_id)

    stored = service.get_ticket(agent, ticket.id)
    assert (stored.priority, stored.assignee_id, stored.version) == ("urgent", agent.user_id, 3)


def test_a_move_after_a_concurrent_move_lands_on_the_newer_ticket(
    service: HelpdeskService, agent: Principal, create: Any, store: InMemoryHelpdeskStore, tenant: str
) -> None:
    ticket = create()
    store.before_write = lambda: patch(service, person(tenant, "agent"), ticket, status="closed")

    moved = patch(service, agent, ticket, status="pending")

    assert (moved.status, moved.version) == (TicketStatus.PENDING, ticket.version + 2)  # after the close


def test_moving_the_ticket_between_queues_publishes_queue_changed(service: HelpdeskService, agent: Principal,
                                                                  create: Any, store: InMemoryHelpdeskStore,
                                                                  tenant: str) -> None:
    ticket = create()

    patch(service, agent, ticket, team_id="network", assignee_id=agent.user_id)
    patch(service, agent, service.get_ticket(agent, ticket.id), urgency=3)

    events = [e for e in store.events_of(tenant) if e.type == QUEUE_CHANGED][1:]
    assert len(events) == 1
    assert events[0].data["team_id"] == "network" and events[0].data["assignee_id"] == agent.user_id
    assert events[0].data["previous"] == {"team_id": None, "assignee_id": None}
    assert [e.type for e in store.events_of(tenant)][-1] == TICKET_UPDATED


# Resolution, SLA and aggregates


def test_resolving_stamps_counts_and_issues_one_survey_token(service: HelpdeskService, agent: Principal,
                                                             create: Any, clock: FakeClock,
                                                             issued_tokens: list[tuple[str, str]]) -> None:
    ticket = create()
    clock.advance(minutes=90)

    resolved = patch(service, agent, ticket, status="resolved")
    closed = patch(service, agent, resolved, status="closed")

    assert resolved.resolved_at == to_rfc3339(clock.now)
    assert resolved.resolution_sla_met is True
    assert resolved.sla_due_at is None and resolved.sla_due_bucket is None
    assert closed.resolved_at == resolved.resolved_at
    assert issued_tokens == [(ticket.id, ticket.requester_id)]
    assert service.sla_metrics(agent) == {"total": 1, "met": 1, "sla_attainment": 1.0}
    assert service.resolution_metrics(agent) == {"avg_resolution_ms": 90 * 60 * 1000}


def test_resolving_and_raising_the_priority_in_one_patch_judges_the_sla_at_the_new_priority(
        service: HelpdeskService, agent: Principal, create: Any, clock: FakeClock) -> None:
    # Given a normal ticket nobody answered for 20 minutes: on time for normal, past urgent's 15-minute response
    ticket = create()
    clock.advance(minutes=20)

    # When one PATCH resolves it and makes it urgent
    resolved = patch(service, agent, ticket, status="resolved", priority="urgent")

    # Then it is stored urgent and missed, and the metric says so
    assert resolved.priority == "urgent" and resolved.resolution_sla_met is False
    assert service.sla_metrics(agent) == {"total": 1, "met": 0, "sla_attainment": 0.0}


def test_reopening_takes_the_resolution_out_of_the_aggregates(service: HelpdeskService, agent: Principal,
                                                              create: Any, clock: FakeClock) -> None:
    ticket = create()
    clock.advance(hours=1)
    ticket = patch(service, agent, ticket, status="resolved")

    reopened = patch(service, agent, ticket, status="open")

    assert reopened.resolved_at is None and reopened.resolution_sla_met is None
    assert service.sla_metrics(agent) == {"total": 0, "met": 0, "sla_attainment": 0.0}
    assert service.resolution_metrics(agent) == {"avg_resolution_ms": 0}


def test_a_late_resolution_is_counted_as_missed(service: HelpdeskService, agent: Principal, create: Any,
                                                clock: FakeClock) -> None:
    on_time = create(priority="urgent")
    late = create(priority="urgent")
    clock.advance(minutes=10)
    patch(service, agent, on_time, status="resolved")
    clock.advance(hours=5)  # past urgent's 4 hour resolution target

    patch(service, agent, late, status="resolved")

    assert service.sla_metrics(agent) == {"total": 2, "met": 1, "sla_attainment": 0.5}


def test_the_first_public_agent_comment_stops_the_first_response_clock(service: HelpdeskService,
                                                                       agent: Principal, create: Any,
                                                                       clock: FakeClock) -> None:
    ticket = create(priority="normal")
    clock.advance(minutes=5)
    service.add_comment(agent, ticket.id, comment_by(agent, "internal note", internal=True))
    assert service.get_ticket(agent, ticket.id).first_response_at is None

    clock.advance(minutes=5)
    service.add_comment(agent, ticket.id, comment_by(agent, "We are on it"))

    answered = service.get_ticket(agent, ticket.id)
    assert answered.first_response_at == to_rfc3339(clock.now)
    assert answered.sla_due_at == to_rfc3339(START + SLA_POLICIES["normal"].resolution)


def test_a_breach_is_recorded_once_and_published(service: HelpdeskService, agent: Principal, create: Any,
                                                 store: InMemoryHelpdeskStore, tenant: str) -> None:
    ticket = create(priority="high")
    early = START + timedelta(minutes=30)
    late = START + SLA_POLICIES["high"].first_response + timedelta(minutes=1)

    assert service.mark_sla_breached(tenant, ticket.id, "first_response", early) is False
    assert service.mark_sla_breached(tenant, ticket.id, "first_response", late) is True
    assert service.mark_sla_breached(tenant, ticket.id, "first_response", late) is False

    stored = service.get_ticket(agent, ticket.id)
    assert stored.first_response_breached_at == to_rfc3339(late)
    assert stored.sla_due_at == to_rfc3339(START + SLA_POLICIES["high"].resolution)
    event = store.events_of(tenant)[-1]
    assert event.type == TICKET_UPDATED
    assert event.data["breach"]["kind"] == "first_response"
    assert event.data["sla"]["first_response_breached"] is True


def test_a_stopped_clock_is_never_marked_breached(service: HelpdeskService, agent: Principal, create: Any,
                                                  tenant: str) -> None:
    ticket = patch(service, agent, create(priority="urgent"), status="resolved")

    assert service.mark_sla_breached(tenant, ticket.id, "resolution", START + timedelta(days=1)) is False


def test_a_clock_already_past_due_goes_in_the_current_hours_bucket(service: HelpdeskService, agent: Principal,
                                                                   create: Any, clock: FakeClock) -> None:
    ticket = patch(service, agent, create(priority="urgent"), status="resolved")
    clock.advance(days=2)

    reopened = patch(service, agent, ticket, status="open")

    assert reopened.sla_due_at == to_rfc3339(START + SLA_POLICIES["urgent"].first_response)
    assert reopened.sla_due_bucket == due_bucket(clock.now)


def test_tickets_per_day_covers_thirty_days_oldest_first(service: HelpdeskService, agent: Principal, create: Any,
                                                         clock: FakeClock) -> None:
    create()
    clock.advance(days=2)
    create()
    create()

    daily = service.ticket_metrics(agent)["daily"]

    assert len(daily) == 30
    assert daily[-1] == {"day": "2026-03-04", "count": 2}
    assert daily[-3] == {"day": "2026-03-02", "count": 1}
    assert sum(d["count"] for d in daily) == 3


def test_metrics_need_the_agent_role(service: HelpdeskService, user: Principal) -> None:
    for metric in (service.sla_metrics, service.resolution_metrics, service.ticket_metrics):
        with pytest.raises(Forbidden):
            metric(user)


# Comments


def test_internal_comments_are_for_agents_only(service: HelpdeskService, agent: Principal, user: Principal,
                                               create: Any) -> None:
    ticket = create()
    service.add_comment(agent, ticket.id, comment_by(agent, "public"))
    service.add_comment(agent, ticket.id, comment_by(agent, "internal", internal=True))

    with pytest.raises(ValidationFailed):
        service.add_comment(user, ticket.id, comment_by(user, "sneaky", internal=True))
    first_page = parse_comment_page({})
    assert [c.body_md for c in service.list_comments(agent, ticket.id, first_page).items] == ["public", "internal"]
    assert [c.body_md for c in service.list_comments(user, ticket.id, first_page).items] == ["public"]


def test_an_agent_may_write_a_public_comment_for_a_requester(service: HelpdeskService, agent: Principal,
                                                             create: Any, requester_id: str) -> None:
    ticket = create()

    comment = service.add_comment(agent, ticket.id, comment_by(requester_id, "From mail"))

    assert comment.author_id == requester_id
    assert service.get_ticket(agent, ticket.id).first_response_at is None
    with pytest.raises(ValidationFailed):
        service.add_comment(agent, ticket.id, comment_by(requester_id, "x", internal=True))


def test_others_may_only_post_as_themselves(service: HelpdeskService, user: Principal, create: Any,
                                            requester_id: str) -> None:
    ticket = create()

    with pytest.raises(ValidationFailed) as refused:
        service.add_comment(user, ticket.id, comment_by(requester_id, "x"))

    assert refused.value.details[0].field == "author_id"
    assert service.add_comment(user, ticket.id, comment_by(user, "me")).author_id == user.user_id


# Watchers


def test_people_manage_their_own_watching_and_agents_anyones(service: HelpdeskService, agent: Principal,
                                                             user: Principal, create: Any,
                                                             users: TenantUsersByHand) -> None:
    ticket = create()
    someone_else = users.add(agent.tenant_id, str(uuid.uuid4()))
    third_person = users.add(agent.tenant_id, str(uuid.uuid4()))

    service.add_watcher(user, ticket.id, AddWatcherRequest(user_id=user.user_id))
    service.add_watcher(user, ticket.id, AddWatcherRequest(user_id=user.user_id))
    service.add_watcher(agent, ticket.id, AddWatcherRequest(user_id=someone_else))
    with pytest.raises(ValidationFailed):
        service.add_watcher(user, ticket.id, AddWatcherRequest(user_id=third_person))
    with pytest.raises(ValidationFailed):
        service.remove_watcher(user, ticket.id, someone_else)

    assert service.list_watchers(user, ticket.id) == sorted([user.user_id, someone_else])
    service.remove_watcher(user, ticket.id, user.user_id)
    assert service.list_watchers(user, ticket.id) == [someone_else]


@pytest.mark.parametrize("who", ["unknown", "of another tenant"])
def test_only_a_user_of_the_tenant_may_be_assigned_or_made_a_watcher(
        service: HelpdeskService, agent: Principal, create: Any, users: TenantUsersByHand, who: str) -> None:
    ticket = create()
    stranger = str(uuid.uuid4())
    if who == "of another tenant":
        users.add(str(uuid.uuid4()), stranger)

    with pytest.raises(ValidationFailed) as assigning:
        service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=stranger))
    with pytest.raises(ValidationFailed) as watching:
        service.add_watcher(agent, ticket.id, AddWatcherRequest(user_id=stranger))

    assert [d.field for d in assigning.value.details] == ["assignee_id"]
    assert [d.field for d in watching.value.details] == ["user_id"]
    assert service.get_ticket(agent, ticket.id) == ticket
    assert service.list_watchers(agent, ticket.id) == []


def test_a_new_assignee_is_looked_up_once_the_ticket_is_found_and_the_current_one_is_not_looked_up_again(
        service: HelpdeskService, agent: Principal, create: Any, users: TenantUsersByHand) -> None:
    ticket = create()
    colleague = users.add(agent.tenant_id, str(uuid.uuid4()))

    with pytest.raises(NotFound):
        service.update_ticket(agent, str(uuid.uuid4()), UpdateTicketRequest(assignee_id=colleague))
    assert users.lookups == 0
    service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=colleague))
    users.members.clear()  # the colleague is disabled: a PATCH sending the ticket back as it is still works

    service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=colleague, urgency=2))
    assert users.lookups == 1
    assert (service.get_ticket(agent, ticket.id).assignee_id, service.get_ticket(agent, ticket.id).urgency) == (
        colleague, 2)


def test_the_caller_is_a_user_of_their_tenant_without_a_lookup_and_removing_or_unassigning_looks_up_nobody(
        service: HelpdeskService, agent: Principal, create: Any, users: TenantUsersByHand) -> None:
    ticket = create()
    colleague = users.add(agent.tenant_id, str(uuid.uuid4()))

    service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=agent.user_id))
    service.add_watcher(agent, ticket.id, AddWatcherRequest(user_id=agent.user_id))
    assert users.lookups == 0

    service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=colleague))
    service.add_watcher(agent, ticket.id, AddWatcherRequest(user_id=colleague))
    assert users.lookups == 2
    users.members.clear()  # the colleague leaves: taking them off needs no lookup

    service.update_ticket(agent, ticket.id, UpdateTicketRequest(assignee_id=None))
    service.remove_watcher(agent, ticket.id, colleague)
    assert users.lookups == 2
    assert service.get_ticket(agent, ticket.id).assignee_id is None
    assert service.list_watchers(agent, ticket.id) == [agent.user_id]


# Requesters


def test_requester_emails_are_unique_per_tenant_whatever_their_case(service: HelpdeskService,
                                                                    agent: Principal) -> None:
    service.create_requester(agent, CreateRequesterRequest(email="Sam@Example.com", display_name="Sam"))
    stranger = person(str(uuid.uuid4()))

    with pytest.raises(ValidationFailed):
        service.create_requester(agent, CreateRequesterRequest(email="sam@example.COM", display_name="Sam 2"))
    assert service.create_requester(stranger, CreateRequesterRequest(email="sam@example.com",
                                                                     display_name="Sam")).email == "sam@example.com"


def test_a_requester_cannot_take_another_requesters_email(service: HelpdeskService, agent: Principal) -> None:
    service.create_requester(agent, CreateRequesterRequest(email="a@example.com", display_name="A"))
    b = service.create_requester(agent, CreateRequesterRequest(email="b@example.com", display_name="B"))

    with pytest.raises(ValidationFailed):
        service.update_requester(agent, b.id, UpdateRequesterRequest(email="A@example.com"))
    renamed = service.update_requester(agent, b.id, UpdateRequesterRequest(email="b2@example.com"))
    assert (renamed.email, renamed.version) == ("b2@example.com", 2)


@pytest.mark.parametrize("email", ["plain", "a@b", "a b@c.example", ""])
def test_a_requester_needs_an_email_address(email: str) -> None:
    with pytest.raises(ValueError, match="email"):
        CreateRequesterRequest(email=email, display_name="X")


# Search, filters, events


def test_search_words_fold_case_and_accents_and_skip_stop_words() -> None:
    assert search_words("The Café's VPN is DOWN again, #42 (café)") == ["cafe", "vpn", "down", "again", "42"]


def test_search_finds_tickets_holding_every_word_newest_first(service: HelpdeskService, agent: Principal,
                                                              create: Any, clock: FakeClock) -> None:
    older = create(title="Printer jam on floor 3", description="Paper stuck")
    clock.advance(minutes=1)
    newer = create(title="Printer offline", description="The printer on floor 3 shows offline")
    create(title="Laptop battery", description="Drains fast")

    both = listed(service, agent, {"search": "printer FLOOR"}).items
    one = listed(service, agent, {"search": "printer offline"}).items
    by_number = listed(service, agent, {"search": str(older.number)}).items

    assert [t.id for t in both] == [newer.id, older.id]
    assert [t.id for t in one] == [newer.id]
    assert [t.id for t in by_number] == [older.id]


def test_a_search_without_a_usable_word_is_refused(service: HelpdeskService, agent: Principal) -> None:
    with pytest.raises(ValidationFailed) as refused:
        listed(service, agent, {"search": "the a !"})

    assert refused.value.details[0].field == "search"


@pytest.mark.parametrize(("search", "message"), [
    ("IT", "Too common to search by: it. Add a word that narrows the search"),
    ("is THE it", "Too common to search by: is, the, it. Add a word that narrows the search"),
    ("! x ?", "Give a word of 2 to 40 letters or digits"),
    ("a b c", "Give a word of 2 to 40 letters or digits"),  # `a` is common, but `b` and `c` are too short
    ("the " + "x" * 41, "Give a word of 2 to 40 letters or digits"),  # the long word was the one that counted
])
def test_a_refused_search_says_whether_its_words_are_too_common_or_too_short(search: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_ticket_search({"search": search})

    assert refused.value.details[0].message == message


def test_assignee_me_means_the_caller_and_bad_filters_are_named(agent: Principal) -> None:
    assert parse_ticket_filters({"assignee": "me"}, agent).assignee_id == agent.user_id
    with pytest.raises(ValidationFailed) as refused:
        parse_ticket_filters({"status": "done", "priority": "p1"}, agent)

    assert {d.field for d in refused.value.details} == {"status", "priority"}


def test_lists_filter_and_page_with_a_cursor(service: HelpdeskService, agent: Principal, create: Any,
                                             clock: FakeClock) -> None:
    made = []
    for _ in range(5):
        made.append(create(priority="high"))
        clock.advance(seconds=1)
    create(priority="low")

    first = listed(service, agent, {"priority": "high", "limit": "3"})
    second = listed(service, agent, {"priority": "high", "limit": "3", "cursor": first.next_cursor or ""})

    assert [t.id for t in first.items + second.items] == [t.id for t in reversed(made)]
    assert second.next_cursor is None


def test_queue_changed_is_published_for_admins_only(store: InMemoryHelpdeskStore, create: Any, tenant: str) -> None:
    create()

    audiences = {e.type: e.audience for e in store.events_of(tenant)}

    assert audiences == {TICKET_CREATED: None, QUEUE_CHANGED: "admin"}
    assert reaches(audiences[QUEUE_CHANGED], person(tenant, "admin").groups)
    assert not reaches(audiences[QUEUE_CHANGED], person(tenant, "agent").groups)


def listed(service: HelpdeskService, principal: Principal, query: dict[str, str]) -> Page[Ticket]:
    """GET /tickets as its handler parses it."""
    return service.list_tickets(principal, parse_ticket_filters(query, principal), parse_ticket_page(query),
                                parse_ticket_search(query))


@pytest.mark.parametrize("moment", ["2030-03-04", "2030-03-04T05:06:07", "2030-W10-1", "20300304T050607Z"])
def test_a_due_or_scheduled_time_that_is_not_rfc_3339_is_refused_naming_the_field(moment: str) -> None:
    for field_name in ("due_at", "scheduled_at"):
        with pytest.raises(ValidationError) as refused:
            UpdateTicketRequest.model_validate({field_name: moment})
        assert refused.value.errors()[0]["loc"] == (field_name,)
        assert "RFC 3339" in refused.value.errors()[0]["msg"]


def test_due_and_scheduled_times_are_stored_in_utc_from_their_offset() -> None:
    update = UpdateTicketRequest.model_validate({"due_at": "2030-03-04T05:06:07+02:00",
                                                 "scheduled_at": "2030-03-04T00:00:00Z"})

    assert (update.due_at, update.scheduled_at) == ("2030-03-04T03:06:07.000Z", "2030-03-04T00:00:00.000Z")
