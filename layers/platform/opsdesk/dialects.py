"""Error envelopes, one dialect per module, exactly as each API document shows them (DESIGN.md §1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from opsdesk.errors import DomainError, ErrorKind, FieldError

STATUS_BY_KIND: dict[ErrorKind, int] = {
    ErrorKind.VALIDATION: 400,
    ErrorKind.UNAUTHORIZED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.INTERNAL: 500,
    ErrorKind.UNAVAILABLE: 503,
}

# The support and aura documents name their codes; the others carry only a message.
CODE_BY_KIND: dict[ErrorKind, str] = {
    ErrorKind.VALIDATION: "VALIDATION_ERROR",
    ErrorKind.UNAUTHORIZED: "UNAUTHORIZED",
    ErrorKind.FORBIDDEN: "FORBIDDEN",
    ErrorKind.NOT_FOUND: "NOT_FOUND",
    ErrorKind.CONFLICT: "CONFLICT",
    ErrorKind.RATE_LIMITED: "RATE_LIMITED",
    ErrorKind.INTERNAL: "INTERNAL_ERROR",
    ErrorKind.UNAVAILABLE: "SERVICE_UNAVAILABLE",
}

Envelope = tuple[int, dict[str, Any]]
Dialect = Callable[[DomainError], Envelope]


def _code(error: DomainError) -> str:
    return error.code or CODE_BY_KIND[error.kind]


def _joined(details: list[FieldError]) -> str:
    return "; ".join(f"{d.field}: {d.message}" for d in details)


def support(error: DomainError) -> Envelope:
    """`{"error":{"code","message","details":[{field,message}]}}`; details is always a list."""
    details = [{"field": d.field, "message": d.message} for d in error.details]
    return STATUS_BY_KIND[error.kind], {"error": {"code": _code(error), "message": error.message, "details": details}}


def helpdesk(error: DomainError) -> Envelope:
    """`{"error":"message"}`, and `{"errors":{"field":"message"}}` for validation."""
    if error.kind is ErrorKind.VALIDATION and error.details:
        return 400, {"errors": {d.field: d.message for d in error.details}}
    return STATUS_BY_KIND[error.kind], {"error": error.message}


def copilot(error: DomainError) -> Envelope:
    """`{"detail":"message"}` for every error; validation is a 422 whose detail names the fields, except where
    the document names a 400 (a sign-in without its fields: code MISSING_FIELDS)."""
    if error.kind is ErrorKind.VALIDATION:
        return 400 if error.code == "MISSING_FIELDS" else 422, {"detail": _joined(error.details) or error.message}
    return STATUS_BY_KIND[error.kind], {"detail": error.message}


def response(error: DomainError) -> Envelope:
    """FastAPI's shape, which the incident-response document's clients know: validation is a 422 whose
    `detail` is a list of `{loc,msg,type}`; every other error is `{"detail":"message"}`."""
    if error.kind is ErrorKind.VALIDATION:
        detail = [{"loc": _location(d.field), "msg": d.message, "type": "value_error"} for d in error.details]
        return 422, {"detail": detail or error.message}
    return STATUS_BY_KIND[error.kind], {"detail": error.message}


REQUEST_PARTS = ("query", "path", "header")
CURSOR_FIELD = "cursor"
"""A field named `query.status` or `header.Idempotency-Key` is located in that part of the request, not the body."""


def _location(field: str) -> list[str | int]:
    """"contexts[0].value" -> ["body", "contexts", 0, "value"], "[3].level" -> ["body", 3, "level"] and
    "query.status" -> ["query", "status"], as FastAPI locates a field."""
    part, dot, rest = field.partition(".")
    if dot and part in REQUEST_PARTS:
        return [part, rest]
    if field == CURSOR_FIELD:  # the platform's cursors (opsdesk.cursors) always come in the query
        return ["query", field]
    parts: list[str | int] = ["body"]
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        parts.append(int(index) if index else name)
    return parts if field != "body" else ["body"]


def aura(error: DomainError) -> Envelope:
    """`{"error":{"code","message","details":{}}}`; details maps field to message."""
    details = {d.field: d.message for d in error.details}
    return STATUS_BY_KIND[error.kind], {"error": {"code": _code(error), "message": error.message, "details": details}}


DIALECTS: dict[str, Dialect] = {
    "support": support,
    "helpdesk": helpdesk,
    "copilot": copilot,
    "response": response,
    "aura": aura,
}
