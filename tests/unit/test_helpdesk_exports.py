"""Ticket export CSV and request rules (opsdesk.helpdesk.exports)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import Forbidden, ValidationFailed
from opsdesk.helpdesk.exports import (
    COLUMNS,
    MAX_EXPORT_IDS,
    ExportService,
    cell,
    export_key,
    missing_ids,
    neutralise,
    render_csv,
)
from opsdesk.helpdesk.requests import ExportTicketsRequest
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
        ("a;b", '"a;b"'),
        ("", ""),
    ],
)
def test_fields_are_quoted_only_when_rfc_4180_or_a_semicolon_locale_needs_it(text: str, written: str) -> None:
    assert cell(text) == written


def test_a_formula_after_a_semicolon_stays_inside_its_quoted_cell() -> None:
    # Given a title that a spreadsheet splitting fields on `;` would cut into a formula cell
    payload = "Printer;=cmd|' /C calc'!A0;x"

    # When it is exported
    data = render_csv([ticket(title=payload)])

    # Then it is one quoted field, so no `;` of it starts a cell
    assert b'"Printer;=cmd|\' /C calc\'!A0;x"' in data
    assert [row[COLUMNS.index("title")] for row in read_back(data)[1:]] == [payload]
    assert b";=" not in data.replace(b'"Printer;=cmd|\' /C calc\'!A0;x"', b"")


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


# The service


class FakeObjects:
    def __init__(self) -> None:
        self.stored: dict[str, tuple[bytes, str]] = {}
        self.links: list[dict[str, Any]] = []

    def put(self, bucket: str, key: str, body: bytes, *, content_type: str) -> None:
        self.stored[f"{bucket}/{key}"] = (body, content_type)

    def presign_get(self, bucket: str, key: str, *, download_name: str, content_type: str,
                    expires_seconds: int) -> str:
        self.links.append({"key": f"{bucket}/{key}", "name": download_name, "expires": expires_seconds})
        return f"https://s3.test/{bucket}/{key}?signed"


class FakeLog:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def record_export(self, tenant_id: str, **record: Any) -> None:
        self.records.append({"tenant_id": tenant_id, **record})


NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AGENT = Principal(user_id="agent-1", tenant_id="tenant-a", username="agent", groups=frozenset({"agent"}))


@pytest.fixture
def tickets_by_tenant() -> dict[str, dict[str, dict[str, Any]]]:
    ids = _ids(3)
    return {
        "tenant-a": {ids[0]: ticket(id=ids[0], number=1, title="first"), ids[1]: ticket(id=ids[1], number=2)},
        "tenant-b": {ids[2]: ticket(id=ids[2], number=1, title="theirs")},
    }


@pytest.fixture
def parts(tickets_by_tenant: dict[str, dict[str, dict[str, Any]]]) -> tuple[ExportService, FakeObjects, FakeLog]:
    def views(tenant: str, ids: Any, now: datetime) -> list[dict[str, Any]]:
        return [tickets_by_tenant[tenant][i] for i in ids if i in tickets_by_tenant.get(tenant, {})]

    objects, log = FakeObjects(), FakeLog()
    service = ExportService(views, objects, log, "exports", url_seconds=300, clock=lambda: NOW,
                            id_factory=lambda: "exp-1")
    return service, objects, log


def test_export_writes_the_csv_in_the_order_asked_and_links_to_it(
    parts: tuple[ExportService, FakeObjects, FakeLog], tickets_by_tenant: dict[str, dict[str, dict[str, Any]]]
) -> None:
    service, objects, log = parts
    first, second = list(tickets_by_tenant["tenant-a"])

    url = service.export_tickets(AGENT, ExportTicketsRequest(ids=[second, first, second]))

    key = "exports/tenants/tenant-a/exports/2026-03-02/tickets-exp-1.csv"
    assert url == f"https://s3.test/{key}?signed"
    body, content_type = objects.stored[key]
    assert content_type == "text/csv; charset=utf-8; header=present"
    assert [row[0] for row in read_back(body)[1:]] == [second, first]
    assert objects.links == [{"key": key, "name": "tickets-20260302-093000.csv", "expires": 300}]
    assert log.records == [{"tenant_id": "tenant-a", "export_id": "exp-1",
                            "object_key": "tenants/tenant-a/exports/2026-03-02/tickets-exp-1.csv", "tickets": 2,
                            "created_by": "agent-1", "now": NOW}]


def test_export_is_for_agents_only(parts: tuple[ExportService, FakeObjects, FakeLog]) -> None:
    service, objects, _ = parts
    requester = Principal(user_id="u", tenant_id="tenant-a", username="u", groups=frozenset())

    with pytest.raises(Forbidden):
        service.export_tickets(requester, ExportTicketsRequest(ids=_ids(1)))

    assert objects.stored == {}


def test_admins_count_as_agents(
    parts: tuple[ExportService, FakeObjects, FakeLog], tickets_by_tenant: dict[str, dict[str, dict[str, Any]]]
) -> None:
    admin = Principal(user_id="a", tenant_id="tenant-a", username="a", groups=frozenset({"admin"}))

    assert parts[0].export_tickets(admin, ExportTicketsRequest(ids=list(tickets_by_tenant["tenant-a"])))


def test_another_tenants_ticket_is_a_400_naming_it_and_nothing_is_written(
    parts: tuple[ExportService, FakeObjects, FakeLog], tickets_by_tenant: dict[str, dict[str, dict[str, Any]]]
) -> None:
    service, objects, log = parts
    mine = next(iter(tickets_by_tenant["tenant-a"]))
    theirs = next(iter(tickets_by_tenant["tenant-b"]))

    with pytest.raises(ValidationFailed) as refused:
        service.export_tickets(AGENT, ExportTicketsRequest(ids=[mine, theirs]))

    assert [(d.field, d.message) for d in refused.value.details] == [("ids[1]", "ticket not found")]
    assert objects.stored == {}
    assert log.records == []
