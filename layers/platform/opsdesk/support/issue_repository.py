"""IssueRepository: support issues on the SupportTable: the yearly sequences, issues with the counters they move
(one transaction), their lists (a Query on a list index, the total from counters: counters.cover) and the issue
totals analytics reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.dynamo import Outcome, all_of, counter_totals, domain_error_for, get_item, record_items_read
from opsdesk.events import DomainEvent
from opsdesk.frozen import frozen
from opsdesk.keys import day_sk
from opsdesk.pagination import Page, PageRequest
from opsdesk.support.analytics import DayRange
from opsdesk.support.counters import (
    ALL_TIME_SK,
    HOUR,
    ISSUE_SK,
    Moves,
    combined_name,
    counter_partition,
    cover,
    dimensions_for,
    hour_sk,
    issue_moves,
    issue_pk,
    resolutions_pk,
    settled_before,
    stats_pk,
)
from opsdesk.support.items import (
    KEY_ONLY,
    LIST_INDEX_BY_KIND,
    LIST_KEY_BY_KIND,
    CounterItem,
    IssueItem,
    StatsItem,
    issue_item,
    issue_record,
)
from opsdesk.support.records import Issue, IssueFilters
from opsdesk.support.table_repository import SupportTableRepository


@frozen
class _Counted:
    """What a list counts and reads: a counter's name and the partition of its counter items, and the index
    partition (with the other filters as a filter expression) that holds its issues."""

    name: str
    counter_pk: str
    index: GlobalSecondaryIndex[Any]
    partition: str
    condition: Condition | None = None
    moves_later: bool = False
    """Whether an issue's counts move after its creation: with a status, a status change moves the creation
    day's and hour's counters, so their hours are never taken off a day item (counters.cover)."""


class IssueRepository(SupportTableRepository):
    """Issues, numbered per tenant and year; a write moves the counters of every list it changes."""

    def next_issue_sequence(self, tenant_id: str, year: int) -> int:
        return self._reserve_sequence(tenant_id, year, 1)

    def _reserve_sequence(self, tenant_id: str, year: int, count: int) -> int:
        """Add `count` to the year's sequence atomically and return the last number reserved."""
        counter = CounterItem(f"T#{tenant_id}#SEQ", f"ISSUE#{year}")
        try:
            result = counter.update(actions=[CounterItem.n.add(count)])
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Could not number the issue") from exc
        return int(result["Attributes"]["n"]["N"])

    def create_issue(self, tenant_id: str, issue: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = issue_item(tenant_id, issue)
        moves = issue_moves(tenant_id, None, issue)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=IssueItem.pk.does_not_exist())
            self._count(tx, moves)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            # The same issue stored is our own earlier attempt; another under its id is a conflict; none means an
            # event number was taken by another writer in the meantime.
            stored = self.get_issue(tenant_id, issue.id)
            if stored is None:
                return Outcome.RETRY
            return Outcome.DONE if stored == issue else Outcome.CONFLICT

        self._commit(write, "Issue already exists", outcome)

    def import_issues(self, tenant_id: str, issues: Iterable[Issue]) -> None:
        """Bulk load for seeding and benchmarks: batch writes, then one counter update per dimension and day.
        Not atomic across items; numbers must come from `reserve_display_numbers`."""
        deltas: Moves = {}
        with IssueItem.batch_write() as batch:
            for issue in issues:
                batch.save(issue_item(tenant_id, issue))
                for key, moves in issue_moves(tenant_id, None, issue).items():
                    deltas.setdefault(key, Counter()).update(moves)
        for (pk, sk), counts in deltas.items():
            StatsItem(pk, sk).update(
                actions=[NumberAttribute(attr_name=name).add(n) for name, n in counts.items()]
            )

    def reserve_display_numbers(self, tenant_id: str, year: int, count: int) -> range:
        last = self._reserve_sequence(tenant_id, year, count)
        return range(last - count + 1, last + 1)

    def get_issue(self, tenant_id: str, issue_id: str) -> Issue | None:
        item = get_item(IssueItem, issue_pk(tenant_id, issue_id), ISSUE_SK)
        return issue_record(item) if item else None

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        item = issue_item(tenant_id, after)
        moves = issue_moves(tenant_id, before, after)

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=IssueItem.version == before.version)
            self._count(tx, moves)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            stored = self.get_issue(tenant_id, after.id)
            if stored == after:
                return Outcome.DONE  # our own earlier attempt
            if stored is None or stored.version != before.version:
                return Outcome.CONFLICT  # someone else changed it
            return Outcome.RETRY  # only an event number was taken meanwhile

        self._commit(write, "The issue was changed by someone else; reload it and retry", outcome)

    def query_issues(self, tenant_id: str, filters: IssueFilters, page: PageRequest) -> Page[Issue]:
        counted = _counted(tenant_id, filters)
        total = self._total(tenant_id, counted, filters.start, filters.end)
        if page.offset >= total:
            return Page(items=[], total=total)  # past the end: nothing to read
        results = counted.index.query(
            counted.partition,
            range_key_condition=_created_between(filters.start, filters.end),
            filter_condition=counted.condition,
            scan_index_forward=False,
            limit=page.offset + page.limit,
            page_size=page.offset + page.limit,
        )
        issues = [issue_record(item) for item in _skip(results, page.offset)]
        record_items_read(results.page_iter.total_scanned_count)
        return Page(items=issues, total=total)

    def count_issues(self, tenant_id: str, filters: IssueFilters) -> int:
        return self._total(tenant_id, _counted(tenant_id, filters), filters.start, filters.end)

    # Analytics aggregates

    def issue_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """The issue counters and resolutions summed over `days` (all time: two items, else one per day)."""
        return self._sum_totals(stats_pk(tenant_id), days) + self._sum_totals(resolutions_pk(tenant_id), days)

    # Counting

    def _total(self, tenant_id: str, dimension: _Counted, start: datetime | None, end: datetime | None) -> int:
        """Issues of one dimension created in [start, end): day counters for whole days (and edge days whose hours
        outside the range are fewer), plus or minus hour counters, and a count of the issues of the partial hours at
        its edges (counters.cover)."""
        name, pk = [dimension.name], dimension.counter_pk
        if start is None and end is None:
            return counter_totals(StatsItem, pk, ALL_TIME_SK, ALL_TIME_SK, name).get(
                ALL_TIME_SK, Counter())[dimension.name]

        def hours(low: datetime, high: datetime) -> int:
            return sum(hour[dimension.name] for hour in
                       counter_totals(StatsItem, pk, hour_sk(low), hour_sk(high - HOUR), name).values())

        spans = cover(start, end, None if dimension.moves_later else settled_before(utc_now()))
        total = sum(self._count_range(dimension, low, high) for low, high in spans.issues)
        total += sum(hours(low, high) for low, high in spans.hours)
        total -= sum(hours(low, high) for low, high in spans.less_hours)
        if spans.days is not None:
            first, last = spans.days
            total += sum(day[dimension.name] for day in counter_totals(
                StatsItem, pk, day_sk(first) if first else "D#", day_sk(last) if last else "D#~", name).values())
        return total

    @staticmethod
    def _count_range(dimension: _Counted, start: datetime, end: datetime) -> int:
        results = dimension.index.query(
            dimension.partition, range_key_condition=_created_between(start, end),
            filter_condition=dimension.condition, attributes_to_get=KEY_ONLY,
        )
        count = sum(1 for _ in results)
        record_items_read(results.page_iter.total_scanned_count)
        return count


def _counted(tenant_id: str, filters: IssueFilters) -> _Counted:
    """What a filter set's list counts and reads. Two or three filters: the total is their combination's counter;
    the page, the leading filter's index with the rest as a filter expression."""
    dimensions = dimensions_for(tenant_id, filters)
    leading, rest = dimensions[0], dimensions[1:]
    return _Counted(combined_name(dimensions), counter_partition(tenant_id, dimensions),
                    LIST_INDEX_BY_KIND[leading.kind], leading.partition,
                    all_of(LIST_KEY_BY_KIND[d.kind] == d.partition for d in rest), moves_later=bool(filters.status))


def _created_between(start: datetime | None, end: datetime | None) -> Condition | None:
    """listSk is `<createdAt>#<id>`: `start` is inclusive, `end` exclusive (its own key sorts after it)."""
    sort_key = IssueItem.listSk
    if start and end:
        return sort_key.between(to_rfc3339(start), to_rfc3339(end))
    if start:
        return sort_key >= to_rfc3339(start)
    if end:
        return sort_key < to_rfc3339(end)
    return None


def _skip(items: Iterator[Any], count: int) -> Iterator[Any]:
    for position, item in enumerate(items):
        if position >= count:
            yield item
