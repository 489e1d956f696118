"""Every aura write route refuses every bad body (tests/bad_input.py) in the aura envelope
(`{"error":{"code","message","details"}}`), as do its own limits (a 200-character title, a 20,000-character
description, a budget past 500 turns, unknown priorities, bad filters and ids); never a 500, and nothing of a
refused request is stored."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.test_aura_api import ALICE, auth, base, call, new_ticket
from tests.bad_input import WriteRoute, assert_refused, probe_write_routes

pytestmark = pytest.mark.xdist_group("local-stack")


def written(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    """What a refused request must not change: the tenant's tickets and totals, this ticket and its audit log."""
    listed = call(stack, "GET", "/tickets", params={"limit": 200}).json()
    ticket = call(stack, "GET", f"/tickets/{ticket_id}").json()
    return {"total": listed["total"], "ids": sorted(t["id"] for t in listed["tickets"]), "ticket": ticket,
            "audit": call(stack, "GET", f"/tickets/{ticket_id}/audit").json()}


def test_every_aura_write_route_refuses_every_probe_and_stores_nothing(stack: RunningStack) -> None:
    ticket_id = new_ticket(stack)["id"]
    root = f"{base(stack)}/tickets"
    before = written(stack, ticket_id)
    routes = [
        WriteRoute("POST", root, {"title": "Probe", "description": "probe"}, "title"),
        WriteRoute("POST", root, {"title": "Probe", "description": "probe"}, "priority"),
        WriteRoute("PATCH", f"{root}/{ticket_id}", {"title": "Probe"}, "maxTurns"),
        WriteRoute("PATCH", f"{root}/{ticket_id}", {"title": "Probe"}, "description"),
        WriteRoute("POST", f"{root}/{ticket_id}/approve", {"approved": True}, "reason"),
        WriteRoute("POST", f"{root}/{ticket_id}/answer", {"answer": "x"}, "answer"),
        WriteRoute("POST", f"{root}/{ticket_id}/resume", {"additionalTurns": 5}, "additionalTurns"),
        WriteRoute("POST", f"{root}/{ticket_id}/approve-plan", {"approvedBy": "x"}, "approvedBy"),
    ]
    probe_write_routes(routes, auth(stack, ALICE), "aura")
    assert written(stack, ticket_id) == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/tickets", {"title": "t" * 201, "description": "d"}),
    ("POST", "/tickets", {"title": "t", "description": "d" * 20_001}),
    ("POST", "/tickets", {"title": "t", "description": "d", "priority": "urgent"}),
    ("POST", "/tickets", {"title": "   ", "description": "d"}),
    ("POST", "/tickets", {"title": "t", "description": "d", "maxTurns": 501}),
    ("POST", "/tickets", {"title": "t", "description": "d", "maxTurns": 0}),
    ("PATCH", "/tickets/{id}", {"maxTurns": "many"}),
    ("PATCH", "/tickets/{id}", {"title": None}),
    ("PATCH", "/tickets/{id}", {"priority": "p0"}),
    ("POST", "/tickets/{id}/approve", {"approved": "maybe"}),
    ("POST", "/tickets/{id}/answer", {"answer": ""}),
    ("POST", "/tickets/{id}/resume", {"additionalTurns": 100_000}),
])
def test_out_of_bounds_values_are_a_validation_error(stack: RunningStack, method: str, path: str,
                                                     body: dict[str, Any]) -> None:
    ticket_id = new_ticket(stack)["id"]
    before = written(stack, ticket_id)
    reply = call(stack, method, path.format(id=ticket_id), json=body)
    assert_refused(reply, "aura", f"{method} {path} {str(body)[:60]}")
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "VALIDATION_ERROR"
    assert written(stack, ticket_id) == before


@pytest.mark.parametrize("query", [
    {"status": "nonsense"}, {"priority": ","}, {"limit": "0"}, {"limit": "abc"}, {"offset": "-1"},
    {"offset": str(2**31)},
])
def test_bad_list_queries_are_a_validation_error(stack: RunningStack, query: dict[str, str]) -> None:
    reply = call(stack, "GET", "/tickets", params=query)
    assert_refused(reply, "aura", f"GET /tickets {query}")


@pytest.mark.parametrize("query", [
    {"type": "made_up"}, {"actor": "robot"}, {"since": "yesterday"}, {"until": "2026-13-45"},
    {"since": "2026-12-05T00:00:00Z", "until": "2026-12-01T00:00:00Z"}, {"ticketId": "x" * 500},
])
def test_bad_audit_queries_are_a_validation_error(stack: RunningStack, query: dict[str, str]) -> None:
    reply = call(stack, "GET", "/audit", params=query)
    assert_refused(reply, "aura", f"GET /audit {query}")


def test_a_500_character_ticket_id_is_ticket_not_found(stack: RunningStack) -> None:
    for method, suffix in (("GET", ""), ("POST", "/run"), ("GET", "/audit"), ("GET", "/stream")):
        reply = requests.request(method, f"{base(stack)}/tickets/{'a' * 500}{suffix}", headers=auth(stack, ALICE),
                                 timeout=10)
        assert_refused(reply, "aura", f"{method} a 500-character id {suffix}")
        assert reply.json()["error"]["code"] == "TICKET_NOT_FOUND"
