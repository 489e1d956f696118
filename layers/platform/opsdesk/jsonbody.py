"""Request bodies read as JSON, before any model sees them: every refusal a ValidationFailed naming `body`.

No pydantic here: functions that read JSON without a request model (webhooks, event ingest) and the shared REST
plumbing import this at cold start; opsdesk.validation, which validates models, loads pydantic when a body is
validated."""

from __future__ import annotations

import json
import math
from typing import Any

from opsdesk.errors import FieldError, ValidationFailed

MAX_JSON_DEPTH = 32
"""Objects and arrays nest at most this deep in a request body: deeper bodies are refused before they reach a
model, a store or a serializer (each of which recurses)."""
MAX_JSON_INTEGER_DIGITS = 38
"""DynamoDB's number precision: a longer integer could be stored rounded or not at all."""


def parse_json_body(raw: str | bytes | None, max_bytes: int) -> Any:
    """A request body as JSON, or a ValidationFailed naming `body`: too large, not UTF-8, not JSON, nested deeper
    than MAX_JSON_DEPTH, or holding a number that cannot be read back (NaN, Infinity, 1e309, a 40-digit
    integer) or an unpaired surrogate escape. Everything this accepts can be stored and served again as strict JSON."""
    if raw is None or raw in ("", b""):
        raise ValidationFailed("Request body is required", details=[FieldError("body", "Request body is required")])
    try:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
        text = data.decode("utf-8")
    except UnicodeError as exc:
        raise _invalid_body("Request body is not valid JSON") from exc  # JSON text is UTF-8 (RFC 8259)
    if len(data) > max_bytes:
        raise ValidationFailed(details=[FieldError("body", f"Request body is larger than {max_bytes} bytes")])
    too_deep = _invalid_body(f"Request body nests objects and arrays more than {MAX_JSON_DEPTH} deep")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except _UnreadableNumber as exc:
        raise _invalid_body(str(exc)) from exc
    except RecursionError as exc:  # the parser's own limit (about 1,000 levels)
        raise too_deep from exc
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise _invalid_body("Request body is not valid JSON") from exc
    if _nesting_depth(value) > MAX_JSON_DEPTH:
        raise too_deep
    if "\\ud" in text.lower() and _has_lone_surrogate(value):
        raise _invalid_body("Request body holds an unpaired surrogate escape (\\ud800-\\udfff), which is not text")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """A `\\ud800` escape without its pair parses to a string no UTF-8 writer can write back: strict clients would
    reject every later answer that holds it. (Only bodies with such escapes pay for this check.)"""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _UnreadableNumber(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _UnreadableNumber(f"Request body holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _UnreadableNumber(f"Request body holds a number too large to represent: {text[:40]}")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INTEGER_DIGITS:
        raise _UnreadableNumber(f"Request body holds an integer longer than {MAX_JSON_INTEGER_DIGITS} digits")
    return int(text)


def _nesting_depth(value: Any) -> int:
    """How deep objects and arrays nest in a parsed body: level by level, nothing recurses, and the walk stops
    one level past the limit."""
    depth = 0
    level = [value] if isinstance(value, dict | list) else []
    while level and depth <= MAX_JSON_DEPTH:
        depth += 1
        below: list[Any] = []
        for node in level:
            below.extend(child for child in (node.values() if isinstance(node, dict) else node)
                         if isinstance(child, dict | list))
        level = below
    return depth


def _invalid_body(message: str) -> ValidationFailed:
    return ValidationFailed("Invalid JSON", details=[FieldError("body", message)])
