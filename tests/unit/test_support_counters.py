"""The support counters kept on write (opsdesk.support.counters): plain arithmetic, pinned without DynamoDB. The
repository writes these moves; the in-memory fake applies the same ones."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from opsdesk.support.analytics import DayRange
from opsdesk.support.counters import (
    ALL_TIME_SK,
    DimensionKind,
    Moves,
    RangeCover,
    counted_names,
    cover,
    customer_stats_pk,
    dimensions_for,
    issue_moves,
    resolutions_pk,
    settled_before,
    stats_pk,
    sum_items,
)
from opsdesk.support.records import EnvironmentRef, Issue, IssueFilters, IssueStatus, Ref

T = "t1"
ISSUE = Issue(
    id="i1", display_id="ISS-2026-0001", title="t", description="d", status=IssueStatus.OPEN,
    customer=Ref("c1", "Alpha"), environment=EnvironmentRef("e1", "qa", "qa"), primary_plane=Ref("p1", "CI"),
    secondary_planes=(), contexts=(), submitter_handle="h", pipeline_url=None,
    created_at="2026-03-01T10:00:00.000Z", updated_at="2026-03-01T10:00:00.000Z", created_by="u1",
)


def apply(store: dict[tuple[str, str], Counter[str]], moves: Moves) -> None:
    for key, deltas in moves.items():
        store.setdefault(key, Counter()).update(deltas)


def totals(store: dict[tuple[str, str], Counter[str]], days: DayRange) -> Counter[str]:
    found: Counter[str] = Counter()
    for pk in (stats_pk(T), resolutions_pk(T)):
        found += sum_items(((sk, numbers) for (item_pk, sk), numbers in store.items() if item_pk == pk), days)
    return found


def test_an_issue_counts_in_each_dimension_and_each_combination_of_two_or_three() -> None:
    names = counted_names(T, ISSUE)

    assert names[:4] == ["all", "customer:c1", "plane:p1", "status:open"]
    assert set(names[4:]) == {"customer:c1&plane:p1", "customer:c1&status:open", "plane:p1&status:open",
                              "customer:c1&plane:p1&status:open"}


def test_a_create_moves_the_all_time_creation_day_and_creation_hour_items_of_the_tenant_and_the_customer_only(
) -> None:
    moves = issue_moves(T, None, ISSUE)

    assert set(moves) == {(pk, sk) for pk in (stats_pk(T), customer_stats_pk(T, "c1"))
                          for sk in (ALL_TIME_SK, "D#2026-03-01", "H#2026-03-01T10")}
    assert all(count == 1 for deltas in moves.values() for count in deltas.values())


def test_the_tenant_counter_items_hold_no_name_per_customer_so_they_do_not_grow_with_the_customers() -> None:
    store: dict[tuple[str, str], Counter[str]] = {}

    for number in range(50):
        apply(store, issue_moves(T, None, replace(ISSUE, id=f"i{number}", customer=Ref(f"c{number}", "C"))))

    tenant_names = {name for (pk, _), counts in store.items() if pk == stats_pk(T) for name in counts}
    assert tenant_names == {"all", "plane:p1", "status:open", "plane:p1&status:open"}
    customer_items = {(pk, sk): counts for (pk, sk), counts in store.items() if pk == customer_stats_pk(T, "c7")}
    assert set(customer_items[(customer_stats_pk(T, "c7"), ALL_TIME_SK)]) == {
        "customer:c7", "customer:c7&plane:p1", "customer:c7&status:open", "customer:c7&plane:p1&status:open"}


def test_a_status_move_shifts_only_the_counters_that_name_a_status_on_the_creation_day() -> None:
    moved = replace(ISSUE, status=IssueStatus.IN_PROGRESS, updated_at="2026-03-05T09:00:00.000Z")

    moves = issue_moves(T, ISSUE, moved)

    day, customer_day = moves[(stats_pk(T), "D#2026-03-01")], moves[(customer_stats_pk(T, "c1"), "D#2026-03-01")]
    assert day["status:open"] == -1 and day["status:in_progress"] == 1
    assert customer_day["customer:c1&status:open"] == -1
    assert customer_day["customer:c1&plane:p1&status:in_progress"] == 1
    assert "all" not in day and "customer:c1" not in customer_day


def test_a_change_that_moves_no_counter_writes_no_counter_item() -> None:
    assert issue_moves(T, ISSUE, replace(ISSUE, title="renamed")) == {}


def test_a_resolution_counts_on_its_day_and_a_reopen_takes_it_back() -> None:
    resolved = replace(ISSUE, status=IssueStatus.RESOLVED, resolved_at="2026-03-03T10:00:00.000Z")
    reopened = replace(resolved, status=IssueStatus.OPEN, resolved_at=None)
    store: dict[tuple[str, str], Counter[str]] = {}

    for before, after in ((None, ISSUE), (ISSUE, resolved)):
        apply(store, issue_moves(T, before, after))
    march_3 = DayRange(date(2026, 3, 3), date(2026, 3, 3))
    assert totals(store, march_3)["resolved"] == 1
    assert totals(store, march_3)["resolutionSeconds"] == 2 * 86_400
    apply(store, issue_moves(T, resolved, reopened))

    assert totals(store, march_3)["resolved"] == 0
    assert totals(store, DayRange())["resolved"] == 0
    assert totals(store, DayRange())["all"] == 1


@pytest.mark.parametrize(("days", "expected"), [(DayRange(), 2), (DayRange(date(2026, 3, 1), date(2026, 3, 1)), 1),
                                                (DayRange(date(2026, 3, 2), None), 1),
                                                (DayRange(None, date(2026, 2, 28)), 0)])
def test_sums_read_the_all_time_item_or_the_day_items_in_range(days: DayRange, expected: int) -> None:
    store: dict[tuple[str, str], Counter[str]] = {}
    apply(store, issue_moves(T, None, ISSUE))
    apply(store, issue_moves(T, None, replace(ISSUE, id="i2", created_at="2026-03-09T00:00:00.000Z")))

    assert totals(store, days)["all"] == expected


def test_filters_select_their_dimensions_in_counter_order_and_none_is_the_tenant() -> None:
    filters = IssueFilters(customer_id="c1", status=IssueStatus.OPEN)

    assert [d.name for d in dimensions_for(T, filters)] == ["customer:c1", "status:open"]
    assert [d.name for d in dimensions_for(T, IssueFilters())] == ["all"]


def test_all_three_filters_are_one_dimension_listed_in_an_index_of_its_own_and_counted_as_their_combination() -> None:
    filters = IssueFilters(customer_id="c1", plane_id="p1", status=IssueStatus.OPEN)

    [combination] = dimensions_for(T, filters)

    assert combination.kind is DimensionKind.COMBINATION
    assert combination.name == "customer:c1&plane:p1&status:open"
    assert combination.name in counted_names(T, ISSUE)  # ISSUE: customer c1, plane p1, open



def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SETTLED = datetime(2027, 1, 1, tzinfo=UTC)
"""Every hour of the cases below settled: no write can move them any more."""


@pytest.mark.parametrize(("start", "end", "expected"), [
    (None, None, RangeCover((None, None), (), ())),
    ("2026-03-01T10:05", "2026-03-01T10:50",
     RangeCover(None, (), ((_at("2026-03-01T10:05"), _at("2026-03-01T10:50")),))),
    ("2026-03-01T10:05", "2026-03-01T13:30", RangeCover(None, ((_at("2026-03-01T11:00"), _at("2026-03-01T13:00")),),
                                                         ((_at("2026-03-01T10:05"), _at("2026-03-01T11:00")),
                                                          (_at("2026-03-01T13:00"), _at("2026-03-01T13:30"))))),
    ("2026-03-01T22:00", "2026-03-02T03:00", RangeCover(None, ((_at("2026-03-01T22:00"), _at("2026-03-02T03:00")),),
                                                         ())),
    # each edge day counted whole, its 6 hours outside taken off (7 items, not 18 hour items)
    ("2026-03-01T06:00", "2026-03-07T18:00",
     RangeCover((date(2026, 3, 1), date(2026, 3, 7)), (), (),
                ((_at("2026-03-01T00:00"), _at("2026-03-01T06:00")),
                 (_at("2026-03-07T18:00"), _at("2026-03-08T00:00"))))),
    # one edge each way: 4 hours added at the start (fewer than 1 + 20), 1 + 3 taken off at the end
    ("2026-03-01T20:00", "2026-03-07T21:00",
     RangeCover((date(2026, 3, 2), date(2026, 3, 7)), ((_at("2026-03-01T20:00"), _at("2026-03-02T00:00")),), (),
                ((_at("2026-03-07T21:00"), _at("2026-03-08T00:00")),))),
    # most of one day: its item, less the hours outside
    ("2026-03-01T01:00", "2026-03-01T23:00",
     RangeCover((date(2026, 3, 1), date(2026, 3, 1)), (), (),
                ((_at("2026-03-01T00:00"), _at("2026-03-01T01:00")),
                 (_at("2026-03-01T23:00"), _at("2026-03-02T00:00"))))),
    ("2026-03-02T00:00", "2026-03-04T00:00", RangeCover((date(2026, 3, 2), date(2026, 3, 3)), (), ())),
    (None, "2026-03-05T10:30",
     RangeCover((None, date(2026, 3, 4)), ((_at("2026-03-05T00:00"), _at("2026-03-05T10:00")),),
                ((_at("2026-03-05T10:00"), _at("2026-03-05T10:30")),))),
    ("2026-03-05T10:30", None,
     RangeCover((date(2026, 3, 5), None), (), ((_at("2026-03-05T10:30"), _at("2026-03-05T11:00")),),
                ((_at("2026-03-05T00:00"), _at("2026-03-05T11:00")),))),
    ("2026-03-05T13:30", None,
     RangeCover((date(2026, 3, 6), None), ((_at("2026-03-05T14:00"), _at("2026-03-06T00:00")),),
                ((_at("2026-03-05T13:30"), _at("2026-03-05T14:00")),))),
])
def test_a_range_is_counted_by_days_then_hours_added_or_taken_off_then_its_partial_hours_issue_by_issue(
    start: str | None, end: str | None, expected: RangeCover,
) -> None:
    assert cover(_at(start) if start else None, _at(end) if end else None, SETTLED) == expected


def test_hours_that_writes_may_still_move_are_added_never_taken_off() -> None:
    start, end = _at("2026-03-01T06:00"), _at("2026-03-07T18:00")
    hours_inside = ((_at("2026-03-01T06:00"), _at("2026-03-02T00:00")),
                    (_at("2026-03-07T00:00"), _at("2026-03-07T18:00")))

    # counts that move after creation (a status filter): no hour is ever taken off
    assert cover(start, end) == RangeCover((date(2026, 3, 2), date(2026, 3, 6)), hours_inside, ())
    # the last day's hours outside the range are not all settled yet: only the first day's are taken off
    assert cover(start, end, _at("2026-03-07T23:00")) == RangeCover(
        (date(2026, 3, 1), date(2026, 3, 6)), hours_inside[1:], (), ((_at("2026-03-01T00:00"), start),))


def test_hours_settle_a_minute_into_the_next_hour() -> None:
    assert settled_before(_at("2026-03-07T15:00:59")) == _at("2026-03-07T14:00")
    assert settled_before(_at("2026-03-07T15:01:00")) == _at("2026-03-07T15:00")


def _covered(spans: RangeCover, moment: datetime) -> int:
    """How many times the spans count an issue created at `moment`: days and added hours once, taken hours -1."""
    def within(low: datetime | None, high: datetime | None) -> bool:
        return (low is None or low <= moment) and (high is None or moment < high)

    times = sum(within(low, high) for low, high in (*spans.hours, *spans.issues))
    times -= sum(within(low, high) for low, high in spans.less_hours)
    if spans.days is not None:
        first, last = spans.days
        times += within(datetime(first.year, first.month, first.day, tzinfo=UTC) if first else None,
                        datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1) if last else None)
    return times


def _hour_items_by_day(spans: RangeCover) -> Counter[date]:
    """The hour items the spans read, per day."""
    per_day: Counter[date] = Counter()
    for low, high in (*spans.hours, *spans.less_hours):
        moment = low
        while moment < high:
            per_day[moment.astimezone(UTC).date()] += 1
            moment += timedelta(hours=1)
    return per_day


def test_the_spans_of_any_range_count_each_moment_inside_once_and_read_at_most_12_hour_items_an_end() -> None:
    rng = random.Random(16)
    origin = _at("2026-01-01T00:00")
    zones = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-7))]
    for _ in range(3_000):
        first = origin + timedelta(seconds=rng.randrange(86_400 * 40), microseconds=rng.choice([0, 1, 999_999]))
        last = first + timedelta(minutes=rng.choice([rng.randrange(1, 120), rng.randrange(1, 60 * 24 * 10)]))
        first, last = first.astimezone(rng.choice(zones)), last.astimezone(rng.choice(zones))
        start, end = rng.choice([(first, last), (first, last), (None, last), (first, None)])
        settled = rng.choice([None, SETTLED, origin + timedelta(hours=rng.randrange(24 * 50))])
        spans = cover(start, end, settled)
        edges = {moment for span in (*spans.hours, *spans.less_hours, *spans.issues) for moment in span}
        edges |= {moment for moment in (start, end) if moment is not None}
        if spans.days is not None:
            edges |= {datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=offset)
                      for day in spans.days if day is not None for offset in (0, 1)}
        probes = {probe for moment in edges for probe in (moment - timedelta(microseconds=1), moment)}
        probes |= {origin + timedelta(minutes=rng.randrange(60 * 24 * 60)) for _ in range(40)}
        for probe in probes:
            inside = (start is None or start <= probe) and (end is None or probe < end)
            assert _covered(spans, probe) == int(inside), (start, end, probe, spans)
        assert all(low.minute == 0 and high.minute == 0 and low < high
                   for low, high in (*spans.hours, *spans.less_hours)), spans
        # only settled hours are taken off; with every hour settled, no day reads more than 12 hour items
        assert all(settled is not None and high <= settled for _, high in spans.less_hours), (settled, spans)
        if settled == SETTLED:
            assert max(_hour_items_by_day(spans).values(), default=0) <= 12, (start, end, spans)
        # at most two partial hours: the issues counted one by one are those of less than two hours
        assert len(spans.issues) <= 2 and sum((high - low for low, high in spans.issues), timedelta()) < timedelta(
            hours=2)
