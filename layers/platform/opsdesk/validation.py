"""Request bodies validated with pydantic at the edge; failures become a ValidationFailed naming each field."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from opsdesk.errors import FieldError, ValidationFailed

ModelT = TypeVar("ModelT", bound=BaseModel)


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


def parse_json_body(raw: str | bytes | None, max_bytes: int) -> Any:
    if raw is None or raw in ("", b""):
        raise ValidationFailed("Request body is required", details=[FieldError("body", "Request body is required")])
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        raise ValidationFailed(details=[FieldError("body", f"Request body is larger than {max_bytes} bytes")])
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed("Invalid JSON", details=[FieldError("body", "Request body is not valid JSON")]) from exc


def parse_model(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        raise ValidationFailed(details=[FieldError("body", "Request body must be a JSON object")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Invalid request body", details=field_errors(exc)) from exc
