"""Request parsing of the response API (opsdesk.response.requests, opsdesk.response.queries): a batch is checked
whole and every refusal names its event and field (`[3].level`); the limits of a batch, an event and its metadata;
event times; query and header errors located where the client put them (`query.status`, `header.Idempotency-Key`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.errors import ValidationFailed
from opsdesk.response.queries import (
    MAX_BATCH_EVENTS,
    MAX_BATCH_INCIDENTS,
    MAX_EVENT_BODY_BYTES,
    MAX_IDEMPOTENCY_KEY,
    parse_action_status,
    parse_event_page,
    parse_idempotency_key,
    parse_incident_page,
    parse_status,
)
from opsdesk.response.records import MAX_METADATA_BYTES, MAX_TAGS, ActionStatus, Status
from opsdesk.response.requests import CreateIncidentRequest, parse_batch


def event(**fields: Any) -> dict[str, Any]:
    return {"incident_id": "inc-1", "event_type": "log", "message": "Connection refused", **fields}


def refusal(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as refused:
        parse_batch(data)
    return [(d.field, d.message) for d in refused.value.details]


def fields_of(data: Any) -> list[str]:
    return [field for field, _ in refusal(data)]


def compact_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode("utf-8"))


# Batches


def test_a_batch_reads_every_event_with_its_defaults() -> None:
    parsed = parse_batch([event(), event(incident_id=" inc-2 ", level="error", source="api-1", metadata={"a": 1})])

    assert [(e.incident_id, e.level, e.source, e.metadata, e.timestamp) for e in parsed] == [
        ("inc-1", "info", "", {}, None), ("inc-2", "error", "api-1", {"a": 1}, None)]


@pytest.mark.parametrize(("data", "message"), [
    ({"incident_id": "inc-1"}, "Request body must be a JSON array of events"),
    ("events", "Request body must be a JSON array of events"),
    ([], "A batch holds at least one event"),
    ([event()] * (MAX_BATCH_EVENTS + 1), f"A batch holds at most {MAX_BATCH_EVENTS} events"),
])
def test_a_batch_is_a_non_empty_array_of_at_most_500_events(data: Any, message: str) -> None:
    assert refusal(data) == [("body", message)]


def test_a_batch_of_500_events_is_read() -> None:
    assert len(parse_batch([event(message=f"line {n}") for n in range(MAX_BATCH_EVENTS)])) == MAX_BATCH_EVENTS


def test_a_batch_names_at_most_40_incidents() -> None:
    forty = [event(incident_id=f"inc-{n % MAX_BATCH_INCIDENTS}") for n in range(MAX_BATCH_EVENTS)]
    assert len(parse_batch(forty)) == MAX_BATCH_EVENTS

    assert refusal([event(incident_id=f"inc-{n}") for n in range(MAX_BATCH_INCIDENTS + 1)]) == [
        ("body", f"A batch names at most {MAX_BATCH_INCIDENTS} incidents")]


def test_every_bad_event_of_a_batch_is_named_by_its_index_and_field() -> None:
    found = refusal([event(), event(level="loud"), "not an object", event(event_type="bogus", message=""),
                     event(incident_id="")])

    assert [field for field, _ in found] == ["[1].level", "[2]", "[3].event_type", "[3].message", "[4].incident_id"]
    assert found[1] == ("[2]", "must be a JSON object")


def test_a_missing_field_is_named_too() -> None:
    assert fields_of([event(), {"event_type": "log", "message": "m"}]) == ["[1].incident_id"]


def test_metadata_is_at_most_16_kib_as_compact_json() -> None:
    at_limit = {"k": "x" * (MAX_METADATA_BYTES - compact_size({"k": ""}))}
    assert compact_size(at_limit) == MAX_METADATA_BYTES
    assert parse_batch([event(metadata=at_limit)])[0].metadata == at_limit

    over = {"k": at_limit["k"] + "x"}
    assert refusal([event(), event(metadata=over)]) == [
        ("[1].metadata", f"metadata must be at most {MAX_METADATA_BYTES} bytes as JSON")]


def test_an_event_is_at_most_32_kib_as_compact_json() -> None:
    body = event(message="m" * 10_000, metadata={"k": "x" * 15_000})
    pad = MAX_EVENT_BODY_BYTES - compact_size({**body, "pad": ""})
    at_limit = {**body, "pad": "y" * pad}  # an unknown field still counts towards the size
    assert compact_size(at_limit) == MAX_EVENT_BODY_BYTES
    assert len(parse_batch([at_limit])) == 1

    assert refusal([{**at_limit, "pad": "y" * (pad + 1)}]) == [
        ("[0]", f"an event is at most {MAX_EVENT_BODY_BYTES} bytes as JSON")]


def test_an_events_size_in_a_batch_is_its_utf8_bytes_as_the_single_route_counts() -> None:
    # 7,200 Japanese characters: 21,600 bytes as UTF-8, twice the limit as \u escapes
    message = "障害" * 3_600

    assert parse_batch([event(message=message)])[0].message == message


def test_a_message_is_at_most_10000_characters() -> None:
    assert len(parse_batch([event(message="m" * 10_000)])) == 1
    assert fields_of([event(message="m" * 10_001)]) == ["[0].message"]


# Event times


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-03-02T10:00:00Z", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
    ("2026-03-02T10:00:00.250Z", datetime(2026, 3, 2, 10, 0, 0, 250_000, tzinfo=UTC)),
    ("2026-03-02T12:00:00+02:00", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
    ("2026-03-02T05:30:00-04:30", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
])
def test_a_timestamp_with_a_zone_is_read_as_utc(text: str, moment: datetime) -> None:
    parsed = parse_batch([event(timestamp=text)])[0].timestamp

    assert parsed == moment and parsed is not None and parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["2026-03-02T10:00:00", "2026-03-02 10:00:00", "2026-03-02"])
def test_a_timestamp_without_a_zone_is_refused(text: str) -> None:
    assert refusal([event(timestamp=text)]) == [
        ("[0].timestamp", "must be an RFC 3339 date-time with a time zone")]


@pytest.mark.parametrize("text", ["1969-12-31T23:59:59Z", "9999-06-01T00:00:00Z", "9999-12-31T23:59:59-05:00"])
def test_a_timestamp_out_of_range_is_refused_with_the_range(text: str) -> None:
    assert refusal([event(timestamp=text)]) == [("[0].timestamp", "Must be between 1970-01-01 and 9998-12-31")]


@pytest.mark.parametrize(("value", "message"), [
    ("yesterday", "must be an RFC 3339 date-time with a time zone"),
    ("2026-13-02T10:00:00Z", "must be an RFC 3339 date-time with a time zone"),
    ("2026-W10-1T05:06:07Z", "must be an RFC 3339 date-time with a time zone"),
    ("2026-03-02T10:00:00+0200", "must be an RFC 3339 date-time with a time zone"),
    ("2026-03-02T10:00Z", "must be an RFC 3339 date-time with a time zone"),
    (1_772_445_600, "must be an RFC 3339 date-time"),
    (["2026-03-02T10:00:00Z"], "must be an RFC 3339 date-time"),
])
def test_a_timestamp_that_is_no_date_time_is_refused(value: Any, message: str) -> None:
    assert refusal([event(), event(timestamp=value)]) == [("[1].timestamp", message)]


def test_a_null_timestamp_means_when_received() -> None:
    assert parse_batch([event(timestamp=None)])[0].timestamp is None


# Incidents


def test_an_incident_body_gets_the_documented_defaults_and_distinct_tags() -> None:
    body = CreateIncidentRequest.model_validate({"title": "  Checkout errors  ", "tags": ["db", " db", "api"]})

    assert (body.title, body.description, body.severity, body.source, body.tags, body.metadata) == (
        "Checkout errors", "", "medium", "manual", ["db", "api"], {})


@pytest.mark.parametrize("body", [
    {"title": "   "},
    {"title": "t" * 501},
    {"title": "t", "severity": "urgent"},
    {"title": "t", "tags": [f"tag-{n}" for n in range(MAX_TAGS + 1)]},
    {"title": "t", "metadata": {"k": "x" * MAX_METADATA_BYTES}},
])
def test_an_incident_body_out_of_bounds_is_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # pydantic's ValidationError (the handler names the fields)
        CreateIncidentRequest.model_validate(body)


# Queries and headers


def test_a_status_query_is_read_when_present() -> None:
    assert parse_status({"status": "monitoring"}, required=True) is Status.MONITORING
    assert parse_status({}, required=False) is None


@pytest.mark.parametrize(("query", "required", "message"), [
    ({}, True, "status is required"),
    ({"status": ""}, False, "status must be one of open, investigating, identified, monitoring, resolved, "
                            "closed"),
    ({"status": "fixed"}, False, "status must be one of open, investigating, identified, monitoring, resolved, "
                                 "closed"),
    ({"status": "OPEN"}, True, "status must be one of open, investigating, identified, monitoring, resolved, "
                               "closed"),
])
def test_status_query_errors_are_located_in_the_query(query: dict[str, str], required: bool, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_status(query, required=required)

    assert [(d.field, d.message) for d in refused.value.details] == [("query.status", message)]


@pytest.mark.parametrize(("query", "message"), [
    ({}, "status is required"),
    ({"status": "done"}, "status must be one of pending, in_progress, completed, failed, skipped"),
])
def test_action_status_query_errors_are_located_in_the_query(query: dict[str, str], message: str) -> None:
    assert parse_action_status({"status": "in_progress"}) is ActionStatus.IN_PROGRESS
    with pytest.raises(ValidationFailed) as refused:
        parse_action_status(query)

    assert [(d.field, d.message) for d in refused.value.details] == [("query.status", message)]


def test_pages_default_bound_and_locate_their_errors_in_the_query() -> None:
    assert (parse_incident_page({}).limit, parse_event_page({}).limit) == (50, 100)
    assert (parse_incident_page({"limit": "200"}).limit, parse_event_page({"limit": "1000"}).limit) == (200, 1000)
    assert parse_event_page({"cursor": "abc"}).cursor == "abc"
    with pytest.raises(ValidationFailed) as refused:
        parse_event_page({"limit": "1001"})
    assert [(d.field, d.message) for d in refused.value.details] == [
        ("query.limit", "limit must be an integer from 1 to 1000")]
    for bad in ("0", "-1", "ten", "201"):
        with pytest.raises(ValidationFailed) as refused:
            parse_incident_page({"limit": bad})
        assert [d.field for d in refused.value.details] == ["query.limit"]


def test_an_idempotency_key_is_read_from_the_header_whatever_its_case() -> None:
    assert parse_idempotency_key({}) is None
    assert parse_idempotency_key({"Content-Type": "application/json"}) is None
    assert parse_idempotency_key({"idempotency-key": "batch-42"}) == "batch-42"
    assert parse_idempotency_key({"IDEMPOTENCY-KEY": "a b"}) == "a b"
    assert parse_idempotency_key({"Idempotency-Key": "k" * MAX_IDEMPOTENCY_KEY}) == "k" * MAX_IDEMPOTENCY_KEY


@pytest.mark.parametrize("key", ["", "k" * (MAX_IDEMPOTENCY_KEY + 1), "line\nbreak", "tab\there", "ключ",
                                 "caf\u00e9"])
def test_an_idempotency_key_is_1_to_255_printable_ascii_characters(key: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_idempotency_key({"Idempotency-Key": key})

    assert [(d.field, d.message) for d in refused.value.details] == [
        ("header.Idempotency-Key", "must be 1 to 255 printable ASCII characters")]
