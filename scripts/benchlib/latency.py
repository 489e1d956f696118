"""In-process latency: `lambda_handler` called directly with API Gateway events, against moto over loopback.

Each operation is warmed up, then timed `iterations` times around the handler call only (building the event
and decoding the reply are outside the timed window). Items read come from `metered_reads()`."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opsdesk.dynamo import metered_reads
from scripts.benchlib.api import Caller
from scripts.benchlib.dataset import Catalog, required_context_values

ISSUES = "/support/api/issues"


@dataclass
class Timed:
    samples_ms: list[float]
    cpu_ms: list[float]
    items_read: list[int]
    replies: list[dict[str, Any]]


@dataclass
class OperationLatency:
    name: str
    request: str
    timed: Timed

    @property
    def p50(self) -> float:
        return statistics.median(self.timed.samples_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.timed.samples_ms, n=100, method="inclusive")[94]

    @property
    def cpu_p50(self) -> float:
        return statistics.median(self.timed.cpu_ms)

    @property
    def items_read(self) -> int:
        return int(statistics.median(self.timed.items_read))

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "request": self.request, "iterations": len(self.timed.samples_ms),
                "p50_ms": self.p50, "p95_ms": self.p95, "mean_ms": statistics.fmean(self.timed.samples_ms),
                "handler_cpu_p50_ms": self.cpu_p50, "items_read_median": self.items_read}


def create_body(catalog: Catalog, number: int) -> dict[str, Any]:
    entry = catalog.customers[number % len(catalog.customers)]
    plane = catalog.plane("app-cicd")
    return {
        "customerId": entry.customer.id,
        "environmentId": entry.environments[0].id,
        "submitterHandle": "jane.doe@bench.example",
        "primaryPlaneId": plane.id,
        "secondaryPlaneIds": [],
        "title": f"Pipeline timeout during deployment #{number}",
        "description": "The deploy job of the payments service times out after 30 minutes.",
        "pipelineUrl": "https://concourse.example.com/teams/main/pipelines/payments",
        "contexts": [{"planeContextId": c.id, "value": v} for c, v in required_context_values(plane)],
    }


def _timed(caller: Caller, status: int, request: Callable[[int], tuple[str, str, Any]], *, count: int, warmup: int,
           after: Callable[[dict[str, Any]], None] | None = None) -> Timed:
    """Wall time and this thread's CPU time (the handler's own work, moto's server threads excluded)."""
    timed = Timed([], [], [], [])
    for number in range(warmup + count):
        method, url, body = request(number)
        with metered_reads() as meter:
            cpu, started = time.thread_time(), time.perf_counter()
            result = caller.call(method, url, body)
            elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
        if result["statusCode"] != status:
            raise RuntimeError(f"{method} {url} -> {result['statusCode']}: {result.get('body')}")
        if number >= warmup:
            timed.samples_ms.append(elapsed * 1000)
            timed.cpu_ms.append(cpu * 1000)
            timed.items_read.append(meter.items)
            timed.replies.append(result)
        if after:
            after(result)
    return timed


def _issue_id(reply: dict[str, Any]) -> str:
    issue_id: str = json.loads(reply["body"])["issue"]["id"]
    return issue_id


def measure(caller: Caller, catalog: Catalog, *, iterations: int, warmup: int, pool_size: int,
            forget: Callable[[str], None]) -> list[OperationLatency]:
    """`pool_size` issues are created first (untimed) for get, update and list. Each timed create is deleted
    again right after (`forget`, untimed), so every create meets a table of the same size."""
    results = []

    def create(number: int) -> tuple[str, str, Any]:
        return "POST", ISSUES, create_body(catalog, number)

    pool = [_issue_id(r) for r in _timed(caller, 201, create, count=pool_size, warmup=0).replies]
    timed = _timed(caller, 201, create, count=iterations, warmup=warmup, after=lambda reply: forget(_issue_id(reply)))
    results.append(OperationLatency("create", f"POST {ISSUES}", timed))

    def get(number: int) -> tuple[str, str, Any]:
        return "GET", f"{ISSUES}/{pool[number % len(pool)]}", None

    timed = _timed(caller, 200, get, count=iterations, warmup=warmup)
    results.append(OperationLatency("get", f"GET {ISSUES}/{{id}}", timed))

    def update(number: int) -> tuple[str, str, Any]:
        return "PATCH", f"{ISSUES}/{pool[number % len(pool)]}", {"title": f"Renamed {number}"}

    results.append(OperationLatency("update (title)", f"PATCH {ISSUES}/{{id}}",
                                    _timed(caller, 200, update, count=iterations, warmup=warmup)))
    for name, url in (("list, first page", ISSUES), ("list, status=open", f"{ISSUES}?status=open")):
        timed = _timed(caller, 200, lambda _n, u=url: ("GET", u, None), count=iterations, warmup=warmup)
        results.append(OperationLatency(name, f"GET {url}", timed))
    return results
