"""Realtime benchmarks: WebSocket fan-out to many subscribed connections through the local management API, SSE
time to first event, and the items one fan-out reads (its stream's subscribers, not all connections)."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import requests
import websockets

from scripts.local.stack_process import RunningStack, start_stack

ALICE = "alice@acme.test"
SSE_SAMPLES = 10


@dataclass
class RealtimeResults:
    connections: int
    fanout_seconds: float
    sse_first_event_ms: list[float]
    reads_per_event: dict[str, int]
    aura_first_event_ms: list[float]

    @property
    def posts_per_second(self) -> float:
        return self.connections / self.fanout_seconds

    def as_dict(self) -> dict[str, Any]:
        return {"connections": self.connections, "fanout_seconds": self.fanout_seconds,
                "posts_per_second": self.posts_per_second, "sse_first_event_ms": self.sse_first_event_ms,
                "reads_per_event": self.reads_per_event, "aura_first_event_ms": self.aura_first_event_ms}


def _issue_body(stack: RunningStack, headers: dict[str, str]) -> dict[str, Any]:
    support = stack.support
    customer = requests.get(f"{support}/customers", headers=headers, timeout=10).json()["customers"][0]
    environment = requests.get(f"{support}/customers/{customer['id']}/environments", headers=headers,
                               timeout=10).json()["environments"][0]
    plane = next(p for p in requests.get(f"{support}/planes", headers=headers, timeout=10).json()["planes"]
                 if p["slug"] == "app-cicd")
    stage = next(c for c in plane["contexts"] if c["key"] == "pipeline_stage")
    return {"customerId": customer["id"], "environmentId": environment["id"], "submitterHandle": "bench@example.test",
            "primaryPlaneId": plane["id"], "title": "Realtime benchmark", "description": "Fan-out measurement.",
            "contexts": [{"planeContextId": stage["id"], "value": "build"}]}


async def _fan_out(
    stack: RunningStack, connections: int, body: dict[str, Any], headers: dict[str, str]
) -> tuple[float, int]:
    """Seconds from the REST write until every subscribed client has the event, and the event's id."""
    url = f"{stack.info['websocket']}?token={headers['Authorization'].removeprefix('Bearer ')}"
    clients = []
    for _ in range(connections):
        ws = await websockets.connect(url, max_queue=None)
        await ws.send(json.dumps({"type": "subscribe", "channels": ["tenant"]}))
        clients.append(ws)
    await asyncio.gather(*(ws.recv() for ws in clients))  # every "subscribed"

    async def first_event(ws: Any) -> int:
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "issue.created":
                return int(message["id"])

    started = time.perf_counter()
    await asyncio.to_thread(requests.post, f"{stack.support}/issues", json=body, headers=headers, timeout=30)
    ids = await asyncio.wait_for(asyncio.gather(*(first_event(ws) for ws in clients)), timeout=120)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(ws.close() for ws in clients))
    return elapsed, max(ids)


def _sse_first_event_ms(
    stack: RunningStack, body: dict[str, Any], headers: dict[str, str], last_id: int
) -> tuple[float, int]:
    """Milliseconds from the REST write until an SSE client, caught up to `last_id`, reads the event; its id."""
    resume = headers | {"Last-Event-ID": str(last_id)}
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client, \
            client.stream("GET", f"{stack.support}/events", headers=resume) as r:
        lines = r.iter_lines()
        next(lines)  # "retry:" opens the stream
        started = time.perf_counter()
        requests.post(f"{stack.support}/issues", json=body, headers=headers, timeout=10)
        for line in lines:
            if line.startswith("id: "):
                return (time.perf_counter() - started) * 1000, int(line.removeprefix("id: "))
    raise RuntimeError("the stream ended before the event")


def _aura_first_event_ms(stack: RunningStack, headers: dict[str, str]) -> float:
    """Milliseconds from a cancel to its `status_changed` on the ticket's aura stream (opened after `connected`)."""
    aura = stack.info["modules"]["aura"]
    created = requests.post(f"{aura}/tickets", json={"title": "Bench", "description": "Stream latency"},
                            headers=headers, timeout=10)
    ticket = created.json()["id"]
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client, \
            client.stream("GET", f"{aura}/tickets/{ticket}/stream", headers=headers) as r:
        lines = r.iter_lines()
        next(line for line in lines if line == "event: connected")
        started = time.perf_counter()
        requests.post(f"{aura}/tickets/{ticket}/cancel", headers=headers, timeout=10)
        for line in lines:
            if line == "event: status_changed":
                return (time.perf_counter() - started) * 1000
    raise RuntimeError("the stream ended before the event")


def _reads_per_event(subscribers: int) -> dict[str, int]:
    """Items one fan-out reads for a tenant with `subscribers` connections on the stream, while another tenant
    has as many again: only the stream's own subscription partition is read."""
    from opsdesk.connections import ConnectionRegistry
    from opsdesk.dynamo import metered_reads
    from opsdesk.realtime import FANOUT_PAGE_SIZE

    registry = ConnectionRegistry()
    now = datetime.now(UTC)
    tenants = [str(uuid.uuid4()), str(uuid.uuid4())]
    for tenant in tenants:
        for _ in range(subscribers):
            connection_id = uuid.uuid4().hex
            registry.open(connection_id, tenant, "bench", now)
            connection = registry.get(connection_id)
            assert connection is not None
            registry.subscribe(connection, {"tenant"}, now)
    with metered_reads() as reads:
        found = registry.subscriber_page(tenants[0], "tenant", limit=FANOUT_PAGE_SIZE)
    assert len(found.items) == min(subscribers, FANOUT_PAGE_SIZE)
    return {"subscribers of the stream": subscribers, "connections in the table": 2 * subscribers,
            "items read per event": reads.items}


def measure(connections: int) -> RealtimeResults:
    with tempfile.TemporaryDirectory() as directory:
        stack = start_stack(Path(directory) / "state", Path(directory) / "stack.log")
        try:
            headers = stack.headers(ALICE)
            body = _issue_body(stack, headers)
            fanout_seconds, last_id = asyncio.run(_fan_out(stack, connections, body, headers))
            first_event = []
            for _ in range(SSE_SAMPLES):
                milliseconds, last_id = _sse_first_event_ms(stack, body, headers, last_id)
                first_event.append(milliseconds)
            aura_first_event = [_aura_first_event_ms(stack, headers) for _ in range(SSE_SAMPLES)]
        finally:
            stack.stop()
    return RealtimeResults(connections, fanout_seconds, first_event, _reads_per_event(connections), aura_first_event)


def median(values: list[float]) -> float:
    return statistics.median(values)
