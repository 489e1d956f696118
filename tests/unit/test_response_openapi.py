"""The response module's OpenAPI document beyond what every module's is checked for
(tests/unit/test_openapi_documents.py): the errors each response route can answer, its list parameters as the
handlers parse them, and what the response views answer, for records the real service and analyst made, validates
against it."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from opsdesk.analysis.providers import OfflineHypothesisProvider
from opsdesk.auth import Principal
from opsdesk.dialects import DIALECTS
from opsdesk.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from opsdesk.openapi import response_schema
from opsdesk.pagination import CursorRequest
from opsdesk.response import openapi, views
from opsdesk.response.analyst import AnalysisService
from opsdesk.response.openapi import document as build_response_document
from opsdesk.response.queries import parse_event_page, parse_incident_page, parse_query_page
from opsdesk.response.records import EVENT_TYPES, LEVELS, ActionStatus, EntryType, Incident, Status
from opsdesk.response.requests import AddActionRequest, CreateIncidentRequest, IngestEventRequest, parse_batch
from opsdesk.response.service import ResponseService
from tests.unit.fakes import FakeClock
from tests.unit.openapi_samples import Sample, Tracked
from tests.unit.response_fakes import FakeResponseStore

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 24, 12, 0, tzinfo=UTC)
TENANT = "tenant-a"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SUCCESS = {"200", "201", "202", "204"}
INCIDENT = "/api/incidents/{incident_id}"
ACTION_STATUS = f"{INCIDENT}/actions/{{action_id}}/status"
PAGE = CursorRequest(limit=1000)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_response_document()


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def handler_tree(group: str) -> ast.Module:
    """A handler's source, read rather than imported: it loads its settings and binds its tables on import."""
    return ast.parse((ROOT / "functions" / group / "handler.py").read_text(encoding="utf-8"))


# (1) The response module's errors: what its routes answer beyond every module's.

SIGNED_IN = {401, 403, 414, 429, 500}
"""Every signed-in route: the Cognito authorizer (401), a user of no tenant (403), the stage's throttle or a busy
table (429), anything unexpected (500)."""
PUBLIC = {414, 429, 500}
ERRORS: dict[tuple[str, str], set[int]] = {
    ("GET", "/api/incidents"): {422},  # an unknown status, a bad limit or cursor
    ("POST", "/api/incidents"): {422},
    ("GET", INCIDENT): {404},
    ("PATCH", f"{INCIDENT}/status"): {404, 409, 422},  # a move the rules refuse or a concurrent one; no status
    ("GET", f"{INCIDENT}/timeline"): {404, 422},
    ("GET", f"{INCIDENT}/actions"): {404, 422},
    ("POST", f"{INCIDENT}/actions"): {404, 422},
    ("PATCH", ACTION_STATUS): {404, 409, 422},
    ("POST", "/api/ingest/events"): {404, 409, 422},  # 409: an Idempotency-Key whose first request is being written
    ("POST", "/api/ingest/events/batch"): {404, 409, 422},  # 404: an event names an unknown incident
    ("GET", "/api/ingest/events/{incident_id}"): {404, 422},
}
"""The errors of each signed-in route beyond SIGNED_IN."""


def test_every_operation_documents_exactly_the_errors_its_route_can_answer(document: dict[str, Any]) -> None:
    signed_in = set()
    for method, path, operation in described(document):
        errors = {int(status) for status in operation["responses"] if status not in SUCCESS}
        where = f"{method} {path}"
        if operation.get("security") == []:
            expected = PUBLIC | ({503} if path == "/health" else set())
        else:
            signed_in.add((method, path))
            expected = SIGNED_IN | ERRORS[(method, path)]
        assert errors == expected, where
        if "requestBody" in operation or any(p["in"] in {"query", "header"} for p in operation.get("parameters", [])):
            assert 422 in errors, where
    assert signed_in == set(ERRORS)


def test_a_batch_refuses_an_unknown_incident_with_404_as_a_single_event_is() -> None:
    oncall = Principal(user_id="u1", tenant_id=TENANT, username="olive", groups=frozenset())
    service = ResponseService(FakeResponseStore(), clock=FakeClock(T0))
    event = IngestEventRequest(incident_id="nowhere", event_type="log", message="connection refused")

    with pytest.raises(NotFound):
        service.ingest(oncall, [event], batch=False)
    with pytest.raises(NotFound) as refused:
        service.ingest(oncall, [event])
    assert DIALECTS["response"](refused.value) == (404, {"detail": "Incident not found: [0].incident_id"})


@pytest.mark.parametrize("error", [
    ValidationFailed("Request body is required"),
    ValidationFailed("Invalid events", details=[FieldError("[3].level", "Input should be 'debug', 'info', ...")]),
    ValidationFailed(details=[FieldError("query.status", "status must be one of open, investigating, ...")]),
    ValidationFailed(details=[FieldError("header.Idempotency-Key", "This key was used with another request body")]),
    ValidationFailed.on_field("cursor", "Not a cursor of this list"),
    NotFound("Incident not found"),
    Conflict("Cannot move an incident from closed to resolved (from closed: open)"),
], ids=lambda e: f"{type(e).__name__}-{e.details[0].field if e.details else e.message}")
def test_the_modules_error_shapes_validate_against_its_error_answers(document: dict[str, Any],
                                                                      error: DomainError) -> None:
    status, body = DIALECTS["response"](error)
    schema = response_schema(document, "POST", "/api/ingest/events", status)

    assert list(Draft202012Validator(schema).iter_errors(body)) == []


def test_a_busy_table_asks_the_client_to_retry_after_a_while(document: dict[str, Any]) -> None:
    assert "Retry-After" in document["components"]["responses"]["TooManyRequests"]["headers"]


# (2) List parameters as the handlers parse them.

def page_sizes_of_the_incidents_handler() -> dict[str, int]:
    """TIMELINE_PAGE and ACTIONS_PAGE, as functions/response_incidents/handler.py assigns them."""
    for node in handler_tree("response_incidents").body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            names = [target.id for target in node.targets[0].elts if isinstance(target, ast.Name)]
            if "TIMELINE_PAGE" in names:
                return dict(zip(names, ast.literal_eval(node.value), strict=True))
    raise AssertionError("the handler no longer names its page sizes")


def test_the_documents_page_sizes_are_the_handlers() -> None:
    assert page_sizes_of_the_incidents_handler() == {"TIMELINE_PAGE": openapi.TIMELINE_PAGE,
                                                     "ACTIONS_PAGE": openapi.ACTIONS_PAGE}


def test_every_list_documents_the_limit_its_handler_parses(document: dict[str, Any]) -> None:
    sizes = page_sizes_of_the_incidents_handler()
    parsers: dict[tuple[str, str], Callable[[dict[str, str]], CursorRequest]] = {
        ("GET", "/api/incidents"): parse_incident_page,
        ("GET", "/api/ingest/events/{incident_id}"): parse_event_page,
        ("GET", f"{INCIDENT}/timeline"): lambda q: parse_query_page(q, sizes["TIMELINE_PAGE"], sizes["TIMELINE_PAGE"]),
        ("GET", f"{INCIDENT}/actions"): lambda q: parse_query_page(q, sizes["ACTIONS_PAGE"], sizes["ACTIONS_PAGE"]),
    }
    lists = {(m, p): o for m, p, o in described(document) if any(q["name"] == "limit" for q in o.get("parameters", []))}

    assert set(lists) == set(parsers)
    for where, parse in parsers.items():
        query = {p["name"]: p for p in lists[where].get("parameters", []) if p["in"] == "query"}
        assert query["limit"]["schema"]["default"] == parse({}).limit, where
        most = query["limit"]["schema"]["maximum"]
        assert parse({"limit": str(most)}).limit == most and f"max {most};" in query["limit"]["description"], where
        with pytest.raises(ValidationFailed):
            parse({"limit": str(most + 1)})
        assert "cursor" in query and "X-Next-Cursor" in lists[where]["responses"]["200"]["headers"], where


# (3) What the views answer validates against the document's schemas.





def health_answers() -> list[tuple[int, Any]]:
    """(status, body) of each JSON answer functions/response_health composes, read from its source."""
    found = []
    for node in ast.walk(handler_tree("response_health")):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "json_response":
            found.append((ast.literal_eval(node.args[0]), ast.literal_eval(node.args[1])))
    assert {status for status, _ in found} == {200, 503}
    return found


def samples(v: Tracked) -> list[Sample]:
    """Answers the response module gives, made by its views from what the real service and analyst stored on the
    in-memory store, each with the operation and status it is the body of."""
    store, clock = FakeResponseStore(), FakeClock(T0)

    def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    service = ResponseService(store, clock=clock)
    analyst = AnalysisService(store, OfflineHypothesisProvider(), quiet_seconds=10, max_wait_seconds=60, clock=clock,
                              sleep=sleep)
    oncall = Principal(user_id="u1", tenant_id=TENANT, username="olive", groups=frozenset(), name="Olive Oncall")

    created = service.create_incident(oncall, CreateIncidentRequest(
        title="Database connection timeout", description="Users experiencing 502 errors", severity="high",
        source="datadog", tags=["database", "postgres"], metadata={"region": "eu-west-1", "replicas": 3}))
    quiet = service.create_incident(oncall, CreateIncidentRequest(title="Slow dashboard", severity="info"))
    batch = service.ingest(oncall, parse_batch([
        {"incident_id": created.id, "event_type": kind, "level": level, "source": f"api-server-0{n}",
         "message": f"HikariPool-1 - Connection is not available, request timed out after {30000 + n}ms",
         "metadata": {"pool": "HikariPool-1"} if n % 2 else {}}
        for n, (kind, level) in enumerate(zip(EVENT_TYPES, LEVELS, strict=True))]))
    single = service.ingest(oncall, [IngestEventRequest(
        incident_id=created.id, event_type="log", message="PostgreSQL connection pool exhausted", level="error",
        timestamp=T0 - timedelta(minutes=3))], batch=False)
    clock.advance(seconds=30)
    assert analyst.run(TENANT, created.id) is not None
    analysed = service.get_incident(oncall, created.id)
    assert analysed.ai_summary and analysed.root_cause and analysed.suggested_actions

    moves: list[Incident] = []
    for status in ("investigating", "identified", "monitoring", "resolved", "closed", "open"):
        clock.advance(minutes=7)
        moves.append(service.change_status(oncall, created.id, Status(status)))
    incidents = [service.get_incident(oncall, quiet.id), analysed, *moves]
    assert {i.status for i in incidents} == set(Status)
    assert {i.resolved_at is None for i in incidents} == {i.mttr_minutes is None for i in incidents} == {True, False}

    added = service.add_action(oncall, created.id, AddActionRequest(title="Raise the pool size", priority=2))
    moved_actions = [added]
    for status in ("in_progress", "failed", "pending", "skipped", "pending", "in_progress", "completed"):
        moved_actions.append(service.change_action_status(oncall, created.id, added.id, ActionStatus(status)))
    assert {a.status for a in moved_actions} == set(ActionStatus)
    service.post_comment(oncall, created.id, "Investigating the issue...", "John Doe")
    actions = service.actions(oncall, created.id, PAGE).items
    assert {a.suggested_by for a in actions} == {"ai", "Olive Oncall"}
    timeline = service.timeline(oncall, created.id, PAGE).items
    assert {e.entry_type for e in timeline} == set(EntryType)
    events = service.events(oncall, created.id, PAGE).items

    found = [
        Sample("GET", "/api/incidents", 200, [v.incident_view(i) for i in incidents]),
        Sample("POST", "/api/incidents", 201, v.incident_view(created)),
        *(Sample("GET", INCIDENT, 200, v.incident_view(i)) for i in incidents),
        *(Sample("PATCH", f"{INCIDENT}/status", 200, v.incident_view(i)) for i in moves),
        Sample("GET", f"{INCIDENT}/timeline", 200, [v.entry_view(e) for e in timeline]),
        Sample("GET", f"{INCIDENT}/actions", 200, [v.action_view(a) for a in actions]),
        Sample("POST", f"{INCIDENT}/actions", 201, v.action_view(added)),
        *(Sample("PATCH", ACTION_STATUS, 200, v.action_view(a)) for a in moved_actions[1:]),
        Sample("POST", "/api/ingest/events", 201, v.event_view(single[0])),
        Sample("POST", "/api/ingest/events/batch", 201, [v.event_view(e) for e in batch]),
        Sample("GET", "/api/ingest/events/{incident_id}", 200, [v.event_view(e) for e in events]),
        Sample("GET", "/api/ingest/events/{incident_id}", 200, []),
        # As functions/response_health composes them.
        *(Sample("GET", "/health", status, body) for status, body in health_answers()),
    ]
    return found


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any]) -> None:
    v = Tracked(views)
    made = samples(v)

    for sample in made:
        schema = response_schema(document, sample.method, sample.path, sample.status)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sample.body)]
        assert problems == [], f"{sample.method} {sample.path} {sample.status}"
    assert v.called == v.public_functions(), "every view has a sample"
    with_body = {(method, path, status) for method, path, operation in described(document)
                 for status, answer in operation["responses"].items()
                 if "application/json" in answer.get("content", {}) and path != "/openapi.json"}
    assert with_body == {(s.method, s.path, str(s.status)) for s in made}, "every JSON answer has a sample"


def test_a_view_with_a_field_the_document_does_not_name_is_refused(document: dict[str, Any]) -> None:
    schema = response_schema(document, "GET", INCIDENT, 200)
    incident = Incident(id="i1", tenant_id=TENANT, title="Disk full", description="", status=Status.OPEN,
                        severity="low", source="manual", tags=(), metadata={}, created_at=T0, updated_at=T0)
    answer = views.incident_view(incident)

    assert Draft202012Validator(schema).is_valid(answer)
    assert not Draft202012Validator(schema).is_valid({**answer, "tenant_id": TENANT})
    assert not Draft202012Validator(schema).is_valid({k: value for k, value in answer.items() if k != "ai_summary"})
