"""What the attack suites share: every operation of every module's OpenAPI document, a valid request for each
sampled from the document, and alice's ids (tenant acme) to fill its path with, read or made through the API."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import requests
from jsonschema import Draft202012Validator

from opsdesk.apidocs import module_document
from opsdesk.apimap import MODULES, ApiModule
from tests.api.conftest import RunningStack
from tests.api.schema_samples import sample

ALICE = "alice@acme.test"
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
    def signed_in(self) -> bool:
        return self.spec.get("security") != []

    @property
    def body_schema(self) -> dict[str, Any] | None:
        schema: dict[str, Any] | None = self.spec.get("requestBody", {}).get("content", {}).get(
            "application/json", {}).get("schema")
        return schema

    @property
    def streams(self) -> bool:
        return "text/event-stream" in self.spec["responses"].get("200", {}).get("content", {})

    def __str__(self) -> str:
        return f"{self.module.name}:{self.method.upper()} {self.template}"


def operations() -> Iterator[Operation]:
    """Every operation of every module's document."""
    for module in MODULES:
        for template, item in document(module)["paths"].items():
            for method in METHODS:
                if item.get(method) is not None:
                    yield Operation(module, method, template, item[method])


def id_operations() -> list[Operation]:
    """Every signed-in operation whose path names an id."""
    return [operation for operation in operations() if operation.signed_in and operation.ids]


BASE_PATHS = {module.name: module.base_path for module in MODULES}


def request_parts(operation: Operation) -> tuple[dict[str, Any], Any]:
    """(required query parameters, JSON body or None) the operation's document accepts."""
    components = document(operation.module)["components"]
    query = {parameter["name"]: sample(parameter.get("schema", {"type": "string"}), components)
             for parameter in operation.spec.get("parameters", [])
             if parameter.get("in") == "query" and parameter.get("required")}
    body_schema = operation.body_schema
    return query, (None if body_schema is None else sample(body_schema, components))


def not_found_schema(module: ApiModule) -> Draft202012Validator:
    built = document(module)
    schema = built["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": built["components"]})


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
    me = victim.get("helpdesk", "/me")["id"]
    victim.post("helpdesk", f"{base}/comments", {"body_md": "A comment only acme may read", "is_internal": False,
                                                 "author_id": me})
    victim.post("helpdesk", f"{base}/watchers", {"user_id": me})
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
