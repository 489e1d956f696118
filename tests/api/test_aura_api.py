"""The aura module over HTTP and SSE on the local stack, as a client of seeds/aura-api.md would use it: tickets
with the documented fields and errors, a ticket driven from draft to resolved by the real agent (plan approval, a
question, action approvals, a push to the local GitOps repository and a sync of the simulated cluster) watched
on both streams with `Last-Event-ID` resumption, one run at a time under concurrent `run` calls, the audit log
with its filters and totals and an intact hash chain, health, info and stats."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.sse_client import SseReader

pytestmark = pytest.mark.xdist_group("local-stack")
ALICE, CAROL = "alice@acme.test", "carol@globex.test"
TICKET_FIELDS = {"id", "title", "description", "status", "priority", "createdAt", "updatedAt", "currentTurn",
                 "maxTurns", "tokenUsage", "plan", "workingBranch", "commits", "pendingApproval", "pendingQuestion"}
SUMMARY_FIELDS = {"id", "title", "status", "priority", "createdAt", "updatedAt"}
ANSWERS = {"namespace": "production", "replicas": "3", "image": "redis:7.2"}


def base(stack: RunningStack) -> str:
    return f"{stack.info['base_url']}/aura/api"


def auth(stack: RunningStack, username: str = ALICE) -> dict[str, str]:
    return stack.headers(username)


def call(stack: RunningStack, method: str, path: str, username: str = ALICE, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{base(stack)}{path}", headers=auth(stack, username), timeout=15, **kwargs)


def new_ticket(stack: RunningStack, username: str = ALICE, **fields: Any) -> dict[str, Any]:
    body = {"title": "Deploy Redis cluster", "description": "Deploy a Redis cache for the checkout service.",
            **fields}
    reply = call(stack, "POST", "/tickets", username, json=body)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def error_code(reply: requests.Response) -> str:
    body = reply.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return str(body["error"]["code"])


def drive(stack: RunningStack, ticket_id: str, seen: set[str], timeout: float = 90.0) -> dict[str, Any]:
    """Act as the people around the agent until the ticket ends: approve plans and actions, answer questions."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticket = call(stack, "GET", f"/tickets/{ticket_id}").json()
        status = ticket["status"]
        seen.add(status)
        if status in ("resolved", "failed", "cancelled"):
            return dict(ticket)
        if status == "pending_plan_approval":
            reply = call(stack, "POST", f"/tickets/{ticket_id}/approve-plan", json={"approvedBy": "lead@acme.test"})
            assert reply.status_code == 200 and reply.json()["status"] == "executing", reply.text
        elif status == "pending_input":
            key = ticket["pendingQuestion"]["key"]
            reply = call(stack, "POST", f"/tickets/{ticket_id}/answer", json={"answer": ANSWERS.get(key, "yes")})
            assert reply.json() == {"id": ticket_id, "status": "executing", "pendingQuestion": None}, reply.text
        elif status == "pending_approval":
            reply = call(stack, "POST", f"/tickets/{ticket_id}/approve", json={"approved": True})
            assert reply.json() == {"id": ticket_id, "status": "executing", "pendingApproval": None}, reply.text
        else:
            time.sleep(0.3)
    raise AssertionError(f"ticket {ticket_id} did not end; last status {status}")


def test_health_is_public_and_info_and_stats_need_a_user(stack: RunningStack) -> None:
    health = requests.get(f"{base(stack)}/health", timeout=10)
    assert health.status_code == 200
    assert set(health.json()) == {"status", "version", "uptime", "database", "git", "llm"}
    assert (health.json()["status"], health.json()["database"], health.json()["git"]) == (
        "healthy", "connected", "available")
    assert requests.get(f"{base(stack)}/info", timeout=10).status_code == 401
    info = call(stack, "GET", "/info").json()
    assert set(info) == {"version", "environment", "llm", "features"}
    assert set(info["features"]) == {"planApprovalRequired", "destructiveActionApproval", "autoMergeOnResolution"}
    stats = call(stack, "GET", "/stats").json()
    assert set(stats) == {"tickets", "tokenUsage", "agent"}
    assert set(stats["tokenUsage"]) == {"total", "estimatedCost", "last24h", "last7d"}
    assert set(stats["agent"]) == {"totalTurns", "averageTurnsPerTicket", "toolCalls"}


def test_tickets_are_created_listed_patched_and_cancelled_as_documented(stack: RunningStack) -> None:
    ticket = new_ticket(stack, priority="high")
    assert set(ticket) >= TICKET_FIELDS
    assert (ticket["status"], ticket["priority"], ticket["currentTurn"], ticket["maxTurns"]) == (
        "draft", "high", 0, 50)
    assert ticket["tokenUsage"]["totalTokens"] == 0
    listed = call(stack, "GET", "/tickets", params={"status": "draft,executing", "priority": "high", "limit": 200})
    body = listed.json()
    assert set(body) == {"tickets", "total"} and body["total"] >= 1
    assert ticket["id"] in {t["id"] for t in body["tickets"]}
    assert all(set(t) == SUMMARY_FIELDS for t in body["tickets"])
    patched = call(stack, "PATCH", f"/tickets/{ticket['id']}", json={"title": "Deploy Redis 7", "status": "resolved",
                                                                      "maxTurns": 60})
    assert patched.status_code == 200
    assert (patched.json()["title"], patched.json()["status"], patched.json()["maxTurns"]) == (
        "Deploy Redis 7", "draft", 60)
    cancelled = call(stack, "POST", f"/tickets/{ticket['id']}/cancel")
    assert cancelled.json() == {"id": ticket["id"], "status": "cancelled"}
    again = call(stack, "POST", f"/tickets/{ticket['id']}/cancel")
    assert again.status_code == 400 and error_code(again) == "INVALID_TRANSITION"


def test_an_offset_past_the_end_of_a_list_is_an_empty_page_with_its_total(stack: RunningStack) -> None:
    new_ticket(stack)

    tickets = call(stack, "GET", "/tickets", params={"offset": "100000"})
    audit = call(stack, "GET", "/audit", params={"offset": "100000", "limit": "5"})

    assert tickets.status_code == 200 and tickets.json()["tickets"] == [] and tickets.json()["total"] >= 1
    assert audit.status_code == 200 and audit.json()["entries"] == [] and audit.json()["total"] >= 1


def test_errors_speak_the_documented_codes(stack: RunningStack) -> None:
    ticket = new_ticket(stack)
    other = call(stack, "GET", f"/tickets/{ticket['id']}", CAROL)
    assert other.status_code == 404 and error_code(other) == "TICKET_NOT_FOUND"
    missing = call(stack, "POST", "/tickets", json={"description": "no title"})
    assert missing.status_code == 400 and error_code(missing) == "VALIDATION_ERROR"
    assert "title" in missing.json()["error"]["details"]
    approve = call(stack, "POST", f"/tickets/{ticket['id']}/approve", json={"approved": True})
    assert approve.status_code == 400 and error_code(approve) == "APPROVAL_NOT_PENDING"
    answer = call(stack, "POST", f"/tickets/{ticket['id']}/answer", json={"answer": "x"})
    assert answer.status_code == 400 and error_code(answer) == "QUESTION_NOT_PENDING"
    bad_filter = call(stack, "GET", "/tickets", params={"status": "draft,nonsense"})
    assert bad_filter.status_code == 400 and error_code(bad_filter) == "VALIDATION_ERROR"
    no_token = requests.get(f"{base(stack)}/tickets", timeout=10)
    assert no_token.status_code == 401 and error_code(no_token) == "UNAUTHORIZED"


def test_concurrent_answers_to_one_question_answer_it_once_and_never_the_next_question(stack: RunningStack) -> None:
    """The first answer lets the agent ask its next question at once; the other two were sent before that question
    existed, so they answer nothing (QUESTION_NOT_PENDING) rather than landing on it. Whether the agent asks before
    they are handled depends on timing (tests/integration/test_aura_responses_in_time.py pins the time rule); an
    answer naming a question that is not the pending one (`questionId`, beyond the document) is refused always."""
    ticket_id = new_ticket(stack, title="Deploy a Redis cluster",
                           description="We need a Redis cluster for the checkout service cache.")["id"]
    assert call(stack, "POST", f"/tickets/{ticket_id}/run").status_code == 202
    deadline = time.monotonic() + 60
    while True:
        ticket = call(stack, "GET", f"/tickets/{ticket_id}").json()
        if ticket["status"] == "pending_input":
            break
        assert time.monotonic() < deadline and ticket["status"] not in ("resolved", "failed", "cancelled"), ticket
        if ticket["status"] == "pending_plan_approval":
            call(stack, "POST", f"/tickets/{ticket_id}/approve-plan", json={})
        time.sleep(0.2)
    question = ticket["pendingQuestion"]
    stale = call(stack, "POST", f"/tickets/{ticket_id}/answer", json={"answer": "3", "questionId": "q-seen-before"})
    assert stale.status_code == 400 and error_code(stale) == "QUESTION_NOT_PENDING", stale.text
    answer = {"answer": ANSWERS.get(question["key"], "yes")}

    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: call(stack, "POST", f"/tickets/{ticket_id}/answer", json=answer), range(3)))

    assert sorted(r.status_code for r in replies) == [200, 400, 400], [r.text for r in replies]
    assert all(error_code(r) == "QUESTION_NOT_PENDING" for r in replies if r.status_code == 400)
    answered = call(stack, "GET", f"/tickets/{ticket_id}/audit", params={"type": "question_answered"}).json()
    assert [e["details"]["questionId"] for e in answered["entries"]] == [question["id"]]
    call(stack, "POST", f"/tickets/{ticket_id}/cancel")


def test_concurrent_runs_start_one_agent(stack: RunningStack) -> None:
    ticket = new_ticket(stack, title="Scale the api deployment", description="Scale the api deployment in the "
                                                                             "platform namespace to 4 replicas.")
    headers = auth(stack)

    def run() -> int:
        return requests.post(f"{base(stack)}/tickets/{ticket['id']}/run", headers=headers, timeout=15).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: run(), range(8)))

    # Each accepted run held the ticket until the agent let go of it (here: a plan awaiting approval, which `run`
    # may plan again): a later call is accepted only after that, never while a run holds the ticket.
    assert set(statuses) <= {202, 409} and 409 in statuses, statuses
    entries = call(stack, "GET", f"/tickets/{ticket['id']}/audit", params={"limit": 500}).json()["entries"]
    moves = [e for e in sorted(entries, key=lambda e: e["sequence"]) if e["type"] == "status_changed"]
    held, accepted = False, 0
    for move in moves:
        if move["actor"] == "user" and str(move["details"].get("reason", "")).startswith("run by"):
            assert not held, "a run was accepted while another held the ticket"
            held, accepted = True, accepted + 1
        elif move["details"]["to"] in {"pending_plan_approval", "pending_approval", "pending_input", "paused",
                                       "resolved", "failed", "cancelled"}:
            held = False
    assert accepted == statuses.count(202) >= 1


def test_the_demo_repositorys_api_deployment_can_be_scaled(stack: RunningStack) -> None:
    # Given the local GitOps repository as make dev starts it (main runs the platform namespace's api Deployment)
    ticket = new_ticket(stack, title="Scale the api deployment", description="Scale the api deployment in the "
                                                                             "platform namespace to 4 replicas.")

    # When the agent works it and a person approves its plan
    assert call(stack, "POST", f"/tickets/{ticket['id']}/run").status_code == 202
    final = drive(stack, ticket["id"], set())

    # Then it resolves with the change committed, synced and healthy (before, main had no such file: it failed)
    assert final["status"] == "resolved", final.get("failureReason")
    assert "wrote apps/platform/api.yaml" in final["resolution"] and "Healthy" in final["resolution"]


def waiting(stack: RunningStack, ticket_id: str, status: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticket = dict(call(stack, "GET", f"/tickets/{ticket_id}").json())
        if ticket["status"] == status:
            return ticket
        time.sleep(0.3)
    raise AssertionError(f"ticket {ticket_id} never reached {status}; last {ticket['status']}")


def test_a_ticket_that_reports_a_problem_is_asked_what_to_change_and_the_answer_is_planned(
        stack: RunningStack) -> None:
    # Given a ticket that reports a symptom and names no change
    ticket = new_ticket(stack, title="api is slow", description="Users report timeouts from the api since noon.")
    assert call(stack, "POST", f"/tickets/{ticket['id']}/run").status_code == 202

    # Then the agent asks what to change before it plans
    asked = waiting(stack, ticket["id"], "pending_input")
    assert asked["plan"] is None and asked["pendingQuestion"]["key"] == "request", asked

    # When a person answers, the answer is taken as the document shows, and planned as part of the ticket
    answer = {"answer": "Scale the api deployment in the platform namespace to 3 replicas"}
    reply = call(stack, "POST", f"/tickets/{ticket['id']}/answer", json=answer)
    assert reply.json() == {"id": ticket["id"], "status": "executing", "pendingQuestion": None}, reply.text
    planned = waiting(stack, ticket["id"], "pending_plan_approval")
    assert "Scale api in platform to 3 replicas" in planned["plan"]["summary"], planned["plan"]
    call(stack, "POST", f"/tickets/{ticket['id']}/cancel")


def test_a_ticket_goes_from_draft_to_resolved_watched_live(stack: RunningStack) -> None:
    ticket = new_ticket(stack, title="Deploy a Redis cluster",
                        description="We need a Redis cluster with 3 replicas for the checkout service cache.")
    ticket_id = ticket["id"]
    url = f"{base(stack)}/tickets/{ticket_id}/stream"
    reader = SseReader(url, auth(stack))
    everything = SseReader(f"{base(stack)}/stream?priority=medium", auth(stack))
    try:
        first = reader.next(10)
        assert (first.type, first.id, first.data["ticketId"]) == ("connected", None, ticket_id)
        started = call(stack, "POST", f"/tickets/{ticket_id}/run")
        assert started.status_code == 202 and started.json() == {"message": "Agent started", "ticketId": ticket_id}
        seen: set[str] = set()
        final = drive(stack, ticket_id, seen)
        assert final["status"] == "resolved", final
        assert {"planning", "pending_plan_approval", "pending_input", "pending_approval"} <= seen | {"planning"}
        assert final["commits"] and final["workingBranch"] == f"aura/ticket-{ticket_id}"
        assert final["plan"]["steps"] and final["tokenUsage"]["estimatedCost"] > 0
        events = reader.until(lambda got: any(e.type == "resolved" for e in got), timeout=30)
        kinds = [e.type for e in events]
        for kind in ("status_changed", "turn_started", "turn_completed", "tool_called", "plan_generated",
                     "question_asked", "approval_needed", "commit_created", "push_completed", "argo_sync_started",
                     "argo_health_update", "resolved"):
            assert kind in kinds, (kind, kinds)
        assert all(str(e.id).startswith("evt_") for e in events)
        assert all(set(e.data) == {"type", "ticketId", "timestamp", "payload"} for e in events)
        on_all = everything.until(lambda got: any(e.type == "resolved" and e.data["ticketId"] == ticket_id
                                                  for e in got), timeout=30)
        assert any(e.data["ticketId"] == ticket_id for e in on_all)
    finally:
        reader.close()
        everything.close()
    # Resuming after the fifth event gives exactly what followed it, nothing twice.
    resumed = SseReader(url, {**auth(stack), "Last-Event-ID": str(events[4].id)})
    try:
        assert resumed.next(10).type == "connected"
        replay = resumed.until(lambda got: any(e.type == "resolved" for e in got), timeout=20)
        assert [e.id for e in replay] == [e.id for e in events[5:]]
    finally:
        resumed.close()
    audit = call(stack, "GET", f"/tickets/{ticket_id}/audit", params={"limit": 500}).json()
    assert audit["total"] == len(audit["entries"]) > 5
    tools = [e for e in audit["entries"] if e["type"] == "tool_called"]
    assert {"git_commit", "git_push", "argo_sync"} <= {e["toolCall"]["name"] for e in tools}
    assert all({"id", "ticketId", "timestamp", "type", "actor", "action"} <= set(e) for e in audit["entries"])
    commit = next(e for e in tools if e["toolCall"]["name"] == "git_commit")
    assert commit["toolCall"]["result"]["sha"] in final["commits"] and commit["tokenUsage"]["totalTokens"] > 0
    assert call(stack, "GET", f"/tickets/{ticket_id}/audit/verify").json()["intact"] is True
    approvals = call(stack, "GET", "/audit", params={"ticketId": ticket_id, "type": "approval_granted",
                                                     "actor": "user"}).json()
    assert approvals["total"] == len(approvals["entries"]) >= 1
    stats = call(stack, "GET", "/stats").json()
    assert stats["tickets"]["byStatus"].get("resolved", 0) >= 1 and stats["agent"]["toolCalls"]["git_push"] >= 1
