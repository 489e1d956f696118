"""The copilot on the local stack over HTTP and WebSocket, as a client of seeds/sre-copilot-api.md would use it:
sign in, cookies and refresh, the seeded demo project, incidents with hypotheses arriving live."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from typing import Any

import pytest
import requests
import websockets

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")
DELIVERY_TIMEOUT = 15.0
ALICE, BOB = "alice@acme.test", "bob@acme.test"
PASSWORD = "Opsdesk-demo-2026"


def base(stack: RunningStack) -> str:
    return str(stack.info["modules"]["copilot"])


def login(stack: RunningStack, email: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(f"{base(stack)}/auth/login", json={"email": email, "password": password}, timeout=10)


def bearer(stack: RunningStack, email: str) -> dict[str, str]:
    reply = login(stack, email)
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def set_cookies(reply: requests.Response) -> dict[str, str]:
    """Name -> the whole Set-Cookie line (requests' jar would not send `Secure` cookies over http)."""
    lines = reply.raw.headers.getlist("Set-Cookie")
    return {line.split("=", 1)[0]: line for line in lines}


def cookie_value(line: str) -> str:
    return line.split(";", 1)[0].split("=", 1)[1]


def test_login_sets_an_access_cookie_for_the_module_and_a_refresh_cookie_for_auth_only(stack: RunningStack) -> None:
    reply = login(stack, ALICE)
    cookies = set_cookies(reply)

    assert reply.status_code == 200
    assert reply.json()["user"]["role"] == "owner"
    access, refresh = cookies["access_token"], cookies["refresh_token"]
    for line in (access, refresh):
        assert "HttpOnly" in line and "Secure" in line and "SameSite=Strict" in line
    assert "Path=/copilot/api/v1;" in access + ";" and "Max-Age=900" in access
    assert "Path=/copilot/api/v1/auth" in refresh and "Max-Age=604800" in refresh


def test_the_access_cookie_authenticates_and_cookie_writes_must_be_json(stack: RunningStack) -> None:
    access = cookie_value(set_cookies(login(stack, ALICE))["access_token"])
    headers = {"Cookie": f"access_token={access}"}

    me = requests.get(f"{base(stack)}/auth/me", headers=headers, timeout=10)
    form_write = requests.post(f"{base(stack)}/incidents", data="title=x", timeout=10,
                               headers=headers | {"Content-Type": "text/plain"})

    assert me.status_code == 200 and me.json()["email"] == ALICE
    assert form_write.status_code in (400, 422)


def test_refresh_by_cookie_then_logout_revokes_the_refresh_token(stack: RunningStack) -> None:
    refresh = cookie_value(set_cookies(login(stack, BOB))["refresh_token"])
    cookie = {"Cookie": f"refresh_token={refresh}"}

    refreshed = requests.post(f"{base(stack)}/auth/refresh", headers=cookie, timeout=10)
    access = refreshed.json()["access_token"]
    logout = requests.post(f"{base(stack)}/auth/logout", timeout=10,
                           headers={"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
                           json={"refresh_token": refresh})
    again = requests.post(f"{base(stack)}/auth/refresh", headers=cookie, timeout=10)

    assert refreshed.status_code == 200 and access
    assert refreshed.json()["expires_in"] == 900  # the document's 15 minutes, which the authorizer enforces
    assert logout.status_code == 200
    assert "Max-Age=0" in set_cookies(logout)["access_token"]
    assert again.status_code == 401
    assert again.json() == {"detail": "Invalid, expired or revoked refresh token"}  # not "email or password"


def test_a_logout_by_bearer_header_alone_ends_the_sessions_refresh_token_too(stack: RunningStack) -> None:
    signed_in = login(stack, BOB)
    refresh_cookie = {"Cookie": f"refresh_token={cookie_value(set_cookies(signed_in)['refresh_token'])}"}
    other_session = login(stack, BOB)

    logout = requests.post(f"{base(stack)}/auth/logout", timeout=10,
                           headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    refreshed = requests.post(f"{base(stack)}/auth/refresh", headers=refresh_cookie, timeout=10)
    again = requests.post(f"{base(stack)}/auth/refresh", headers=refresh_cookie, timeout=10)
    other = requests.post(f"{base(stack)}/auth/refresh", timeout=10, headers={
        "Cookie": f"refresh_token={cookie_value(set_cookies(other_session)['refresh_token'])}"})

    assert logout.status_code == 200
    assert refreshed.status_code == 401 and refreshed.json() == {"detail": "Invalid, expired or revoked refresh token"}
    assert again.status_code == 401
    assert other.status_code == 200  # the user's other sign-ins go on


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_the_tokens_of_login_and_refresh_expire_in_the_documents_15_minutes(stack: RunningStack) -> None:
    """The copilot's users sign in with its own app client (15-minute tokens), not the platform's (1 hour)."""
    signed_in = login(stack, BOB)
    refresh = cookie_value(set_cookies(signed_in)["refresh_token"])
    refreshed = requests.post(f"{base(stack)}/auth/refresh", headers={"Cookie": f"refresh_token={refresh}"},
                              timeout=10)

    for reply in (signed_in, refreshed):
        claims = claims_of(reply.json()["access_token"])
        assert claims["exp"] - claims["iat"] == 900
        assert claims["aud"] != stack.info["client_id"]
    me = requests.get(f"{base(stack)}/auth/me", timeout=10,
                      headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"})
    assert me.status_code == 200 and me.json()["email"] == BOB


def test_after_logout_the_sessions_token_is_refused_by_header_and_by_cookie(stack: RunningStack) -> None:
    signed_in = login(stack, BOB)
    cookies = set_cookies(signed_in)
    token, access, refresh = signed_in.json()["access_token"], cookie_value(cookies["access_token"]), \
        cookie_value(cookies["refresh_token"])
    bearer_header = {"Authorization": f"Bearer {token}"}
    other_session = login(stack, BOB).json()["access_token"]
    assert requests.get(f"{base(stack)}/auth/me", headers=bearer_header, timeout=10).status_code == 200

    logout = requests.post(f"{base(stack)}/auth/logout", timeout=10,
                           headers={"Cookie": f"access_token={access}; refresh_token={refresh}"})

    assert logout.status_code == 200
    assert requests.get(f"{base(stack)}/auth/me", headers=bearer_header, timeout=10).status_code == 401
    assert requests.get(f"{base(stack)}/auth/me", headers={"Cookie": f"access_token={access}"},
                        timeout=10).status_code == 401
    assert requests.get(f"{base(stack)}/auth/me", headers={"Authorization": f"Bearer {other_session}"},
                        timeout=10).status_code == 200  # signing out of one browser leaves the others signed in


def test_the_demo_project_has_incidents_in_several_states_with_hypotheses(stack: RunningStack) -> None:
    headers = bearer(stack, ALICE)

    incidents = requests.get(f"{base(stack)}/incidents?limit=100", headers=headers, timeout=10).json()
    states = {i["state"] for i in incidents}
    hypotheses = requests.get(f"{base(stack)}/incidents/{incidents[0]['id']}/hypotheses", headers=headers,
                              timeout=10).json()

    assert len(states) >= 3
    assert hypotheses and hypotheses[0]["rank"] == 1


def test_another_tenant_sees_none_of_the_demo_project(stack: RunningStack) -> None:
    acme = requests.get(f"{base(stack)}/incidents", headers=bearer(stack, ALICE), timeout=10).json()
    carol = bearer(stack, "carol@globex.test")

    assert requests.get(f"{base(stack)}/incidents/{acme[0]['id']}", headers=carol, timeout=10).status_code == 404


def test_a_new_incident_gets_hypotheses_announced_on_the_websocket(stack: RunningStack) -> None:
    headers = bearer(stack, ALICE)
    ws_token = requests.get(f"{base(stack)}/auth/ws-token", headers=headers, timeout=10).json()["token"]
    tenant_id = requests.get(f"{base(stack)}/auth/me", headers=headers, timeout=10).json()["tenant_id"]

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        async with websockets.connect(stack.info["websocket"]) as ws:
            await ws.send(json.dumps({"type": "connect", "token": ws_token, "tenantId": tenant_id}))
            assert json.loads(await ws.recv()) == {"type": "connected"}
            await ws.send(json.dumps({"type": "subscribe", "channels": ["incidents", "hypotheses", "alerts"]}))
            assert json.loads(await ws.recv())["type"] == "subscribed"
            incident = await asyncio.to_thread(lambda: requests.post(
                f"{base(stack)}/incidents", headers=headers, timeout=10,
                json={"title": f"Checkout errors {uuid.uuid4().hex[:6]}", "description": "502 from the LB",
                      "service_name": "checkout", "severity": "critical"}).json())
            got: list[dict[str, Any]] = []
            deadline = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < deadline and not any(m["type"] == "hypothesis.generated" for m in got):
                got.append(json.loads(await asyncio.wait_for(ws.recv(), DELIVERY_TIMEOUT)))
            return incident, got

    incident, messages = asyncio.run(scenario())
    created = next(m for m in messages if m["type"] == "incident.created")
    generated = next(m for m in messages if m["type"] == "hypothesis.generated")

    assert created["data"] == {"id": incident["id"], "title": incident["title"], "severity": "critical",
                               "state": "detected"}
    assert "timestamp" in created
    assert generated["incidentId"] == incident["id"]
    assert set(generated["data"]) == {"count", "top_hypothesis"}
    assert set(generated["data"]["top_hypothesis"]) == {"claim", "confidence_score"}


def test_the_documents_websocket_flow_works_with_the_access_token_and_follows_the_current_project(
        stack: RunningStack) -> None:
    # The document's connect message carries the access token of /auth/login, not a ws-token.
    signed_in = login(stack, ALICE).json()
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    tenant_id = requests.get(f"{base(stack)}/auth/me", headers=headers, timeout=10).json()["tenant_id"]
    title = f"Queue backlog {uuid.uuid4().hex[:6]}"

    async def scenario() -> list[dict[str, Any]]:
        async with websockets.connect(stack.info["websocket"]) as ws:
            await ws.send(json.dumps({"type": "connect", "token": signed_in["access_token"], "tenantId": tenant_id}))
            assert json.loads(await ws.recv()) == {"type": "connected"}
            await ws.send(json.dumps({"type": "subscribe", "channels": ["incidents"]}))
            subscribed = json.loads(await ws.recv())
            assert subscribed == {"type": "subscribed", "channels": ["incidents"]}, subscribed
            await asyncio.to_thread(lambda: requests.post(
                f"{base(stack)}/incidents", headers=headers, timeout=10,
                json={"title": title, "description": "consumer lag", "service_name": "queue", "severity": "high"}))
            got: list[dict[str, Any]] = []
            deadline = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < deadline and not any(m.get("data", {}).get("title") == title for m in got):
                got.append(json.loads(await asyncio.wait_for(ws.recv(), DELIVERY_TIMEOUT)))
            return got

    messages = asyncio.run(scenario())

    created = next(m for m in messages if m["type"] == "incident.created" and m["data"]["title"] == title)
    assert created["data"]["severity"] == "high"


def test_a_member_removed_from_a_project_stops_receiving_its_events_on_an_open_websocket(
        stack: RunningStack) -> None:
    # Given a project of alice's with bob as a member, both following its incidents over the WebSocket
    alice, bob = bearer(stack, ALICE), bearer(stack, BOB)
    me = {user: requests.get(f"{base(stack)}/auth/me", headers=h, timeout=10).json() for user, h in
          ((ALICE, alice), (BOB, bob))}
    project = requests.post(f"{base(stack)}/projects", headers=alice, timeout=10,
                            json={"name": f"Payroll {uuid.uuid4().hex[:6]}"}).json()
    added = requests.post(f"{base(stack)}/projects/{project['id']}/members", headers=alice, timeout=10,
                          json={"user_id": me[BOB]["id"], "role": "member"})
    assert added.status_code in (200, 201), added.text

    def switch(headers: dict[str, str], project_id: str | None) -> None:
        if project_id is not None:
            switched = requests.post(f"{base(stack)}/auth/switch-project", headers=headers, timeout=10,
                                     json={"project_id": project_id})
            assert switched.status_code == 200, switched.text

    def ws_token(headers: dict[str, str]) -> str:
        token: str = requests.get(f"{base(stack)}/auth/ws-token", headers=headers, timeout=10).json()["token"]
        return token

    title = f"SECRET payroll breach {uuid.uuid4().hex[:6]}"
    try:
        switch(alice, project["id"])
        switch(bob, project["id"])
        tokens = {"alice": ws_token(alice), "bob": ws_token(bob), "bob, kept": ws_token(bob)}

        async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
            async with websockets.connect(stack.info["websocket"]) as alice_ws, \
                    websockets.connect(stack.info["websocket"]) as bob_ws:
                for ws, token in ((alice_ws, tokens["alice"]), (bob_ws, tokens["bob"])):
                    await ws.send(json.dumps({"type": "connect", "token": token}))
                    assert json.loads(await ws.recv()) == {"type": "connected"}
                    await ws.send(json.dumps({"type": "subscribe", "channels": ["incidents"]}))
                    assert json.loads(await ws.recv())["type"] == "subscribed"
                # When alice removes bob, then opens an incident in the project
                removed = await asyncio.to_thread(lambda: requests.delete(
                    f"{base(stack)}/projects/{project['id']}/members/{me[BOB]['id']}", headers=alice, timeout=10))
                assert removed.status_code in (200, 204), removed.text
                await asyncio.to_thread(lambda: requests.post(
                    f"{base(stack)}/incidents", headers=alice, timeout=10,
                    json={"title": title, "description": "x", "service_name": "payroll", "severity": "critical"}))
                seen_by_alice: list[dict[str, Any]] = []
                deadline = time.monotonic() + DELIVERY_TIMEOUT
                while time.monotonic() < deadline and not any(m.get("data", {}).get("title") == title
                                                              for m in seen_by_alice):
                    seen_by_alice.append(json.loads(await asyncio.wait_for(alice_ws.recv(), DELIVERY_TIMEOUT)))
                seen_by_bob: list[dict[str, Any]] = []
                try:  # alice has it: the fan-out has run; give bob's a second more
                    while True:
                        seen_by_bob.append(json.loads(await asyncio.wait_for(bob_ws.recv(), 1.0)))
                except TimeoutError:
                    pass
            async with websockets.connect(stack.info["websocket"]) as late:  # a ws-token issued before removal
                await late.send(json.dumps({"type": "connect", "token": tokens["bob, kept"]}))
                assert json.loads(await late.recv()) == {"type": "connected"}
                await late.send(json.dumps({"type": "subscribe", "channels": ["incidents"]}))
                refused: dict[str, Any] = json.loads(await asyncio.wait_for(late.recv(), DELIVERY_TIMEOUT))
            return seen_by_alice, seen_by_bob, refused

        seen_by_alice, seen_by_bob, refused = asyncio.run(scenario())
    finally:
        switch(alice, me[ALICE]["project_id"])
        switch(bob, me[BOB]["project_id"])
        requests.delete(f"{base(stack)}/projects/{project['id']}", headers=alice, timeout=10)

    # Then alice's connection gets the incident, bob's gets nothing of it, and bob's older token follows nothing
    assert any(m.get("data", {}).get("title") == title for m in seen_by_alice)
    assert [m for m in seen_by_bob if title in json.dumps(m)] == []
    assert refused == {"type": "error", "message": "You are not a member of this project"}


def test_after_logout_the_access_token_opens_no_websocket(stack: RunningStack) -> None:
    signed_in = login(stack, BOB)
    token = signed_in.json()["access_token"]
    cookies = set_cookies(signed_in)
    requests.post(f"{base(stack)}/auth/logout", timeout=10, headers={
        "Cookie": f"access_token={cookie_value(cookies['access_token'])}; "
                  f"refresh_token={cookie_value(cookies['refresh_token'])}"})

    async def connect_message_answer() -> dict[str, Any]:
        async with websockets.connect(stack.info["websocket"]) as ws:
            await ws.send(json.dumps({"type": "connect", "token": token}))
            answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), DELIVERY_TIMEOUT))
            return answer

    assert asyncio.run(connect_message_answer()) == {"type": "error", "message": "Invalid token"}


def test_the_interactive_docs_are_served_under_the_base_path(stack: RunningStack) -> None:
    spec = requests.get(f"{base(stack)}/openapi.json", timeout=10)
    swagger = requests.get(f"{base(stack)}/docs", timeout=10)
    redoc = requests.get(f"{base(stack)}/redoc", timeout=10)

    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")
    assert swagger.status_code == 200 and "swagger" in swagger.text.lower()
    assert redoc.status_code == 200 and "redoc" in redoc.text.lower()
