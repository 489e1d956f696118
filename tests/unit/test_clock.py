"""RFC3339 UTC timestamps and ISO 8601 date parsing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from opsdesk.clock import (
    EARLIEST_MOMENT,
    LATEST_MOMENT,
    MomentOutOfRange,
    is_uuid,
    new_id,
    parse_rfc3339,
    parse_strict_rfc3339,
    to_rfc3339,
)

RFC3339_MILLIS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_to_rfc3339_is_utc_with_milliseconds_and_z() -> None:
    assert to_rfc3339(datetime(2024, 1, 15, 10, 30, 0, 123_456, tzinfo=UTC)) == "2024-01-15T10:30:00.123Z"


def test_to_rfc3339_pads_milliseconds() -> None:
    assert to_rfc3339(datetime(2024, 1, 15, 10, 30, 5, tzinfo=UTC)) == "2024-01-15T10:30:05.000Z"
    assert to_rfc3339(datetime(2024, 1, 15, 10, 30, 5, 7_000, tzinfo=UTC)) == "2024-01-15T10:30:05.007Z"


def test_to_rfc3339_converts_offsets_to_utc() -> None:
    paris = timezone(timedelta(hours=2))

    assert to_rfc3339(datetime(2024, 6, 1, 1, 15, tzinfo=paris)) == "2024-05-31T23:15:00.000Z"


def test_to_rfc3339_matches_the_format() -> None:
    assert RFC3339_MILLIS.match(to_rfc3339(datetime.now(UTC)))


def test_to_rfc3339_sorts_as_text_like_time() -> None:
    # Given moments out of order, some in the same second, across a day and a year boundary
    base = datetime(2023, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    moments = [base + timedelta(milliseconds=ms) for ms in (5000, 1, 0, 999, 86_400_000, 2)]

    # When they are written as text, Then text order is time order
    assert sorted(to_rfc3339(m) for m in moments) == [to_rfc3339(m) for m in sorted(moments)]


def test_to_rfc3339_round_trips_through_parse() -> None:
    moment = datetime(2024, 2, 29, 12, 0, 0, 42_000, tzinfo=UTC)

    assert parse_rfc3339(to_rfc3339(moment)) == moment


def test_date_only_is_its_midnight_utc() -> None:
    assert parse_rfc3339("2024-01-31") == datetime(2024, 1, 31, tzinfo=UTC)


def test_date_only_as_end_of_day_is_the_next_midnight() -> None:
    assert parse_rfc3339("2024-01-31", end_of_day=True) == datetime(2024, 2, 1, tzinfo=UTC)


def test_date_time_is_not_moved_by_end_of_day() -> None:
    assert parse_rfc3339("2024-01-31T12:00:00Z", end_of_day=True) == datetime(2024, 1, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-15T10:30:00Z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00.123Z", datetime(2024, 1, 15, 10, 30, 0, 123_000, tzinfo=UTC)),
        ("2024-01-15T12:30:00+02:00", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T05:30:00-05:00", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        (" 2024-01-15 ", datetime(2024, 1, 15, tzinfo=UTC)),
    ],
)
def test_parse_converts_to_utc(text: str, expected: datetime) -> None:
    parsed = parse_rfc3339(text)

    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-01", "2024-02-30", "2024-01-1x", "15/01/2024"])
def test_parse_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_basic_format_date_as_end_of_day_is_the_next_midnight() -> None:
    assert parse_rfc3339("20240131", end_of_day=True) == datetime(2024, 2, 1, tzinfo=UTC)


def test_new_id_is_a_lowercase_uuid() -> None:
    value = new_id()

    assert is_uuid(value)
    assert value == value.lower()
    assert new_id() != value


@pytest.mark.parametrize("value", ["", "not-a-uuid", "1234", "g0000000-0000-0000-0000-000000000000"])
def test_is_uuid_refuses_other_strings(value: str) -> None:
    assert not is_uuid(value)


@pytest.mark.parametrize("text", ["9999-12-31", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00",
                                  "1969-12-31T23:59:59Z", "9999-01-01T00:00:00.001Z"])
def test_a_moment_past_the_accepted_range_is_a_value_error_saying_so(text: str) -> None:
    with pytest.raises(MomentOutOfRange, match="between 1970-01-01 and 9998-12-31"):
        parse_rfc3339(text, end_of_day=True)


def test_the_last_accepted_day_ends_at_the_upper_bound() -> None:
    assert parse_rfc3339("9998-12-31", end_of_day=True) == LATEST_MOMENT
    assert parse_rfc3339("1970-01-01") == EARLIEST_MOMENT


@pytest.mark.parametrize("text", ["2030-03-04T05:06:07Z", "2030-03-04t05:06:07.123456z", "2030-03-04 05:06:07+02:00",
                                  "2030-03-04T05:06:07.5-07:30"])
def test_strict_rfc3339_takes_its_date_times_with_an_offset(text: str) -> None:
    assert parse_strict_rfc3339(text) == parse_rfc3339(text)


@pytest.mark.parametrize("text", ["2030-03-04", "2030-03-04T05:06:07", "2030-W10-1", "20300304T050607Z", "20300304",
                                  "2030-03-04T05:06Z", "2030-03-04T05:06:07+0200", "March 4, 2030"])
def test_strict_rfc3339_refuses_iso_8601_forms_that_are_not_rfc_3339(text: str) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_strict_rfc3339(text)
