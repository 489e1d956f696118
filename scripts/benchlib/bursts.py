"""A burst of one tenant's writes: N issues created at once (SupportRepository.create_issue, as SupportService
stores them) on moto, with moto made to refuse a transaction whose items another one holds, as DynamoDB does
(scripts.local.moto_patches, emulate_transaction_conflicts). Every create adds to the tenant's counter items; the
run counts the conflicts, the 429s and the wall time, and checks every counter against the issues actually
created.

The repository's event log keeps nothing (opsdesk.eventlog.DiscardedEvents), so the `issue.created` event is
staged nowhere: its stream head is a single ADD
outside the transaction, which never conflicts, and moto applies every write one at a time, so its two extra
requests per create would put moto's own time for 200 creates near the 10 s retry window (measured: 7 to 16 s),
and the 429s would then measure moto, not the counters.

Two runs side by side: counters as they were (every create adds to the same counter items; the run replaces
opsdesk.support.table_repository's counter_sk by the identity) and with spill items (opsdesk.dynamo.counter_sk)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, replace
from itertools import combinations

from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.dynamo import forget_contention
from opsdesk.errors import RateLimited
from opsdesk.events import TENANT_STREAM, DomainEvent
from opsdesk.support import table_repository as support_repository
from opsdesk.support.records import Issue, IssueFilters
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import ISSUE_CREATED
from opsdesk.support.views import issue_summary_view
from scripts.benchlib.dataset import seed_catalog, synthetic_issues
from scripts.local import moto_patches

HOLD_SECONDS = 0.010
"""How long a transaction holds its items before it applies: about one TransactWriteItems round trip in-region."""


@dataclass(frozen=True)
class Burst:
    counters: str
    creates: int
    created: int
    refused_429: int
    conflicts: int
    wall_seconds: float
    p95_seconds: float
    counters_checked: int
    counters_wrong: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@contextmanager
def _one_item_per_counter() -> Iterator[None]:
    """Counters as before spill items: every transaction adds to the counter items themselves."""
    spilling: Callable[[str], str] = support_repository.counter_sk
    support_repository.counter_sk = lambda sk: sk  # type: ignore[assignment]
    try:
        yield
    finally:
        support_repository.counter_sk = spilling  # type: ignore[assignment]


def _create(repository: SupportRepository, tenant: str, issue: Issue) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        repository.create_issue(tenant, issue, [DomainEvent(ISSUE_CREATED, TENANT_STREAM, issue_summary_view(issue))])
    except RateLimited:
        return False, time.perf_counter() - started
    return True, time.perf_counter() - started


def burst(repository: SupportRepository, creates: int, *, spill: bool, hold_seconds: float = HOLD_SECONDS) -> Burst:
    tenant = f"bench-burst-{uuid.uuid4()}"
    stamp = to_rfc3339(utc_now())  # one day, as a burst is
    issues = [replace(issue, created_at=stamp, updated_at=stamp, resolved_at=stamp if issue.resolved_at else None)
              for issue in synthetic_issues(seed_catalog(repository, tenant), creates, first_number=1)]
    forget_contention()  # each run starts as a fresh process would, not warned by the run before
    conflicts_before = moto_patches.transaction_conflicts()
    moto_patches.emulate_transaction_conflicts(hold_seconds)
    started = time.perf_counter()
    try:
        with (nullcontext() if spill else _one_item_per_counter()), ThreadPoolExecutor(creates) as pool:
            results = list(pool.map(lambda issue: _create(repository, tenant, issue), issues))
    finally:
        moto_patches.emulate_transaction_conflicts(0)
    wall = time.perf_counter() - started
    created = [issue for issue, (done, _) in zip(issues, results, strict=True) if done]
    expected = Counter(filters for issue in created for filters in _counted_filters(issue))
    wrong = sum(1 for filters, count in expected.items() if repository.count_issues(tenant, filters) != count)
    latencies = sorted(seconds for _, seconds in results)
    return Burst(counters="spill items (now)" if spill else "one item each (before)", creates=creates,
                 created=len(created), refused_429=creates - len(created),
                 conflicts=moto_patches.transaction_conflicts() - conflicts_before, wall_seconds=wall,
                 p95_seconds=latencies[int(0.95 * (len(latencies) - 1))], counters_checked=len(expected),
                 counters_wrong=wrong)



def _counted_filters(issue: Issue) -> list[IssueFilters]:
    """The lists whose totals count the issue, one counter each (opsdesk.support.counters.counted_names): no
    filter, and every set of its customer, plane and status."""
    values = {"customer_id": issue.customer.id, "plane_id": issue.primary_plane.id, "status": issue.status}
    return [IssueFilters(**{name: values[name] for name in chosen})  # type: ignore[arg-type]
            for size in range(len(values) + 1) for chosen in combinations(values, size)]


def measure(repository: SupportRepository, creates: int) -> list[Burst]:
    """Moto's floor (no conflicts), then counters as before and as now under conflicts, in one run, after a burst
    that is not counted (the first one also opens every thread's connections)."""
    burst(repository, creates, spill=True, hold_seconds=0)
    return [burst(repository, creates, spill=True, hold_seconds=0), burst(repository, creates, spill=False),
            burst(repository, creates, spill=True)]


def table_rows(results: list[Burst]) -> list[list[str | int | float]]:
    floor = results[0].wall_seconds
    return [[("no conflicts (moto's floor)" if not index else result.counters), result.created, result.refused_429,
             result.conflicts, f"{result.conflicts / result.creates:.2f}", f"{result.wall_seconds:.2f}",
             f"{result.wall_seconds / floor:.2f}x", f"{result.p95_seconds:.2f}",
             f"{result.counters_checked - result.counters_wrong} / {result.counters_checked}"]
            for index, result in enumerate(results)]
