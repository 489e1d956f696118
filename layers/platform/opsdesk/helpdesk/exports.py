"""Ticket exports: the request rules and the CSV (docs/decisions.md, Helpdesk).

The CSV follows RFC 4180 (CRLF line ends, a header row, fields quoted when they hold a comma, a double quote,
CR or LF, and double quotes doubled inside quotes), UTF-8. Spreadsheets execute cells that start with `=`, `+`,
`-`, `@`, TAB or CR as formulas (CSV injection): such text cells get a leading `'`, as OWASP advises, so they
show as text. Numbers and booleans are written as such and are never prefixed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from opsdesk.auth import Principal
from opsdesk.clock import new_id, utc_now
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.helpdesk.workflow import require_agent

if TYPE_CHECKING:  # request bodies load pydantic, which the route that validates one loads (opsdesk.http)
    from opsdesk.helpdesk.requests import ExportTicketsRequest

MAX_EXPORT_IDS = 1000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = (",", '"', "\r", "\n", ";")
"""RFC 4180's, and `;`: a spreadsheet whose locale separates fields with `;` (German, French Excel) would split an
unquoted `a;=cmd` into a cell that runs as a formula, past the check of a cell's first character."""

# The Ticket model's fields in the document's order; `sla` is flattened into its six fields and `custom_json`
# is written as JSON text.
TICKET_FIELDS: tuple[str, ...] = (
    "id", "number", "title", "description", "requester_id", "assignee_id", "team_id", "priority", "urgency",
    "category", "subcategory", "status", "scheduled_at", "due_at", "source", "custom_json", "created_at",
    "updated_at",
)
SLA_FIELDS: tuple[str, ...] = (
    "first_response_due_at", "resolution_due_at", "first_response_target_minutes", "resolution_target_minutes",
    "first_response_breached", "resolution_breached",
)
COLUMNS: tuple[str, ...] = (*TICKET_FIELDS, *(f"sla_{name}" for name in SLA_FIELDS))


def export_key(tenant_id: str, export_id: str, now: datetime) -> str:
    """Where the CSV goes in the exports bucket: under the tenant, dated, named by the export."""
    return f"tenants/{tenant_id}/exports/{now.strftime('%Y-%m-%d')}/tickets-{export_id}.csv"


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def quote(text: str) -> str:
    if any(char in text for char in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def cell(value: Any) -> str:
    """One field: empty for None, true/false for booleans, digits for numbers, JSON for objects and lists, and
    text neutralised then quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    else:
        text = str(value)
    return quote(neutralise(text))


def row(ticket: Mapping[str, Any]) -> list[Any]:
    """A ticket as its JSON representation (`GET /tickets/:id`) -> the values of COLUMNS."""
    sla = ticket.get("sla") or {}
    return [ticket.get(name) for name in TICKET_FIELDS] + [sla.get(name) for name in SLA_FIELDS]


def render_csv(tickets: Iterable[Mapping[str, Any]]) -> bytes:
    lines = [",".join(cell(name) for name in COLUMNS)]
    lines.extend(",".join(cell(value) for value in row(ticket)) for ticket in tickets)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def missing_ids(requested: Sequence[str], found: Iterable[str]) -> dict[str, str]:
    """`ids[i]` -> message for every requested id the caller's tenant does not have."""
    present = set(found)
    return {f"ids[{index}]": "ticket not found" for index, value in enumerate(requested) if value not in present}


# The service: plain Python over the tickets, an object store and the export log (protocols).

EXPORT_URL_SECONDS = 300


class ExportObjects(Protocol):
    def put(self, bucket: str, key: str, body: bytes, *, content_type: str) -> None: ...

    def presign_get(self, bucket: str, key: str, *, download_name: str, content_type: str,
                    expires_seconds: int) -> str: ...


class ExportLog(Protocol):
    def record_export(self, tenant_id: str, *, export_id: str, object_key: str, tickets: int, created_by: str,
                      now: datetime) -> None: ...


TicketViews = Callable[[str, Sequence[str], datetime], Sequence[Mapping[str, Any]]]
"""(tenant, ids, now) -> the tenant's tickets among `ids` as the API shows them (`GET /tickets/:id`)."""


class ExportService:
    def __init__(
        self,
        tickets: TicketViews,
        objects: ExportObjects,
        log: ExportLog,
        bucket: str,
        *,
        url_seconds: int = EXPORT_URL_SECONDS,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
    ) -> None:
        self._tickets = tickets
        self._objects = objects
        self._log = log
        self._bucket = bucket
        self._url_seconds = url_seconds
        self._clock = clock
        self._new_id = id_factory

    def export_tickets(self, principal: Principal, request: ExportTicketsRequest) -> str:
        """Agents only (403). Write the CSV of the caller's tenant's tickets `ids` (in that order) and answer a
        short-lived download URL. An id the tenant does not have is a 400 naming it (`ids[i]`), and nothing is
        written: the caller asked for something it cannot have, and another tenant's id looks exactly like an
        unknown one."""
        require_agent(principal)
        now = self._clock()
        wanted = request.unique_ids
        found = {str(view["id"]): view for view in self._tickets(principal.tenant_id, wanted, now)}
        missing = missing_ids(request.ids, found)
        if missing:
            raise ValidationFailed(details=[FieldError(name, message) for name, message in missing.items()])
        export_id = self._new_id()
        key = export_key(principal.tenant_id, export_id, now)
        self._objects.put(self._bucket, key, render_csv(found[ticket_id] for ticket_id in wanted),
                          content_type=CSV_CONTENT_TYPE)
        self._log.record_export(principal.tenant_id, export_id=export_id, object_key=key, tickets=len(wanted),
                                created_by=principal.user_id, now=now)
        download_name = f"tickets-{now.strftime('%Y%m%d-%H%M%S')}.csv"
        return self._objects.presign_get(self._bucket, key, download_name=download_name,
                                         content_type=CSV_CONTENT_TYPE, expires_seconds=self._url_seconds)
