"""The support table's keys and the issue counters kept on write: plain arithmetic over records, shared by the
DynamoDB repository (which writes the moves in the issue's transaction) and the in-memory fake (which keeps the
same counters in a dict), so the two cannot count differently.

A dimension is one way of slicing a tenant's issues: `all`, `customer:<id>`, `plane:<primaryPlaneId>` or
`status:<status>`, each with the list-index partition that holds its issues. Counters exist for each dimension
alone and for each combination of two or three of customer, plane and status (`customer:<id>&status:<s>`), on
the all-time item (sk ALL), the issue's creation-day item (sk D#<day>) and its creation-hour item
(sk H#<day>T<hh>); resolutions are counted on the resolution day, in a partition of their own so issue lists
never read them. The names that name a customer are kept in the customer's own partition (counter_partition):
one partition holding every customer's names grew with the customer count until its all-time item passed
DynamoDB's 400 KB item limit (about 1,400 customers) and every create failed; each partition's items now hold
at most the planes times the statuses. A list's creation-time range is counted from days, then hours added or
taken off its edge days (a day item is the sum of its hour items), and only the issues of its partial hours one
by one (cover).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import combinations

from opsdesk.clock import parse_rfc3339
from opsdesk.frozen import frozen
from opsdesk.keys import counter_of, day_sk
from opsdesk.support.analytics import RESOLUTION_SECONDS, RESOLVED, DayRange
from opsdesk.support.records import Issue, IssueFilters, IssueStatus

ALL_TIME_SK = "ALL"
ISSUE_SK = "ISSUE"
HELP_SESSION_SK = "SESSION"


def customers_pk(tenant: str) -> str:
    return f"T#{tenant}#CUSTOMERS"


def environments_pk(tenant: str, customer_id: str) -> str:
    return f"T#{tenant}#C#{customer_id}#ENVS"


def planes_pk(tenant: str) -> str:
    return f"T#{tenant}#PLANES"


def hour_sk(moment: datetime) -> str:
    """The creation-hour counter item of `moment` (UTC): `H#2026-03-01T13` sorts as the hours do."""
    return f"H#{moment.astimezone(UTC):%Y-%m-%dT%H}"


def issue_pk(tenant: str, issue_id: str) -> str:
    return f"T#{tenant}#I#{issue_id}"


def stats_pk(tenant: str) -> str:
    """The tenant's issue counters of the names that name no customer (`all`, `plane:..`, `status:..`)."""
    return f"T#{tenant}#STATS"


def customer_stats_pk(tenant: str, customer_id: str) -> str:
    """One customer's issue counters: every name that names the customer."""
    return f"T#{tenant}#STATS#C#{customer_id}"


def resolutions_pk(tenant: str) -> str:
    return f"T#{tenant}#RESOLUTIONS"


def help_stats_pk(tenant: str) -> str:
    return f"T#{tenant}#HELPSTATS"


def help_session_pk(tenant: str, user_id: str) -> str:
    return f"T#{tenant}#HELP#U#{user_id}"


def doc_stats_pk(tenant: str) -> str:
    return f"T#{tenant}#DOCSTATS"


def ai_usage_pk(tenant: str) -> str:
    return f"T#{tenant}#AIUSAGE"


def feedback_pk(tenant: str) -> str:
    return f"T#{tenant}#FEEDBACK"


class DimensionKind(StrEnum):
    """Which list index serves a dimension (opsdesk.tables: issuesByTenant, ...ByCustomer, ...ByPlane,
    ...ByStatus)."""

    ALL = "all"
    CUSTOMER = "customer"
    PLANE = "plane"
    STATUS = "status"
    COMBINATION = "combination"
    """Customer, plane and status together (...ByCombination)."""


@frozen
class Dimension:
    kind: DimensionKind
    name: str
    """The counter's name: `all`, `customer:<id>`, ..."""
    partition: str
    """The list index partition holding its issues."""
    customer_id: str | None = None
    """The customer it names, if any: its counters live in that customer's partition (counter_partition)."""


def tenant_dimension(tenant: str) -> Dimension:
    return Dimension(DimensionKind.ALL, "all", f"T#{tenant}#ISSUES")


def customer_dimension(tenant: str, customer_id: str) -> Dimension:
    return Dimension(DimensionKind.CUSTOMER, f"customer:{customer_id}", f"T#{tenant}#ISSUES#C#{customer_id}",
                     customer_id)


def plane_dimension(tenant: str, plane_id: str) -> Dimension:
    return Dimension(DimensionKind.PLANE, f"plane:{plane_id}", f"T#{tenant}#ISSUES#P#{plane_id}")


def status_dimension(tenant: str, status: IssueStatus) -> Dimension:
    return Dimension(DimensionKind.STATUS, f"status:{status.value}", f"T#{tenant}#ISSUES#S#{status.value}")


def combination_dimension(tenant: str, customer_id: str, plane_id: str, status: IssueStatus) -> Dimension:
    """The three filters at once: listed in an index of their own, counted as their combination's counter."""
    parts = (customer_dimension(tenant, customer_id), plane_dimension(tenant, plane_id),
             status_dimension(tenant, status))
    return Dimension(DimensionKind.COMBINATION, combined_name(parts),
                     f"T#{tenant}#ISSUES#C#{customer_id}#P#{plane_id}#S#{status.value}", customer_id)


def dimensions_of(tenant: str, issue: Issue) -> list[Dimension]:
    """Every dimension an issue is listed and counted in: the tenant first, then customer, plane, status."""
    return [
        tenant_dimension(tenant),
        customer_dimension(tenant, issue.customer.id),
        plane_dimension(tenant, issue.primary_plane.id),
        status_dimension(tenant, issue.status),
    ]


def combined_name(dimensions: Sequence[Dimension]) -> str:
    return "&".join(d.name for d in dimensions)


def counted_names(tenant: str, issue: Issue) -> list[str]:
    """Every counter an issue adds one to: each dimension alone and each combination of two or three of
    customer, plane and status, so a combined filter's total is a counter too."""
    return [combined_name(dimensions) for dimensions in _counted_dimensions(tenant, issue)]


def counted_names_by_partition(tenant: str, issue: Issue) -> dict[str, list[str]]:
    """counted_names, by the partition that keeps them (counter_partition)."""
    names: dict[str, list[str]] = {}
    for dimensions in _counted_dimensions(tenant, issue):
        names.setdefault(counter_partition(tenant, dimensions), []).append(combined_name(dimensions))
    return names


def _counted_dimensions(tenant: str, issue: Issue) -> list[Sequence[Dimension]]:
    every = dimensions_of(tenant, issue)
    counted: list[Sequence[Dimension]] = [(dimension,) for dimension in every]
    for size in (2, 3):
        counted.extend(combinations(every[1:], size))
    return counted


def counter_partition(tenant: str, dimensions: Sequence[Dimension]) -> str:
    """Where the counters of `dimensions` (one, or a combination) live: the customer's partition when one of them
    names a customer, the tenant's otherwise, so no item holds a name per customer."""
    for dimension in dimensions:
        if dimension.customer_id is not None:
            return customer_stats_pk(tenant, dimension.customer_id)
    return stats_pk(tenant)


def dimensions_for(tenant: str, filters: IssueFilters) -> list[Dimension]:
    """The dimensions a filter set selects, in the order counters combine them; no filter: the whole tenant;
    all three: their combination alone."""
    if filters.customer_id and filters.plane_id and filters.status:
        return [combination_dimension(tenant, filters.customer_id, filters.plane_id, filters.status)]
    chosen: list[Dimension] = []
    if filters.customer_id:
        chosen.append(customer_dimension(tenant, filters.customer_id))
    if filters.plane_id:
        chosen.append(plane_dimension(tenant, filters.plane_id))
    if filters.status:
        chosen.append(status_dimension(tenant, filters.status))
    return chosen or [tenant_dimension(tenant)]


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@frozen
class RangeCover:
    """How the issues created in [start, end) are counted: the day items of `days` (first and last inclusive,
    None: open), plus the hour items of each `hours` span [from, to), minus the hour items of each `less_hours`
    span, plus, one by one, the issues of each `issues` span [from, to): at most two partial hours, so the issues
    read do not grow with the table. An edge day's day item counts its hours outside the range too; they are
    taken off (`less_hours`) when they are fewer than its hours inside and settled (see cover), so an end whose
    hours outside have settled reads at most 12 hour items, another at most 23."""

    days: tuple[date | None, date | None] | None
    hours: tuple[tuple[datetime, datetime], ...]
    issues: tuple[tuple[datetime, datetime], ...]
    less_hours: tuple[tuple[datetime, datetime], ...] = ()


def cover(start: datetime | None, end: datetime | None, settled_before: datetime | None = None) -> RangeCover:
    """The day, hour and issue spans that make up [start, end) (None: open). Hours are taken off a day item only
    before `settled_before` (None: never), where no write can still move them: the day item and its hours are
    read by separate Queries, and a write landing between the two would count an issue twice or not at all."""
    hours = _whole(start, end, HOUR)
    if hours is None:  # no whole hour inside: both ends are set
        return RangeCover(None, (), ((start, end),) if start and end and start < end else ())
    low, high, partial_hours = hours
    days, added, taken = _by_days(low, high, settled_before)
    return RangeCover(days, added, partial_hours, taken)


Span = tuple[datetime, datetime]

WRITES_LAND_WITHIN = timedelta(minutes=1)
"""A create's `createdAt` is taken just before its transaction, which commits within seconds (a request's function
is stopped at 25 s, infra/constructs/functions.py)."""


def settled_before(now: datetime) -> datetime:
    """The hour boundary before which no create can still add to an hour counter."""
    return _floor(now - WRITES_LAND_WITHIN, HOUR)


def _by_days(low: datetime | None, high: datetime | None, settled_before: datetime | None) -> tuple[
        tuple[date | None, date | None] | None, tuple[Span, ...], tuple[Span, ...]]:
    """The whole hours [low, high) (None: open) as days, hours added and hours taken off. At each end the day
    holding the edge is either left out, its hours inside added, or counted whole, its settled hours outside taken
    off: whichever reads fewer items (the day item is one more; a tie adds, which needs no day item)."""

    def cheaper_whole(outside: tuple[Span, ...], inside: Span) -> bool:
        settled = settled_before is not None and all(end <= settled_before for _, end in outside)
        return settled and 1 + _hour_count(outside) < _hour_count((inside,))

    first = _floor(low, DAY) if low is not None else None  # the day holding low
    after = _ceil(high, DAY) if high is not None else None  # the day boundary at or after high
    if first is not None and after is not None and after - first == DAY:  # within one day
        assert low is not None and high is not None
        outside = tuple(span for span in ((first, low), (high, after)) if span[0] < span[1])
        if not outside:
            return (first.date(), first.date()), (), ()
        if cheaper_whole(outside, (low, high)):
            return (first.date(), first.date()), (), outside
        return None, ((low, high),), ()
    day_low, day_high = first, after
    added: list[Span] = []
    taken: list[Span] = []
    if low is not None and first is not None and low != first:
        if cheaper_whole(((first, low),), (low, first + DAY)):
            taken.append((first, low))
        else:
            added.append((low, first + DAY))
            day_low = first + DAY
    if high is not None and after is not None and high != after:
        day_start = after - DAY
        if cheaper_whole(((high, after),), (day_start, high)):
            taken.append((high, after))
        else:
            added.append((day_start, high))
            day_high = day_start
    if day_low is not None and day_high is not None and day_low >= day_high:  # no day left: one span of hours
        return None, ((added[0][0], added[-1][1]),), ()
    days = (day_low.date() if day_low else None, (day_high - DAY).date() if day_high else None)
    return days, tuple(added), tuple(taken)


def _hour_count(spans: Iterable[Span]) -> int:
    return sum(int((high - low) / HOUR) for low, high in spans)


def _whole(start: datetime | None, end: datetime | None, step: timedelta) -> tuple[
        datetime | None, datetime | None, tuple[tuple[datetime, datetime], ...]] | None:
    """[start, end) cut to whole `step`s: their bounds (None: open) and the parts outside them; None when no whole
    step lies inside."""
    low = _ceil(start, step) if start is not None else None
    high = _floor(end, step) if end is not None else None
    if low is not None and high is not None and low >= high:
        return None
    edges = []
    if start is not None and low is not None and low != start:
        edges.append((start, low))
    if end is not None and high is not None and high != end:
        edges.append((high, end))
    return low, high, tuple(edges)


def _floor(moment: datetime, step: timedelta) -> datetime:
    moment = moment.astimezone(UTC)
    return moment - (moment - datetime(2000, 1, 1, tzinfo=UTC)) % step


def _ceil(moment: datetime, step: timedelta) -> datetime:
    floor = _floor(moment, step)
    return floor if floor == moment.astimezone(UTC) else floor + step


def creation_day(issue: Issue) -> date:
    return parse_rfc3339(issue.created_at).date()


def resolution_deltas(issue: Issue, sign: int) -> tuple[str, dict[str, int]]:
    """The day item of the issue's resolution and what it adds there (sign -1 takes a resolution back)."""
    if issue.resolved_at is None:
        raise ValueError("an issue that is not resolved has no resolution to count")
    resolved = parse_rfc3339(issue.resolved_at)
    seconds = int((resolved - parse_rfc3339(issue.created_at)).total_seconds())
    return day_sk(resolved.date()), {RESOLVED: sign, RESOLUTION_SECONDS: sign * seconds}


Moves = dict[tuple[str, str], Counter[str]]
"""Counter deltas per stats item, keyed (pk, sk)."""


def issue_moves(tenant: str, before: Issue | None, after: Issue) -> Moves:
    """Counter moves for a create (`before` None) or a change: the dimensions on the all-time and creation-day
    items, the resolution figures on the all-time and resolution-day items. One entry per item, since a
    transaction may not touch an item twice; nothing for a change that moves no counter."""
    moves: Moves = {}

    def add(pk: str, sk: str, deltas: Mapping[str, int]) -> None:
        for target in (ALL_TIME_SK, sk):
            moves.setdefault((pk, target), Counter()).update(deltas)

    counted: dict[str, Counter[str]] = {}
    for pk, names in counted_names_by_partition(tenant, after).items():
        counted.setdefault(pk, Counter()).update(names)
    if before is not None:  # a status move: only the names with a status differ
        for pk, names in counted_names_by_partition(tenant, before).items():
            counted.setdefault(pk, Counter()).subtract(names)
    for pk, counts in counted.items():
        deltas = {name: delta for name, delta in counts.items() if delta}
        if deltas:
            add(pk, day_sk(creation_day(after)), deltas)
            moves.setdefault((pk, hour_sk(parse_rfc3339(after.created_at))), Counter()).update(deltas)
    if before is not None and before.resolved_at and before.resolved_at != after.resolved_at:
        add(resolutions_pk(tenant), *resolution_deltas(before, -1))
    if after.resolved_at and (before is None or before.resolved_at != after.resolved_at):
        add(resolutions_pk(tenant), *resolution_deltas(after, +1))
    return moves


def sum_items(items: Iterable[tuple[str, Mapping[str, int]]], days: DayRange) -> Counter[str]:
    """The counters of one partition's items `(sk, numbers)` summed over `days`: the all-time item alone for all
    time, else the day items inside the range (what the repository reads with one Query)."""
    totals: Counter[str] = Counter()
    low = day_sk(days.first) if days.first else "D#"
    high = day_sk(days.last) if days.last else "D#~"
    for item_sk, numbers in items:
        sk = counter_of(item_sk)  # a spill item adds to its counter item's figures
        if (sk == ALL_TIME_SK) if days.all_time else (sk.startswith("D#") and low <= sk <= high):
            totals.update(numbers)
    return totals
