"""The bad-input probe set (tests/bad_input.py) over every JSON write route of support and helpdesk, on the local
stack over HTTP: each probe is refused with a 4xx in the module's envelope, and nothing it carried is stored. Also
the other probe findings: oversized and tampered cursors, dates at the calendar's end, a login sent as a form, a
self sign-up into another tenant."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.test_helpdesk_api import ALICE, CAROL, PASSWORD, new_requester, new_ticket
from tests.api.test_helpdesk_csat_api import survey_link
from tests.api.test_support_api import new_issue_body
from tests.api.test_support_chat_sse import new_user
from tests.bad_input import BODY_PROBES, BodyProbe, WriteRoute, assert_refused, probe_write_routes

pytestmark = pytest.mark.xdist_group("local-stack")


def _support_issue_count(stack: RunningStack, headers: dict[str, str]) -> int:
    return int(requests.get(f"{stack.support}/issues?limit=1", headers=headers, timeout=10).json()
               ["pagination"]["total"])


def _helpdesk_ticket_ids(stack: RunningStack, headers: dict[str, str]) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        reply = requests.get(f"{stack.helpdesk}/tickets", params={"limit": 100, **({"cursor": cursor} if cursor
                                                                                    else {})},
                             headers=headers, timeout=10)
        assert reply.status_code == 200, reply.text
        ids |= {t["id"] for t in reply.json()}
        cursor = reply.headers.get("X-Next-Cursor")
        if not cursor:
            return ids


def test_every_support_write_route_refuses_every_probe_and_stores_nothing(stack: RunningStack) -> None:
    # A user of their own: the probes must meet the parsers, not the per-user rate limits.
    headers = {"Authorization": f"Bearer {new_user(stack, f'probe-{uuid.uuid4().hex[:8]}@acme.test')}"}
    valid_issue = new_issue_body(stack, ALICE)
    created = requests.post(f"{stack.support}/issues", json=valid_issue, headers=headers, timeout=10).json()
    issue_url = f"{stack.support}/issues/{created['issue']['id']}"
    routes = [
        WriteRoute("POST", f"{stack.support}/issues", valid_issue, "title"),
        WriteRoute("PATCH", issue_url, {"status": "in_progress"}, "status"),
        WriteRoute("POST", f"{stack.support}/docs/search", {"query": "deployment timeout"}, "query"),
        WriteRoute("POST", f"{stack.support}/docs/feedback", {"url": "https://docs.example.com/x", "helpful": True},
                   "helpful"),
    ]
    chat = WriteRoute("POST", f"{stack.support}/chat", {"messages": [{"role": "user", "content": "hi"}]}, "messages")
    before = _support_issue_count(stack, headers)
    detail_before = requests.get(issue_url, headers=headers, timeout=10).json()

    probe_write_routes(routes, headers, "support")
    # The chat allows 10 requests a minute per user (the document's limit): its probes go out as two users.
    half = len(BODY_PROBES) // 2
    for probes in (BODY_PROBES[:half], BODY_PROBES[half:]):
        chatter = {"Authorization": f"Bearer {new_user(stack, f'chat-{uuid.uuid4().hex[:8]}@acme.test')}"}
        probe_write_routes([chat], chatter, "support", probes)

    assert _support_issue_count(stack, headers) == before
    assert requests.get(issue_url, headers=headers, timeout=10).json() == detail_before


def _helpdesk_routes(stack: RunningStack, headers: dict[str, str]) -> list[WriteRoute]:
    requester_id = new_requester(stack, headers=headers)
    ticket = new_ticket(stack, requester_id, headers=headers)
    ticket_url = f"{stack.helpdesk}/tickets/{ticket['id']}"
    new_ticket_body = {"title": "Probe", "description": "d", "requester_id": requester_id, "priority": "normal",
                       "custom_json": {}}
    return [
        WriteRoute("POST", f"{stack.helpdesk}/requesters", {"email": "probe@api.example", "display_name": "P"},
                   "display_name"),
        WriteRoute("PATCH", f"{stack.helpdesk}/requesters/{requester_id}", {"display_name": "P"}, "display_name"),
        WriteRoute("POST", f"{stack.helpdesk}/tickets", new_ticket_body, "custom_json"),
        WriteRoute("PATCH", ticket_url, {"custom_json": {}}, "custom_json"),
        WriteRoute("POST", f"{ticket_url}/comments", {"body_md": "x", "is_internal": False, "author_id": "a"},
                   "body_md"),
        WriteRoute("POST", f"{ticket_url}/watchers", {"user_id": "u-1"}, "user_id"),
        WriteRoute("POST", f"{ticket_url}/attachments/presign", {"filename": "a.txt", "bytes": 3}, "bytes"),
        WriteRoute("POST", f"{ticket_url}/attachments", {"attachment_id": "x", "filename": "a.txt", "bytes": 3},
                   "bytes"),
        WriteRoute("POST", f"{stack.helpdesk}/exports/tickets", {"ids": [ticket["id"]]}, "ids"),
        WriteRoute("POST", f"{stack.helpdesk}/login", {"username": ALICE, "password": PASSWORD}, "password"),
    ]


def test_every_helpdesk_write_route_refuses_every_probe_and_stores_nothing(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    routes = _helpdesk_routes(stack, headers)
    ticket_url = routes[3].url
    tickets_before = _helpdesk_ticket_ids(stack, headers)
    ticket_before = requests.get(ticket_url, headers=headers, timeout=10).json()

    probe_write_routes(routes, headers, "helpdesk")

    assert _helpdesk_ticket_ids(stack, headers) == tickets_before
    assert requests.get(ticket_url, headers=headers, timeout=10).json() == ticket_before
    assert requests.get(f"{ticket_url}/comments", headers=headers, timeout=10).json() == []


@pytest.mark.parametrize("probe", BODY_PROBES, ids=lambda p: p.name)
def test_a_csat_answer_refuses_every_probe(stack: RunningStack, probe: BodyProbe) -> None:
    link = survey_link(stack, f"Probe {probe.name}")

    reply = requests.post(link, data=probe.build({"score": "good"}, "score"),
                          headers={"Content-Type": "application/json"}, timeout=10)

    assert_refused(reply, "helpdesk", probe.name)
    # The survey is still open: a proper answer is recorded once.
    assert requests.post(link, json={"score": "good"}, timeout=10).status_code == 200


def test_a_login_posted_as_a_cross_site_form_is_refused_and_sets_no_cookie(stack: RunningStack) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        reply = requests.post(f"{stack.helpdesk}/login", data=json.dumps({"username": ALICE, "password": PASSWORD}),
                              headers={"Content-Type": content_type}, timeout=10)
        assert reply.status_code == 400, content_type
        assert reply.json() == {"errors": {"Content-Type": "Sign-in must send application/json"}}
        assert "set-cookie" not in reply.headers


@pytest.mark.parametrize("path", ["/issues?endDate=9999-12-31", "/issues?startDate=0001-01-01T00:00:00%2B05:00",
                                  "/analytics/summary?endDate=9999-12-31", "/analytics/planes?endDate=9999-12-31",
                                  "/issues?startDate=2024-01-01T00:00:00-23:59&endDate=9999-12-31T23:59:59-23:59"])
def test_a_date_range_at_the_calendars_end_is_a_400_naming_the_field(stack: RunningStack, path: str) -> None:
    reply = requests.get(f"{stack.support}{path}", headers=stack.headers(ALICE), timeout=10)

    assert reply.status_code == 400, reply.text
    details = reply.json()["error"]["details"]
    assert {d["field"] for d in details} <= {"startDate", "endDate"}
    assert details


def _tampered_cursors(cursor: str) -> dict[str, str]:
    payload, _, tag = cursor.partition(".")
    key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    without_a_key = base64.urlsafe_b64encode(json.dumps(dict(list(key.items())[1:])).encode()).decode().rstrip("=")
    moved = {name: {"S": value["S"][:-1] + "0"} for name, value in key.items()}
    moved_payload = base64.urlsafe_b64encode(json.dumps(moved).encode()).decode().rstrip("=")
    return {
        "a key removed": f"{without_a_key}.{tag}",
        "a key moved": f"{moved_payload}.{tag}",
        "no tag": payload,
        "another tag": f"{payload}.{'A' * len(tag)}",
        "garbage": "%%%",
        "100 KB": "A" * 100_000,
    }


def test_a_tampered_or_oversized_cursor_is_refused_in_the_envelope(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    reply = requests.get(f"{stack.helpdesk}/tickets?limit=1", headers=headers, timeout=10)
    cursor = reply.headers["X-Next-Cursor"]
    assert requests.get(f"{stack.helpdesk}/tickets", params={"limit": 1, "cursor": cursor}, headers=headers,
                        timeout=10).status_code == 200

    for name, tampered in _tampered_cursors(cursor).items():
        refused = requests.get(f"{stack.helpdesk}/tickets", params={"limit": 1, "cursor": tampered},
                               headers=headers, timeout=10)
        assert_refused(refused, "helpdesk", name)


def test_another_tenants_cursor_is_refused(stack: RunningStack) -> None:
    cursor = requests.get(f"{stack.helpdesk}/tickets?limit=1", headers=stack.headers(ALICE),
                          timeout=10).headers["X-Next-Cursor"]

    reply = requests.get(f"{stack.helpdesk}/tickets", params={"limit": 1, "cursor": cursor},
                         headers=stack.headers(CAROL), timeout=10)

    assert (reply.status_code, reply.json()) == (400, {"errors": {"cursor": "Not a cursor of this list"}})


def test_nobody_can_sign_up_to_the_local_pool_least_of_all_into_another_tenant(stack: RunningStack) -> None:
    cognito = stack.cognito()
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.sign_up(ClientId=stack.info["client_id"], Username="mallory@evil.test", Password="Mallory-pass-2026!",
                        UserAttributes=[{"Name": "email", "Value": "mallory@evil.test"},
                                        {"Name": "custom:tenant_id", "Value": "any-tenant"}])


def test_a_signed_in_user_cannot_write_their_tenant_attribute(stack: RunningStack) -> None:
    cognito = stack.cognito()
    access = stack.sign_in(ALICE)["access"]
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.update_user_attributes(AccessToken=access,
                                       UserAttributes=[{"Name": "custom:tenant_id", "Value": "another"}])

