"""Ticket exports over HTTP against the local stack: the URL downloads a CSV with the tickets asked for."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
import requests

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE, BOB, CAROL = "alice@acme.test", "bob@acme.test", "carol@globex.test"


def helpdesk(stack: RunningStack) -> str:
    return f"{stack.info['base_url']}/helpdesk"


def new_tickets(stack: RunningStack, username: str, titles: list[str]) -> list[str]:
    headers = stack.headers(username)
    requester = requests.post(f"{helpdesk(stack)}/requesters", headers=headers, timeout=10, json={
        "email": f"{uuid.uuid4().hex[:8]}@customer.test", "display_name": "Dana"}).json()
    ids = []
    for title in titles:
        reply = requests.post(f"{helpdesk(stack)}/tickets", headers=headers, timeout=10, json={
            "title": title, "description": "d", "priority": "urgent", "requester_id": requester["id"]})
        assert reply.status_code == 201, reply.text
        ids.append(str(reply.json()["id"]))
    return ids


def test_the_export_url_downloads_a_csv_with_the_right_rows(stack: RunningStack) -> None:
    first, second = new_tickets(stack, ALICE, ["Disk full, again", "@SUM(A1:A9)"])

    reply = requests.post(f"{helpdesk(stack)}/exports/tickets", headers=stack.headers(ALICE), timeout=10,
                          json={"ids": [first, second]})

    assert reply.status_code == 200, reply.text
    download = requests.get(reply.json()["url"], timeout=10)
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"), newline="")))
    assert [(r["id"], r["title"], r["priority"]) for r in rows] == [
        (first, "Disk full, again", "urgent"), (second, "'@SUM(A1:A9)", "urgent")]
    assert download.content.count(b"\r\n") == 3


def test_export_needs_the_agent_role(stack: RunningStack) -> None:
    [ticket] = new_tickets(stack, ALICE, ["One"])

    reply = requests.post(f"{helpdesk(stack)}/exports/tickets", headers=stack.headers(BOB), timeout=10,
                          json={"ids": [ticket]})

    assert (reply.status_code, reply.json()) == (403, {"error": "Agent role required"})


def test_another_tenants_ticket_cannot_be_exported(stack: RunningStack) -> None:
    [ticket] = new_tickets(stack, ALICE, ["Acme only"])

    reply = requests.post(f"{helpdesk(stack)}/exports/tickets", headers=stack.headers(CAROL), timeout=10,
                          json={"ids": [ticket]})

    assert (reply.status_code, reply.json()) == (400, {"errors": {"ids[0]": "ticket not found"}})
