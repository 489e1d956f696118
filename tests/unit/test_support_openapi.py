"""The support OpenAPI document beyond what every module's is checked for (tests/unit/test_openapi_documents.py): the
errors each support route can answer, its query parameters and bodies as the handlers parse them, and what the
support views answer (for issues, searches and analytics the real service made over the in-memory store) validates
against it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from opsdesk.dialects import DIALECTS
from opsdesk.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from opsdesk.openapi import SCHEMAS, SERVER_SENT_EVENTS, response_schema
from opsdesk.pagination import MAX_OFFSET, PageRequest, page_block, parse_page_request
from opsdesk.search.sqlite_fts import SqliteSearch
from opsdesk.support import analytics, views
from opsdesk.support import service as service_module
from opsdesk.support.chat import ChatRequest, error_event
from opsdesk.support.docs import DOCS_BASE_URL, index_corpus
from opsdesk.support.openapi import document as build_support_document
from opsdesk.support.queries import parse_date_range, parse_issue_filters
from opsdesk.support.records import IssueFilters, IssueStatus
from opsdesk.support.requests import CreateIssueRequest, DocFeedbackRequest, DocSearchRequest, UpdateIssueRequest
from opsdesk.support.service import ISSUE_CREATED, ISSUE_UPDATED, SupportService, changes_from_request
from tests.unit.fakes import DemoCatalog, FakeClock, InMemorySupportStore, build_demo_catalog, new_uuid, principal

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "docs" / "corpus"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
LAST_MONTH = datetime(2023, 12, 12, 9, 0, tzinfo=UTC)
TODAY = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
ISSUE = "/api/issues/{issue_id}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_support_document()


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def schema_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    """A component schema, standalone (its references resolve)."""
    return {"$ref": SCHEMAS + name, "components": document["components"]}


# (1) The support errors: what its routes answer beyond every module's (tests/unit/test_openapi_documents.py).

SIGNED_IN = {401, 403}
"""API Gateway's Cognito authorizer (or the streaming apps' own check): no or a bad token; a user of no tenant."""
ERRORS: dict[str, set[int]] = {
    "listCustomers": SIGNED_IN,
    "listEnvironments": {*SIGNED_IN, 404},
    "listPlanes": SIGNED_IN,
    "createIssue": {*SIGNED_IN, 400},
    "listIssues": {*SIGNED_IN, 400},
    "getIssue": {*SIGNED_IN, 404},
    "updateIssue": {*SIGNED_IN, 400, 404, 409},
    "searchDocs": {*SIGNED_IN, 400},
    "recordDocFeedback": {*SIGNED_IN, 400},
    "chat": {*SIGNED_IN, 400},
    "getAnalyticsSummary": {*SIGNED_IN, 400},
    "getPlaneDistribution": {*SIGNED_IN, 400},
    "getDocsEffectiveness": SIGNED_IN,
    "streamIssueEvents": {*SIGNED_IN, 400},
    "getSwaggerUi": set(),
    "getRedoc": set(),
    "getOpenApiDocument": set(),
}
"""The errors of each operation beyond 429 (the per-user limit, API Gateway's stage throttle, a busy table) and
500, which every route can answer."""


def test_every_operation_documents_exactly_the_errors_its_route_can_answer(document: dict[str, Any]) -> None:
    seen = set()
    for method, path, operation in described(document):
        name = operation["operationId"]
        errors = {int(status) for status, answer in operation["responses"].items() if "$ref" in answer}
        assert errors == {*ERRORS[name], 414, 429, 500}, f"{method} {path}"
        assert (operation.get("security") == []) == (not ERRORS[name] & {401}), f"{method} {path}"
        seen.add(name)
    assert seen == set(ERRORS)


def test_the_service_refuses_as_the_document_says(document: dict[str, Any]) -> None:
    """404 for another tenant's customer or issue (and an id that is not a UUID), 409 for a change made from a
    stale read, 400 naming the field for a bad body."""
    world = World()
    outsider = principal(new_uuid(), user_id="outsider")
    issue = world.create()
    for refused in (lambda: world.service.list_environments(outsider, world.catalog.alpha.id),
                    lambda: world.service.list_environments(world.user, "not-a-uuid"),
                    lambda: world.service.get_issue(outsider, issue.id),
                    lambda: world.service.update_issue(outsider, issue.id, UpdateIssueRequest(status="in_progress"))):
        with pytest.raises(NotFound):
            refused()
    world.service.update_issue(world.user, issue.id, UpdateIssueRequest(status="closed"))
    with pytest.raises(Conflict):  # a change made from a stale read: someone else changed the issue meanwhile
        world.store.update_issue(world.user.tenant_id, issue, replace(issue, title="Stale", version=issue.version + 1))
    with pytest.raises(ValidationFailed) as refusal:
        world.service.create_issue(world.user, CreateIssueRequest.model_validate(
            world.catalog.create_body(customerId=world.catalog.beta.id)))
    assert [d.field for d in refusal.value.details] == ["environmentId"]
    assert "409" in document["paths"][ISSUE]["patch"]["responses"]


SEED_CODES = {"VALIDATION_ERROR": 400, "UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409,
              "RATE_LIMITED": 429, "INTERNAL_ERROR": 500}
"""The support document's error codes table."""


@pytest.mark.parametrize("error", [
    ValidationFailed("Invalid request body", details=[FieldError("title", "title is required")]),
    Unauthorized(), Forbidden("User is not assigned to a tenant"), NotFound("Issue not found"),
    Conflict("The issue was changed by someone else; reload it and retry"), RateLimited(), DomainError(),
], ids=lambda e: type(e).__name__)
def test_every_error_is_the_documents_envelope_with_its_code_and_status(document: dict[str, Any],
                                                                         error: DomainError) -> None:
    status, body = DIALECTS["support"](error)

    Draft202012Validator(schema_of(document, "Error")).validate(body)
    assert SEED_CODES[body["error"]["code"]] == status
    answered = {code for _, _, operation in described(document) for code in operation["responses"]}
    assert str(status) in answered


def test_the_error_schema_is_the_documents_and_every_error_answer_uses_it(document: dict[str, Any]) -> None:
    for name, answer in document["components"]["responses"].items():
        assert answer["content"]["application/json"]["schema"] == {"$ref": SCHEMAS + "Error"}, name
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"] and schemas["Error"]["additionalProperties"] is False
    assert schemas["ErrorBody"]["required"] == ["code", "message", "details"]
    assert set(schemas["ErrorBody"]["properties"]["code"]["enum"]) == set(SEED_CODES)


def test_a_broken_off_chat_answer_ends_in_the_error_envelope(document: dict[str, Any]) -> None:
    for failure in (RateLimited("The assistant is busy right now; try again in a moment"), DomainError()):
        event = error_event(failure)
        assert event.pop("type") == "error"
        Draft202012Validator(schema_of(document, "Error")).validate(event)


def test_the_streams_are_server_sent_events_and_only_the_docs_are_public(document: dict[str, Any]) -> None:
    streams = {(method, path) for method, path, operation in described(document)
               if "text/event-stream" in operation["responses"].get("200", {}).get("content", {})}
    assert streams == {("POST", "/api/chat"), ("GET", "/api/events")}
    for method, path in streams:
        success = document["paths"][path][method.lower()]["responses"]["200"]
        assert success["content"] == {"text/event-stream": {"schema": SERVER_SENT_EVENTS.schema}}
    public = {path for _, path, operation in described(document) if operation.get("security") == []}
    assert public == {"/docs", "/redoc", "/openapi.json"}
    assert "Cognito ID token" in document["components"]["securitySchemes"]["bearer"]["description"]


# (2) Query parameters and bodies as the handlers parse them.

def parameters(document: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in document["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}


def refused_fields(parse: Callable[[dict[str, str]], object], query: dict[str, str]) -> set[str]:
    with pytest.raises(ValidationFailed) as refusal:
        parse(query)
    return {d.field for d in refusal.value.details}


def test_issue_filters_are_the_ones_the_parser_reads(document: dict[str, Any]) -> None:
    params = parameters(document, "/api/issues")
    assert set(params) == {"customerId", "planeId", "status", "startDate", "endDate", "page", "limit"}
    statuses = document["components"]["schemas"]["IssueStatus"]["enum"]
    assert params["status"]["schema"] == {"$ref": SCHEMAS + "IssueStatus"}
    assert statuses == [s.value for s in IssueStatus]
    for status in statuses:
        assert parse_issue_filters({"status": status}).status == IssueStatus(status)
    # Each filter is read under its documented name: a bad value is refused naming it.
    for name, bad in (("customerId", "x"), ("planeId", "x"), ("status", "urgent"), ("startDate", "soon"),
                      ("endDate", "later")):
        assert refused_fields(parse_issue_filters, {name: bad}) == {name}, name
    for name in ("customerId", "planeId"):
        assert params[name]["schema"]["format"] == "uuid"
        assert getattr(parse_issue_filters({name: new_uuid().upper()}), name.removesuffix("Id") + "_id")
    for example in params["startDate"]["schema"]["examples"]:
        assert parse_issue_filters({"startDate": example, "endDate": "2100-01-01"}).start
    assert refused_fields(parse_issue_filters, {"startDate": "2024-02-01", "endDate": "2024-01-01"}) == {"endDate"}


def test_issue_pages_default_cap_and_bound_as_the_parser_does(document: dict[str, Any]) -> None:
    params = parameters(document, "/api/issues")
    page, limit = params["page"]["schema"], params["limit"]["schema"]

    assert parse_page_request({}) == PageRequest(page["default"], limit["default"])
    cap = limit["maximum"]
    assert parse_page_request({"limit": str(cap)}).limit == cap
    assert f"max: {cap};" in params["limit"]["description"]
    assert parse_page_request({"page": str(page["maximum"]), "limit": str(cap)}).page == page["maximum"]
    assert f"{MAX_OFFSET:,}" in params["page"]["description"]
    for refused in ({"page": str(page["minimum"] - 1)}, {"limit": str(limit["minimum"] - 1)},
                    {"limit": str(cap + 1)}, {"page": str(page["maximum"] + 1), "limit": str(cap)}):
        with pytest.raises(ValidationFailed):
            parse_page_request(refused)


@pytest.mark.parametrize("path", ["/api/analytics/summary", "/api/analytics/planes"])
def test_analytics_periods_are_the_ones_the_parser_reads(document: dict[str, Any], path: str) -> None:
    params = parameters(document, path)
    assert set(params) == {"startDate", "endDate"}
    for name in params:
        assert refused_fields(parse_date_range, {name: "soon"}) == {name}
        for example in params[name]["schema"]["examples"]:
            assert any(parse_date_range({name: example}))
    assert parameters(document, "/api/analytics/docs-effectiveness") == {}


BODIES: dict[str, type[BaseModel]] = {
    "createIssue": CreateIssueRequest, "updateIssue": UpdateIssueRequest, "searchDocs": DocSearchRequest,
    "recordDocFeedback": DocFeedbackRequest, "chat": ChatRequest,
}


def test_request_bodies_are_the_models_the_handlers_parse(document: dict[str, Any]) -> None:
    bodies = {operation["operationId"]: operation["requestBody"] for _, _, operation in described(document)
              if "requestBody" in operation}

    assert {name: body["content"]["application/json"]["schema"]["$ref"] for name, body in bodies.items()} == {
        name: SCHEMAS + model.__name__ for name, model in BODIES.items()}
    assert all(body["required"] for body in bodies.values())


def is_valid(document: dict[str, Any], name: str, body: dict[str, Any]) -> bool:
    return Draft202012Validator(schema_of(document, name)).is_valid(body)


def test_the_patch_body_is_what_the_service_accepts(document: dict[str, Any]) -> None:
    def accepted(body: dict[str, Any]) -> bool:
        try:
            changes_from_request(UpdateIssueRequest.model_validate(body))
        except (ValidationError, ValidationFailed):
            return False
        return True

    bodies = [{}, {"status": None}, {"title": None}, {"description": None}, {"pipelineUrl": None},
              {"pipelineUrl": ""}, {"pipelineUrl": "https://ci.example.com/1"}, {"title": "Timeout"},
              {"description": "Still failing"}, {"status": "reopened"}, {"displayId": "ISS-2024-0001"},
              *({"status": status.value} for status in IssueStatus)]
    for body in bodies:
        assert is_valid(document, "UpdateIssueRequest", body) == accepted(body), body


def test_ids_and_context_values_are_documented_as_the_models_check_them(document: dict[str, Any]) -> None:
    catalog = World().catalog
    create = catalog.create_body()
    for field in ("customerId", "environmentId", "primaryPlaneId"):
        with pytest.raises(ValidationError):
            CreateIssueRequest.model_validate({**create, field: "not-a-uuid"})
    with pytest.raises(ValidationError):
        CreateIssueRequest.model_validate({**create, "secondaryPlaneIds": ["not-a-uuid"]})
    with pytest.raises(ValidationError):
        DocFeedbackRequest.model_validate({"docUrl": f"{DOCS_BASE_URL}/a", "docType": "how-to", "helpful": True,
                                           "context": {"customerId": "not-a-uuid"}})
    schemas = document["components"]["schemas"]
    assert schemas["CreateIssueRequest"]["properties"]["secondaryPlaneIds"]["items"]["format"] == "uuid"
    assert schemas["ContextValue"]["properties"]["planeContextId"]["format"] == "uuid"

    context_id = catalog.context_id(catalog.cicd, "ci_systems")
    for value in ("deployment", ["concourse", "jenkins"], 3, [1], {"a": "b"}):
        body = {**create, "contexts": [{"planeContextId": context_id, "value": value}]}
        try:
            CreateIssueRequest.model_validate(body)
        except ValidationError:
            parsed = False
        else:
            parsed = True
        assert is_valid(document, "CreateIssueRequest", body) == parsed, value


# (3) What the views answer validates against the document's schemas.

@dataclass(frozen=True)
class Sample:
    method: str
    path: str
    status: int
    body: Any


class Tracked:
    """A module's public functions, replaced by ones that record that they ran, in the module and in the modules
    that imported them by name (the service imports the analytics views)."""

    def __init__(self, module: ModuleType, monkeypatch: pytest.MonkeyPatch, *importers: ModuleType) -> None:
        self.module = module
        self.called: set[str] = set()
        for name in self.public_functions():
            original = getattr(module, name)
            recording = self._recording(name, original)
            for holder in (module, *importers):
                if getattr(holder, name, None) is original:
                    monkeypatch.setattr(holder, name, recording)

    def public_functions(self) -> set[str]:
        return {name for name, value in inspect.getmembers(self.module, inspect.isfunction)
                if getattr(value, "__module__", None) == self.module.__name__ and not name.startswith("_")}

    def _recording(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.called.add(name)
            return function(*args, **kwargs)

        call.__module__ = self.module.__name__
        return call


class World:
    """One tenant's catalog over the in-memory store, served by the real service, and its signed-in user."""

    def __init__(self) -> None:
        self.store = InMemorySupportStore()
        self.clock = FakeClock(TODAY)
        self.service = SupportService(self.store, clock=self.clock)
        self.catalog: DemoCatalog = build_demo_catalog(self.store, new_uuid())
        self.user = principal(self.catalog.tenant_id)

    def create(self, **overrides: Any) -> Any:
        request = CreateIssueRequest.model_validate(self.catalog.create_body(**overrides))
        return self.service.create_issue(self.user, request)


def catalog_samples(world: World) -> list[Sample]:
    catalog = world.catalog
    customers = world.service.list_customers(world.user)
    environments = world.service.list_environments(world.user, catalog.alpha.id)
    planes = world.service.list_planes(world.user)
    assert {c.field_type for plane in planes for c in plane.contexts} == {"single_select", "multi_select", "text"}
    return [
        Sample("GET", "/api/customers", 200, {"customers": [views.customer_view(c) for c in customers]}),
        Sample("GET", "/api/customers", 200, {"customers": []}),
        Sample("GET", "/api/customers/{customer_id}/environments", 200,
               {"environments": [views.environment_view(e) for e in environments]}),
        Sample("GET", "/api/planes", 200, {"planes": [views.plane_view(p) for p in planes]}),
    ]


def issue_samples(world: World) -> list[Sample]:
    """Issues with and without a link, secondary planes and contexts, in every status (reopened too)."""
    catalog = world.catalog
    rich = world.create(
        secondaryPlaneIds=[catalog.infra.id],
        contexts=[
            {"planeContextId": catalog.context_id(catalog.cicd, "pipeline_stage"), "value": "deployment"},
            {"planeContextId": catalog.context_id(catalog.cicd, "ci_systems"), "value": ["concourse", "jenkins"]},
            {"planeContextId": catalog.context_id(catalog.cicd, "error_message"), "value": "deadline exceeded"},
            {"planeContextId": catalog.context_id(catalog.infra, "resource_type"), "value": "compute"},
            {"planeContextId": catalog.context_id(catalog.infra, "resource_id"), "value": "i-0abc"},
        ],
    )
    bare = world.create(primaryPlaneId=catalog.observability.id, contexts=[], pipelineUrl=None,
                        environmentId=catalog.alpha_prod.id)
    found = [Sample("POST", "/api/issues", 201, {"issue": views.created_issue_view(issue)}) for issue in (rich, bare)]
    moves = ("in_progress", "resolved", "closed")
    for status in moves:
        world.clock.advance(hours=2)
        moved = world.service.update_issue(world.user, rich.id, UpdateIssueRequest(status=status))
        found.append(Sample("PATCH", ISSUE, 200, {"issue": views.updated_issue_view(moved)}))
    for body in ({"status": "in_progress"}, {"status": "resolved"}, {"status": "open"}, {"pipelineUrl": None},
                 {"title": "Nothing changes"}, {"title": "Nothing changes"}):
        moved = world.service.update_issue(world.user, bare.id, UpdateIssueRequest.model_validate(body))
        found.append(Sample("PATCH", ISSUE, 200, {"issue": views.updated_issue_view(moved)}))
    every = world.service.list_issues(world.user, IssueFilters(), PageRequest())
    details = [world.service.get_issue(world.user, issue.id) for issue in (rich, bare)]
    assert {issue.status for issue in details} == {IssueStatus.CLOSED, IssueStatus.OPEN}
    assert {issue.pipeline_url is None for issue in details} == {True, False}
    found += [Sample("GET", ISSUE, 200, {"issue": views.issue_detail_view(issue)}) for issue in details]
    for page, filters in ((PageRequest(), IssueFilters()), (PageRequest(page=3, limit=1), IssueFilters()),
                          (PageRequest(), IssueFilters(status=IssueStatus.RESOLVED))):
        listed = world.service.list_issues(world.user, filters, page)
        found.append(Sample("GET", "/api/issues", 200, {"issues": [views.issue_summary_view(i) for i in listed.items],
                                                        "pagination": page_block(page, listed)}))
    assert every.total == len(every.items) == 2
    return found


def documentation_samples(world: World) -> list[Sample]:
    """Searches of the real corpus (views counted last month and this month) and feedback, then what the
    documentation dashboard makes of them: trends up, down and flat, and an article known by its feedback alone."""
    with SqliteSearch() as backend:
        index_corpus(backend, CORPUS)
        timeouts = backend.search("pipeline timeout deployment", "app-cicd", 5)
        roles = backend.search("attach IAM role", None, 3)
        nothing = backend.search("zebra xylophone quasar", None, 5)
    assert timeouts and roles and not nothing
    found = [Sample("POST", "/api/docs/search", 200, {"results": [hit.as_result() for hit in hits]})
             for hits in (timeouts, roles, nothing)]

    def feedback(url: str, *, helpful: bool, **extra: Any) -> Sample:
        request = DocFeedbackRequest.model_validate({"docUrl": url, "docType": "how-to", "helpful": helpful, **extra})
        recorded = world.service.record_feedback(world.user, request)
        return Sample("POST", "/api/docs/feedback", 201, {"success": True, "feedbackId": recorded.id})

    rising, falling = timeouts[0].url, roles[0].url
    world.clock.now = LAST_MONTH
    world.service.record_doc_views(world.user, [timeouts[0], roles[0]])
    found.append(feedback(falling, helpful=True))
    world.clock.now = TODAY
    world.service.record_doc_views(world.user, [*timeouts, roles[0]])
    issue = world.create()
    found += [feedback(rising, helpful=True, issueId=issue.id,
                       context={"planeSlug": "app-cicd", "customerId": world.catalog.alpha.id}),
              feedback(falling, helpful=False),
              feedback(f"{DOCS_BASE_URL}/app-cicd/how-to/never-shown", helpful=True)]
    effectiveness = world.service.docs_effectiveness(world.user)
    assert {doc["trend"] for doc in effectiveness["docs"]} == {"up", "down", "flat"}
    assert any(doc["views"] == 0 for doc in effectiveness["docs"])
    found += [Sample("GET", "/api/analytics/docs-effectiveness", 200, effectiveness),
              Sample("GET", "/api/analytics/docs-effectiveness", 200,
                     World().service.docs_effectiveness(world.user))]
    return found


def analytics_samples(world: World) -> list[Sample]:
    """The dashboard after help sessions (one followed by an issue), issues filed last month and this month, some
    resolved; for a period, all time, and a tenant with nothing yet."""
    helped = principal(world.catalog.tenant_id, user_id="helped")
    world.clock.now = LAST_MONTH
    world.create()
    world.clock.now = TODAY
    world.service.record_help_activity(helped, "search")
    world.service.record_help_activity(world.user, "chat")
    filed = world.create()
    world.clock.advance(hours=5)
    world.service.update_issue(world.user, filed.id, UpdateIssueRequest(status="in_progress"))
    world.service.update_issue(world.user, filed.id, UpdateIssueRequest(status="resolved"))
    period = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC))
    empty = World()
    summary = world.service.analytics_summary(world.user, None, None)
    assert summary["summary"]["avgResolutionTime"] > 0 and 0 < summary["summary"]["selfResolutionRate"] < 1
    return [
        Sample("GET", "/api/analytics/summary", 200, summary),
        Sample("GET", "/api/analytics/summary", 200, world.service.analytics_summary(world.user, *period)),
        Sample("GET", "/api/analytics/summary", 200, empty.service.analytics_summary(empty.user, None, None)),
        Sample("GET", "/api/analytics/planes", 200, world.service.plane_distribution(world.user, None, None)),
        Sample("GET", "/api/analytics/planes", 200, world.service.plane_distribution(world.user, *period)),
        Sample("GET", "/api/analytics/planes", 200, empty.service.plane_distribution(empty.user, None, None)),
    ]


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    v = Tracked(views, monkeypatch, service_module)
    a = Tracked(analytics, monkeypatch, service_module)
    world = World()
    made = [*catalog_samples(world), *issue_samples(world), *documentation_samples(world),
            *analytics_samples(world)]

    for sample in made:
        schema = response_schema(document, sample.method, sample.path, sample.status)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sample.body)]
        assert problems == [], f"{sample.method} {sample.path} {sample.status}"
    assert v.called == v.public_functions(), "every view ran for a sample"
    assert a.called >= {name for name in a.public_functions() if name.endswith("_view")}, "every analytics view ran"
    with_body = {(method, path, status) for method, path, operation in described(document)
                 for status, answer in operation["responses"].items()
                 if "application/json" in answer.get("content", {}) and path != "/openapi.json"}
    assert with_body == {(s.method, s.path, str(s.status)) for s in made}, "every JSON answer has a sample"

    # Every shape an issue takes: each status, with and without a link.
    issues = [s.body["issue"] for s in made if s.path == ISSUE]
    assert {i["status"] for i in issues} == {s.value for s in IssueStatus}
    assert {i["pipelineUrl"] is None for i in issues if "pipelineUrl" in i} == {True, False}


def test_the_issue_events_carry_the_issue_as_lists_show_it(document: dict[str, Any]) -> None:
    world = World()
    issue = world.create()
    world.service.update_issue(world.user, issue.id, UpdateIssueRequest(status="in_progress"))
    summary = Draft202012Validator(schema_of(document, "IssueSummary"))
    events = [event for _, event in world.store.published]

    assert [event.type for event in events] == [ISSUE_CREATED, ISSUE_UPDATED]
    summary.validate(events[0].data)
    updated = dict(events[1].data)
    assert updated.pop("updatedAt")
    summary.validate(updated)


def test_a_view_with_a_field_the_document_does_not_name_is_refused(document: dict[str, Any]) -> None:
    world = World()
    issue = views.issue_detail_view(world.create())
    schema = response_schema(document, "GET", ISSUE, 200)

    assert Draft202012Validator(schema).is_valid({"issue": issue})
    assert not Draft202012Validator(schema).is_valid({"issue": {**issue, "assignee": "u1"}})
    assert not Draft202012Validator(schema).is_valid({"issue": {**issue, "status": "reopened"}})
