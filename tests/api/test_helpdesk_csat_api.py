"""CSAT over HTTP against the local stack: resolving a ticket mails the requester the survey link (SES on moto,
read back from the local mailbox `GET /_local/mail`, as a developer would), the public survey form behind that
link (no token needed but the survey's own) and the answer, once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE = "alice@acme.test"


def helpdesk(stack: RunningStack) -> str:
    return f"{stack.info['base_url']}/helpdesk"


def resolve_for_a_new_requester(stack: RunningStack, title: str = "Laptop will not boot") -> tuple[str, dict[str, Any]]:
    """(the requester's address, the ticket) after an agent resolved it over HTTP."""
    headers = stack.headers(ALICE)
    email = f"{uuid.uuid4().hex[:8]}@customer.test"
    requester = requests.post(f"{helpdesk(stack)}/requesters", headers=headers, timeout=10, json={
        "email": email, "display_name": "Dana"}).json()
    ticket = requests.post(f"{helpdesk(stack)}/tickets", headers=headers, timeout=10, json={
        "title": title, "description": "d", "priority": "high", "requester_id": requester["id"]}).json()
    resolved = requests.patch(f"{helpdesk(stack)}/tickets/{ticket['id']}", headers=headers, timeout=10,
                              json={"status": "resolved"})
    assert resolved.status_code == 200, resolved.text
    return email, ticket


def mailbox(stack: RunningStack, email: str) -> list[dict[str, Any]]:
    reply = requests.get(stack.info["mailbox"], params={"to": email}, timeout=10)
    assert reply.status_code == 200, reply.text
    return list(reply.json()["messages"])


def survey_link(stack: RunningStack, title: str = "Laptop will not boot") -> str:
    """The link the requester of a freshly resolved ticket finds in their mail."""
    email, _ = resolve_for_a_new_requester(stack, title)
    (mail,) = mailbox(stack, email)
    return str(mail["survey_url"])


def test_resolving_mails_the_requester_a_link_that_answers_the_survey_once(stack: RunningStack) -> None:
    email, ticket = resolve_for_a_new_requester(stack, title="Printer on fire")

    (mail,) = mailbox(stack, email)
    assert mail["to"] == [email]
    assert mail["subject"] == f"How did we do? Ticket #{ticket['number']}: Printer on fire"
    link = mail["survey_url"]
    assert link.startswith(f"{stack.info['base_url']}/helpdesk/csat/")

    form = requests.get(link, timeout=10)
    first = requests.post(link, data={"score": "good"}, timeout=10)
    second = requests.post(link, data={"score": "good"}, timeout=10)

    assert form.status_code == 200 and "Printer on fire" in form.text
    assert (first.status_code, first.json()) == (200, {"ok": True})
    assert (second.status_code, second.json()) == (400, {"error": "This survey has already been answered"})


def test_the_survey_form_is_public_html(stack: RunningStack) -> None:
    link = survey_link(stack, title="Laptop <b>will not</b> boot")

    page = requests.get(link, timeout=10)

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<form method="post">' in page.text
    assert "Laptop &lt;b&gt;will not&lt;/b&gt; boot" in page.text


def test_an_answer_posted_as_a_form_is_recorded_once(stack: RunningStack) -> None:
    url = survey_link(stack)

    first = requests.post(url, data={"score": "good"}, timeout=10)
    second = requests.post(url, data={"score": "bad"}, timeout=10)

    assert (first.status_code, first.json()) == (200, {"ok": True})
    assert (second.status_code, second.json()) == (400, {"error": "This survey has already been answered"})
    assert "already been answered" in requests.get(url, timeout=10).text


def test_a_json_answer_is_accepted(stack: RunningStack) -> None:
    reply = requests.post(survey_link(stack), json={"score": "bad"}, timeout=10)

    assert (reply.status_code, reply.json()) == (200, {"ok": True})


def test_a_bad_score_is_400_naming_score(stack: RunningStack) -> None:
    reply = requests.post(survey_link(stack), data={"score": "great"}, timeout=10)

    assert (reply.status_code, reply.json()) == (400, {"errors": {"score": "score must be good or bad"}})


def test_an_unknown_token_is_404(stack: RunningStack) -> None:
    url = f"{helpdesk(stack)}/csat/{uuid.uuid4().hex}"

    assert requests.get(url, timeout=10).status_code == 404
    reply = requests.post(url, data={"score": "good"}, timeout=10)
    assert (reply.status_code, reply.json()) == (404, {"error": "Survey not found"})


def test_a_browser_form_post_gets_a_thank_you_page(stack: RunningStack) -> None:
    reply = requests.post(survey_link(stack), data={"score": "good"}, timeout=10,
                          headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "Your answer has been recorded" in reply.text
