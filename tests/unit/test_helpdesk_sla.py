"""Helpdesk SLA policies and clocks (opsdesk.helpdesk.sla)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from opsdesk.helpdesk.sla import (
    PRIORITIES,
    SLA_POLICIES,
    SlaPolicy,
    due_bucket,
    due_sort_key,
    parse_due_sort_key,
    sla_for,
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
