"""The helpdesk's OpenAPI document beyond what every module's is checked for (tests/unit/test_openapi_documents.py):
the errors each helpdesk route can answer, its list parameters as the handlers parse them, and what the helpdesk's
views answer, for records the real services made, validates against it."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError as PydanticValidationError

from opsdesk.auth import Principal
from opsdesk.dialects import DIALECTS
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.helpdesk import schemas, views
from opsdesk.helpdesk.attachments import PENDING_TAG, Attachment, AttachmentService
from opsdesk.helpdesk.exports import ExportService
from opsdesk.helpdesk.openapi import TITLE
from opsdesk.helpdesk.openapi import document as build_helpdesk_document
from opsdesk.helpdesk.queries import parse_comment_page, parse_ticket_filters, parse_ticket_page, parse_ticket_search
from opsdesk.helpdesk.records import Ticket, TicketSource, TicketStatus
from opsdesk.helpdesk.requests import (
    AddWatcherRequest,
    AttachmentConfirm,
    AttachmentUpload,
    CreateRequesterRequest,
    CreateTicketRequest,
    ExportTicketsRequest,
    UpdateRequesterRequest,
    UpdateTicketRequest,
)
from opsdesk.helpdesk.service import HelpdeskService
from opsdesk.helpdesk.sla import PRIORITIES
from opsdesk.helpdesk.workflow import check_update_request
from opsdesk.http import NEXT_CURSOR_HEADER
from opsdesk.openapi import SCHEMAS, response_schema
from opsdesk.pagination import CursorRequest
from tests.unit.fakes import FakeClock
from tests.unit.helpdesk_fakes import InMemoryHelpdeskStore, comment_by
from tests.unit.openapi_samples import Sample, Tracked

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TENANT = "tenant-a"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
SUCCESS = {"200", "201", "202", "204"}
TICKET = "/tickets/{ticket_id}"
COMMENTS = f"{TICKET}/comments"
WATCHERS = f"{TICKET}/watchers"
ATTACHMENTS = f"{TICKET}/attachments"
CSAT = "/csat/{token}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_helpdesk_document()


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def handler_tree(group: str) -> ast.Module:
    """A handler's source, read rather than imported: it loads its settings and binds its tables on import."""
    return ast.parse((ROOT / "functions" / group / "handler.py").read_text(encoding="utf-8"))


def test_the_title_is_the_docs_functions() -> None:
    assigned = {node.targets[0].id: node.value for node in handler_tree("helpdesk_api_docs").body
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}

    assert ast.literal_eval(assigned["TITLE"]) == TITLE


# (1) The helpdesk's errors: what its routes answer beyond every module's.

SIGNED_IN = {401, 403, 414, 429, 500}
"""Every signed-in route: the session authorizer (401), a user of no tenant, the agent role or the forgery guard's
origin check (403), the stage's throttle or a busy table (429), anything unexpected (500)."""
PUBLIC = {414, 429, 500}
ERRORS: dict[tuple[str, str], set[int]] = {
    ("GET", "/livez"): set(),
    ("GET", "/healthz"): set(),
    ("GET", "/readyz"): set(),  # not ready is the common 500
    ("GET", "/metrics"): set(),
    ("POST", "/login"): {400, 401, 404},  # not JSON or no fields, wrong credentials, the cookie login off
    ("POST", "/logout"): {404},
    ("GET", "/me"): set(),
    ("POST", "/requesters"): {400},  # a taken email too
    ("GET", "/requesters/{requester_id}"): {404},
    ("PATCH", "/requesters/{requester_id}"): {400, 404, 409},
    ("GET", "/tickets"): {400},  # an unknown filter value, a bad limit, search or cursor
    ("POST", "/tickets"): {400},
    ("GET", TICKET): {404},
    # a move the workflow refuses is 400; a concurrent change 409; the user pool busy looking an assignee up 503
    ("PATCH", TICKET): {400, 404, 409, 503},
    ("GET", COMMENTS): {400, 404},
    ("POST", COMMENTS): {400, 404, 409},
    ("GET", WATCHERS): {404},
    ("POST", WATCHERS): {400, 404, 503},
    ("DELETE", f"{WATCHERS}/{{user_id}}"): {400, 404},
    ("GET", ATTACHMENTS): {404},
    ("POST", f"{ATTACHMENTS}/presign"): {400, 404},
    ("POST", ATTACHMENTS): {400, 404},
    ("DELETE", f"{ATTACHMENTS}/{{attachment_id}}"): {400, 404},
    ("GET", CSAT): set(),  # an unknown token is a 404 page, not an error envelope
    ("POST", CSAT): {400, 404},
    ("POST", "/exports/tickets"): {400},
    ("GET", "/metrics/sla"): set(),
    ("GET", "/metrics/resolution"): set(),
    ("GET", "/metrics/tickets"): set(),
    ("GET", "/events"): {400},  # a Last-Event-ID that is no event's
    ("GET", "/docs"): set(),
    ("GET", "/redoc"): set(),
    ("GET", "/openapi.json"): set(),
}


def test_every_operation_documents_the_errors_its_route_can_answer(document: dict[str, Any]) -> None:
    assert {(method, path) for method, path, _ in described(document)} == set(ERRORS)
    for method, path, operation in described(document):
        signed_in = operation.get("security") != []
        errors = {int(status) for status, answer in operation["responses"].items()
                  if "$ref" in answer or (int(status) >= 400 and "application/json" in answer.get("content", {}))}

        assert errors == ERRORS[(method, path)] | (SIGNED_IN if signed_in else PUBLIC), f"{method} {path}"
        if signed_in and method in {"POST", "PATCH", "PUT", "DELETE"}:
            # The forgery guard: a cookie write that is not application/json (400), a bodiless one from another
            # origin (403).
            assert {400, 403} <= errors, f"{method} {path}"
        if any(p["in"] in {"query", "header"} for p in operation.get("parameters", [])) and signed_in:
            assert 400 in errors, f"{method} {path}"


def test_validation_is_400_never_422(document: dict[str, Any]) -> None:
    status, body = DIALECTS["helpdesk"](ValidationFailed(details=[FieldError("title", "title is required")]))

    assert (status, body) == (400, {"errors": {"title": "title is required"}})
    assert all("422" not in operation["responses"] for _, _, operation in described(document))


def test_every_error_is_one_of_the_two_envelopes(document: dict[str, Any]) -> None:
    for name, answer in document["components"]["responses"].items():
        assert answer["content"]["application/json"]["schema"] == {"$ref": f"{SCHEMAS}Error"}, name
    envelope = {"$ref": f"{SCHEMAS}Error", "components": document["components"]}
    validator = Draft202012Validator(envelope)

    assert validator.is_valid({"error": "Ticket not found"})
    assert validator.is_valid({"errors": {"ids[2]": "ticket not found"}})
    assert not validator.is_valid({"error": "x", "errors": {}})
    assert not validator.is_valid({"detail": "Not found"})


def test_the_survey_takes_a_form_and_answers_browsers_with_pages(document: dict[str, Any]) -> None:
    survey = document["paths"][CSAT]

    assert set(survey["get"]["responses"]["404"]["content"]) == {"text/html"}
    assert set(survey["post"]["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    assert set(survey["post"]["responses"]["200"]["content"]) == {"application/json", "text/html"}


def test_the_request_values_the_document_lists_are_the_ones_the_models_take(document: dict[str, Any]) -> None:
    requests = document["components"]["schemas"]
    create = requests["CreateTicketRequest"]["properties"]
    body = {"title": "t", "description": "", "requester_id": str(uuid.uuid4()), "priority": "low"}

    for priority in create["priority"]["enum"]:
        CreateTicketRequest.model_validate({**body, "priority": priority})
    for source in create["source"]["anyOf"][0]["enum"]:
        CreateTicketRequest.model_validate({**body, "source": source})
    for status in requests["UpdateTicketRequest"]["properties"]["status"]["enum"]:
        UpdateTicketRequest.model_validate({"status": status})
    for invalid in ({**body, "priority": "critical"}, {**body, "source": "phone"}, {**body, "requester_id": "r1"}):
        with pytest.raises(PydanticValidationError):
            CreateTicketRequest.model_validate(invalid)


@pytest.mark.parametrize("field", ["status", "priority", "custom_json"])
def test_a_ticket_field_the_document_does_not_let_be_null_is_refused_as_null(document: dict[str, Any],
                                                                            field: str) -> None:
    assert "anyOf" not in document["components"]["schemas"]["UpdateTicketRequest"]["properties"][field]
    with pytest.raises(ValidationFailed):
        check_update_request(UpdateTicketRequest.model_validate({field: None}))


@pytest.mark.parametrize("field", ["email", "display_name"])
def test_a_requester_field_the_document_does_not_let_be_null_is_refused_as_null(document: dict[str, Any],
                                                                               field: str) -> None:
    service = HelpdeskService(InMemoryHelpdeskStore())
    agent = person("agent")
    requester = service.create_requester(agent, CreateRequesterRequest(email="bob@example.com", display_name="Bob"))

    assert "anyOf" not in document["components"]["schemas"]["UpdateRequesterRequest"]["properties"][field]
    with pytest.raises(ValidationFailed):
        service.update_requester(agent, requester.id, UpdateRequesterRequest.model_validate({field: None}))


# (2) The list parameters are the ones the handlers parse, with their defaults and bounds.

class ReadQuery(dict[str, str]):
    """A query string that records which parameters a parser looks at."""

    def __init__(self, **values: str) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def query_parameters(document: dict[str, Any], method: str, path: str) -> dict[str, dict[str, Any]]:
    operation = document["paths"][path][method.lower()]
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_only_the_two_lists_and_the_stream_take_query_parameters(document: dict[str, Any]) -> None:
    with_query = {(method, path) for method, path, operation in described(document)
                  if any(p["in"] == "query" for p in operation.get("parameters", []))}
    reading = {(group, node.name) for group in ("helpdesk_people", "helpdesk_tickets", "helpdesk_attachments",
                                               "helpdesk_exports", "helpdesk_reports", "helpdesk_csat")
               for node in ast.walk(handler_tree(group)) if isinstance(node, ast.FunctionDef)
               and any(isinstance(call, ast.Name) and call.id == "query_params" for call in ast.walk(node))}

    assert with_query == {("GET", "/tickets"), ("GET", COMMENTS), ("GET", "/events")}
    assert reading == {("helpdesk_tickets", "handle_list_tickets"), ("helpdesk_tickets", "handle_list_comments")}


def test_the_ticket_list_parameters_are_the_ones_its_handler_parses(document: dict[str, Any]) -> None:
    query = ReadQuery()
    parse_ticket_filters(query, Principal("u1", TENANT, "u1", frozenset()))
    parse_ticket_search(query)
    parse_ticket_page(query)

    assert set(query_parameters(document, "GET", "/tickets")) == query.read


def test_the_comment_list_parameters_are_the_ones_its_handler_parses(document: dict[str, Any]) -> None:
    query = ReadQuery()
    parse_comment_page(query)

    assert set(query_parameters(document, "GET", COMMENTS)) == query.read


@pytest.mark.parametrize(("path", "parse"), [("/tickets", parse_ticket_page), (COMMENTS, parse_comment_page)])
def test_page_sizes_are_the_handlers(document: dict[str, Any], path: str,
                                     parse: Callable[[dict[str, str]], CursorRequest]) -> None:
    limit = query_parameters(document, "GET", path)["limit"]
    most = limit["schema"]["maximum"]

    assert parse({}).limit == limit["schema"]["default"]
    assert parse({"limit": str(most)}).limit == most
    assert f"max {most};" in limit["description"]
    for refused in (limit["schema"]["minimum"] - 1, most + 1):
        with pytest.raises(ValidationFailed):
            parse({"limit": str(refused)})
    assert NEXT_CURSOR_HEADER in document["paths"][path]["get"]["responses"]["200"]["headers"]


def test_the_ticket_filters_take_what_the_document_lists(document: dict[str, Any]) -> None:
    parameters = query_parameters(document, "GET", "/tickets")
    someone = Principal("u1", TENANT, "u1", frozenset())
    statuses = document["components"]["schemas"][parameters["status"]["schema"]["$ref"].removeprefix(SCHEMAS)]

    assert statuses["enum"] == [s.value for s in TicketStatus]
    assert parameters["priority"]["schema"]["enum"] == list(PRIORITIES)
    for status in statuses["enum"]:
        assert parse_ticket_filters({"status": status}, someone).status == status
    for priority in PRIORITIES:
        assert parse_ticket_filters({"priority": priority}, someone).priority == priority
    for name, value in (("team", "none"), ("assignee", "none"), ("assignee", "me")):
        assert Draft202012Validator(parameters[name]["schema"]).is_valid(value)
        parse_ticket_filters({name: value}, someone)
    for name, value in (("status", "new"), ("priority", "critical"), ("team", "a b"), ("assignee", "-x")):
        with pytest.raises(ValidationFailed):
            parse_ticket_filters({name: value}, someone)


# (3) What the views answer validates against the document's schemas.





class AttachmentItems:
    """The attachment store, in memory."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Attachment] = {}

    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        found = [a for (tenant, ticket, _), a in self.items.items() if (tenant, ticket) == (tenant_id, ticket_id)]
        return sorted(found, key=lambda a: a.created_at)

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None:
        return self.items.get((tenant_id, ticket_id, attachment_id))

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        return self.items.setdefault((tenant_id, attachment.ticket_id, attachment.id), attachment) is attachment

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None:
        self.items.pop((tenant_id, ticket_id, attachment_id), None)


class Bucket:
    """Both object ports: a presigned PUT is uploaded at once, as the client would; exports are kept."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}

    def presign_put(self, bucket: str, key: str, *, content_type: str, content_length: int, tagging: str,
                    expires_seconds: int) -> str:
        self.objects[key] = {"ContentLength": content_length, "ContentType": content_type}
        return f"https://{bucket}.s3.example.com/{key}?X-Amz-Expires={expires_seconds}"

    def head(self, bucket: str, key: str) -> dict[str, Any] | None:
        return self.objects.get(key)

    def clear_tags(self, bucket: str, key: str) -> None:
        pass

    def delete(self, bucket: str, key: str) -> None:
        self.objects.pop(key, None)

    def put(self, bucket: str, key: str, body: bytes, *, content_type: str) -> None:
        self.objects[key] = {"ContentLength": len(body), "ContentType": content_type}

    def presign_get(self, bucket: str, key: str, *, download_name: str, content_type: str,
                    expires_seconds: int) -> str:
        return f"https://{bucket}.s3.example.com/{key}?download={download_name}&X-Amz-Expires={expires_seconds}"


class ExportLog:
    def record_export(self, tenant_id: str, *, export_id: str, object_key: str, tickets: int, created_by: str,
                      now: datetime) -> None:
        pass


def person(*groups: str, username: str | None = None, email: str | None = None,
           name: str | None = None) -> Principal:
    user_id = str(uuid.uuid4())
    return Principal(user_id=user_id, tenant_id=TENANT, username=username or user_id, groups=frozenset(groups),
                     email=email, name=name)


def patch(service: HelpdeskService, agent: Principal, ticket: Ticket, **fields: Any) -> Ticket:
    return service.update_ticket(agent, ticket.id, UpdateTicketRequest.model_validate(fields))


def samples(v: Tracked, document: dict[str, Any]) -> list[Sample]:
    """Answers the helpdesk gives, made by its views over records the real services made (and, where a handler
    composes the answer itself, composed as it does), each with the operation and status it is the body of."""
    clock = FakeClock(T0)
    store = InMemoryHelpdeskStore()
    service = HelpdeskService(store, clock=clock, backoff=lambda attempt: None)
    agent = person("agent", username="alice", email="alice@example.com", name="Alice Agent")
    admin = person("admin", "agent", username="root@example.com")
    customer = person(username="carol")
    found: list[Sample] = []

    # Metrics before anything was resolved: zeros.
    found += [Sample("GET", "/metrics/sla", 200, service.sla_metrics(agent)),
              Sample("GET", "/metrics/resolution", 200, service.resolution_metrics(agent))]

    requester = service.create_requester(agent, CreateRequesterRequest(email="bob@example.com",
                                                                       display_name="Bob Buyer"))
    renamed = service.update_requester(agent, requester.id, UpdateRequesterRequest(display_name="Robert Buyer"))

    def create(by: Principal, channel: str, **fields: Any) -> Ticket:
        body = {"title": "Printer jams", "description": "", "requester_id": requester.id, "priority": "low", **fields}
        return service.create_ticket(by, CreateTicketRequest.model_validate(body), channel)  # type: ignore[arg-type]

    bare = create(customer, "bearer")
    web = create(customer, "cookie", priority="normal")
    full = create(agent, "cookie", title="Payroll export fails", description="Since the upgrade", priority="urgent",
                  urgency=1, category="finance", subcategory="payroll", custom_json={"asset": "PAY-7"},
                  source="email")
    closing = create(agent, "bearer", priority="high")
    created = [bare, web, full, closing]

    clock.advance(minutes=5)
    full = patch(service, agent, full, assignee_id=agent.user_id, team_id="finance",
                 scheduled_at="2026-03-03T10:00:00Z", due_at="2026-03-04T00:00:00Z")
    web = patch(service, agent, web, status="pending")
    first = service.add_comment(agent, full.id, comment_by(agent, "Looking into it"))
    note = service.add_comment(agent, full.id, comment_by(agent, "Vendor bug?", internal=True))
    reply = service.add_comment(agent, full.id, comment_by(requester.id, "Thanks!"))
    own = service.add_comment(customer, full.id, comment_by(customer, "Any news?"))
    service.add_watcher(agent, full.id, AddWatcherRequest(user_id=agent.user_id))
    service.add_watcher(customer, full.id, AddWatcherRequest(user_id=customer.user_id))
    service.remove_watcher(customer, full.id, customer.user_id)
    closing = patch(service, agent, closing, status="resolved")  # within both targets

    clock.advance(hours=5)  # past the urgent ticket's resolution target: resolved late
    full = patch(service, agent, full, status="resolved")
    closing = patch(service, agent, closing, status="closed")
    tickets = [service.get_ticket(agent, t.id) for t in created]
    now = service.ticket_now()
    assert {t.status for t in tickets} == set(TicketStatus)
    assert {t.source for t in tickets} == set(TicketSource)

    items, bucket = AttachmentItems(), Bucket()
    attachments = AttachmentService(items, bucket, "attachments", clock=clock)
    presigned = attachments.presign(agent, full.id, AttachmentUpload(filename="trace.log", bytes=2048))
    confirmed = attachments.confirm(agent, full.id, AttachmentConfirm(
        attachment_id=presigned["attachment_id"], filename="trace.log", bytes=2048))
    typed = attachments.presign(customer, full.id, AttachmentUpload(filename="screen", bytes=10, mime="image/png"))
    attachments.confirm(customer, full.id, AttachmentConfirm(attachment_id=typed["attachment_id"],
                                                             filename="screen", bytes=10, mime="image/png"))
    listed = [a.as_json() for a in attachments.list(agent, full.id)]
    attachments.delete(agent, full.id, confirmed.id)

    exports = ExportService(lambda tenant, ids, at: [v.ticket_view(t, at) for t in store.get_tickets(tenant, ids)],
                            bucket, ExportLog(), "exports", clock=clock)
    url = exports.export_tickets(agent, ExportTicketsRequest(ids=[t.id for t in tickets]))
    ok = {"ok": True}

    found += [
        Sample("GET", "/livez", 200, ok),
        Sample("GET", "/healthz", 200, ok),
        Sample("GET", "/readyz", 200, ok),
        # As functions/helpdesk_session, functions/helpdesk_csat and the ticket handlers compose them.
        Sample("POST", "/login", 200, ok),
        Sample("POST", "/logout", 200, ok),
        Sample("POST", CSAT, 200, ok),
        *(Sample("GET", "/me", 200, v.me_view(who)) for who in (agent, admin, customer)),
        Sample("POST", "/requesters", 201, v.requester_view(requester)),
        Sample("GET", "/requesters/{requester_id}", 200, v.requester_view(requester)),
        Sample("PATCH", "/requesters/{requester_id}", 200, v.requester_view(renamed)),
        Sample("GET", "/tickets", 200, [v.ticket_view(t, now) for t in service.list_tickets(
            agent, parse_ticket_filters({}, agent), parse_ticket_page({})).items]),
        Sample("GET", "/tickets", 200, []),
        *(Sample("POST", "/tickets", 201, v.created_ticket_view(t)) for t in created),
        *(Sample("GET", TICKET, 200, v.ticket_view(t, now)) for t in tickets),
        Sample("PATCH", TICKET, 200, ok),
        Sample("GET", COMMENTS, 200, [v.comment_view(c) for c in service.list_comments(
            agent, full.id, parse_comment_page({})).items]),
        *(Sample("POST", COMMENTS, 201, {"id": c.id}) for c in (first, note, reply, own)),
        Sample("GET", WATCHERS, 200, service.list_watchers(agent, full.id)),
        Sample("GET", WATCHERS, 200, service.list_watchers(agent, bare.id)),
        Sample("POST", WATCHERS, 201, ok),
        Sample("DELETE", f"{WATCHERS}/{{user_id}}", 200, ok),
        Sample("GET", ATTACHMENTS, 200, listed),
        *(Sample("POST", f"{ATTACHMENTS}/presign", 201, p) for p in (presigned, typed)),
        Sample("POST", ATTACHMENTS, 201, {"id": confirmed.id}),
        Sample("DELETE", f"{ATTACHMENTS}/{{attachment_id}}", 200, ok),
        Sample("POST", "/exports/tickets", 200, {"url": url}),
        Sample("GET", "/metrics/sla", 200, service.sla_metrics(agent)),
        Sample("GET", "/metrics/resolution", 200, service.resolution_metrics(agent)),
        Sample("GET", "/metrics/tickets", 200, service.ticket_metrics(agent)),
    ]
    views_shown = [s.body for s in found if (s.method, s.path) == ("GET", TICKET)]
    for name in ("assignee_id", "team_id", "urgency", "category", "subcategory", "scheduled_at", "due_at"):
        assert any(name in t for t in views_shown) and any(name not in t for t in views_shown), name
    assert {(t["sla"]["first_response_breached"], t["sla"]["resolution_breached"]) for t in views_shown} >= {
        (False, False), (False, True)}
    assert any(c["is_internal"] for s in found if s.path == COMMENTS and s.method == "GET" for c in s.body)
    assert {me["email"] is None for me in (s.body for s in found if s.path == "/me")} == {True, False}
    assert found[-3].body["sla_attainment"] == 0.5

    # The SLA block on its own, for each ticket: the view that renders it.
    sla = {"$ref": f"{SCHEMAS}TicketSla", "components": document["components"]}
    for ticket in tickets:
        Draft202012Validator(sla, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(v.sla_of(ticket, now))
    return found


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any]) -> None:
    v = Tracked(views)
    made = samples(v, document)

    for sample in made:
        schema = response_schema(document, sample.method, sample.path, sample.status)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sample.body)]
        assert problems == [], f"{sample.method} {sample.path} {sample.status}"
    assert v.called == v.public_functions(), "every view has a sample"
    with_body = {(method, path, status) for method, path, operation in described(document)
                 for status, answer in operation["responses"].items()
                 if "application/json" in answer.get("content", {}) and path != "/openapi.json"
                 and int(status) < 400}  # errors are the envelope, checked on their own
    assert with_body == {(s.method, s.path, str(s.status)) for s in made}, "every JSON answer has a sample"


def test_a_view_with_a_field_the_document_does_not_name_is_refused(document: dict[str, Any]) -> None:
    schema = response_schema(document, "GET", TICKET, 200)
    ticket = Ticket(id="t1", number=1, title="t", description="d", requester_id="r1", priority="low",
                    status=TicketStatus.OPEN, source=TicketSource.API, created_at="2026-03-02T09:00:00.000Z",
                    updated_at="2026-03-02T09:00:00.000Z", created_by="u1")
    shown = views.ticket_view(ticket, T0)

    assert Draft202012Validator(schema).is_valid(shown)
    assert not Draft202012Validator(schema).is_valid({**shown, "created_by": "u1"})
    assert not Draft202012Validator(schema).is_valid({**shown, "assignee_id": None})


def test_the_documented_enums_are_the_codes() -> None:
    assert get_args(schemas.Priority) == PRIORITIES
    assert get_args(schemas.UploadHeaders.model_fields["tagging"].annotation) == (PENDING_TAG,)
