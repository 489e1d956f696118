"""The response module in `make bench` (section 8) and its scale test (tests/integration/test_response_reads_scale.py):
items read per list at two tenant sizes, event ingest throughput through the handler on moto with the items written
per event, and the offline analysis on labelled incidents (tests/data/response_analysis: root-cause top-1 / top-3
and latency; the tuning set was tuned on, the holdout set only measured).

    python -m scripts.benchlib.response     # the analysis table alone (no AWS)
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from opsdesk.dynamo import metered_reads
from scripts.benchlib import labelled_sets

BASE = "/response"
SETS = labelled_sets("response_analysis")
TUNING_SET, SECOND_TUNING_SET, THIRD_TUNING_SET, HOLDOUT_SET, SEALED_SET, FRESH_SET = SETS
STATUSES = ("open", "investigating", "identified", "monitoring", "resolved", "closed")
SEVERITIES = ("critical", "high", "medium", "low", "info")
READ_REQUESTS = (
    ("incidents, first page (50)", "/api/incidents/"),
    ("incidents, limit=200", "/api/incidents/?limit=200"),
    ("incidents, status=resolved", "/api/incidents/?status=resolved"),
    ("incidents, status=monitoring&limit=10", "/api/incidents/?status=monitoring&limit=10"),
)
ANALYSIS_HEADERS = ["set", "cases", "root cause top-1", "top-3", "latency p50 / p95 per incident"]


# ---------------------------------------------------------------------------------------------------- reads
@dataclass
class LoadedTenant:
    tenant_id: str
    size: int
    load_seconds: float


def load_tenant(size: int) -> LoadedTenant:
    """A fresh tenant with `size` incidents, written in batches as the repository writes each one."""
    from opsdesk.dynamo_batches import batch_put
    from opsdesk.response.items import IncidentItem, incident_item
    from opsdesk.response.records import Incident, Status
    from opsdesk.response.repository import ResponseRepository

    ResponseRepository()  # binds the item classes to the table
    started = time.perf_counter()
    tenant_id = str(uuid.uuid4())
    start = datetime.now(UTC) - timedelta(minutes=size)
    items = []
    for n in range(size):
        at = start + timedelta(minutes=n)
        items.append(incident_item(Incident(
            id=str(uuid.uuid4()), tenant_id=tenant_id, title=f"incident {n}", description="",
            status=Status(STATUSES[n % len(STATUSES)]), severity=SEVERITIES[n % 5], source="bench", tags=(),  # type: ignore[arg-type]
            metadata={}, created_at=at, updated_at=at)))
    batch_put(IncidentItem, items)
    return LoadedTenant(tenant_id, size, time.perf_counter() - started)


def measure_reads(call: Callable[[str], Any]) -> dict[str, int]:
    """`call(path)` makes one GET of a response path (full, under BASE) and checks it answered 200."""
    found = {}
    for name, path in READ_REQUESTS:
        with metered_reads() as meter:
            call(BASE + path)
        found[name] = meter.items
    return found


def read_rows(measured: list[dict[str, int]]) -> list[list[Any]]:
    return [[name, *(m[name] for m in measured), f"{measured[-1][name] / max(measured[0][name], 1):.2f}x"]
            for name, _ in READ_REQUESTS]


# ---------------------------------------------------------------------------------------------------- ingest
@contextmanager
def counted_writes() -> Iterator[dict[str, int]]:
    """Items written to DynamoDB meanwhile, by any client of this process: BatchWriteItem puts and
    TransactWriteItems items (each item once, as DynamoDB bills it)."""
    from botocore.client import BaseClient

    counts = {"batch_items": 0, "transaction_items": 0, "requests": 0}
    original = BaseClient._make_api_call

    def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation in ("BatchWriteItem", "TransactWriteItems"):
            counts["requests"] += 1
            for requests in (params.get("RequestItems") or {}).values():
                counts["batch_items"] += len(requests)
            counts["transaction_items"] += len(params.get("TransactItems") or ())
        return original(client, operation, params)

    BaseClient._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


@dataclass
class IngestResult:
    events: int
    batch_size: int
    seconds: float
    items_written: int
    requests: int

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def items_per_event(self) -> float:
        return self.items_written / self.events if self.events else 0.0


def measure_ingest(post: Callable[[str, Any], Any], incident_ids: list[str], batches: int,
                   batch_size: int) -> IngestResult:
    """`post(path, body)` posts to the ingest handler in process and checks it answered 201."""
    started = time.perf_counter()
    with counted_writes() as counts:
        for batch in range(batches):
            post(f"{BASE}/api/ingest/events/batch", [
                {"incident_id": incident_ids[(batch + n) % len(incident_ids)], "event_type": "log", "level": "error",
                 "source": f"api-{n % 4}", "message": f"request {batch}-{n} failed: upstream timed out"}
                for n in range(batch_size)])
    seconds = time.perf_counter() - started
    return IngestResult(batches * batch_size, batch_size, seconds, counts["batch_items"] + counts["transaction_items"],
                        counts["requests"])


# ---------------------------------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class Case:
    case_id: str
    incident: Any
    events: tuple[Any, ...]
    expected: str
    acceptable: tuple[str, ...]

    def accepts(self, cause: str | None) -> bool:
        return cause == self.expected or cause in self.acceptable


def load_cases(path: Path) -> list[Case]:
    """Labelled incidents with their events (format: tests/data/response_analysis/README.md)."""
    from opsdesk.analysis.evidence import CAUSE_CLASSES
    from opsdesk.clock import parse_rfc3339
    from opsdesk.response.records import Event, Incident, Status

    cases = []
    for raw in json.loads(path.read_text(encoding="utf-8"))["cases"]:
        spec = raw["incident"]
        created = parse_rfc3339(spec["created_at"])
        incident = Incident(id=raw["id"], tenant_id="bench", title=spec["title"],
                            description=spec.get("description", ""), status=Status.OPEN,
                            severity=spec.get("severity", "medium"),
                            source=spec.get("source", "manual"), tags=tuple(spec.get("tags") or ()),
                            metadata={}, created_at=created, updated_at=created)
        events = tuple(Event(id=f"{raw['id']}-{n}", incident_id=raw["id"], event_type=e["event_type"],
                             message=e["message"], level=e.get("level", "info"), source=e.get("source", ""),
                             metadata=e.get("metadata") or {}, timestamp=parse_rfc3339(e["timestamp"]))
                       for n, e in enumerate(raw.get("events") or ()))
        expected = raw["expected_cause"]
        acceptable = tuple(raw.get("acceptable_causes") or ())
        unknown = {expected, *acceptable} - set(CAUSE_CLASSES)
        if unknown:
            raise ValueError(f"{path.name} case {raw['id']}: unknown causes {sorted(unknown)}")
        cases.append(Case(raw["id"], incident, events, expected, acceptable))
    return cases


def evaluate(path: Path, rounds: int = 3) -> dict[str, Any]:
    from opsdesk.analysis.providers import OfflineHypothesisProvider
    from opsdesk.response.analysis import analyse

    provider = OfflineHypothesisProvider()
    cases = load_cases(path)
    results = {case.case_id: analyse(case.incident, case.events, provider) for case in cases}
    samples = []
    for _ in range(rounds):
        for case in cases:
            started = time.perf_counter()
            analyse(case.incident, case.events, provider)
            samples.append((time.perf_counter() - started) * 1000)
    top1 = [case.accepts(results[case.case_id].analysis.cause) for case in cases]
    top3 = [any(case.accepts(h.cause) for h in results[case.case_id].hypotheses[:3]) for case in cases]
    return {
        "set": path.stem, "cases": len(cases),
        "top1": statistics.fmean(top1) if cases else 0.0, "top3": statistics.fmean(top3) if cases else 0.0,
        "latency_p50_ms": statistics.median(samples) if samples else 0.0,
        "latency_p95_ms": statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else 0.0,
        "misses": [{"id": c.case_id, "expected": c.expected,
                    "ranked": [h.cause for h in results[c.case_id].hypotheses[:3]]}
                   for c, hit in zip(cases, top1, strict=True) if not hit],
    }


def analysis_row(result: dict[str, Any]) -> list[Any]:
    return [result["set"], result["cases"], f"{result['top1']:.0%}", f"{result['top3']:.0%}",
            f"{result['latency_p50_ms']:.1f} / {result['latency_p95_ms']:.1f} ms"]


def analysis_report() -> list[dict[str, Any]]:
    return [evaluate(path) for path in SETS if path.exists()]


if __name__ == "__main__":
    from scripts.benchlib.table import render

    reports = analysis_report()
    print(render(ANALYSIS_HEADERS, [analysis_row(r) for r in reports]))
    for report in reports:
        if report["set"] == "tuning":
            for miss in report["misses"]:
                print("  miss", miss)
