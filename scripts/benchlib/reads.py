"""DynamoDB items read per list request, by tenant size: `metered_reads()` around one handler call.

DESIGN.md §4: every documented filter is a Query on a key or index, so the items a request reads grow with
the page, not with the table. The ratio between sizes is the check (about 1.0x)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.dynamo import metered_reads
from opsdesk.support.records import Issue
from scripts.benchlib.api import Caller
from scripts.benchlib.dataset import Catalog, window_week

ISSUES = "/support/api/issues"


Query = dict[str, str]
Matches = Callable[[Issue], bool]


@dataclass(frozen=True)
class ListCase:
    name: str
    request: Callable[[Catalog], tuple[Query, Matches]]
    """The query string, and which issues it selects (to check `pagination.total` against the loaded data)."""
    flat: bool = True
    """Whether DESIGN.md §4 promises reads independent of the table size for this request."""
    note: str = ""


def _created_in(start: datetime, end: datetime, *, end_inclusive: bool = False) -> Matches:
    if end_inclusive:  # a moment as endDate counts its own millisecond
        return lambda issue: start <= parse_rfc3339(issue.created_at) <= end
    return lambda issue: start <= parse_rfc3339(issue.created_at) < end


def _week_days(_: Catalog) -> tuple[Query, Matches]:
    first, last = window_week()
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    return ({"startDate": first.isoformat(), "endDate": last.isoformat()},
            _created_in(start, start + timedelta(days=7)))


def _week_times(_: Catalog) -> tuple[Query, Matches]:
    first, _last = window_week()
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12, minutes=17, seconds=23)
    end = start + timedelta(days=6)
    return {"startDate": to_rfc3339(start), "endDate": to_rfc3339(end)}, _created_in(start, end, end_inclusive=True)


def _week_late_to_early(_: Catalog) -> tuple[Query, Matches]:
    """Edges far from noon: an edge day's hours outside the range are the fewer, so its day item is read less
    them (counters.cover)."""
    first, _last = window_week()
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2, minutes=41, seconds=5)
    end = start + timedelta(days=5, hours=19, minutes=2)
    return {"startDate": to_rfc3339(start), "endDate": to_rfc3339(end)}, _created_in(start, end, end_inclusive=True)


def _customer(catalog: Catalog) -> str:
    return catalog.customers[0].customer.id


CASES = (
    ListCase("first page, no filter", lambda c: ({}, lambda i: True)),
    ListCase("customerId", lambda c: ({"customerId": _customer(c)}, lambda i: i.customer.id == _customer(c))),
    ListCase("planeId", lambda c: ({"planeId": c.planes[0].id}, lambda i: i.primary_plane.id == c.planes[0].id)),
    ListCase("status=in_progress", lambda c: ({"status": "in_progress"}, lambda i: i.status == "in_progress")),
    ListCase("startDate+endDate, 7 whole days", _week_days),
    ListCase("page=5 (limit 20)", lambda c: ({"page": "5"}, lambda i: True)),
    ListCase("startDate+endDate as date-times, 6 days", _week_times, flat=False,
             note="the total: whole days and hours from counters, the issues of the two partial edge hours one by one"),
    ListCase("startDate+endDate as date-times, 02:41 to 21:43 five days later", _week_late_to_early, flat=False,
             note="edge days read whole, their few hours outside the range taken off"),
    ListCase("customerId+status (two filters)",
             lambda c: ({"customerId": _customer(c), "status": "in_progress"},
                        lambda i: i.customer.id == _customer(c) and i.status == "in_progress")),
    ListCase("customerId+planeId+status (three filters)",
             lambda c: ({"customerId": _customer(c), "planeId": c.planes[0].id, "status": "open"},
                        lambda i: i.customer.id == _customer(c) and i.primary_plane.id == c.planes[0].id
                        and i.status == "open")),
)


@dataclass
class CaseResult:
    name: str
    url: str
    items_read: int
    returned: int
    total: int
    expected_total: int
    moto_ms: float

    @property
    def total_right(self) -> bool:
        return self.total == self.expected_total


@dataclass
class SizeResult:
    size: int
    cases: list[CaseResult] = field(default_factory=list)


def measure(caller: Caller, catalog: Catalog, issues: list[Issue]) -> SizeResult:
    result = SizeResult(len(issues))
    for case in CASES:
        query, matches = case.request(catalog)
        url = f"{ISSUES}?{urlencode(query)}" if query else ISSUES
        with metered_reads() as meter:
            started = time.perf_counter()
            reply = caller.call("GET", url)
            elapsed = time.perf_counter() - started
        if reply["statusCode"] != 200:
            raise RuntimeError(f"GET {url} -> {reply['statusCode']}: {reply.get('body')}")
        body = json.loads(reply["body"])
        result.cases.append(CaseResult(case.name, url, meter.items, len(body["issues"]), body["pagination"]["total"],
                                       sum(1 for issue in issues if matches(issue)), elapsed * 1000))
    return result


def as_dict(results: list[SizeResult]) -> list[dict[str, Any]]:
    first, last = results[0], results[-1]
    rows = []
    for index, case in enumerate(CASES):
        rows.append({
            "request": case.name,
            "query": last.cases[index].url,
            "flat_by_design": case.flat,
            "note": case.note,
            "by_size": {str(r.size): {"items_read": r.cases[index].items_read, "returned": r.cases[index].returned,
                                      "total": r.cases[index].total, "expected_total": r.cases[index].expected_total,
                                      "moto_ms": r.cases[index].moto_ms}
                        for r in results},
            "ratio": last.cases[index].items_read / max(first.cases[index].items_read, 1),
        })
    return rows


ANALYTICS = "/support/api/analytics"
ANALYTICS_REQUESTS = (
    ("summary, all time", "summary"),
    ("summary, one year", "summary?startDate=2025-06-01&endDate=2026-05-31"),
    ("planes, all time", "planes"),
    ("docs-effectiveness", "docs-effectiveness"),
)
"""Analytics answer from aggregates kept on write: what they read follows the days asked for, not the issues."""


def measure_analytics(caller: Caller) -> dict[str, int]:
    found = {}
    for name, path in ANALYTICS_REQUESTS:
        with metered_reads() as meter:
            caller.expect(200, "GET", f"{ANALYTICS}/{path}")
        found[name] = meter.items
    return found
