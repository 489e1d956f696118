"""GET /helpdesk/events from the local stack, read by a real streaming client: ticket events after a REST write,
queue_changed for admins only, the session cookie accepted, `:hb` heartbeats while idle."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.sse_client import SseEvent, SseReader
from tests.api.test_helpdesk_api import ALICE, CAROL, COOKIE, DAVE, new_requester, session_cookie

pytestmark = pytest.mark.xdist_group("local-stack")


def events_url(stack: RunningStack) -> str:
    return f"{stack.helpdesk}/events"


def create_ticket(stack: RunningStack, **auth: Any) -> dict[str, Any]:
    reply = requests.post(f"{stack.helpdesk}/tickets", json={
        "title": f"Keyboard {uuid.uuid4().hex[:6]} missing keys", "description": "The Q key fell off.",
        "requester_id": new_requester(stack, **auth), "priority": "low"}, timeout=10, **auth)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def of_ticket(events: list[SseEvent], ticket_id: str) -> list[str]:
    return [e.type for e in events if ticket_id in (e.data.get("id"), e.data.get("ticket_id"))]


def test_ticket_created_arrives_after_the_post(stack: RunningStack) -> None:
    reader = SseReader(events_url(stack), stack.headers(ALICE))
    assert reader.status == 200
    # The seeded tickets' events are history, not news, to a fresh connection (an SLA breach may be news)
    assert [e.type for e in reader.drain(1.0) if e.type == "ticket_created"] == []

    ticket = create_ticket(stack, headers=stack.headers(ALICE))
    event = reader.next(timeout=15.0)  # latency is a benchmark figure; only a lost event fails here
    reader.close()

    assert (event.type, event.data["id"], event.data["number"]) == ("ticket_created", ticket["id"], ticket["number"])
    assert event.data["sla"]["first_response_target_minutes"] == 480


def test_admins_see_queue_changes_and_agents_do_not(stack: RunningStack) -> None:
    admin = SseReader(events_url(stack), stack.headers(ALICE))
    agent = SseReader(events_url(stack), stack.headers(DAVE))
    admin.drain(1.0)
    agent.drain(0.2)
    ticket = create_ticket(stack, headers=stack.headers(DAVE))

    requests.patch(f"{stack.helpdesk}/tickets/{ticket['id']}", json={"team_id": "hardware"},
                   headers=stack.headers(DAVE), timeout=10)
    admin_saw = of_ticket(admin.until(lambda got: of_ticket(got, ticket["id"]).count("queue_changed") == 2),
                          ticket["id"])
    agent_saw = of_ticket(agent.until(lambda got: "ticket_updated" in of_ticket(got, ticket["id"])) + agent.drain(0.5),
                          ticket["id"])
    admin.close()
    agent.close()

    assert admin_saw == ["ticket_created", "queue_changed", "ticket_updated", "queue_changed"]
    assert agent_saw == ["ticket_created", "ticket_updated"]


def test_the_session_cookie_opens_the_stream(stack: RunningStack) -> None:
    reader = SseReader(events_url(stack), {"Cookie": f"{COOKIE}={session_cookie(stack, DAVE)}"})
    assert reader.status == 200
    reader.drain(1.0)

    ticket = create_ticket(stack, headers=stack.headers(ALICE))
    seen = of_ticket(reader.until(lambda got: bool(of_ticket(got, ticket["id"]))) + reader.drain(0.5), ticket["id"])
    reader.close()

    assert seen == ["ticket_created"]


def test_another_tenant_receives_nothing_of_this_tenant(stack: RunningStack) -> None:
    carol = SseReader(events_url(stack), stack.headers(CAROL))
    carol.drain(1.0)

    ticket = create_ticket(stack, headers=stack.headers(ALICE))
    seen = carol.drain(1.5)
    carol.close()

    assert of_ticket(seen, ticket["id"]) == []


def test_an_unauthenticated_stream_is_refused_in_the_helpdesk_envelope(stack: RunningStack) -> None:
    for auth in ({}, {"cookies": {COOKIE: "forged"}}):
        reply = requests.get(events_url(stack), timeout=10, **auth)  # type: ignore[arg-type]
        assert (reply.status_code, reply.json()) == (401, {"error": "Missing or invalid auth token"})


@pytest.mark.slow
def test_an_idle_stream_sends_hb_comments_about_every_30_seconds(stack: RunningStack) -> None:
    reader = SseReader(events_url(stack), stack.headers(CAROL))
    reader.drain(1.0)

    # Idle means no event: an event (the scheduled SLA check may announce a breach) restarts the 30 s, and so
    # does the wait for the heartbeat; at most three restarts.
    deadline, restarts = time.monotonic() + 40, 0
    while not reader.comments and time.monotonic() < deadline:
        time.sleep(0.5)
        if reader.drain(0.01) and restarts < 3:
            deadline, restarts = time.monotonic() + 40, restarts + 1
    reader.close()

    assert reader.comments[:1] == [":hb"]
