"""Another tenant's id is a 404 that changes nothing, on every route of every module that takes an id, derived from
the modules' OpenAPI documents (held equal to the handlers' routes by a unit test), so a new route is attacked
without an edit here; a new kind of id fails `test_every_id_in_a_route_has_a_victim_source` until it is named below.

Carol (tenant globex, owner or admin in each of her modules) sends each operation a valid body with alice's ids
(tenant acme). Each must answer 404 in the module's own error envelope, and what alice reads on every id route
afterwards is what she read before (parts that change between two reads of her own, such as presigned URLs or
elapsed times, are left out of the comparison)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from opsdesk.apidocs import module_document
from opsdesk.apimap import MODULES, ApiModule
from tests.api.conftest import RunningStack
from tests.api.schema_samples import sample

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE, CAROL = "alice@acme.test", "carol@globex.test"
METHODS = ("get", "post", "put", "patch", "delete")
PLACEHOLDER = re.compile(r"{([^{}]+)}")


@cache
def document(module: ApiModule) -> dict[str, Any]:
    return module_document(module)


@dataclass(frozen=True)
class Operation:
    module: ApiModule
    method: str
    template: str
    spec: dict[str, Any] = field(hash=False, compare=False)

    @property
    def ids(self) -> list[str]:
        return PLACEHOLDER.findall(self.template)

    @property
    def streams(self) -> bool:
        return "text/event-stream" in self.spec["responses"].get("200", {}).get("content", {})

    def __str__(self) -> str:
        return f"{self.module.name}:{self.method.upper()} {self.template}"


def id_operations() -> Iterator[Operation]:
    """Every signed-in operation whose path names an id."""
    for module in MODULES:
        for template, item in document(module)["paths"].items():
            for method in METHODS:
                spec = item.get(method)
                if spec is not None and spec.get("security") != [] and PLACEHOLDER.search(template):
                    yield Operation(module, method, template, spec)


OPERATIONS = list(id_operations())
BASE_PATHS = {module.name: module.base_path for module in MODULES}


# --- valid requests from the document's schemas -------------------------------------------------------------------


def request_parts(operation: Operation) -> tuple[dict[str, Any], Any]:
    """(required query parameters, JSON body or None) the operation's document accepts."""
    components = document(operation.module)["components"]
    query = {parameter["name"]: sample(parameter.get("schema", {"type": "string"}), components)
             for parameter in operation.spec.get("parameters", [])
             if parameter.get("in") == "query" and parameter.get("required")}
    body_schema = operation.spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return query, (None if body_schema is None else sample(body_schema, components))


def not_found_schema(module: ApiModule) -> Draft202012Validator:
    built = document(module)
    schema = built["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": built["components"]})


# --- alice's ids ---------------------------------------------------------------------------------------------------


class Victim:
    """Alice's resources in each module, read (or made, where the demo data has none) through the API."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        self.headers = stack.headers(ALICE)
        self.ids: dict[tuple[str, str], str] = {}

    def url(self, module: str, path: str) -> str:
        return f"{self.stack.info['base_url']}{BASE_PATHS[module]}{path}"

    def get(self, module: str, path: str) -> Any:
        reply = requests.get(self.url(module, path), headers=self.headers, timeout=15)
        assert reply.status_code == 200, f"{module} {path}: {reply.status_code} {reply.text[:300]}"
        return reply.json()

    def post(self, module: str, path: str, body: dict[str, Any]) -> Any:
        reply = requests.post(self.url(module, path), headers=self.headers, json=body, timeout=15)
        assert reply.status_code in (200, 201), f"{module} {path}: {reply.status_code} {reply.text[:300]}"
        return reply.json()

    def id(self, module: str, name: str) -> str:
        if (module, name) not in self.ids:
            self.ids[(module, name)] = str(ID_SOURCES[(module, name)](self))
        return self.ids[(module, name)]

    def fill(self, operation: Operation) -> str:
        return PLACEHOLDER.sub(lambda match: self.id(operation.module.name, match.group(1)), operation.template)


def _helpdesk_ticket(victim: Victim) -> str:
    """A ticket of alice's own with a watcher and an uploaded attachment, so every child route has a real child."""
    requester = victim.post("helpdesk", "/requesters", {"email": f"{uuid.uuid4().hex[:8]}@customer.test",
                                                        "display_name": "Isolation Probe"})
    ticket = victim.post("helpdesk", "/tickets", {"title": "Isolation probe", "description": "Owned by acme",
                                                  "priority": "normal", "requester_id": requester["id"]})
    base = f"/tickets/{ticket['id']}"
    victim.post("helpdesk", f"{base}/comments", {"body_md": "A comment only acme may read"})
    victim.post("helpdesk", f"{base}/watchers", {"user_id": victim.get("helpdesk", "/me")["id"]})
    content = b"acme only"
    upload = victim.post("helpdesk", f"{base}/attachments/presign",
                         {"filename": "note.txt", "bytes": len(content), "mime": "text/plain"})
    assert requests.put(upload["upload_url"], data=content, headers=upload["headers"], timeout=15).ok
    victim.post("helpdesk", f"{base}/attachments", {"attachment_id": upload["attachment_id"], "filename": "note.txt",
                                                    "bytes": len(content), "mime": "text/plain"})
    return str(ticket["id"])


def _response_incident_with_actions(victim: Victim) -> str:
    incidents = victim.get("response", "/api/incidents?limit=100")
    return str(next(i["id"] for i in incidents if victim.get("response", f"/api/incidents/{i['id']}/actions")))


ID_SOURCES: dict[tuple[str, str], Callable[[Victim], Any]] = {
    ("support", "customer_id"): lambda v: v.get("support", "/api/customers")["customers"][0]["id"],
    ("support", "issue_id"): lambda v: v.get("support", "/api/issues")["issues"][0]["id"],
    ("helpdesk", "ticket_id"): _helpdesk_ticket,
    ("helpdesk", "requester_id"): lambda v: v.get("helpdesk", f"/tickets/{v.id('helpdesk', 'ticket_id')}")[
        "requester_id"],
    ("helpdesk", "attachment_id"): lambda v: v.get(
        "helpdesk", f"/tickets/{v.id('helpdesk', 'ticket_id')}/attachments")[0]["id"],
    ("helpdesk", "user_id"): lambda v: v.get("helpdesk", f"/tickets/{v.id('helpdesk', 'ticket_id')}/watchers")[0],
    ("copilot", "project_id"): lambda v: v.get("copilot", "/projects")[0]["id"],
    ("copilot", "incident_id"): lambda v: v.get("copilot", "/incidents")[0]["id"],
    ("copilot", "hypothesis_id"): lambda v: v.get(
        "copilot", f"/incidents/{v.id('copilot', 'incident_id')}/hypotheses")[0]["id"],
    ("copilot", "user_id"): lambda v: next(
        m["user_id"] for m in v.get("copilot", f"/projects/{v.id('copilot', 'project_id')}/members")
        if m["email"] != ALICE),
    ("copilot", "integration_id"): lambda v: v.get(
        "copilot", f"/projects/{v.id('copilot', 'project_id')}/monitoring/integrations")[0]["id"],
    ("response", "incident_id"): _response_incident_with_actions,
    ("response", "action_id"): lambda v: v.get(
        "response", f"/api/incidents/{v.id('response', 'incident_id')}/actions")[0]["id"],
    ("aura", "ticket_id"): lambda v: v.get("aura", "/tickets?limit=1")["tickets"][0]["id"],
}


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
