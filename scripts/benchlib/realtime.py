"""Realtime benchmarks: WebSocket fan-out to many subscribed connections through the local management API, SSE
time to first event, and the items one fan-out invocation reads (a page of its stream's subscribers, not all
connections).

The fan-out is measured three ways (docs/benchmarks.md):
- end to end on the local stack: a REST write until every one of `connections` real WebSocket clients has it;
- the fan-out logic in this process against the same stack and clients (real posts through the local management
  API, real Queries of the stack's moto), one post at a time as before and with the worker pool, same run;
- the fan-out layer at 1,000 and 10,000 subscribers (subscriptions in moto, pages through an SQS queue in moto, each
  queued page posted by its own thread as by its own invocation), with a poster that waits a fixed time per post
  (the median of the real local posts above) instead of a WebSocket: one process on two cores cannot hold and
  serve 10,000 sockets as API Gateway does.

    python -m scripts.benchlib.realtime [--connections 1000] [--sizes 1000,10000]   (this section alone)
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import logging
import os
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import requests
import websockets

from scripts.local.stack_process import RunningStack, start_stack

ALICE = "alice@acme.test"
SSE_SAMPLES = 20
LAYER_SIZES = (1_000, 10_000)
LAYER_INVOCATIONS = (None, 5)
"""Page invocations running at once in the layer runs: None, one per queued page (as many as Lambda starts for
them); 5, what Lambda's SQS event source starts with before it scales out."""
WRITE_BATCH = 25
"""DynamoDB's BatchWriteItem limit (loading the layer runs' subscriptions)."""


@dataclass
class DirectFanout:
    """The fan-out logic in this process against the local stack's real clients: sequential (as before) and with
    the worker pool, in the same run."""

    connections: int
    sequential_seconds: float
    concurrent_seconds: float
    post_median_ms: float
    """A real local post (boto3 to the local management API, the gateway's send to the socket), timed one by one."""
    post_cpu_ms: float
    """This process's CPU per post in the sequential run: boto3's signing, sending and parsing."""

    @property
    def ratio(self) -> float:
        return self.sequential_seconds / self.concurrent_seconds


@dataclass
class LayerRun:
    subscribers: int
    reads: str
    """Where the subscriptions are read from: `memory` (no read latency) or `moto` (the local DynamoDB)."""
    pages: int
    invocations: int
    """Page invocations at once (threads receiving from the queue; one for the sequential run)."""
    post_latency_ms: float
    sequential_seconds: float | None
    concurrent_seconds: float

    @property
    def ratio(self) -> float | None:
        return self.sequential_seconds / self.concurrent_seconds if self.sequential_seconds else None


@dataclass
class StreamLatency:
    """Per write: milliseconds from the start of its request, and from its response, until an open stream read its
    event. The first includes the write itself (on moto, most of it); the second is the stream's own delay (0 when
    the event came before the response)."""

    from_request_ms: list[float] = field(default_factory=list)
    from_response_ms: list[float] = field(default_factory=list)

    def add(self, started: float, answered: float, read: float) -> None:
        self.from_request_ms.append((read - started) * 1000)
        self.from_response_ms.append(max(0.0, read - answered) * 1000)

    def as_dict(self) -> dict[str, Any]:
        return {"from_request_ms": self.from_request_ms, "from_response_ms": self.from_response_ms}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


@dataclass
class RealtimeResults:
    connections: int
    fanout_seconds: float
    sse_first_event: StreamLatency
    reads_per_event: dict[str, int]
    aura_first_event: StreamLatency
    direct: DirectFanout | None = None
    layer: list[LayerRun] = field(default_factory=list)

    @property
    def posts_per_second(self) -> float:
        return self.connections / self.fanout_seconds

    def as_dict(self) -> dict[str, Any]:
        return {"connections": self.connections, "fanout_seconds": self.fanout_seconds,
                "posts_per_second": self.posts_per_second, "sse_first_event": self.sse_first_event.as_dict(),
                "reads_per_event": self.reads_per_event, "aura_first_event": self.aura_first_event.as_dict(),
                "direct": asdict(self.direct) | {"ratio": self.direct.ratio} if self.direct else None,
                "layer": [asdict(run) | {"ratio": run.ratio} for run in self.layer]}


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


async def _first(ws: Any, kind: str) -> int:
    """The id of the client's next message of type `kind`."""
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == kind:
            return int(message["id"])


async def _fan_out(
    stack: RunningStack, connections: int, body: dict[str, Any], headers: dict[str, str]
) -> tuple[float, int, DirectFanout]:
    """Seconds from the REST write until every subscribed client has the event, and the event's id; then the
    fan-out logic run from this process to the same clients, sequential and concurrent."""
    url = f"{stack.info['websocket']}?token={headers['Authorization'].removeprefix('Bearer ')}"
    clients = []
    for _ in range(connections):
        ws = await websockets.connect(url, max_queue=None)
        await ws.send(json.dumps({"type": "subscribe", "channels": ["tenant"]}))
        clients.append(ws)
    await asyncio.gather(*(ws.recv() for ws in clients))  # every "subscribed"

    started = time.perf_counter()
    await asyncio.to_thread(requests.post, f"{stack.support}/issues", json=body, headers=headers, timeout=30)
    ids = await asyncio.wait_for(asyncio.gather(*(_first(ws, "issue.created") for ws in clients)), timeout=120)
    elapsed = time.perf_counter() - started
    try:
        direct = await _direct_fan_out(stack, clients, headers)
    finally:
        await asyncio.gather(*(ws.close() for ws in clients))
    return elapsed, max(ids), direct


class _TimedPoster:
    """A poster that times each post (wall and this thread's CPU)."""

    def __init__(self, poster: Any) -> None:
        self._poster = poster
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return bool(self._poster.post(connection_id, message))
        finally:
            self.cpu.append(time.thread_time() - cpu)
            self.wall.append(time.perf_counter() - started)


class _NoPages:
    def send(self, page: Any, delay_seconds: int = 0) -> None:
        raise AssertionError(f"the direct runs fit one page: {page}")


async def _direct_fan_out(stack: RunningStack, clients: list[Any], headers: dict[str, str]) -> DirectFanout:
    """opsdesk.realtime.Fanout from this process, against the stack's registry (its moto) and management API, to
    the clients still open: once one post at a time over one Query (what the fan-out did before), once as it does
    now. Each run ends when every client has the message."""
    from opsdesk.connections import ConnectionRegistry
    from opsdesk.realtime import POST_CONCURRENCY, Fanout, FanoutPage
    from opsdesk.settings import ConnectionSettings
    from opsdesk.wsapi import ManagementApiPoster

    info = stack.info
    registry = ConnectionRegistry(ConnectionSettings(
        aws_region=info["region"], aws_endpoint_url=info["aws_endpoint"],
        connections_table_name=info["tables"]["ConnectionsTable"]))
    poster = ManagementApiPoster(info["base_url"] + "/_ws", info["region"], max_pool_connections=POST_CONCURRENCY)
    tenant = next(u["tenant_id"] for u in info["users"] if u["username"] == ALICE)
    connections = len(clients)

    async def run(fanout: Fanout, message_id: int) -> float:
        message = {"type": "bench.direct", "id": message_id, "channel": "tenant", "data": {}}
        started = time.perf_counter()
        posting = asyncio.to_thread(fanout.deliver, FanoutPage(tenant, "tenant", message, walks=True))
        report, _ = await asyncio.gather(posting, asyncio.wait_for(
            asyncio.gather(*(_first(ws, "bench.direct") for ws in clients)), timeout=300))
        assert report.delivered >= connections, report
        return time.perf_counter() - started

    timed = _TimedPoster(poster)
    sequential = await run(Fanout(registry, timed, _NoPages(), page_size=connections + 10, workers=1), 1)
    concurrent = await run(Fanout(registry, poster, _NoPages(), page_size=max(connections + 10, 1_000)), 2)
    return DirectFanout(connections, sequential, concurrent, statistics.median(timed.wall) * 1000,
                        statistics.fmean(timed.cpu) * 1000)


def _sse_first_event(
    stack: RunningStack, body: dict[str, Any], headers: dict[str, str], last_id: int, latency: StreamLatency
) -> int:
    """Times a REST write until an SSE client, caught up to `last_id`, reads its event; the event's id."""
    resume = headers | {"Last-Event-ID": str(last_id)}
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client, \
            client.stream("GET", f"{stack.support}/events", headers=resume) as r:
        lines = r.iter_lines()
        next(lines)  # "retry:" opens the stream
        answered: list[float] = []
        started = time.perf_counter()
        writer = threading.Thread(target=lambda: (
            requests.post(f"{stack.support}/issues", json=body, headers=headers, timeout=10),
            answered.append(time.perf_counter())))
        writer.start()
        for line in lines:
            if line.startswith("id: "):
                read = time.perf_counter()
                writer.join()
                latency.add(started, answered[0], read)
                return int(line.removeprefix("id: "))
    raise RuntimeError("the stream ended before the event")


def _aura_first_event(stack: RunningStack, headers: dict[str, str], latency: StreamLatency) -> None:
    """Times a cancel until its `status_changed` on the ticket's aura stream (opened after `connected`)."""
    aura = stack.info["modules"]["aura"]
    created = requests.post(f"{aura}/tickets", json={"title": "Bench", "description": "Stream latency"},
                            headers=headers, timeout=10)
    ticket = created.json()["id"]
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client, \
            client.stream("GET", f"{aura}/tickets/{ticket}/stream", headers=headers) as r:
        lines = r.iter_lines()
        next(line for line in lines if line == "event: connected")
        answered: list[float] = []
        started = time.perf_counter()
        writer = threading.Thread(target=lambda: (
            requests.post(f"{aura}/tickets/{ticket}/cancel", headers=headers, timeout=10),
            answered.append(time.perf_counter())))
        writer.start()
        for line in lines:
            if line == "event: status_changed":
                read = time.perf_counter()
                writer.join()
                latency.add(started, answered[0], read)
                return
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


def measure(connections: int, sizes: tuple[int, ...] = LAYER_SIZES) -> RealtimeResults:
    with tempfile.TemporaryDirectory() as directory:
        stack = start_stack(Path(directory) / "state", Path(directory) / "stack.log")
        try:
            headers = stack.headers(ALICE)
            body = _issue_body(stack, headers)
            fanout_seconds, last_id, direct = asyncio.run(_fan_out(stack, connections, body, headers))
            first_event, aura_first_event = StreamLatency(), StreamLatency()
            for _ in range(SSE_SAMPLES):
                last_id = _sse_first_event(stack, body, headers, last_id, first_event)
                _aura_first_event(stack, headers, aura_first_event)
        finally:
            stack.stop()
    latency_ms = direct.post_median_ms
    layer = [run for size in sizes for run in fan_out_layer(size, latency_ms)]
    return RealtimeResults(connections, fanout_seconds, first_event, _reads_per_event(connections), aura_first_event,
                           direct, layer)


def median(values: list[float]) -> float:
    return statistics.median(values)


class _LatencyPoster:
    """Stands in for API Gateway's management API: every post takes `latency` seconds and succeeds, and many may
    be in flight at once. Counts the posts and the connections reached."""

    def __init__(self, latency: float, expected: int) -> None:
        self._latency = latency
        self._expected = expected
        self._lock = threading.Lock()
        self.reached: set[str] = set()
        self.posts = 0
        self.done = threading.Event()

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        time.sleep(self._latency)
        with self._lock:
            self.posts += 1
            self.reached.add(connection_id)
            if len(self.reached) == self._expected:
                self.done.set()
        return True


class _MemorySubscriptions:
    """Stands in for the registry's Query in the layer runs: the subscriptions in key order, a page at a time after
    a cursor, as opsdesk.connections reads its partition, without a read's latency."""

    def __init__(self, connection_ids: list[str]) -> None:
        self._ids = sorted(connection_ids)

    def subscriber_page(self, tenant_id: str, stream: str, *, limit: int, after: str | None = None) -> Any:
        from opsdesk.pagination import Page
        from opsdesk.realtime import Subscriber

        start = bisect.bisect_right(self._ids, after) if after else 0
        chunk = self._ids[start:start + limit + 1]
        return Page([Subscriber(c, frozenset()) for c in chunk[:limit]],
                    next_cursor=chunk[limit - 1] if len(chunk) > limit else None)

    def close(self, connection_id: str) -> None:
        raise AssertionError("no connection is gone in the layer runs")


def _load_subscribers(tenant_id: str, count: int) -> list[str]:
    """`count` subscriptions to the tenant's `tenant` stream in moto, written in batches (the items the registry's
    subscribe writes, without the connections' own items, which a fan-out never reads); their connection ids."""
    from opsdesk.connections import subscription_key

    dynamodb = _client("dynamodb")
    table = os.environ["CONNECTIONS_TABLE_NAME"]
    expires = str(int((datetime.now(UTC) + timedelta(hours=2)).timestamp()))
    ids = [f"{uuid.uuid4().hex[:16]}" for _ in range(count)]
    items = [{"PutRequest": {"Item": {key: {"S": value} for key, value in subscription_key(
        tenant_id, "tenant", connection_id).items()} | {"expiresAt": {"N": expires}}}} for connection_id in ids]
    for start in range(0, count, WRITE_BATCH):
        pending = {table: items[start:start + WRITE_BATCH]}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return ids


def _client(service: str) -> Any:
    from scripts.local.aws import client

    return client(service, os.environ["AWS_ENDPOINT_URL"], os.environ["AWS_REGION"])


def _receive_pages(queue_url: str, fanout: Any, stop: threading.Event) -> None:
    """One page invocation after another, as one SQS poller of batch size 1 hands them to Lambda."""
    from opsdesk.realtime import FanoutPage

    sqs = _client("sqs")
    while not stop.is_set():
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=1
                                       ).get("Messages", [])
        for message in messages:
            fanout.deliver(FanoutPage.from_body(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _layer_once(registry: Any, tenant_id: str, subscribers: int, latency: float, *, sequential: bool,
                invocations: int | None) -> tuple[float, int]:
    """Seconds from the stream record's invocation until every subscriber had its post; and the pages it queued."""
    from opsdesk.queues import SqsSender
    from opsdesk.realtime import FANOUT_QUEUE_URL_SETTING, Fanout, FanoutPage, QueuedPages

    queue_url = os.environ[FANOUT_QUEUE_URL_SETTING]
    poster = _LatencyPoster(latency, subscribers)
    pages = QueuedPages(SqsSender(queue_url, region=os.environ["AWS_REGION"],
                                  endpoint_url=os.environ["AWS_ENDPOINT_URL"]))
    fanout = (Fanout(registry, poster, pages, page_size=subscribers, workers=1) if sequential
              else Fanout(registry, poster, pages))
    queued = -(-subscribers // fanout.page_size) - 1
    stop = threading.Event()
    receivers = [threading.Thread(target=_receive_pages, args=(queue_url, fanout, stop), daemon=True)
                 for _ in range(min(invocations or queued, queued))]
    for receiver in receivers:
        receiver.start()
    message = {"type": "bench.layer", "id": 1, "channel": "tenant", "data": {"size": subscribers}}
    try:
        started = time.perf_counter()
        report = fanout.deliver(FanoutPage(tenant_id, "tenant", message, walks=True))
        if not poster.done.wait(timeout=600):
            raise RuntimeError(f"the fan-out reached {len(poster.reached)} of {subscribers}")
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        for receiver in receivers:
            receiver.join()
    assert poster.posts == subscribers, (poster.posts, subscribers)  # each exactly once
    assert report.pages_queued == queued, (report.pages_queued, queued)
    return elapsed, queued


def fan_out_layer(subscribers: int, post_latency_ms: float) -> list[LayerRun]:
    """The fan-out of one event to `subscribers` at the layer, with subscriptions in memory: sequential (one
    invocation, one post at a time, as before), then paged and concurrent with each queued page its own invocation,
    for each of LAYER_INVOCATIONS; then paged and concurrent with the subscriptions read from moto."""
    tenant = str(uuid.uuid4())
    ids = _load_subscribers(tenant, subscribers)
    latency = post_latency_ms / 1000
    in_memory = _MemorySubscriptions(ids)
    sequential, _ = _layer_once(in_memory, tenant, subscribers, latency, sequential=True, invocations=1)
    runs: list[LayerRun] = []
    for invocations in LAYER_INVOCATIONS:
        concurrent, queued = _layer_once(in_memory, tenant, subscribers, latency, sequential=False,
                                         invocations=invocations)
        if runs and queued <= (invocations or queued):
            continue  # as many invocations as pages already: the same run again
        runs.append(LayerRun(subscribers, "memory", queued + 1, min(invocations or queued, queued) + 1,
                             post_latency_ms, sequential if not runs else None, concurrent))
    from opsdesk.connections import ConnectionRegistry

    concurrent, queued = _layer_once(ConnectionRegistry(), tenant, subscribers, latency, sequential=False,
                                     invocations=None)
    runs.append(LayerRun(subscribers, "moto", queued + 1, queued + 1, post_latency_ms, None, concurrent))
    return runs


def main(argv: list[str] | None = None) -> None:
    """This section alone, as `make bench` runs it (moto in this process for the layer runs)."""
    from scripts.bench import parse_sizes, run_realtime
    from scripts.local.aws import MotoServer, provision

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=1_000, help="real WebSocket clients on the local stack")
    parser.add_argument("--sizes", type=parse_sizes, default=LAYER_SIZES, help="subscribers in the layer runs")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = MotoServer().start()
    try:
        os.environ.update(provision(server.endpoint).function_environment())
        results = run_realtime(args.connections, args.sizes)
    finally:
        server.stop()
    print(json.dumps(results.as_dict(), indent=2))


if __name__ == "__main__":
    main()
