"""A body cannot set what its route does not take, and a value of the wrong JSON type is refused rather than coerced,
on every write route of every module, derived from the modules' OpenAPI documents.

- Strict types: every boolean or integer field of every request body, sent as the string a lax parser would coerce
  (`"approved": "yes"`, `"limit": "5"`), is a 400 or 422 that names the field.
- Protected fields: every PATCH of a resource that can be read at the same path is sent, besides a valid change,
  every field of the resource its body does not take (ids, tenant, status where the route does not move it,
  counters, versions, times) with a forged value; none of the forged values is what alice reads afterwards."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.route_ids import Operation, Victim, document, operations, request_parts
from tests.api.schema_samples import resolve

pytestmark = pytest.mark.xdist_group("local-stack")

COERCIBLE = {"boolean": "yes", "integer": "5"}
WRITES = [operation for operation in operations()
          if operation.method in ("post", "put", "patch") and operation.body_schema is not None]


def _kind(schema: dict[str, Any], components: dict[str, Any]) -> str | None:
    schema = resolve(schema, components)
    options = [resolve(option, components) for option in schema.get("anyOf", [schema])]
    kinds = {option.get("type") for option in options} - {"null"}
    return next(iter(kinds)) if len(kinds) == 1 and None not in kinds else None


def typed_fields(operation: Operation) -> list[tuple[str, str]]:
    """(field, JSON type) of the body's top-level booleans and integers."""
    components = document(operation.module)["components"]
    body = resolve(operation.body_schema or {}, components)
    return [(name, kind) for name, schema in body.get("properties", {}).items()
            if (kind := _kind(schema, components) or "") in COERCIBLE]


STRICT_CASES = [(operation, name, kind) for operation in WRITES for name, kind in typed_fields(operation)]


def send(victim: Victim, operation: Operation, body: Any, query: dict[str, Any]) -> requests.Response:
    """As alice; a rate limit's refusal is waited out (the suite sends many writes in a row)."""
    for _ in range(5):
        reply = requests.request(operation.method, victim.url(operation.module.name, victim.fill(operation)),
                                 headers=victim.headers, params=query, json=body, timeout=15)
        if reply.status_code != 429:
            return reply
        time.sleep(min(float(reply.headers.get("Retry-After", "5")), 65))
    return reply


@pytest.fixture(scope="module")
def victim(stack: RunningStack) -> Victim:
    return Victim(stack)


def test_every_module_has_typed_body_fields_to_probe() -> None:
    assert len(STRICT_CASES) > 10


@pytest.mark.parametrize(("operation", "name", "kind"), STRICT_CASES,
                         ids=[f"{operation} {name}" for operation, name, _ in STRICT_CASES])
def test_a_string_where_a_boolean_or_integer_belongs_is_refused_by_name(victim: Victim, operation: Operation,
                                                                         name: str, kind: str) -> None:
    query, body = request_parts(operation)
    reply = send(victim, operation, body | {name: COERCIBLE[kind]}, query)
    assert reply.status_code in (400, 422), f"{reply.status_code} {reply.text[:300]}"
    assert name in reply.text


def _readable_patches() -> list[Operation]:
    readable = {(operation.module.name, operation.template) for operation in operations()
                if operation.method == "get" and operation.signed_in}
    return [operation for operation in WRITES if operation.method == "patch" and operation.ids
            and (operation.module.name, operation.template) in readable]


PATCHES = _readable_patches()


def _resource(view: dict[str, Any]) -> dict[str, Any]:
    """The resource of a GET answer (`{"issue": {...}}` wraps it in one module)."""
    only = next(iter(view.values())) if len(view) == 1 else None
    return only if isinstance(only, dict) else view


def forged(value: Any, schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A value of the field's own type that it does not hold: another enum member, a bigger number, a flipped flag."""
    schema = resolve(schema, components)
    options = [resolve(option, components) for option in schema.get("anyOf", [schema])]
    members = [member for option in options for member in option.get("enum", []) if member not in (None, value)]
    if members:
        return members[0]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1000
    return f"forged-{value}" if isinstance(value, str) else "forged"


def test_there_are_readable_patch_routes_in_several_modules() -> None:
    assert len({operation.module.name for operation in PATCHES}) >= 4


def read_fields(operation: Operation) -> dict[str, Any]:
    """Field -> schema of what a GET at the operation's path answers (unwrapped like `_resource`)."""
    components = document(operation.module)["components"]
    read = document(operation.module)["paths"][operation.template]["get"]
    schema = resolve(read["responses"]["200"]["content"]["application/json"]["schema"], components)
    fields: dict[str, Any] = schema.get("properties", {})
    if len(fields) == 1:
        inner = resolve(next(iter(fields.values())), components)
        fields = inner.get("properties", fields)
    return fields


@pytest.mark.parametrize("operation", PATCHES, ids=[str(operation) for operation in PATCHES])
def test_a_patch_never_sets_a_field_its_body_does_not_take(victim: Victim, operation: Operation) -> None:
    components = document(operation.module)["components"]
    path = victim.fill(operation)
    resource = _resource(victim.get(operation.module.name, path))
    takes = set(resolve(operation.body_schema or {}, components).get("properties", {}))
    schemas = read_fields(operation)
    protected = {name: forged(value, schemas.get(name, {}), components) for name, value in resource.items()
                 if name not in takes and not isinstance(value, dict | list)}
    query, body = request_parts(operation)

    reply = send(victim, operation, body | protected, query)

    assert reply.status_code < 500, reply.text[:300]
    after = _resource(victim.get(operation.module.name, path))
    assert {name: after.get(name) for name in protected if after.get(name) == protected[name]} == {}
    assert protected  # at least the id
