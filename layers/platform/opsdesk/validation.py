"""Request bodies validated with pydantic at the edge; failures become a ValidationFailed naming each field."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic_core import PydanticCustomError, core_schema

from opsdesk.errors import FieldError, ValidationFailed

ModelT = TypeVar("ModelT", bound=BaseModel)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL_LENGTH = 254
EmailText = Annotated[str, Field(json_schema_extra={"format": "email", "maxLength": MAX_EMAIL_LENGTH})]
"""An email field as the documents describe it; `email_address` checks it (a validator, for the message)."""


class RequestBody(BaseModel):
    """The base of every request model. Built when a request first validates one (defer_build), not at import: a
    function holds the models of all its routes (the copilot's hold 15) and a cold start serves one of them."""

    model_config = ConfigDict(defer_build=True)


def email_address(value: str) -> str:
    if len(value) > MAX_EMAIL_LENGTH:  # as sent: the length the documents state
        raise ValueError("must be an email address")
    value = value.strip()
    if not EMAIL_PATTERN.match(value):
        raise ValueError("must be an email address")
    return value


NOT_BLANK = r"\S"
"""A JSON Schema pattern (matched anywhere in the value): at least one character that is not whitespace."""


@dataclass(frozen=True)
class Stripped:
    """Text kept without its surrounding whitespace, after the length limits beside it checked it as sent (so the
    document's maxLength is exactly what is refused). Unless `blank`, whitespace alone is refused, and the document
    says so with the NOT_BLANK pattern. Use: `Annotated[str, StringConstraints(min_length=1, max_length=200),
    Stripped()]`."""

    blank: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._strip, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        described: dict[str, Any] = handler(schema)
        if not self.blank:
            described["pattern"] = NOT_BLANK
        return described

    def _strip(self, value: str) -> str:
        stripped = value.strip()
        if not stripped and not self.blank:
            raise PydanticCustomError("string_blank", "String should have at least 1 character that is not "
                                                      "whitespace")
        return stripped


def field_path(location: tuple[int | str, ...]) -> str:
    """("contexts", 0, "value") -> "contexts[0].value"."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _message(error: Any) -> str:
    field = str(error["loc"][-1]) if error["loc"] else "body"
    match error["type"]:
        case "missing":
            return f"{field} is required"
        case "extra_forbidden":
            return f"{field} is not a field that can be set"
        case _:
            return str(error["msg"]).removeprefix("Value error, ")


def field_errors(exc: ValidationError) -> list[FieldError]:
    return [FieldError(field_path(tuple(e["loc"])), _message(e)) for e in exc.errors(include_url=False)]


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


def parse_model(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        raise ValidationFailed(details=[FieldError("body", "Request body must be a JSON object")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Invalid request body", details=field_errors(exc)) from exc
