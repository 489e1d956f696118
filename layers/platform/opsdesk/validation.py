"""Request bodies validated with pydantic at the edge; failures become a ValidationFailed naming each field."""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic_core import PydanticCustomError, core_schema

from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.frozen import frozen

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


@frozen
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


def parse_model(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        raise ValidationFailed(details=[FieldError("body", "Request body must be a JSON object")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Invalid request body", details=field_errors(exc)) from exc
