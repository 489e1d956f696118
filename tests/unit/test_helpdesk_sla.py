"""Helpdesk SLA policies and clocks (opsdesk.helpdesk.sla)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from opsdesk.helpdesk.sla import (
    PRIORITIES,
    SLA_POLICIES,
    CheckResult,
    DueEntry,
    SlaPolicy,
    due_bucket,
    due_buckets,
    due_sort_key,
    parse_due_sort_key,
    run_breach_check,
    sla_for,
    unrecorded_breaches,
)

CREATED = datetime(2026, 1, 15, 10, 30, 0, 250_000, tzinfo=UTC)


def test_policies_cover_the_four_priorities_in_order_of_urgency() -> None:
    assert PRIORITIES == ("low", "normal", "high", "urgent")
    targets = [SLA_POLICIES[p] for p in PRIORITIES]
    assert [t.first_response for t in targets] == sorted((t.first_response for t in targets), reverse=True)
    assert [t.resolution for t in targets] == sorted((t.resolution for t in targets), reverse=True)


def test_every_policy_responds_before_it_resolves() -> None:
    assert all(p.first_response < p.resolution for p in SLA_POLICIES.values())


def test_policies_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        SLA_POLICIES["low"] = SlaPolicy(timedelta(0), timedelta(0))  # type: ignore[index]


@pytest.mark.parametrize(
    ("priority", "first_response_minutes", "resolution_minutes"),
    [("low", 480, 7200), ("normal", 240, 2880), ("high", 60, 480), ("urgent", 15, 240)],
)
def test_sla_json_of_a_new_ticket_has_targets_and_due_times(
    priority: str, first_response_minutes: int, resolution_minutes: int
) -> None:
    sla = sla_for(priority, CREATED, None, None, now=CREATED)

    assert sla.as_json() == {
        "first_response_due_at": _rfc(CREATED + timedelta(minutes=first_response_minutes)),
        "resolution_due_at": _rfc(CREATED + timedelta(minutes=resolution_minutes)),
        "first_response_target_minutes": first_response_minutes,
        "resolution_target_minutes": resolution_minutes,
        "first_response_breached": False,
        "resolution_breached": False,
    }


def test_running_first_response_clock_breaches_only_after_its_due_time() -> None:
    due = CREATED + timedelta(minutes=15)

    assert sla_for("urgent", CREATED, None, None, now=due).first_response.breached is False
    assert sla_for("urgent", CREATED, None, None, now=due + timedelta(milliseconds=1)).first_response.breached


def test_response_in_time_is_met_even_when_read_long_after() -> None:
    responded = CREATED + timedelta(minutes=15)  # exactly on the due time

    sla = sla_for("urgent", CREATED, responded, None, now=CREATED + timedelta(days=30))

    assert sla.first_response.breached is False
    assert sla.resolution.breached is True  # still unresolved after 30 days


def test_late_response_stays_breached() -> None:
    sla = sla_for("high", CREATED, CREATED + timedelta(minutes=61), None, now=CREATED + timedelta(minutes=62))

    assert sla.first_response.breached is True
    assert sla.resolution.breached is False


def test_resolution_in_time_stops_the_resolution_clock() -> None:
    resolved = CREATED + timedelta(hours=3)

    sla = sla_for("urgent", CREATED, None, resolved, now=CREATED + timedelta(days=2))

    assert sla.resolution.breached is False
    assert sla.resolution.running is False
    # a ticket resolved without any agent response still missed its first-response target
    assert sla.first_response.breached is True


def test_late_resolution_is_breached() -> None:
    sla = sla_for("normal", CREATED, CREATED, CREATED + timedelta(days=2, seconds=1), now=CREATED + timedelta(days=3))

    assert sla.as_json()["resolution_breached"] is True


def test_reopened_ticket_runs_its_resolution_clock_from_creation_again() -> None:
    # Given a ticket resolved in time then reopened (core clears resolved_at)
    now = CREATED + timedelta(hours=5)

    # When its SLA is computed again
    sla = sla_for("urgent", CREATED, CREATED + timedelta(minutes=5), None, now=now)

    # Then the resolution clock runs from the original creation and is already past due
    assert sla.resolution.running is True
    assert sla.resolution.breached is True


def test_due_times_are_rfc3339_utc_whatever_the_input_offset() -> None:
    paris = CREATED.astimezone(timezone(timedelta(hours=1)))

    due = sla_for("high", paris, None, None, now=paris).as_json()["first_response_due_at"]

    assert due == "2026-01-15T11:30:00.250Z"


def test_unknown_priority_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown priority 'critical'"):
        sla_for("critical", CREATED, None, None, now=CREATED)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        sla_for("low", CREATED, None, None, now=datetime(2026, 1, 15, 10, 30))  # noqa: DTZ001


def test_next_deadline_is_the_earliest_running_unmarked_clock() -> None:
    sla = sla_for("high", CREATED, None, None, now=CREATED)

    assert sla.next_deadline() == ("first_response", CREATED + timedelta(hours=1))
    assert sla.next_deadline(marked={"first_response"}) == ("resolution", CREATED + timedelta(hours=8))
    assert sla.next_deadline(marked={"first_response", "resolution"}) is None


def test_next_deadline_keeps_a_clock_past_due_that_is_not_marked_yet() -> None:
    # the scheduled check must still find it, so the index keeps it
    sla = sla_for("urgent", CREATED, None, None, now=CREATED + timedelta(hours=1))

    assert sla.next_deadline() == ("first_response", CREATED + timedelta(minutes=15))


def test_next_deadline_skips_stopped_clocks_and_is_none_once_resolved() -> None:
    responded = sla_for("low", CREATED, CREATED + timedelta(hours=1), None, now=CREATED + timedelta(hours=2))
    resolved = sla_for("low", CREATED, CREATED + timedelta(hours=1), CREATED + timedelta(hours=2),
                       now=CREATED + timedelta(hours=2))

    assert responded.next_deadline() == ("resolution", CREATED + timedelta(days=5))
    assert resolved.next_deadline() is None


def test_due_bucket_is_the_utc_hour() -> None:
    assert due_bucket(datetime(2026, 1, 15, 23, 59, 59, 999_000, tzinfo=UTC)) == "DUE#2026-01-15T23"
    assert due_bucket(datetime(2026, 1, 16, 0, 0, tzinfo=UTC)) == "DUE#2026-01-16T00"


def test_due_sort_key_orders_by_due_time_and_round_trips() -> None:
    tenant, ticket = "0f4c7d4e-0000-4000-8000-000000000001", "9b1d2c3a-0000-4000-8000-000000000002"
    early = due_sort_key(CREATED, tenant, ticket)
    late = due_sort_key(CREATED + timedelta(milliseconds=1), "0" * 8, ticket)

    assert early < late
    assert parse_due_sort_key(early) == ("2026-01-15T10:30:00.250Z", tenant, ticket)


def _rfc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# Scheduled breach detection


@dataclass(frozen=True)
class _Ticket:
    priority: str
    created_at: str
    first_response_at: str | None = None
    resolved_at: str | None = None
    first_response_breached_at: str | None = None
    resolution_breached_at: str | None = None


class _Index:
    """Fake ticketsByDue index and ticket store; `mark` is conditional like core's repository method."""

    def __init__(self) -> None:
        self.entries: dict[str, list[DueEntry]] = {}
        self.tickets: dict[tuple[str, str], _Ticket] = {}
        self.marks: list[tuple[str, str, str, datetime]] = []
        self.queried: list[str] = []

    def add(self, tenant: str, ticket_id: str, ticket: _Ticket, due_at: datetime) -> None:
        self.tickets[(tenant, ticket_id)] = ticket
        self.entries.setdefault(due_bucket(due_at), []).append(DueEntry(tenant, ticket_id, _rfc(due_at)))

    def query_due(self, bucket: str, before: str) -> list[DueEntry]:
        self.queried.append(bucket)
        return sorted((e for e in self.entries.get(bucket, []) if e.due_at < before), key=lambda e: e.due_at)

    def load(self, tenant: str, ticket_id: str) -> _Ticket | None:
        return self.tickets.get((tenant, ticket_id))

    def mark(self, tenant: str, ticket_id: str, kind: str, at: datetime) -> bool:
        ticket = self.tickets[(tenant, ticket_id)]
        field_name = f"{kind}_breached_at"
        if getattr(ticket, field_name):
            return False
        self.tickets[(tenant, ticket_id)] = replace(ticket, **{field_name: _rfc(at)})
        self.marks.append((tenant, ticket_id, kind, at))
        return True

    def run(self, now: datetime, lookback: timedelta = timedelta(hours=2)) -> CheckResult:
        return run_breach_check(now, lookback, self.query_due, self.load, self.mark)


def test_due_buckets_cover_the_lookback_up_to_the_current_hour() -> None:
    now = datetime(2026, 1, 15, 10, 5, tzinfo=UTC)

    assert due_buckets(now, timedelta(hours=2)) == ["DUE#2026-01-15T08", "DUE#2026-01-15T09", "DUE#2026-01-15T10"]
    assert due_buckets(datetime(2026, 1, 1, 0, 30, tzinfo=UTC), timedelta(minutes=45)) == [
        "DUE#2025-12-31T23", "DUE#2026-01-01T00"]


def test_check_records_a_first_response_breach_once_due_has_passed() -> None:
    index = _Index()
    index.add("t1", "k1", _Ticket("urgent", _rfc(CREATED)), CREATED + timedelta(minutes=15))

    before = index.run(CREATED + timedelta(minutes=15))
    after = index.run(CREATED + timedelta(minutes=16))

    assert before.recorded == {"first_response": 0, "resolution": 0}
    assert after.recorded == {"first_response": 1, "resolution": 0}
    assert index.marks == [("t1", "k1", "first_response", CREATED + timedelta(minutes=16))]


def test_check_is_idempotent_across_runs() -> None:
    index = _Index()
    index.add("t1", "k1", _Ticket("urgent", _rfc(CREATED)), CREATED + timedelta(minutes=15))
    now = CREATED + timedelta(minutes=20)

    first, second = index.run(now), index.run(now)

    assert first.recorded["first_response"] == 1
    assert second.recorded["first_response"] == 0
    assert len(index.marks) == 1


def test_check_records_both_clocks_when_both_are_past_due() -> None:
    index = _Index()
    index.add("t1", "k1", _Ticket("urgent", _rfc(CREATED)), CREATED + timedelta(minutes=15))

    result = index.run(CREATED + timedelta(hours=4, minutes=1), lookback=timedelta(hours=6))

    assert result.recorded == {"first_response": 1, "resolution": 1}


def test_check_skips_clocks_that_stopped_in_time() -> None:
    # Given an index entry left behind by a ticket answered in time
    index = _Index()
    responded = _Ticket("urgent", _rfc(CREATED), first_response_at=_rfc(CREATED + timedelta(minutes=5)))
    index.add("t1", "k1", responded, CREATED + timedelta(minutes=15))

    # When the check runs past the due time, Then nothing is recorded
    assert index.run(CREATED + timedelta(minutes=30)).recorded == {"first_response": 0, "resolution": 0}


def test_check_finds_breaches_from_earlier_hours_within_the_lookback() -> None:
    index = _Index()
    index.add("t1", "old", _Ticket("urgent", _rfc(CREATED)), CREATED + timedelta(minutes=15))
    index.add("t2", "new", _Ticket("high", _rfc(CREATED + timedelta(hours=2))), CREATED + timedelta(hours=3))

    result = index.run(CREATED + timedelta(hours=3, minutes=1), lookback=timedelta(hours=4))

    assert {(m[0], m[1]) for m in index.marks} == {("t1", "old"), ("t2", "new")}
    assert result.examined == 2


def test_check_ignores_entries_not_yet_due_and_missing_tickets() -> None:
    index = _Index()
    index.add("t1", "later", _Ticket("low", _rfc(CREATED)), CREATED + timedelta(hours=8))
    index.entries.setdefault(due_bucket(CREATED), []).append(DueEntry("t9", "gone", _rfc(CREATED)))

    result = index.run(CREATED + timedelta(minutes=1))

    assert result.examined == 1  # the missing ticket's entry; `later` is not due
    assert index.marks == []


def test_unrecorded_breaches_lists_a_late_stop_not_yet_recorded() -> None:
    late = _Ticket("urgent", _rfc(CREATED), first_response_at=_rfc(CREATED + timedelta(minutes=16)))

    assert unrecorded_breaches(late, CREATED + timedelta(minutes=17)) == [
        ("first_response", CREATED + timedelta(minutes=15))]
    assert unrecorded_breaches(replace(late, first_response_breached_at="x"), CREATED + timedelta(minutes=17)) == []


class _WaitingIndex(_Index):
    """Each ticket read waits, as a DynamoDB read does, and the most reads under way at once is kept."""

    def __init__(self) -> None:
        import threading

        super().__init__()
        self._lock, self._reading, self.most_at_once = threading.Lock(), 0, 0

    def load(self, tenant: str, ticket_id: str) -> _Ticket | None:
        import time

        with self._lock:
            self._reading += 1
            self.most_at_once = max(self.most_at_once, self._reading)
        time.sleep(0.01)
        with self._lock:
            self._reading -= 1
        return super().load(tenant, ticket_id)


def test_a_storm_of_due_tickets_is_examined_side_by_side_and_each_breach_recorded_once() -> None:
    index = _WaitingIndex()
    for number in range(80):
        index.add("t1", f"k{number}", _Ticket("urgent", _rfc(CREATED)), CREATED + timedelta(minutes=15))

    result = index.run(CREATED + timedelta(minutes=20))

    assert result.examined == 80 and result.recorded == {"first_response": 80, "resolution": 0}
    assert sorted(ticket for _, ticket, _, _ in index.marks) == sorted(f"k{n}" for n in range(80))
    assert index.most_at_once > 1
