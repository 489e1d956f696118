"""Another tenant's id is a 404 that changes nothing, on every route of every module that takes an id, derived from
the modules' OpenAPI documents (held equal to the handlers' routes by a unit test), so a new route is attacked
without an edit here; a new kind of id fails `test_every_id_in_a_route_has_a_victim_source` until
`tests/api/route_ids.py` says where alice has one.

Carol (tenant globex, owner or admin in each of her modules) sends each operation a valid body with alice's ids
(tenant acme). Each must answer 404 in the module's own error envelope, and what alice reads on every id route
afterwards is what she read before (parts that change between two reads of her own, such as presigned URLs or
elapsed times, are left out of the comparison)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from opsdesk.apimap import MODULES
from tests.api.conftest import RunningStack
from tests.api.route_ids import ID_SOURCES, Victim, document, id_operations, not_found_schema, request_parts

pytestmark = pytest.mark.xdist_group("local-stack")

CAROL = "carol@globex.test"
OPERATIONS = id_operations()


# --- what alice reads ----------------------------------------------------------------------------------------------


def _flatten(value: Any, pointer: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flatten(item, f"{pointer}/{key}").items()} or {
            pointer: {}}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{pointer}/{i}").items()} or {
            pointer: []}
    return {pointer: value}


def alices_view(victim: Victim) -> dict[str, dict[str, Any]]:
    """Every id route alice can GET (streams aside), flattened to JSON pointers."""
    return {str(operation): _flatten(victim.get(operation.module.name, victim.fill(operation)))
            for operation in OPERATIONS if operation.method == "get" and not operation.streams}


def stable_part(view: dict[str, dict[str, Any]], volatile: set[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    return {route: {pointer: value for pointer, value in leaves.items() if (route, pointer) not in volatile}
            for route, leaves in view.items()}


def changed_between(first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    return {(route, pointer) for route in first for pointer in first[route].keys() | second[route].keys()
            if first[route].get(pointer, ...) != second[route].get(pointer, ...)}


# --- the tests -----------------------------------------------------------------------------------------------------


def test_there_are_id_routes_of_every_module_to_attack() -> None:
    assert {operation.module.name for operation in OPERATIONS} == {module.name for module in MODULES}
    assert len(OPERATIONS) > 50


def test_every_id_in_a_route_has_a_victim_source() -> None:
    named = {(operation.module.name, name) for operation in OPERATIONS for name in operation.ids}
    assert named - ID_SOURCES.keys() == set()


def test_the_sampled_requests_are_valid_for_their_documents() -> None:
    for operation in OPERATIONS:
        query, body = request_parts(operation)
        components = document(operation.module)["components"]
        schema = operation.spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            Draft202012Validator({**schema, "components": components}).validate(body)
        for parameter in operation.spec.get("parameters", []):
            if parameter["name"] in query:
                Draft202012Validator({**parameter["schema"], "components": components}).validate(
                    query[parameter["name"]])


def test_another_tenants_id_is_a_404_on_every_route_and_changes_nothing(stack: RunningStack) -> None:
    victim = Victim(stack)
    before = alices_view(victim)
    volatile = changed_between(before, alices_view(victim))
    carol = stack.headers(CAROL)

    answers: dict[str, tuple[int, str]] = {}
    for operation in OPERATIONS:
        query, body = request_parts(operation)
        reply = requests.request(operation.method, victim.url(operation.module.name, victim.fill(operation)),
                                 headers=carol, params=query, json=body, timeout=15, stream=operation.streams)
        if reply.status_code == 404:  # an answer, not a stream: read whole
            not_found_schema(operation.module).validate(reply.json())
        answers[str(operation)] = (reply.status_code, "" if reply.status_code == 200 else reply.text[:200])
        reply.close()

    refused = {route: answer for route, answer in answers.items() if answer[0] != 404}
    assert refused == {}, "\n".join(f"{route}: {answer}" for route, answer in refused.items())
    after = alices_view(victim)
    assert stable_part(after, volatile) == stable_part(before, volatile)
    assert len(volatile) < sum(len(leaves) for leaves in before.values()) / 4  # most of what she reads is compared
