"""Ticket exports through the helpdesk_exports handler on moto: agent role, validation, tenant isolation, the CSV
in the exports bucket and its presigned download link."""

from __future__ import annotations

import csv
import io
import uuid
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.integration.helpdesk import HelpdeskCaller


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_exports import handler as exports
    from functions.helpdesk_people import handler as people
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_exports": exports, "helpdesk_people": people, "helpdesk_tickets": tickets}


@pytest.fixture
def agent(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))


def create_tickets(caller: HelpdeskCaller, titles: list[str]) -> list[str]:
    requester = caller.post("/requesters", {"email": f"{uuid.uuid4().hex[:8]}@example.test", "display_name": "R"})
    ids = []
    for title in titles:
        ticket = caller.post("/tickets", {"title": title, "description": "line one\nline, two", "priority": "low",
                                          "requester_id": requester.body["id"], "custom_json": {"k": "v"}})
        assert ticket.status == 201, ticket.body
        ids.append(str(ticket.body["id"]))
    return ids


def download(url: str) -> list[dict[str, str]]:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert b"\r\n" in response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_export_downloads_a_csv_of_the_tickets_asked_for(agent: HelpdeskCaller) -> None:
    first, second, _third = create_tickets(agent, ["Printer", "=HYPERLINK(\"http://evil\")", "Not exported"])

    reply = agent.post("/exports/tickets", {"ids": [second, first]})

    assert reply.status == 200
    assert set(reply.body) == {"url"}
    rows = download(reply.body["url"])
    assert [row["id"] for row in rows] == [second, first]
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil\")"  # neutralised for spreadsheets
    assert rows[1]["description"] == "line one\nline, two"
    assert rows[1]["custom_json"] == '{"k":"v"}'
    assert rows[1]["number"] == "1"
    assert rows[1]["sla_resolution_target_minutes"] == "7200"


def test_export_link_is_short_lived_and_under_the_tenant(agent: HelpdeskCaller) -> None:
    [ticket] = create_tickets(agent, ["One"])

    url = agent.post("/exports/tickets", {"ids": [ticket]}).body["url"]

    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert f"/tenants/{agent.tenant_id}/exports/" in urlsplit(url).path


def test_export_is_recorded(agent: HelpdeskCaller) -> None:
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    tickets = create_tickets(agent, ["One", "Two"])
    agent.post("/exports/tickets", {"ids": tickets})

    [record] = ExtrasRepository().list_exports(agent.tenant_id)
    assert (record["tickets"], record["created_by"]) == (2, agent.user_id)
    assert record["object_key"].startswith(f"tenants/{agent.tenant_id}/exports/")


def test_export_is_for_agents_only(agent: HelpdeskCaller) -> None:
    [ticket] = create_tickets(agent, ["One"])
    requester_user = agent.as_user()

    reply = requester_user.post("/exports/tickets", {"ids": [ticket]})
    refused_even_when_invalid = requester_user.post("/exports/tickets", {"ids": []})

    assert (reply.status, reply.body) == (403, {"error": "Agent role required"})
    assert refused_even_when_invalid.status == 403


def test_admins_may_export(agent: HelpdeskCaller) -> None:
    [ticket] = create_tickets(agent, ["One"])

    assert agent.as_user(groups=("admin",)).post("/exports/tickets", {"ids": [ticket]}).status == 200


def test_another_tenants_ticket_is_a_400_naming_it(handlers: dict[str, ModuleType], agent: HelpdeskCaller) -> None:
    [mine] = create_tickets(agent, ["Mine"])
    outsider = HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))
    [theirs] = create_tickets(outsider, ["Theirs"])

    reply = agent.post("/exports/tickets", {"ids": [mine, theirs]})

    assert (reply.status, reply.body) == (400, {"errors": {"ids[1]": "ticket not found"}})
    assert outsider.post("/exports/tickets", {"ids": [mine]}).status == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [({"ids": []}, "ids"), ({"ids": ["nope"]}, "ids[0]"), ({}, "ids"),
     ({"ids": [str(uuid.uuid4()) for _ in range(1001)]}, "ids")],
)
def test_bad_body_is_a_400_naming_the_field(agent: HelpdeskCaller, body: dict[str, Any], field: str) -> None:
    reply = agent.post("/exports/tickets", body)

    assert reply.status == 400
    assert field in reply.body["errors"]


def test_unknown_export_route_is_404(agent: HelpdeskCaller) -> None:
    assert agent.post("/exports/requesters", {"ids": []}).status == 404
