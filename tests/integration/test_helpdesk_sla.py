"""The scheduled SLA check (functions/helpdesk_sla_check) on moto: tickets whose clock passed its due time are
found through the `ticketsByDue` index, their breach recorded once and published as ticket_updated."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from opsdesk.auth import Principal


@pytest.fixture(scope="module")
def check(local_aws: Any) -> ModuleType:
    from functions.helpdesk_sla_check import handler

    return handler


def ticket_created(ago: timedelta, priority: str) -> tuple[str, str]:
    """(tenant, ticket id) of a ticket created `ago` before now, through core's service and repository."""
    from opsdesk.eventlog import EventLog
    from opsdesk.helpdesk.repository import TicketRepository
    from opsdesk.helpdesk.requests import CreateRequesterRequest, CreateTicketRequest
    from opsdesk.helpdesk.service import HelpdeskService

    tenant = str(uuid.uuid4())
    then = datetime.now(UTC) - ago
    service = HelpdeskService(TicketRepository(EventLog()), clock=lambda: then)
    agent = Principal(user_id="agent-1", tenant_id=tenant, username="agent", groups=frozenset({"agent"}))
    requester = service.create_requester(agent, CreateRequesterRequest(email="r@example.test", display_name="R"))
    ticket = service.create_ticket(agent, CreateTicketRequest(title="Down", description="d", priority=priority,
                                                              requester_id=requester.id), "bearer")
    return tenant, ticket.id


def stored(tenant: str, ticket_id: str) -> Any:
    from opsdesk.helpdesk.repository import TicketRepository

    return TicketRepository().get_ticket(tenant, ticket_id)


def breach_events(tenant: str) -> list[dict[str, Any]]:
    from opsdesk.eventlog import EventLog

    return [e.data for e in EventLog().read_after(tenant, "helpdesk", 0)
            if e.type == "ticket_updated" and "breach" in e.data]


def test_a_missed_first_response_is_recorded_and_published_once(check: ModuleType) -> None:
    # Given an urgent ticket created 20 minutes ago that nobody answered (target 15 minutes)
    tenant, ticket_id = ticket_created(timedelta(minutes=20), "urgent")

    # When the scheduled check runs twice
    first = check.check_now()
    check.check_now()

    # Then the breach is recorded on the ticket and published once
    ticket = stored(tenant, ticket_id)
    assert ticket.first_response_breached_at is not None
    assert ticket.resolution_breached_at is None
    [event] = breach_events(tenant)
    assert event["id"] == ticket_id
    assert event["breach"]["kind"] == "first_response"
    assert event["sla"]["first_response_breached"] is True
    assert first["recorded"]["first_response"] >= 1
    assert first["examined"] >= 1
    # and the ticket moved on in the index to its resolution clock
    assert ticket.sla_due_at is not None and ticket.sla_due_at > event["breach"]["due_at"]


def test_a_clock_not_yet_due_is_left_alone(check: ModuleType) -> None:
    tenant, ticket_id = ticket_created(timedelta(minutes=5), "urgent")

    check.check_now()

    assert stored(tenant, ticket_id).first_response_breached_at is None
    assert breach_events(tenant) == []


def test_both_clocks_past_due_are_both_recorded(check: ModuleType) -> None:
    tenant, ticket_id = ticket_created(timedelta(hours=5), "urgent")

    check.check_now()
    check.check_now()

    ticket = stored(tenant, ticket_id)
    assert ticket.first_response_breached_at is not None
    assert ticket.resolution_breached_at is not None
    assert sorted(e["breach"]["kind"] for e in breach_events(tenant)) == ["first_response", "resolution"]
    assert ticket.sla_due_at is None  # out of the index: nothing left to watch


def test_a_ticket_resolved_in_time_is_never_flagged(check: ModuleType) -> None:
    from opsdesk.eventlog import EventLog
    from opsdesk.helpdesk.repository import TicketRepository
    from opsdesk.helpdesk.requests import UpdateTicketRequest
    from opsdesk.helpdesk.service import HelpdeskService

    # Given an urgent ticket created 30 minutes ago and resolved 5 minutes after it was created
    tenant, ticket_id = ticket_created(timedelta(minutes=30), "urgent")
    resolved_at = datetime.now(UTC) - timedelta(minutes=25)
    agent = Principal(user_id="agent-1", tenant_id=tenant, username="agent", groups=frozenset({"agent"}))
    HelpdeskService(TicketRepository(EventLog()), clock=lambda: resolved_at).update_ticket(
        agent, ticket_id, UpdateTicketRequest(status="resolved"))

    # When the check runs after its first-response due time, Then nothing is recorded
    check.check_now()

    assert stored(tenant, ticket_id).first_response_breached_at is None
    assert breach_events(tenant) == []


def test_the_run_is_counted_in_the_platform_record(check: ModuleType) -> None:
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    before = ExtrasRepository().sla_check_stats()
    check.check_now()
    after = ExtrasRepository().sla_check_stats()

    assert after is not None
    assert after.runs == (before.runs if before else 0) + 1
    assert after.last_run_at >= datetime.now(UTC).timestamp() - 60


def test_the_scheduled_event_runs_the_check(check: ModuleType) -> None:
    from scripts.local.gateway import LambdaContext

    tenant, ticket_id = ticket_created(timedelta(minutes=30), "urgent")
    event = {"version": "0", "detail-type": "Scheduled Event", "source": "aws.scheduler", "detail": {}}

    summary = check.lambda_handler(event, LambdaContext("opsdesk-helpdesk-sla-check", "us-east-1"))

    assert summary["recorded"]["first_response"] >= 1
    assert stored(tenant, ticket_id).first_response_breached_at is not None


def test_the_local_scheduler_runs_the_check_on_its_rate(check: ModuleType) -> None:
    import time

    from scripts.local.schedules import LocalScheduler, Schedule

    # Given an overdue ticket and the local scheduler running the check every 0.2 s
    tenant, ticket_id = ticket_created(timedelta(minutes=16), "urgent")
    scheduler = LocalScheduler("us-east-1", (Schedule("helpdesk_sla_check", 0.2),)).start()
    try:
        # Then the breach is recorded without anyone reading the ticket
        deadline = time.monotonic() + 30  # generous: a loaded CI machine runs the check late
        while stored(tenant, ticket_id).first_response_breached_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduler.stop()

    assert stored(tenant, ticket_id).first_response_breached_at is not None
