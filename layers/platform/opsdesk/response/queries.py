"""The response API's limits and what a route reads besides its body: the query's status and page
(`query.status`, `query.limit`) and the `Idempotency-Key` header, located where the client put them. Limits
(docs/decisions.md, "Response module"): what one request and one batch may hold, so every refusal is a 4xx before
anything is written; what one incident and one event may hold is in opsdesk.response.records, which NewIncident and
NewEvent check. Loads no pydantic (the request bodies, opsdesk.response.requests, do), so the
handlers import it at cold start."""

from __future__ import annotations

from collections.abc import Mapping

from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import CursorRequest, parse_cursor_request
from opsdesk.response.records import ActionStatus, Status

MAX_INCIDENT_BODY_BYTES = 64 * 1024
MAX_EVENT_BODY_BYTES = 32 * 1024
MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024
MAX_BATCH_EVENTS = 500
MAX_BATCH_INCIDENTS = 40
"""Distinct incidents one batch may name: their counters move in the batch's one closing transaction."""
DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE = 50, 200
DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE = 100, 1000
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 255


def parse_status(query: Mapping[str, str], *, required: bool) -> Status | None:
    raw = query.get("status")
    if raw is None:
        if required:
            raise ValidationFailed(details=[FieldError("query.status", "status is required")])
        return None
    try:
        return Status(str(raw))
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise ValidationFailed(details=[FieldError("query.status", f"status must be one of {allowed}")]) from None


def parse_action_status(query: Mapping[str, str]) -> ActionStatus:
    raw = query.get("status")
    try:
        return ActionStatus(raw or "")
    except ValueError:
        allowed = ", ".join(s.value for s in ActionStatus)
        message = "status is required" if not raw else f"status must be one of {allowed}"
        raise ValidationFailed(details=[FieldError("query.status", message)]) from None


def parse_incident_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_query_page(query, DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE)


def parse_event_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_query_page(query, DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE)


def parse_query_page(query: Mapping[str, str], default: int, maximum: int) -> CursorRequest:
    try:
        return parse_cursor_request(query, default_limit=default, max_limit=maximum)
    except ValidationFailed as exc:  # the query's fields are located in the query (FastAPI's loc)
        raise ValidationFailed(exc.message, details=[FieldError(f"query.{d.field}", d.message)
                                                     for d in exc.details]) from None


def parse_idempotency_key(headers: Mapping[str, str]) -> str | None:
    key = next((v for k, v in headers.items() if k.lower() == IDEMPOTENCY_KEY_HEADER.lower()), None)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable() or not key.isascii():
        raise ValidationFailed(details=[FieldError(f"header.{IDEMPOTENCY_KEY_HEADER}",
                                                   f"must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters")])
    return key
