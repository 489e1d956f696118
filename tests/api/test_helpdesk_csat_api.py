"""CSAT over HTTP against the local stack: the public survey form (no token needed but the survey's own) and the
answer, once. The raw token goes to the requester by email (out of scope), so the test plays that part: it issues
a token for a resolved ticket with the same csat.new_token_item the resolve uses and stores it in the table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import boto3
import pytest
import requests

from opsdesk.helpdesk.csat import as_attribute_values, new_token_item
from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE = "alice@acme.test"


def helpdesk(stack: RunningStack) -> str:
    return f"{stack.info['base_url']}/helpdesk"


def survey_token(stack: RunningStack, title: str = "Laptop will not boot") -> str:
    headers = stack.headers(ALICE)
    requester = requests.post(f"{helpdesk(stack)}/requesters", headers=headers, timeout=10, json={
        "email": f"{uuid.uuid4().hex[:8]}@customer.test", "display_name": "Dana"}).json()
    ticket = requests.post(f"{helpdesk(stack)}/tickets", headers=headers, timeout=10, json={
        "title": title, "description": "d", "priority": "high", "requester_id": requester["id"]}).json()
    resolved = requests.patch(f"{helpdesk(stack)}/tickets/{ticket['id']}", headers=headers, timeout=10,
                              json={"status": "resolved"})
    assert resolved.status_code == 200, resolved.text
    tenant = next(u["tenant_id"] for u in stack.info["users"] if u["username"] == ALICE)
    token, item = new_token_item(tenant, ticket["id"], requester["id"], datetime.now(UTC))
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.info["aws_endpoint"], region_name=stack.info["region"],
                            aws_access_key_id="local", aws_secret_access_key="local")
    dynamodb.put_item(TableName=stack.info["tables"]["TicketsTable"], Item=as_attribute_values(item),
                      ConditionExpression="attribute_not_exists(pk)")
    return token


def test_the_survey_form_is_public_html(stack: RunningStack) -> None:
    token = survey_token(stack, title="Laptop <b>will not</b> boot")

    page = requests.get(f"{helpdesk(stack)}/csat/{token}", timeout=10)

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<form method="post">' in page.text
    assert "Laptop &lt;b&gt;will not&lt;/b&gt; boot" in page.text


def test_an_answer_posted_as_a_form_is_recorded_once(stack: RunningStack) -> None:
    token = survey_token(stack)
    url = f"{helpdesk(stack)}/csat/{token}"

    first = requests.post(url, data={"score": "good"}, timeout=10)
    second = requests.post(url, data={"score": "bad"}, timeout=10)

    assert (first.status_code, first.json()) == (200, {"ok": True})
    assert (second.status_code, second.json()) == (400, {"error": "This survey has already been answered"})
    assert "already been answered" in requests.get(url, timeout=10).text


def test_a_json_answer_is_accepted(stack: RunningStack) -> None:
    reply = requests.post(f"{helpdesk(stack)}/csat/{survey_token(stack)}", json={"score": "bad"}, timeout=10)

    assert (reply.status_code, reply.json()) == (200, {"ok": True})


def test_a_bad_score_is_400_naming_score(stack: RunningStack) -> None:
    reply = requests.post(f"{helpdesk(stack)}/csat/{survey_token(stack)}", data={"score": "great"}, timeout=10)

    assert (reply.status_code, reply.json()) == (400, {"errors": {"score": "score must be good or bad"}})


def test_an_unknown_token_is_404(stack: RunningStack) -> None:
    url = f"{helpdesk(stack)}/csat/{uuid.uuid4().hex}"

    assert requests.get(url, timeout=10).status_code == 404
    reply = requests.post(url, data={"score": "good"}, timeout=10)
    assert (reply.status_code, reply.json()) == (404, {"error": "Survey not found"})


def test_a_browser_form_post_gets_a_thank_you_page(stack: RunningStack) -> None:
    reply = requests.post(f"{helpdesk(stack)}/csat/{survey_token(stack)}", data={"score": "good"}, timeout=10,
                          headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})

    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "Your answer has been recorded" in reply.text
