"""CSAT through the handlers on moto: resolving a ticket issues the token (in core's resolve transaction), the
public form and answer at /csat/:token, answered once even under concurrent posts, counted in the tally."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext
from tests.integration.helpdesk import BASE, HelpdeskCaller, helpdesk_event

FORM = "application/x-www-form-urlencoded"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_csat import handler as csat
    from functions.helpdesk_people import handler as people
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_csat": csat, "helpdesk_people": people, "helpdesk_tickets": tickets}


@pytest.fixture
def issued(handlers: dict[str, ModuleType], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The raw tokens the resolve transaction issues (they reach the requester by mail): the real
    csat.new_survey_token, watched."""
    from opsdesk.helpdesk import csat

    tokens: list[str] = []

    def watched(*args: Any) -> tuple[str, csat.CsatToken]:
        token, survey = csat.new_survey_token(*args)
        tokens.append(token)
        return token, survey

    monkeypatch.setattr(handlers["helpdesk_tickets"].service, "_issue_csat_token", watched)
    yield tokens


@pytest.fixture
def agent(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))


def resolved_ticket(agent: HelpdeskCaller, title: str = "VPN down") -> str:
    requester = agent.post("/requesters", {"email": f"{uuid.uuid4().hex[:8]}@example.test", "display_name": "R"})
    ticket = agent.post("/tickets", {"title": title, "description": "d", "priority": "high",
                                     "requester_id": requester.body["id"]})
    assert ticket.status == 201, ticket.body
    resolved = agent.patch(f"/tickets/{ticket.body['id']}", {"status": "resolved"})
    assert resolved.status == 200, resolved.body
    return str(ticket.body["id"])


@pytest.fixture
def token(agent: HelpdeskCaller, issued: list[str]) -> str:
    resolved_ticket(agent)
    assert len(issued) == 1
    return issued[0]


def survey(handlers: dict[str, ModuleType], method: str, token: str, body: str | None = None, *,
           content_type: str = FORM, accept: str = "*/*") -> tuple[int, str, dict[str, str]]:
    event = helpdesk_event(method, f"{BASE}/csat/{token}", claims=None, body=body,
                           headers={"content-type": content_type, "accept": accept})
    result = handlers["helpdesk_csat"].lambda_handler(event, LambdaContext("test", "us-east-1"))
    headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    headers.update({name.lower(): str(values[-1]) for name, values in (result.get("multiValueHeaders") or {}).items()})
    return result["statusCode"], result.get("body") or "", headers


def test_resolving_issues_one_token_and_it_is_not_in_any_response(agent: HelpdeskCaller, issued: list[str]) -> None:
    ticket_id = resolved_ticket(agent)

    assert len(issued) == 1
    assert issued[0] not in json.dumps(agent.get(f"/tickets/{ticket_id}").body)


def test_reopening_and_resolving_again_issues_a_new_token(agent: HelpdeskCaller, issued: list[str]) -> None:
    ticket_id = resolved_ticket(agent)
    assert agent.patch(f"/tickets/{ticket_id}", {"status": "open"}).status == 200
    assert agent.patch(f"/tickets/{ticket_id}", {"status": "resolved"}).status == 200

    assert len(issued) == 2
    assert issued[0] != issued[1]


def test_form_is_served_as_html_with_the_ticket(handlers: dict[str, ModuleType], token: str) -> None:
    status, page, headers = survey(handlers, "GET", token)

    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page
    assert '<form method="post">' in page
    assert 'name="score" value="good"' in page and 'name="score" value="bad"' in page
    assert "VPN down" in page
    assert headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in headers["content-security-policy"]


def test_ticket_title_is_escaped_in_the_form(handlers: dict[str, ModuleType], agent: HelpdeskCaller,
                                             issued: list[str]) -> None:
    resolved_ticket(agent, title='<img src=x onerror="alert(1)">')

    _, page, _ = survey(handlers, "GET", issued[0])

    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_unknown_token_is_404(handlers: dict[str, ModuleType]) -> None:
    assert survey(handlers, "GET", "no-such-token")[0] == 404
    status, body, _ = survey(handlers, "POST", "no-such-token", "score=good")

    assert (status, json.loads(body)) == (404, {"error": "Survey not found"})


@pytest.mark.parametrize("token", ["\u2603", "caf\u00e9!", "%00"], ids=["snowman", "accent-and-bang", "nul"])
def test_a_token_no_survey_can_have_is_the_same_404_as_an_unknown_one(handlers: dict[str, ModuleType],
                                                                     token: str) -> None:
    status, body, headers = survey(handlers, "POST", token, "score=good")
    assert (status, json.loads(body)) == (404, {"error": "Survey not found"})
    assert headers["content-type"].startswith("application/json")

    status, body, headers = survey(handlers, "GET", token)
    assert (status, headers["content-type"].split(";")[0]) == (404, "text/html")
    status, _, headers = survey(handlers, "POST", token, "score=good", accept="text/html")
    assert (status, headers["content-type"].split(";")[0]) == (404, "text/html")


def test_answer_is_recorded_once(handlers: dict[str, ModuleType], agent: HelpdeskCaller, token: str) -> None:
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    first = survey(handlers, "POST", token, "score=good")
    second = survey(handlers, "POST", token, "score=bad")

    assert (first[0], json.loads(first[1])) == (200, {"ok": True})
    assert (second[0], json.loads(second[1])) == (400, {"error": "This survey has already been answered"})
    assert ExtrasRepository().csat_tally(agent.tenant_id) == {"good": 1, "bad": 0, "responses": 1}


def test_json_answers_are_accepted(handlers: dict[str, ModuleType], agent: HelpdeskCaller, token: str) -> None:
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    status, body, _ = survey(handlers, "POST", token, json.dumps({"score": "bad"}), content_type="application/json")

    assert (status, json.loads(body)) == (200, {"ok": True})
    assert ExtrasRepository().csat_tally(agent.tenant_id)["bad"] == 1


@pytest.mark.parametrize("body", ["score=meh", "", "score=good&score=bad", "other=1"])
def test_bad_score_is_400_naming_score_and_leaves_the_token_unused(
    handlers: dict[str, ModuleType], token: str, body: str
) -> None:
    status, answer, _ = survey(handlers, "POST", token, body)

    assert (status, json.loads(answer)) == (400, {"errors": {"score": "score must be good or bad"}})
    assert survey(handlers, "POST", token, "score=good")[0] == 200


def test_concurrent_answers_record_exactly_one(handlers: dict[str, ModuleType], agent: HelpdeskCaller,
                                               token: str) -> None:
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def answer(score: str) -> None:
        barrier.wait()
        statuses.append(survey(handlers, "POST", token, f"score={score}")[0])

    threads = [threading.Thread(target=answer, args=("good" if i % 2 else "bad",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 400, 400, 400, 400, 400]
    assert ExtrasRepository().csat_tally(agent.tenant_id)["responses"] == 1


def test_spilled_tallies_are_summed_exactly(handlers: dict[str, ModuleType], agent: HelpdeskCaller,
                                           issued: list[str]) -> None:
    """Every answer adds to spill items of the tallies (as after a lost race, opsdesk.dynamo.counter_sk): the
    all-time and daily tallies sum them with their items."""
    from opsdesk.dynamo import spilling_counters
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    for _ in range(4):
        resolved_ticket(agent)
    days = {datetime.now(UTC).date().isoformat()}
    with spilling_counters():
        statuses = [survey(handlers, "POST", token, f"score={score}")[0]
                    for token, score in zip(issued, ("good", "bad", "good", "good"), strict=True)]
    days.add(datetime.now(UTC).date().isoformat())  # the answers' day, also when they ran across midnight UTC

    repository = ExtrasRepository()
    assert statuses == [200] * 4
    assert repository.csat_tally(agent.tenant_id) == {"good": 3, "bad": 1, "responses": 4}
    daily = [repository.csat_tally(agent.tenant_id, day) for day in sorted(days)]
    assert {name: sum(day[name] for day in daily) for name in ("good", "bad", "responses")} == {
        "good": 3, "bad": 1, "responses": 4}


def test_used_token_shows_a_thank_you_page_not_the_form(handlers: dict[str, ModuleType], token: str) -> None:
    survey(handlers, "POST", token, "score=good")

    status, page, _ = survey(handlers, "GET", token)

    assert status == 200
    assert "<form" not in page
    assert "already been answered" in page


def test_a_browser_posting_the_form_gets_pages(handlers: dict[str, ModuleType], token: str) -> None:
    bad = survey(handlers, "POST", token, "score=", accept=BROWSER_ACCEPT)
    good = survey(handlers, "POST", token, "score=good", accept=BROWSER_ACCEPT)
    again = survey(handlers, "POST", token, "score=good", accept=BROWSER_ACCEPT)

    assert (bad[0], bad[2]["content-type"]) == (400, "text/html; charset=utf-8")
    assert 'role="alert"' in bad[1] and "<form" in bad[1]
    assert good[0] == 200 and "Your answer has been recorded" in good[1]
    assert again[0] == 400 and "already been answered" in again[1]


def test_expired_token_is_404(handlers: dict[str, ModuleType]) -> None:
    from opsdesk.helpdesk.csat import new_survey_token
    from opsdesk.helpdesk.extras_repository import ExtrasRepository

    raw, expired = new_survey_token(str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()),
                                    datetime.now(UTC) - timedelta(days=31))
    ExtrasRepository().put_csat_token(expired)

    assert survey(handlers, "GET", raw)[0] == 404
    assert survey(handlers, "POST", raw, "score=good")[0] == 404


def test_stored_item_holds_the_hash_not_the_token(local_aws: Any, token: str) -> None:
    from scripts.local.aws import client

    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    table = local_aws.table_names["TicketsTable"]
    found = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "CSAT#" + __import__("hashlib").sha256(
                               token.encode()).hexdigest()}})["Items"]

    assert len(found) == 1
    assert token not in json.dumps(found)
