"""A burst of one tenant's writes, for every module: N creates at once (one thread each, through the module's
repository or service as its handlers call it) on moto, with moto made to refuse a transaction whose items another
one holds, as DynamoDB does (scripts.local.moto_patches, emulate_transaction_conflicts). Every create adds to
counter items that the tenant's other creates add to as well; the run counts the conflicts, the 429s and the wall
time, and checks every counter the creates moved against the creates that committed.

| module | what is created | its counter items | checked after the burst |
|---|---|---|---|
| support | issues | the tenant's and each customer's all-time, day and hour items | every list total (count_issues) |
| helpdesk | tickets, each numbered first | the tenant's all-time and day items | created all time and per day |
| copilot | incidents | the project's day item | incidents created per day |
| response | incidents | 8 metrics shards shared by every tenant | created per severity, open |
| aura | tickets, with their audit entry | the tenant's counters item | per status, priority, audit type |

The repositories' event logs keep nothing (opsdesk.eventlog.DiscardedEvents), so the creates' events are staged
nowhere: a stream head is a single ADD outside the transaction, which never conflicts, and moto applies every write
one at a time, so two extra requests per create would put moto's own time for 200 creates near the 10 s retry
window (measured: 7 to 16 s), and the 429s would then measure moto, not the counters.

Runs side by side: moto's floor (no conflicts), counters as they were (every create adds to the same counter
items; the run replaces the module's `counter_sk` by the identity) and with spill items (opsdesk.dynamo.counter_sk).
The response module has no "before": its shards are picked at random on every attempt."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cache
from itertools import combinations
from typing import Any

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.dynamo import forget_contention
from opsdesk.errors import RateLimited
from opsdesk.eventlog import DiscardedEvents
from scripts.local import moto_patches

HOLD_SECONDS = 0.010
"""How long a transaction holds its items before it applies: about one TransactWriteItems round trip in-region."""


@dataclass(frozen=True)
class Round:
    """One burst's creates, each a call of its own, and the check of the counters they moved: given which creates
    committed, how many counters it compared and how many were wrong."""

    creates: Sequence[Callable[[], object]]
    check: Callable[[Sequence[int]], tuple[int, int]]
    """Called with the indexes of the creates that committed."""


@dataclass(frozen=True)
class Target:
    module: str
    writes: str
    prepare: Callable[[int], Round]
    """A fresh tenant and `creates` creates for it."""
    spilling_modules: tuple[str, ...]
    """The modules whose `counter_sk` the "before" run replaces; none: the module has no "before"."""
    counters_now: str = "spill items (now)"


@dataclass(frozen=True)
class Burst:
    module: str
    counters: str
    creates: int
    created: int
    refused_429: int
    conflicts: int
    wall_seconds: float
    p95_seconds: float
    counters_checked: int
    counters_wrong: int
    spilled: int
    """Counter adds sent to a spill item (opsdesk.dynamo.counter_sk) rather than to the counter item."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@contextmanager
def _counter_keys(modules: Sequence[str], spill: bool, spilled: list[int]) -> Iterator[None]:
    """Each of `modules` with its `counter_sk` replaced: by the identity for counters as before spill items (every
    transaction adds to the counter items themselves), else by one that counts in `spilled[0]` the adds it sends
    to a spill item."""
    lock = threading.Lock()

    def counted(spilling: Callable[[str], str]) -> Callable[[str], str]:
        def counter_sk(sk: str) -> str:
            key = spilling(sk)
            if key != sk:
                with lock:
                    spilled[0] += 1
            return key
        return counter_sk

    with ExitStack() as undo:
        for name in modules:
            module = importlib.import_module(name)
            spilling = module.counter_sk
            module.counter_sk = counted(spilling) if spill else (lambda sk: sk)
            undo.callback(setattr, module, "counter_sk", spilling)
        yield


def _timed(create: Callable[[], object]) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        create()
    except RateLimited:
        return False, time.perf_counter() - started
    return True, time.perf_counter() - started


def burst(target: Target, creates: int, *, spill: bool, hold_seconds: float = HOLD_SECONDS) -> Burst:
    planned = target.prepare(creates)
    forget_contention()  # each run starts as a fresh process would, not warned by the run before
    conflicts_before = moto_patches.transaction_conflicts()
    moto_patches.emulate_transaction_conflicts(hold_seconds)
    spilled = [0]
    started = time.perf_counter()
    try:
        with _counter_keys(target.spilling_modules, spill, spilled), ThreadPoolExecutor(creates) as pool:
            results = list(pool.map(_timed, planned.creates))
    finally:
        moto_patches.emulate_transaction_conflicts(0)
    wall = time.perf_counter() - started
    committed = [index for index, (done, _) in enumerate(results) if done]
    checked, wrong = planned.check(committed)
    latencies = sorted(seconds for _, seconds in results)
    return Burst(module=target.module, counters=target.counters_now if spill else "one item each (before)",
                 creates=creates, created=len(committed), refused_429=creates - len(committed),
                 conflicts=moto_patches.transaction_conflicts() - conflicts_before, wall_seconds=wall,
                 p95_seconds=latencies[int(0.95 * (len(latencies) - 1))], counters_checked=checked,
                 counters_wrong=wrong, spilled=spilled[0])


def _compared(expected: dict[Any, int], found: Callable[[Any], int]) -> tuple[int, int]:
    return len(expected), sum(1 for key, count in expected.items() if found(key) != count)


def _fresh_tenant(kind: str) -> str:
    return f"bench-burst-{kind}-{uuid.uuid4()}"


@cache
def _repository(module: str) -> Any:
    """One repository per module for every burst, as one warm function holds one: a new repository opens its
    connections anew, and the first burst on it would measure that (hence measure's uncounted first burst)."""
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.helpdesk.repository import TicketRepository
    from opsdesk.response.repository import ResponseRepository
    from opsdesk.support.repository import SupportRepository

    kinds = {"support": SupportRepository, "helpdesk": TicketRepository, "copilot": CopilotRepository,
             "response": ResponseRepository, "aura": AuraRepository}
    return kinds[module](DiscardedEvents())


# support: issues (opsdesk.support.counters: every list total is a counter)

def _support(creates: int) -> Round:
    from opsdesk.events import TENANT_STREAM, DomainEvent
    from opsdesk.support.records import IssueFilters
    from opsdesk.support.service import ISSUE_CREATED
    from opsdesk.support.views import issue_summary_view
    from scripts.benchlib.dataset import seed_catalog, synthetic_issues

    repository, tenant = _repository("support"), _fresh_tenant("support")
    stamp = to_rfc3339(utc_now())  # one day, as a burst is
    issues = [replace(issue, created_at=stamp, updated_at=stamp, resolved_at=stamp if issue.resolved_at else None)
              for issue in synthetic_issues(seed_catalog(repository, tenant), creates, first_number=1)]

    def check(committed: Sequence[int]) -> tuple[int, int]:
        expected: Counter[IssueFilters] = Counter()
        for index in committed:
            issue = issues[index]
            values = {"customer_id": issue.customer.id, "plane_id": issue.primary_plane.id, "status": issue.status}
            # Every list whose total counts the issue: no filter, and every set of its customer, plane and status.
            expected.update(IssueFilters(**{name: values[name] for name in chosen})  # type: ignore[arg-type]
                            for size in range(len(values) + 1) for chosen in combinations(values, size))
        return _compared(expected, lambda filters: repository.count_issues(tenant, filters))

    return Round([lambda issue=issue: repository.create_issue(
        tenant, issue, [DomainEvent(ISSUE_CREATED, TENANT_STREAM, issue_summary_view(issue))]) for issue in issues],
        check)


# helpdesk: tickets, each numbered as the service numbers it (one UpdateItem, outside the transaction)

def _helpdesk(creates: int) -> Round:
    from opsdesk.helpdesk.records import Ticket, TicketSource, TicketStatus

    repository, tenant = _repository("helpdesk"), _fresh_tenant("helpdesk")
    now = utc_now()

    def create() -> None:
        stamp = to_rfc3339(now)
        repository.create_ticket(tenant, Ticket(
            id=str(uuid.uuid4()), number=repository.next_ticket_number(tenant), title="VPN down",
            description="Remote access fails", requester_id=str(uuid.uuid4()), priority="normal",
            status=TicketStatus.OPEN, source=TicketSource.API, created_at=stamp, updated_at=stamp,
            created_by="bench-agent"))

    def check(committed: Sequence[int]) -> tuple[int, int]:
        expected = {"all time": len(committed), "the day": len(committed)}
        found = {"all time": repository.totals(tenant).created,
                 "the day": repository.created_per_day(tenant, now.date(), now.date()).get(now.date(), 0)}
        return _compared(expected, found.__getitem__)

    return Round([create] * creates, check)


# copilot: incidents of one project

def _copilot(creates: int) -> Round:
    from opsdesk.copilot.records import Incident, IncidentState, Severity

    repository, tenant, project = _repository("copilot"), _fresh_tenant("copilot"), str(uuid.uuid4())
    now = datetime.now(UTC)
    severities = list(Severity)

    def create(n: int) -> None:
        repository.create_incident(tenant, Incident(
            id=str(uuid.uuid4()), project_id=project, title=f"incident {n}", description="",
            service_name=f"svc-{n % 7}", severity=severities[n % len(severities)], state=IncidentState.DETECTED,
            detected_at=now, created_at=now, updated_at=now))

    def check(committed: Sequence[int]) -> tuple[int, int]:
        days = repository.incident_days(tenant, project, now.date(), now.date())
        return _compared({"the day": len(committed)}, lambda _: sum(day.incidents_created for day in days))

    return Round([lambda n=n: create(n) for n in range(creates)], check)


# response: incidents, counted in the metrics shards every tenant shares

def _response(creates: int) -> Round:
    from opsdesk.response.records import SEVERITIES, NewIncident
    from opsdesk.response.service import ResponseService

    repository = _repository("response")
    service, tenant = ResponseService(repository), _fresh_tenant("response")
    principal = Principal("bench", tenant, "bench", frozenset())
    severities = list(SEVERITIES)
    before = repository.metrics()

    def check(committed: Sequence[int]) -> tuple[int, int]:
        expected = Counter(f"created_{severities[n % len(severities)]}" for n in committed)
        expected["status_open"] = len(committed)
        after = repository.metrics()
        return _compared(dict(expected), lambda name: int(after[name] - before[name]))

    return Round([lambda n=n: service.create_incident(principal, NewIncident(
        title=f"incident {n}", severity=severities[n % len(severities)], source="bench"))
        for n in range(creates)], check)


# aura: tickets, each with its `ticket_created` audit entry

def _aura(creates: int) -> Round:
    from opsdesk.aura.records import PRIORITIES
    from opsdesk.aura.requests import CreateTicketRequest
    from opsdesk.aura.service import AuraService
    from scripts.benchlib.aura import TimedKicks

    repository, tenant = _repository("aura"), _fresh_tenant("aura")
    service = AuraService(repository, TimedKicks())
    principal = Principal("bench", tenant, "bench", frozenset())
    priorities = list(PRIORITIES)
    bodies = [CreateTicketRequest.model_validate({"title": f"T{n}", "description": "Restart the api deployment",
                                                  "priority": priorities[n % len(priorities)]})
              for n in range(creates)]

    def check(committed: Sequence[int]) -> tuple[int, int]:
        expected = Counter(f"priority_{bodies[n].priority}" for n in committed)
        for name in ("tickets", "status_draft", "audit", "type_ticket_created"):
            expected[name] = len(committed)
        counters = repository.counters(tenant)
        return _compared(dict(expected), lambda name: counters.get(name, 0))

    return Round([lambda body=body: service.create_ticket(principal, body) for body in bodies], check)


TARGETS = (
    Target("support", "issue creates", _support, ("opsdesk.support.table_repository",)),
    Target("helpdesk", "ticket creates", _helpdesk, ("opsdesk.helpdesk.ticket_repository",)),
    Target("copilot", "incident creates", _copilot, ("opsdesk.copilot.incident_repository",)),
    Target("response", "incident creates", _response, (), "random shards (now)"),
    Target("aura", "ticket creates", _aura, ("opsdesk.aura.repository",)),
)


def measure(target: Target, creates: int) -> list[Burst]:
    """Moto's floor (no conflicts), then counters as before (where the module had a "before") and as now under
    conflicts, in one run, after a burst that is not counted (the first one also opens every thread's
    connections)."""
    burst(target, creates, spill=True, hold_seconds=0)
    floor = burst(target, creates, spill=True, hold_seconds=0)
    before = [burst(target, creates, spill=False)] if target.spilling_modules else []
    return [floor, *before, burst(target, creates, spill=True)]


def table_rows(results: list[Burst]) -> list[list[str | int | float]]:
    """One row per burst; each module's first is its floor, which its other rows are divided by."""
    floors = {}
    for result in results:
        floors.setdefault(result.module, result)
    rows: list[list[str | int | float]] = []
    for result in results:
        floor = floors[result.module]
        rows.append([result.module, "no conflicts (moto's floor)" if result is floor else result.counters,
                     result.created, result.refused_429, result.conflicts, f"{result.conflicts / result.creates:.2f}",
                     f"{result.wall_seconds:.2f}", f"{result.wall_seconds / floor.wall_seconds:.2f}x",
                     f"{result.p95_seconds:.2f}", result.spilled,
                     f"{result.counters_checked - result.counters_wrong} / {result.counters_checked}"])
    return rows


def main(argv: list[str] | None = None) -> None:
    """This section alone, as `make bench` runs it: `python -m scripts.benchlib.bursts [--creates 200]
    [--modules support,aura]`."""
    from scripts.bench import run_write_bursts
    from scripts.local.aws import MotoServer, provision

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--creates", type=int, default=200, help="concurrent creates per burst")
    parser.add_argument("--modules", default=",".join(target.module for target in TARGETS),
                        help="which modules' creates, comma-separated")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = MotoServer().start()
    try:
        os.environ.update(provision(server.endpoint).function_environment())
        results = run_write_bursts(args.creates, [t for t in TARGETS if t.module in args.modules.split(",")])
    finally:
        server.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
