"""What every module's response shapes (opsdesk.<module>.schemas) are built from: the `Answer` base, its camelCase
variant, and `optional()` for a field that may be left out.

Conventions: every model forbids other fields; a field that is always present but may be null is `X | None` without
a default (required, nullable); a field that may be left out is `X | SkipJsonSchema[None] = optional()` (not
required, never null). Times are RFC 3339 in UTC with a `Z` (opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def camel(name: str) -> str:
    """`token_usage` -> `tokenUsage`, `last_24h` -> `last24h` (pydantic's to_camel would say `last24H`)."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


class Answer(BaseModel):
    """A response shape: exactly these fields (additionalProperties: false), described by their docstrings."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class CamelAnswer(Answer):
    """An Answer whose JSON names are the camelCase aliases of its snake_case fields (aura, support)."""

    model_config = ConfigDict(alias_generator=camel, populate_by_name=True,
                              field_title_generator=lambda name, _: camel(name))


def optional() -> Any:
    """The default of a field that may be left out of the answer (never null): no `default` in the schema."""
    return Field(default=None, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
