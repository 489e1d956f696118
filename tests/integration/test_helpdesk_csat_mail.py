"""The CSAT survey mail on moto: resolving a ticket through the tickets handler sends one mail through SES to the
requester, whose link opens the survey through the csat handler; a refused mail leaves the resolve standing."""

from __future__ import annotations

import json
import logging
import os
import uuid
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from scripts.local.gateway import LambdaContext
from scripts.local.mailbox import mail_view, sent_messages
from tests.integration.helpdesk import HelpdeskCaller, helpdesk_event

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_csat import handler as csat
    from functions.helpdesk_people import handler as people
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_csat": csat, "helpdesk_people": people, "helpdesk_tickets": tickets}


@pytest.fixture
def agent(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))


def mails_to(local_aws: Any, address: str) -> list[dict[str, Any]]:
    """What moto's SES backend holds for this address, oldest first."""
    return [m for m in map(mail_view, sent_messages(local_aws.region)) if address in m["to"]]


def open_ticket(agent: HelpdeskCaller, email: str, title: str = "Printer on fire") -> str:
    requester = agent.post("/requesters", {"email": email, "display_name": "Dana Scully"})
    ticket = agent.post("/tickets", {"title": title, "description": "d", "priority": "high",
                                     "requester_id": requester.body["id"]})
    assert ticket.status == 201, ticket.body
    return str(ticket.body["id"])


def survey(handlers: dict[str, ModuleType], method: str, url: str, body: str | None = None) -> tuple[int, str]:
    event = helpdesk_event(method, urlsplit(url).path, claims=None, body=body, headers={"content-type": FORM})
    result = handlers["helpdesk_csat"].lambda_handler(event, LambdaContext("test", "us-east-1"))
    return result["statusCode"], result.get("body") or ""


def test_resolving_mails_the_requester_a_link_that_opens_and_answers_the_survey(
    local_aws: Any, agent: HelpdeskCaller, handlers: dict[str, ModuleType]
) -> None:
    email = f"{uuid.uuid4().hex[:10]}@customer.test"
    ticket_id = open_ticket(agent, email, title="Printer <on> fire")
    number = agent.get(f"/tickets/{ticket_id}").body["number"]

    assert agent.patch(f"/tickets/{ticket_id}", {"status": "resolved"}).status == 200

    (mail,) = mails_to(local_aws, email)
    assert mail["from"] == local_aws.mail_from
    assert mail["subject"] == f"How did we do? Ticket #{number}: Printer <on> fire"
    assert "Hello Dana Scully," in mail["body"] and "Printer &lt;on&gt; fire" in mail["body"]
    link = mail["survey_url"]
    assert link.startswith(os.environ["HELPDESK_PUBLIC_URL"] + "/helpdesk/csat/")
    status, page = survey(handlers, "GET", link)
    assert status == 200 and '<form method="post">' in page and "Printer &lt;on&gt; fire" in page
    status, answer = survey(handlers, "POST", link, "score=good")
    assert (status, json.loads(answer)) == (200, {"ok": True})
    status, answer = survey(handlers, "POST", link, "score=good")
    assert (status, json.loads(answer)) == (400, {"error": "This survey has already been answered"})


def test_only_resolving_sends_mail_and_each_resolve_its_own_link(local_aws: Any, agent: HelpdeskCaller) -> None:
    email = f"{uuid.uuid4().hex[:10]}@customer.test"
    ticket_id = open_ticket(agent, email)

    for change in ({"status": "pending"}, {"priority": "urgent"}, {"status": "resolved"}, {"status": "open"},
                   {"status": "resolved"}, {"status": "closed"}):
        assert agent.patch(f"/tickets/{ticket_id}", change).status == 200

    links = [mail["survey_url"] for mail in mails_to(local_aws, email)]
    assert len(links) == 2
    assert links[0] != links[1]


def test_a_mail_ses_refuses_leaves_the_resolve_standing_and_logs_the_ticket(
    local_aws: Any, agent: HelpdeskCaller, caplog: pytest.LogCaptureFixture
) -> None:
    from opsdesk.auth import Principal
    from opsdesk.eventlog import EventLog
    from opsdesk.helpdesk.mail import CsatSurveyMailer
    from opsdesk.helpdesk.repository import TicketRepository
    from opsdesk.helpdesk.requests import UpdateTicketRequest
    from opsdesk.helpdesk.service import HelpdeskService
    from opsdesk.mail import SesMailSender

    caplog.set_level(logging.WARNING, logger="opsdesk.helpdesk.service")
    email = f"{uuid.uuid4().hex[:10]}@customer.test"
    ticket_id = open_ticket(agent, email)
    unverified = SesMailSender("nobody@unverified.example", region=local_aws.region, endpoint_url=local_aws.endpoint)
    service = HelpdeskService(TicketRepository(EventLog()),
                              mailer=CsatSurveyMailer(unverified, os.environ["HELPDESK_PUBLIC_URL"]))

    principal = Principal(user_id=agent.user_id, tenant_id=agent.tenant_id, username="agent@example.test",
                          groups=frozenset({"agent"}))

    resolved = service.update_ticket(principal, ticket_id, UpdateTicketRequest(status="resolved"))

    assert resolved.status.value == "resolved"
    assert agent.get(f"/tickets/{ticket_id}").body["status"] == "resolved"
    assert mails_to(local_aws, email) == []
    (record,) = [r for r in caplog.records if "CSAT survey not mailed" in r.getMessage()]
    assert "MessageRejected" in record.getMessage()
    assert record.__dict__["ticket_id"] == ticket_id
