"""Small valid instances of a module document's JSON schemas: what a well-behaved client would send, so an attack
suite reaches the check it aims at (tenancy, roles, protected fields) rather than the body's validation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Schema = dict[str, Any]
TEXT = "cross-tenant probe"
_FORMATS: dict[str, Callable[[], str]] = {
    "date-time": lambda: datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    "date": lambda: datetime.now(UTC).date().isoformat(),
    "email": lambda: "probe@example.test",
    "uuid": lambda: str(uuid.uuid4()),
    "uri": lambda: "https://example.test/probe",
}


def resolve(schema: Schema, components: Schema) -> Schema:
    while "$ref" in schema:
        schema = components["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def sample(schema: Schema, components: Schema) -> Any:
    """An instance the schema accepts: required properties (or the first one, so a PATCH changes something), the
    first enum value, formats, patterns, lengths and bounds respected."""
    schema = resolve(schema, components)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return next(value for value in schema["enum"] if value is not None)
    if schema.get("examples"):
        return schema["examples"][0]
    return _BY_KIND[_kind(schema)](schema, components)


def _kind(schema: Schema) -> str:
    if "anyOf" in schema or "oneOf" in schema:
        return "choice"
    if "allOf" in schema:
        return "all"
    kind = schema.get("type", "object")
    return str(next(k for k in kind if k != "null") if isinstance(kind, list) else kind)


def _choice(schema: Schema, components: Schema) -> Any:
    listed: list[Schema] = schema.get("anyOf") or schema.get("oneOf") or []
    options = [resolve(option, components) for option in listed]
    return sample(next(option for option in options if option.get("type") != "null"), components)


def _all(schema: Schema, components: Schema) -> Any:
    merged: Schema = {"type": "object", "properties": {}, "required": []}
    for part in (resolve(part, components) for part in schema["allOf"]):
        merged["properties"] |= part.get("properties", {})
        merged["required"] += part.get("required", [])
    return sample(merged, components)


def _object(schema: Schema, components: Schema) -> Any:
    properties = schema.get("properties", {})
    chosen = schema.get("required") or list(properties)[:1]
    return {name: sample(properties.get(name, {"type": "string"}), components) for name in chosen}


def _array(schema: Schema, components: Schema) -> Any:
    return [sample(schema.get("items", {"type": "string"}), components)] * max(1, schema.get("minItems", 1))


def _number(schema: Schema, _: Schema) -> Any:
    return max(schema.get("minimum", 1), min(schema.get("maximum", 1), 1))


def _string(schema: Schema, _: Schema) -> str:
    if schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]()
    low, high = schema.get("minLength", 1), schema.get("maxLength", len(TEXT))
    padded = (TEXT * (1 + low // len(TEXT)))[:max(low, min(high, len(TEXT)))]
    pattern: str | None = schema.get("pattern")
    candidates: list[str] = [padded, "probe", str(uuid.uuid4())]
    return next((text for text in candidates if pattern is None or re.search(pattern, text)), padded)


_BY_KIND: dict[str, Callable[[Schema, Schema], Any]] = {
    "choice": _choice, "all": _all, "object": _object, "array": _array, "boolean": lambda _, __: True,
    "integer": _number, "number": _number, "string": _string,
}
