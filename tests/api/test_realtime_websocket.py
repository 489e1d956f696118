"""The WebSocket API on the local stack with a real client (the `websockets` package) over loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import requests
import websockets
from websockets.exceptions import InvalidStatus

from tests.api.conftest import RunningStack
from tests.api.test_support_api import ALICE, CAROL, new_issue_body

pytestmark = pytest.mark.xdist_group("local-stack")

DELIVERY_TIMEOUT = 15.0  # far above the benchmarked latency: only a lost event fails


async def receive(ws: Any, timeout: float) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))  # type: ignore[no-any-return]


async def subscribed(stack: RunningStack, username: str) -> Any:
    token = stack.sign_in(username)["id"]
    ws = await websockets.connect(f"{stack.info['websocket']}?token={token}")
    await ws.send(json.dumps({"type": "subscribe", "channels": ["tenant"]}))
    assert await receive(ws, 5) == {"type": "subscribed", "channels": ["tenant"]}
    return ws


def create_issue(stack: RunningStack, username: str) -> dict[str, Any]:
    return requests.post(f"{stack.support}/issues", json=new_issue_body(stack, username),  # type: ignore[no-any-return]
                         headers=stack.headers(username), timeout=10).json()["issue"]


def test_a_rest_write_reaches_a_subscribed_client(stack: RunningStack) -> None:
    # How fast is a benchmark figure (scripts/bench); a timed assertion here would only measure the CI machine
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        ws = await subscribed(stack, ALICE)
        issue = await asyncio.to_thread(create_issue, stack, ALICE)
        message = await receive(ws, DELIVERY_TIMEOUT)
        await ws.close()
        return issue, message

    issue, message = asyncio.run(scenario())

    assert (message["type"], message["channel"], message["data"]["id"]) == ("issue.created", "tenant", issue["id"])
    assert isinstance(message["id"], int)


def test_a_client_of_another_tenant_receives_nothing(stack: RunningStack) -> None:
    async def scenario() -> list[dict[str, Any]]:
        carol = await subscribed(stack, CAROL)
        await asyncio.to_thread(create_issue, stack, ALICE)
        got = []
        try:
            while True:
                got.append(await receive(carol, 1.5))
        except TimeoutError:
            pass
        await carol.close()
        return got

    assert asyncio.run(scenario()) == []


def test_a_connect_with_a_bad_token_is_refused(stack: RunningStack) -> None:
    async def scenario() -> None:
        await websockets.connect(f"{stack.info['websocket']}?token=not-a-token")

    with pytest.raises(InvalidStatus):
        asyncio.run(scenario())


def test_the_first_message_form_authenticates_a_connection_opened_without_token(stack: RunningStack) -> None:
    async def scenario() -> list[dict[str, Any]]:
        ws = await websockets.connect(stack.info["websocket"])
        await ws.send(json.dumps({"type": "subscribe", "channels": ["tenant"]}))
        before = await receive(ws, 5)
        await ws.send(json.dumps({"type": "connect", "token": stack.sign_in(ALICE)["id"]}))
        connected = await receive(ws, 5)
        await ws.send(json.dumps({"type": "subscribe", "channels": ["tenant"]}))
        after = await receive(ws, 5)
        await ws.close()
        return [before, connected, after]

    before, connected, after = asyncio.run(scenario())

    assert before["type"] == "error"
    assert connected == {"type": "connected"}
    assert after == {"type": "subscribed", "channels": ["tenant"]}


def test_helpdesk_queue_changes_reach_admin_connections_only(stack: RunningStack) -> None:
    from tests.api.test_helpdesk_api import DAVE
    from tests.api.test_helpdesk_events_sse import create_ticket

    async def channel(username: str) -> Any:
        ws = await websockets.connect(f"{stack.info['websocket']}?token={stack.sign_in(username)['id']}")
        await ws.send(json.dumps({"type": "subscribe", "channels": ["helpdesk"]}))
        assert (await receive(ws, 5))["type"] == "subscribed"
        return ws

    async def types_until(ws: Any, wanted: set[str]) -> list[str]:
        """Message types until all of `wanted` arrived, then whatever follows within half a second."""
        types: list[str] = []
        try:
            while not wanted <= set(types):
                types.append((await receive(ws, DELIVERY_TIMEOUT))["type"])
            while True:
                types.append((await receive(ws, 0.5))["type"])
        except TimeoutError:
            return types

    async def scenario() -> tuple[list[str], list[str]]:
        admin, agent = await channel(ALICE), await channel(DAVE)
        await asyncio.to_thread(create_ticket, stack, headers=stack.headers(DAVE))
        got = await asyncio.gather(types_until(admin, {"ticket_created", "queue_changed"}),
                                   types_until(agent, {"ticket_created"}))
        await admin.close()
        await agent.close()
        return got[0], got[1]

    admin_types, agent_types = asyncio.run(scenario())

    assert "queue_changed" in admin_types and "ticket_created" in admin_types
    assert "ticket_created" in agent_types and "queue_changed" not in agent_types
