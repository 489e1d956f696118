"""Ticket export CSV and request rules (opsdesk.helpdesk.exports)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.errors import ValidationFailed
from opsdesk.helpdesk.exports import (
    COLUMNS,
    MAX_EXPORT_IDS,
    ExportTicketsRequest,
    cell,
    export_key,
    missing_ids,
    neutralise,
    render_csv,
)
from opsdesk.validation import parse_model


def ticket(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "7d1c3f0e-8a44-4b51-9a0e-3c2f4d5e6f70",
        "number": 12,
        "title": "VPN down",
        "description": "Cannot connect",
        "requester_id": "0b5e0a52-1111-4d6b-9c1a-aaaaaaaaaaaa",
        "assignee_id": None,
        "team_id": None,
        "priority": "high",
        "urgency": 2,
        "category": None,
        "subcategory": None,
        "status": "open",
        "scheduled_at": None,
        "due_at": None,
        "source": "web",
        "custom_json": {},
        "created_at": "2026-03-02T09:00:00.000Z",
        "updated_at": "2026-03-02T09:00:00.000Z",
        "sla": {
            "first_response_due_at": "2026-03-02T10:00:00.000Z",
            "resolution_due_at": "2026-03-02T17:00:00.000Z",
            "first_response_target_minutes": 60,
            "resolution_target_minutes": 480,
            "first_response_breached": False,
            "resolution_breached": True,
        },
    }
    return {**base, **overrides}


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_header_names_the_ticket_fields_then_the_sla_fields() -> None:
    header = read_back(render_csv([]))[0]

    assert header[:4] == ["id", "number", "title", "description"]
    assert "custom_json" in header
    assert header[-6:] == [
        "sla_first_response_due_at", "sla_resolution_due_at", "sla_first_response_target_minutes",
        "sla_resolution_target_minutes", "sla_first_response_breached", "sla_resolution_breached",
    ]


def test_rows_end_in_crlf_including_the_last() -> None:
    data = render_csv([ticket(), ticket(number=13)])

    assert data.endswith(b"\r\n")
    assert data.count(b"\r\n") == 3
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_ticket_round_trips_through_a_csv_reader() -> None:
    rows = read_back(render_csv([ticket(custom_json={"b": 1, "a": "x"})]))
    values = dict(zip(rows[0], rows[1], strict=True))

    assert values["id"] == "7d1c3f0e-8a44-4b51-9a0e-3c2f4d5e6f70"
    assert values["number"] == "12"
    assert values["assignee_id"] == ""
    assert values["custom_json"] == '{"a":"x","b":1}'
    assert values["sla_resolution_target_minutes"] == "480"
    assert values["sla_resolution_breached"] == "true"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", "plain"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("carriage\rreturn", '"carriage\rreturn"'),
        ("", ""),
    ],
)
def test_fields_are_quoted_only_when_rfc_4180_needs_it(text: str, written: str) -> None:
    assert cell(text) == written


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x")'])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(payload: str) -> None:
    assert neutralise(payload) == "'" + payload
    [_, data_row] = read_back(render_csv([ticket(title=payload)]))

    assert data_row[COLUMNS.index("title")] == "'" + payload


def test_neutralised_text_is_still_quoted() -> None:
    assert cell('=cmd|" /C calc"!A0,') == '"\'=cmd|"" /C calc""!A0,"'


def test_numbers_and_safe_text_are_not_prefixed() -> None:
    assert cell(-5) == "-5"
    assert cell(1.5) == "1.5"
    assert cell("a=b") == "a=b"
    assert cell(None) == ""


def test_utf8_text_survives() -> None:
    [_, data_row] = read_back(render_csv([ticket(title="Überweisung — 日本")]))

    assert data_row[COLUMNS.index("title")] == "Überweisung — 日本"


def test_missing_sla_leaves_its_columns_empty() -> None:
    [_, data_row] = read_back(render_csv([ticket(sla=None)]))

    assert data_row[-6:] == [""] * 6


# Request


def _ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def test_request_takes_one_to_a_thousand_uuids() -> None:
    assert len(parse_model(ExportTicketsRequest, {"ids": _ids(MAX_EXPORT_IDS)}).ids) == MAX_EXPORT_IDS


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": []}, "ids"),
        ({"ids": _ids(MAX_EXPORT_IDS + 1)}, "ids"),
        ({}, "ids"),
        ({"ids": "x"}, "ids"),
        ({"ids": [str(uuid.uuid4()), "not-a-uuid"]}, "ids[1]"),
        ({"ids": [42]}, "ids[0]"),
        ({"ids": [str(uuid.uuid4()).replace("-", "")]}, "ids[0]"),
        ({"ids": _ids(1), "tenant_id": "other"}, "tenant_id"),
    ],
)
def test_bad_request_names_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_model(ExportTicketsRequest, body)

    assert field in {d.field for d in refused.value.details}


def test_ids_are_normalised_and_exported_once_in_first_order() -> None:
    a, b = _ids(2)
    request = parse_model(ExportTicketsRequest, {"ids": [a.upper(), b, a]})

    assert request.unique_ids == [a, b]


def test_missing_ids_are_named_by_their_position() -> None:
    a, b, c = _ids(3)

    assert missing_ids([a, b, c], found=[b]) == {"ids[0]": "ticket not found", "ids[2]": "ticket not found"}
    assert missing_ids([a], found=[a]) == {}


def test_export_key_sits_under_the_tenant() -> None:
    key = export_key("tenant-a", "exp-1", datetime(2026, 3, 2, tzinfo=UTC))

    assert key == "tenants/tenant-a/exports/2026-03-02/tickets-exp-1.csv"
