"""The aura OpenAPI document beyond what every module's is checked for (tests/unit/test_openapi_documents.py): the
errors each aura route can answer, its query parameters as the handlers parse them, and what the aura views answer
(for tickets the in-memory agent really worked) validates against it."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from opsdesk.apimap import AURA
from opsdesk.aura import info, views
from opsdesk.aura.chain import ChainReport
from opsdesk.aura.info import API_VERSION
from opsdesk.aura.openapi import document as build_aura_document
from opsdesk.aura.queries import parse_audit_filter, parse_audit_page, parse_ticket_filter, parse_ticket_page
from opsdesk.aura.records import ACTORS, PRIORITIES, AuditType, PlanStep, Ticket, TicketStatus
from opsdesk.aura.requests import (
    AnswerRequest,
    ApprovalRequest,
    ApprovePlanRequest,
    CreateTicketRequest,
    ResumeRequest,
    UpdateTicketRequest,
)
from opsdesk.aura.service import AuraService
from opsdesk.aura.store import AuditFilter, TicketFilter
from opsdesk.clock import EARLIEST_MOMENT, LATEST_MOMENT, to_rfc3339
from opsdesk.errors import ValidationFailed
from opsdesk.openapi import SCHEMAS, SERVER_SENT_EVENTS, response_schema
from opsdesk.pagination import OffsetRequest
from opsdesk.settings import AuraSettings
from tests.unit.aura_fakes import FakeAuraStore, RecordedKicks
from tests.unit.aura_service.scripted import RecordingTools, ScriptedBrain
from tests.unit.aura_service.test_agent_loop import DESTRUCTIVE, Harness
from tests.unit.aura_service.test_service import ALICE, Clock
from tests.unit.test_openapi_documents import HANDLER_ENVIRONMENT, ROOT

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
S = TicketStatus
EVERYTHING = OffsetRequest(0, 500)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_aura_document()


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


# (1) The aura errors: what its routes answer beyond every module's (tests/unit/test_openapi_documents.py).

SIGNED_IN = {401, 403}
"""The Cognito authorizer (or the stream function's own check): no or a bad token; a user in no tenant."""
CHANGE = {*SIGNED_IN, 400, 404, 409}
"""A person's change of one ticket: a refused body or move, another tenant's ticket, concurrent writes."""
STARTS_A_RUN = {*CHANGE, 503}
"""The moves that kick the agent's queue (503 when it cannot be reached)."""
ERRORS: dict[str, set[int]] = {
    "createTicket": {*SIGNED_IN, 400},
    "listTickets": {*SIGNED_IN, 400},
    "getTicket": {*SIGNED_IN, 404},
    "updateTicket": CHANGE,
    "cancelTicket": CHANGE,
    "approvePlan": STARTS_A_RUN,
    "respondToApproval": STARTS_A_RUN,
    "answerQuestion": STARTS_A_RUN,
    "resumeTicket": STARTS_A_RUN,
    "runAgent": STARTS_A_RUN,
    "getTicketAudit": {*SIGNED_IN, 400, 404},
    "verifyTicketAudit": {*SIGNED_IN, 404},
    "getAuditLog": {*SIGNED_IN, 400},
    "streamTicketEvents": {*SIGNED_IN, 400, 404},
    "streamAllEvents": {*SIGNED_IN, 400},
    "getHealth": set(),
    "getInfo": SIGNED_IN,
    "getStats": SIGNED_IN,
    "getSwaggerUi": set(),
    "getRedoc": set(),
    "getOpenApiDocument": set(),
}
"""The errors of each operation beyond 429 (API Gateway's stage throttle, a busy table) and 500, which every
route can answer."""


def test_every_operation_documents_exactly_the_errors_its_route_can_answer(document: dict[str, Any]) -> None:
    seen = set()
    for method, path, operation in described(document):
        name = operation["operationId"]
        errors = {int(status) for status, answer in operation["responses"].items() if "$ref" in answer}
        assert errors == {*ERRORS[name], 414, 429, 500}, f"{method} {path}"
        assert (operation.get("security") == []) == (not ERRORS[name] & {401}), f"{method} {path}"
        seen.add(name)
    assert seen == set(ERRORS)


def test_every_error_is_the_documents_envelope_and_health_answers_its_report_when_unhealthy(
        document: dict[str, Any]) -> None:
    for name, answer in document["components"]["responses"].items():
        assert answer["content"]["application/json"]["schema"] == {"$ref": SCHEMAS + "Error"}, name
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"] and schemas["Error"]["additionalProperties"] is False
    assert schemas["ErrorBody"]["required"] == ["code", "message", "details"]
    unhealthy = document["paths"]["/health"]["get"]["responses"]["503"]
    assert "$ref" not in unhealthy
    assert unhealthy["content"]["application/json"]["schema"] == {"$ref": SCHEMAS + "Health"}


def test_the_streams_are_server_sent_events(document: dict[str, Any]) -> None:
    for path in ("/stream", "/tickets/{ticket_id}/stream"):
        success = document["paths"][path]["get"]["responses"]["200"]
        assert success["content"] == {"text/event-stream": {"schema": SERVER_SENT_EVENTS.schema}}, path
        headers = [p["name"] for p in document["paths"][path]["get"]["parameters"] if p["in"] == "header"]
        assert headers == ["Last-Event-ID"], path


STREAM_ROUTES = """
import json
from functions.aura_stream.app import app
print(json.dumps(sorted([method, route.path] for route in app.routes for method in route.methods)))
"""


def test_the_streaming_apps_routes_are_the_documents_streams(document: dict[str, Any]) -> None:
    """tests/unit/test_openapi_documents.py reads the routes of Powertools handlers (functions/<group>/handler.py);
    aura_stream is an ASGI app (functions/aura_stream/app.py), so its routes are read here, the same way: in a
    child process, since the app loads its settings at import."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "COGNITO_"))}
    run = subprocess.run([sys.executable, "-c", STREAM_ROUTES], cwd=ROOT, env=environment | HANDLER_ENVIRONMENT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-4000:]
    served = {(method, path.removeprefix(AURA.base_path)) for method, path in json.loads(run.stdout)
              if method != "HEAD"}  # Starlette answers HEAD beside every GET
    streams = {(method, path) for method, path, operation in described(document)
               if "text/event-stream" in operation["responses"].get("200", {}).get("content", {})}

    assert served == streams == {("GET", "/stream"), ("GET", "/tickets/{ticket_id}/stream")}


# (2) Query parameters and bodies as the handlers parse them.

def parameters(document: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query"}


def values(document: dict[str, Any], parameter: dict[str, Any]) -> list[str]:
    """The values a (comma-separated) enum parameter allows, its `$ref` resolved."""
    schema = parameter["schema"].get("items", parameter["schema"])
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].removeprefix(SCHEMAS)]
    return list(schema["enum"])


def test_filters_allow_exactly_what_the_parsers_accept_comma_separated(document: dict[str, Any]) -> None:
    tickets, audit = parameters(document, "/tickets"), parameters(document, "/audit")
    assert values(document, tickets["status"]) == [s.value for s in TicketStatus]
    assert values(document, tickets["priority"]) == list(PRIORITIES)
    assert values(document, audit["type"]) == [t.value for t in AuditType]
    assert values(document, audit["actor"]) == list(ACTORS)
    assert parameters(document, "/stream").keys() >= {"status", "priority"}
    for parameter in (tickets["status"], tickets["priority"], audit["type"]):
        assert (parameter["style"], parameter["explode"]) == ("form", False), parameter["name"]

    every = {"status": ",".join(values(document, tickets["status"])),
             "priority": ",".join(values(document, tickets["priority"]))}
    assert parse_ticket_filter(every) == TicketFilter(tuple(TicketStatus), PRIORITIES)
    everything = parse_audit_filter({"type": ",".join(values(document, audit["type"])), "actor": "agent"})
    assert everything.types == tuple(t.value for t in AuditType) and everything.actor == "agent"
    for refused in ({"status": "unknown"}, {"priority": ""}, {"status": "draft,urgent"}, {"priority": "urgent"}):
        with pytest.raises(ValidationFailed):
            parse_ticket_filter(refused)
    with pytest.raises(ValidationFailed):
        parse_audit_filter({"actor": "agent,user"})  # one actor, not a list


def test_audit_bounds_before_or_after_every_entry_bound_nothing_more_and_a_malformed_one_is_refused() -> None:
    wide = parse_audit_filter({"since": "1900-01-01T00:00:00Z", "until": "9999-12-31T23:59:59Z"})
    just_before = parse_audit_filter({"since": "1970-01-01T00:30:00+01:00", "until": "9998-12-31T23:00:00-05:00"})
    week = parse_audit_filter({"since": "1970-W01-1"})  # 1969-12-29

    assert (wide.since, wide.until) == (just_before.since, just_before.until) == (EARLIEST_MOMENT, LATEST_MOMENT)
    assert week.since == EARLIEST_MOMENT
    for malformed in ("yesterday", "2026-13-45", "19000-01-01"):
        with pytest.raises(ValidationFailed):
            parse_audit_filter({"since": malformed})


@pytest.mark.parametrize(("path", "parse"), [("/tickets", parse_ticket_page), ("/audit", parse_audit_page),
                                             ("/tickets/{ticket_id}/audit", parse_audit_page)])
def test_pages_default_and_bound_as_the_parsers_do(document: dict[str, Any], path: str,
                                                   parse: Callable[[dict[str, str]], OffsetRequest]) -> None:
    limit, offset = (parameters(document, path)[name]["schema"] for name in ("limit", "offset"))
    assert parse({}) == OffsetRequest(offset["default"], limit["default"])
    assert parse({"limit": str(limit["maximum"])}).limit == limit["maximum"]
    assert f"max {limit['maximum']};" in parameters(document, path)["limit"]["description"]
    assert parse({"offset": str(offset["maximum"])}).offset == offset["maximum"]
    for refused in ({"limit": str(limit["minimum"] - 1)}, {"limit": str(limit["maximum"] + 1)},
                    {"offset": str(offset["maximum"] + 1)}, {"offset": str(offset["minimum"] - 1)}):
        with pytest.raises(ValidationFailed):
            parse(refused)


def test_the_patch_body_may_leave_fields_out_but_not_send_null(document: dict[str, Any]) -> None:
    properties = document["components"]["schemas"]["UpdateTicketRequest"]["properties"]
    for name, schema in properties.items():
        assert "anyOf" not in schema and "default" not in schema, name
        with pytest.raises(ValidationError):
            UpdateTicketRequest.model_validate({name: None})
    assert UpdateTicketRequest.model_validate({}).model_dump(exclude_unset=True) == {}


def test_request_bodies_are_the_models_the_handlers_parse(document: dict[str, Any]) -> None:
    bodies = {operation["operationId"]: operation["requestBody"] for _, _, operation in described(document)
              if "requestBody" in operation}
    expected = {"createTicket": CreateTicketRequest, "updateTicket": UpdateTicketRequest,
                "approvePlan": ApprovePlanRequest, "respondToApproval": ApprovalRequest,
                "answerQuestion": AnswerRequest, "resumeTicket": ResumeRequest}
    assert {name: body["content"]["application/json"]["schema"]["$ref"] for name, body in bodies.items()} == {
        name: SCHEMAS + model.__name__ for name, model in expected.items()}
    # The handlers take no body as `{}` on these two (opsdesk.aura.requests.parse_body(optional=True)).
    assert {name for name, body in bodies.items() if not body["required"]} == {"approvePlan", "resumeTicket"}


# (3) What the views answer validates against the document's schemas.

@dataclass(frozen=True)
class Sample:
    method: str
    path: str
    status: int
    body: Any


class Tracked:
    """A module's public functions, replaced by ones that record that they ran (called directly or by another
    function of the module, which looks them up in the module at call time)."""

    def __init__(self, module: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.module = module
        self.called: set[str] = set()
        for name in self.public_functions():
            monkeypatch.setattr(module, name, self._recording(name, getattr(module, name)))

    def public_functions(self) -> set[str]:
        return {name for name, value in inspect.getmembers(self.module, inspect.isfunction)
                if getattr(value, "__module__", None) == self.module.__name__ and not name.startswith("_")}

    def _recording(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.called.add(name)
            return function(*args, **kwargs)

        call.__module__ = self.module.__name__
        return call


TICKET = "/tickets/{ticket_id}"


def ticket_view(ticket: Ticket) -> Sample:
    return Sample("GET", TICKET, 200, views.ticket_view(ticket))


def audit_samples(service: AuraService, ticket_id: str) -> list[Sample]:
    entries, total = service.ticket_audit(ALICE, ticket_id, (), EVERYTHING)
    everywhere, everywhere_total = service.audit(ALICE, AuditFilter(), EVERYTHING)
    return [Sample("GET", f"{TICKET}/audit", 200, {"entries": [views.audit_view(e) for e in entries],
                                                   "total": total}),
            Sample("GET", "/audit", 200, {"entries": [views.audit_view(e) for e in everywhere],
                                          "total": everywhere_total})]


def listed(service: AuraService) -> Sample:
    tickets, total = service.list_tickets(ALICE, TicketFilter(), EVERYTHING)
    return Sample("GET", "/tickets", 200, {"tickets": [views.ticket_summary_view(t) for t in tickets],
                                           "total": total})


def through_plan_approval() -> list[Sample]:
    """Draft -> planning -> pending_plan_approval -> executing -> resolved, each answer as its handler makes it."""
    h = Harness(tools=RecordingTools(healthy_after=2))
    created = h.service.create_ticket(ALICE, CreateTicketRequest.model_validate(
        {"title": "Deploy Redis cluster", "description": "Deploy a 3-node Redis cluster", "priority": "high"}))
    found = [Sample("POST", "/tickets", 201, views.ticket_view(created)), ticket_view(created)]
    running = h.service.run(ALICE, created.id)
    found += [Sample("POST", f"{TICKET}/run", 202, {"message": "Agent started", "ticketId": running.id}),
              ticket_view(running)]
    h.drain()
    planned = h.ticket(created.id)
    updated = h.service.update_ticket(ALICE, created.id, UpdateTicketRequest.model_validate({"maxTurns": 60}))
    approved = h.service.approve_plan(ALICE, created.id, ApprovePlanRequest())
    assert approved.plan_approved_at is not None
    found += [ticket_view(planned), Sample("PATCH", TICKET, 200, views.ticket_view(updated)), ticket_view(approved),
              Sample("POST", f"{TICKET}/approve-plan", 200, {"id": approved.id, "status": approved.status.value,
                                                             "planApprovedAt": to_rfc3339(approved.plan_approved_at)})]
    h.drain()
    resolved = h.ticket(created.id)
    report = h.service.verify_audit(ALICE, created.id)
    assert resolved.status is S.RESOLVED and resolved.resolution and report.intact
    broken = ChainReport(False, 3, 2, "the link to the previous entry does not match")
    found += [ticket_view(resolved), ticket_view(replace(resolved, status=S.OBSERVING, resolution=None)),
              *audit_samples(h.service, created.id), listed(h.service),
              *(Sample("GET", f"{TICKET}/audit/verify", 200, views.chain_view(created.id, chain))
                for chain in (report, broken)),
              Sample("GET", "/stats", 200, h.service.stats(ALICE))]
    return found


def through_approvals_and_questions() -> list[Sample]:
    """An action approved, one denied (the ticket fails: nothing left to do), a question answered, a ticket paused
    at its budget and resumed (with and without a plan), and one cancelled."""
    found: list[Sample] = []
    h = Harness(ScriptedBrain(steps=DESTRUCTIVE), plan_approval=False)
    approved_id = h.create()
    h.service.run(ALICE, approved_id)
    h.drain()
    found.append(ticket_view(h.ticket(approved_id)))
    answered = h.service.respond_to_approval(ALICE, approved_id, ApprovalRequest(approved=True))
    found.append(Sample("POST", f"{TICKET}/approve", 200, {"id": answered.id, "status": answered.status.value,
                                                             "pendingApproval": None}))
    h.drain()

    denied = Harness(ScriptedBrain(steps=(PlanStep("Sync and prune", "argo_sync", {"app": "cache", "prune": True}),)),
                     plan_approval=False)
    denied_id = denied.create()
    denied.service.run(ALICE, denied_id)
    denied.drain()
    answered = denied.service.respond_to_approval(ALICE, denied_id, ApprovalRequest(approved=False, reason="no"))
    found.append(Sample("POST", f"{TICKET}/approve", 200, {"id": answered.id, "status": answered.status.value,
                                                             "pendingApproval": None}))
    denied.drain()
    failed = denied.ticket(denied_id)
    assert failed.status is S.FAILED and failed.failure
    found += [ticket_view(failed), *audit_samples(denied.service, denied_id)]

    asked = Harness(ScriptedBrain(ask_before_step={0: "namespace"}), plan_approval=False)
    asked_id = asked.create()
    asked.service.run(ALICE, asked_id)
    asked.drain()
    found.append(ticket_view(asked.ticket(asked_id)))
    answer = asked.service.answer(ALICE, asked_id, AnswerRequest(answer="cache"))
    found.append(Sample("POST", f"{TICKET}/answer", 200, {"id": answer.id, "status": answer.status.value,
                                                            "pendingQuestion": None}))

    budget = Harness(plan_approval=False)
    paused_id = budget.create(max_turns=3)
    budget.service.run(ALICE, paused_id)
    budget.drain()
    paused = budget.ticket(paused_id)
    # A ticket paused before it had a plan (its budget spent planning): resumed, it plans.
    unplanned = replace(paused, id="unplanned", plan=None, audit_sequence=0, audit_head="", audit_counts={})
    budget.store.tickets[("acme", unplanned.id)] = unplanned
    found.append(ticket_view(paused))
    for ticket_id in (paused_id, unplanned.id):
        resumed = budget.service.resume(ALICE, ticket_id, ResumeRequest())
        found.append(Sample("POST", f"{TICKET}/resume", 200, {"id": resumed.id, "status": resumed.status.value,
                                                                "maxTurns": resumed.max_turns}))
    assert {s.body["status"] for s in found if s.path.endswith("/resume")} == {"executing", "planning"}

    draft_id = budget.create()
    cancelled = budget.service.cancel(ALICE, draft_id)
    found += [Sample("POST", f"{TICKET}/cancel", 200, {"id": cancelled.id, "status": cancelled.status.value}),
              ticket_view(cancelled), listed(budget.service)]
    return found


def status_samples() -> list[Sample]:
    """/info for both providers, /health as its handler composes it (healthy, and unhealthy with 503), and the
    stats of a tenant without tickets."""
    offline = AuraSettings(aws_region="eu-west-1", tickets_table_name="unit-tickets")
    bedrock = dataclasses.replace(offline, ai_provider="bedrock", plan_approval_required=False)
    empty = AuraService(FakeAuraStore(), RecordedKicks(), clock=Clock())
    health = {"status": "healthy", "version": API_VERSION, "uptime": 3600, "database": "connected",
              "git": info.git_status("https://git.example.com/gitops.git"), "llm": "available"}
    unhealthy = {**health, "status": "unhealthy", "database": "disconnected", "git": info.git_status(None)}
    return [Sample("GET", "/info", 200, info.info_view(offline)), Sample("GET", "/info", 200, info.info_view(bedrock)),
            Sample("GET", "/health", 200, health), Sample("GET", "/health", 503, unhealthy),
            Sample("GET", "/stats", 200, empty.stats(ALICE))]


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    v, i = Tracked(views, monkeypatch), Tracked(info, monkeypatch)
    made = [*through_plan_approval(), *through_approvals_and_questions(), *status_samples()]

    for sample in made:
        schema = response_schema(document, sample.method, sample.path, sample.status)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sample.body)]
        assert problems == [], f"{sample.method} {sample.path} {sample.status}"
    assert v.called == v.public_functions(), "every view ran for a sample"
    assert i.called == i.public_functions(), "info and health's git status ran for a sample"
    with_body = {(method, path, status) for method, path, operation in described(document)
                 for status, answer in operation["responses"].items()
                 if "application/json" in answer.get("content", {}) and path != "/openapi.json"}
    assert with_body == {(s.method, s.path, str(s.status)) for s in made}, "every JSON answer has a sample"

    # Every shape a ticket takes: each status, what it waits for, and the fields only some have.
    tickets = [s.body for s in made if s.path in {TICKET, "/tickets"} and "currentTurn" in s.body]
    assert {t["status"] for t in tickets} == {s.value for s in TicketStatus}
    for field in ("plan", "planApprovedAt", "workingBranch", "pendingApproval", "pendingQuestion"):
        assert {t[field] is None for t in tickets} == {True, False}, field
    assert any("failureReason" in t for t in tickets) and any("resolution" in t for t in tickets)
    entries = [e for s in made if s.path.endswith("/audit") for e in s.body["entries"]]
    for field in ("reasoning", "toolCall", "tokenUsage", "details"):
        assert {field in e for e in entries} == {True, False}, field


def test_a_view_with_a_field_the_document_does_not_name_is_refused(document: dict[str, Any]) -> None:
    ticket = through_plan_approval()[0].body
    schema = response_schema(document, "GET", TICKET, 200)

    assert Draft202012Validator(schema).is_valid(ticket)
    assert not Draft202012Validator(schema).is_valid({**ticket, "assignee": "u1"})
    assert not Draft202012Validator(schema).is_valid({**ticket, "plan": {"summary": "no steps"}})
