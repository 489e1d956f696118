"""The helpdesk over HTTP on the local stack, as a client of the document uses it: with a Cognito bearer token, and
with the session cookie from POST /login (the cookie login is on locally)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.test_gateway_auth import reissued

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE, BOB, CAROL, DAVE = "alice@acme.test", "bob@acme.test", "carol@globex.test", "dave@acme.test"
PASSWORD = "Opsdesk-demo-2026"
COOKIE = "helpdesk_session"


def login(stack: RunningStack, username: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(f"{stack.helpdesk}/login", json={"username": username, "password": password}, timeout=10)


def session_cookie(stack: RunningStack, username: str) -> str:
    reply = login(stack, username)
    assert reply.status_code == 200, reply.text
    return reply.cookies[COOKIE]


def new_requester(stack: RunningStack, **auth: Any) -> str:
    reply = requests.post(f"{stack.helpdesk}/requesters", json={"email": f"{uuid.uuid4().hex[:10]}@api.example",
                                                                "display_name": "API requester"},
                          timeout=10, **auth)
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def new_ticket(stack: RunningStack, requester_id: str, **auth: Any) -> dict[str, Any]:
    reply = requests.post(f"{stack.helpdesk}/tickets", json={
        "title": "Monitor flickers", "description": "The left monitor flickers after docking.",
        "requester_id": requester_id, "priority": "normal", "custom_json": {"desk": "4.12"}}, timeout=10, **auth)
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def test_health_is_public(stack: RunningStack) -> None:
    for path in ("/livez", "/readyz", "/healthz"):
        reply = requests.get(f"{stack.helpdesk}{path}", timeout=10)
        assert (reply.status_code, reply.json()) == (200, {"ok": True}), path


def test_a_bearer_client_works_every_core_endpoint(stack: RunningStack) -> None:
    auth = {"headers": stack.headers(ALICE)}
    me = requests.get(f"{stack.helpdesk}/me", timeout=10, **auth).json()
    requester_id = new_requester(stack, **auth)
    created = new_ticket(stack, requester_id, **auth)
    url = f"{stack.helpdesk}/tickets/{created['id']}"

    patched = requests.patch(url, json={"assignee_id": me["id"], "team_id": "desktop"}, timeout=10, **auth)
    comment = requests.post(f"{url}/comments", json={"body_md": "On my way", "is_internal": False,
                                                     "author_id": me["id"]}, timeout=10, **auth)
    watcher = requests.post(f"{url}/watchers", json={"user_id": me["id"]}, timeout=10, **auth)
    ticket = requests.get(url, timeout=10, **auth).json()
    mine = requests.get(f"{stack.helpdesk}/tickets?assignee=me&team=desktop", timeout=10, **auth).json()
    found = requests.get(f"{stack.helpdesk}/tickets?search=monitor+flickers", timeout=10, **auth).json()

    assert me["email"] == ALICE and set(me["roles"]) == {"admin", "agent"}
    assert (patched.status_code, patched.json()) == (200, {"ok": True})
    assert comment.status_code == 201 and watcher.status_code == 201
    assert (ticket["source"], ticket["assignee_id"], ticket["custom_json"]) == ("api", me["id"], {"desk": "4.12"})
    assert created["id"] in {t["id"] for t in mine}
    assert created["id"] in {t["id"] for t in found}
    assert requests.get(f"{url}/watchers", timeout=10, **auth).json() == [me["id"]]
    assert requests.get(f"{stack.helpdesk}/metrics/sla", timeout=10, **auth).status_code == 200


def test_an_agent_assigns_and_adds_as_watchers_colleagues_of_the_tenant_and_nobody_else(stack: RunningStack) -> None:
    auth = {"headers": stack.headers(ALICE)}
    dave, carol = (requests.get(f"{stack.helpdesk}/me", timeout=10, headers=stack.headers(name)).json()["id"]
                   for name in (DAVE, CAROL))
    url = f"{stack.helpdesk}/tickets/{new_ticket(stack, new_requester(stack, **auth), **auth)['id']}"

    assigned = requests.patch(url, json={"assignee_id": dave}, timeout=10, **auth)
    watching = requests.post(f"{url}/watchers", json={"user_id": dave}, timeout=10, **auth)
    for stranger in (carol, str(uuid.uuid4())):  # a user of another tenant, and nobody
        refused = requests.patch(url, json={"assignee_id": stranger}, timeout=10, **auth)
        assert (refused.status_code, list(refused.json()["errors"])) == (400, ["assignee_id"])
        refused = requests.post(f"{url}/watchers", json={"user_id": stranger}, timeout=10, **auth)
        assert (refused.status_code, list(refused.json()["errors"])) == (400, ["user_id"])

    assert (assigned.status_code, watching.status_code) == (200, 201)
    assert requests.get(url, timeout=10, **auth).json()["assignee_id"] == dave
    assert requests.get(f"{url}/watchers", timeout=10, **auth).json() == [dave]


def test_login_sets_an_http_only_secure_strict_cookie(stack: RunningStack) -> None:
    reply = login(stack, DAVE)

    assert (reply.status_code, reply.json()) == (200, {"ok": True})
    cookie = next(c for c in reply.cookies if c.name == COOKIE)
    assert cookie.secure and cookie.path == "/helpdesk"
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert "SameSite=Strict" in reply.headers["Set-Cookie"]
    assert 3500 < int(cookie.expires or 0) - time.time() <= 3600


def test_the_login_cookie_authenticates_like_a_bearer_token(stack: RunningStack) -> None:
    cookie = {"cookies": {COOKIE: session_cookie(stack, DAVE)}}

    me = requests.get(f"{stack.helpdesk}/me", timeout=10, **cookie)
    requester_id = new_requester(stack, **cookie)
    created = new_ticket(stack, requester_id, **cookie)
    ticket = requests.get(f"{stack.helpdesk}/tickets/{created['id']}", timeout=10, **cookie).json()

    assert (me.status_code, me.json()["roles"]) == (200, ["agent"])
    assert me.json() == requests.get(f"{stack.helpdesk}/me", headers=stack.headers(DAVE), timeout=10).json()
    assert ticket["source"] == "web"


def test_a_requests_session_keeps_the_secure_cookie_off_plain_http(stack: RunningStack) -> None:
    # Browsers send Secure cookies to http://localhost and 127.0.0.1; Python's cookie jar sends them only over
    # https, so a script against the local stack passes the cookie itself (cookies={...}), as the tests do.
    session = requests.Session()
    session.post(f"{stack.helpdesk}/login", json={"username": DAVE, "password": PASSWORD}, timeout=10)

    assert COOKIE in session.cookies
    assert session.get(f"{stack.helpdesk}/me", timeout=10).status_code == 401
    assert session.get(f"{stack.helpdesk}/me", cookies={COOKIE: session.cookies[COOKIE]},
                       timeout=10).status_code == 200


def test_logout_clears_the_cookie_and_a_kept_copy_of_it_is_refused(stack: RunningStack) -> None:
    cookie = session_cookie(stack, DAVE)
    assert requests.get(f"{stack.helpdesk}/me", cookies={COOKIE: cookie}, timeout=10).status_code == 200

    reply = requests.post(f"{stack.helpdesk}/logout", cookies={COOKIE: cookie}, timeout=10)

    assert (reply.status_code, reply.json()) == (200, {"ok": True})
    assert reply.headers["Set-Cookie"].startswith(f"{COOKIE}=; Max-Age=0;")
    assert COOKIE not in reply.cookies or not reply.cookies[COOKIE]
    assert requests.get(f"{stack.helpdesk}/me", cookies={COOKIE: cookie}, timeout=10).status_code == 401


@pytest.mark.parametrize(("body", "status"), [
    pytest.param({"username": DAVE, "password": "wrong-password"}, 401, id="wrong-password"),
    pytest.param({"username": "nobody@acme.test", "password": PASSWORD}, 401, id="unknown-user"),
    pytest.param({"username": DAVE}, 400, id="no-password"),
])
def test_login_refusals_are_in_the_documents_envelope(stack: RunningStack, body: dict[str, str],
                                                      status: int) -> None:
    reply = requests.post(f"{stack.helpdesk}/login", json=body, timeout=10)

    assert reply.status_code == status
    assert set(reply.json()) == ({"error"} if status == 401 else {"errors"})
    assert "Set-Cookie" not in reply.headers


@pytest.mark.parametrize("make_auth", [
    pytest.param(lambda s: {}, id="nothing"),
    pytest.param(lambda s: {"cookies": {COOKIE: "not-a-jwt"}}, id="garbage-cookie"),
    pytest.param(lambda s: {"cookies": {COOKIE: reissued(s.sign_in(DAVE)["id"], exp=int(time.time()) - 60)}},
                 id="expired-cookie"),
    pytest.param(lambda s: {"cookies": {COOKIE: reissued(s.sign_in(DAVE)["id"], aud="another-client")}},
                 id="wrong-audience-cookie"),
    pytest.param(lambda s: {"cookies": {COOKIE: s.sign_in(DAVE)["access"]}}, id="access-token-cookie"),
    pytest.param(lambda s: {"headers": {"Authorization": "Bearer nope"},
                            "cookies": {COOKIE: session_cookie(s, DAVE)}}, id="bad-bearer-beside-a-good-cookie"),
])
def test_the_gateway_refuses_with_401_in_the_helpdesk_envelope(stack: RunningStack, make_auth: Any) -> None:
    reply = requests.get(f"{stack.helpdesk}/tickets", timeout=10, **make_auth(stack))

    assert (reply.status_code, reply.json()) == (401, {"error": "Missing or invalid auth token"})


def test_roles_and_tenants(stack: RunningStack) -> None:
    ticket = new_ticket(stack, new_requester(stack, headers=stack.headers(ALICE)), headers=stack.headers(ALICE))
    url = f"{stack.helpdesk}/tickets/{ticket['id']}"

    by_bob = requests.patch(url, json={"priority": "high"}, headers=stack.headers(BOB), timeout=10)
    by_dave = requests.patch(url, json={"priority": "high"}, cookies={COOKIE: session_cookie(stack, DAVE)},
                             timeout=10)
    by_carol = requests.get(url, headers=stack.headers(CAROL), timeout=10)
    bob_metrics = requests.get(f"{stack.helpdesk}/metrics/tickets", headers=stack.headers(BOB), timeout=10)

    assert (by_bob.status_code, by_bob.json()) == (403, {"error": "Agent role required"})
    assert by_dave.status_code == 200
    assert (by_carol.status_code, by_carol.json()) == (404, {"error": "Ticket not found"})
    assert bob_metrics.status_code == 403


def test_a_preflight_allows_credentials_for_listed_origins_only(stack: RunningStack) -> None:
    def preflight(origin: str) -> requests.Response:
        return requests.options(f"{stack.helpdesk}/tickets", timeout=10,
                                headers={"Origin": origin, "Access-Control-Request-Method": "PATCH",
                                         "Access-Control-Request-Headers": "content-type"})

    allowed, other = preflight("http://localhost:3001"), preflight("https://evil.example")

    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3001"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Authorization,Content-Type,X-Requested-With"
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_cross_origin_answer_names_the_origin_and_exposes_the_cursor(stack: RunningStack) -> None:
    reply = requests.get(f"{stack.helpdesk}/tickets?limit=1", timeout=10,
                         headers={"Origin": "http://localhost:3001", **stack.headers(ALICE)})

    assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:3001"
    assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    assert "X-Next-Cursor" in reply.headers["Access-Control-Expose-Headers"]
    assert reply.headers["X-Next-Cursor"]
    # preflight-only headers belong to the preflight (answered by the gateway), not to every answer
    assert "Access-Control-Allow-Headers" not in reply.headers
