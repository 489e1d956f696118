"""The aura module's OpenAPI document (seeds/aura-api.md): every route of the aura handlers
(functions/aura_*/handler.py, and the streaming app functions/aura_stream/app.py) with its request model
(opsdesk.aura.requests), its parameters (opsdesk.aura.queries), the statuses it answers and the model of its body
(opsdesk.aura.schemas).
Served by aura_api_docs (`/openapi.json`, with Swagger UI at `/docs` and ReDoc at `/redoc`), committed as
docs/api/aura.openapi.json (`python -m scripts.openapi`). tests/unit/test_aura_openapi.py checks the errors of
each route and validates the views' output against its schemas.

What the generic builder (opsdesk.openapi) has no words for is added here: comma-separated query filters
(`style: form, explode: false` on an array parameter), `GET /health`'s 503, whose body is the health report rather
than the error envelope, and the bearer token's kind (Cognito's ID token). And the PATCH body's fields may be left
out but never null (the request model refuses null before its fields are read), so their schema drops the `null`
that the model's types carry."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import AURA
from opsdesk.aura import schemas as s
from opsdesk.aura.info import API_VERSION
from opsdesk.aura.queries import (
    DEFAULT_ADDITIONAL_TURNS,
    DEFAULT_AUDIT_PAGE,
    DEFAULT_TICKET_PAGE,
    MAX_AUDIT_PAGE,
    MAX_BODY_BYTES,
    MAX_TICKET_PAGE,
    MAX_TURNS_LIMIT,
)
from opsdesk.aura.records import ACTORS, DEFAULT_MAX_TURNS, PRIORITIES, AuditType, TicketStatus
from opsdesk.aura.requests import (
    AnswerRequest,
    ApprovalRequest,
    ApprovePlanRequest,
    CreateTicketRequest,
    ResumeRequest,
    UpdateTicketRequest,
)
from opsdesk.aura.sse import ID_PREFIX
from opsdesk.aura.streams import EVENT_TYPES
from opsdesk.frozen import frozen
from opsdesk.openapi import (
    SCHEMAS,
    SERVER_SENT_EVENTS,
    ApiDescription,
    Operation,
    Parameter,
    Tag,
    build_document,
    docs_operations,
    path_param,
    query_param,
)
from opsdesk.pagination import LARGEST_OFFSET, MAX_OFFSET

TITLE = "Aura API"
VERSION = API_VERSION

# Which errors a route can answer, by what it does (the handlers, the service and the platform's REST edge):
SIGNED_IN = (401, 403)
"""Every route but /health and the docs: no or a bad token (401, API Gateway's Cognito authorizer or the stream
function's own check), a token of a user in no tenant (403)."""
INVALID = 400
"""VALIDATION_ERROR: a body or query the handler refuses (`details` names the fields); on the ticket moves also
INVALID_TRANSITION, APPROVAL_NOT_PENDING and QUESTION_NOT_PENDING."""
FOUND = 404
"""TICKET_NOT_FOUND: a ticket id that is not one of the caller's tenant's (another tenant's, or none)."""
CONFLICT = 409
"""AGENT_BUSY on `run`; on any change of a ticket, CONFLICT when concurrent writes won every retry."""
KICKED = 503
"""The moves that start a run of the agent: its queue could not be reached (the change is saved)."""
CHANGE = (*SIGNED_IN, INVALID, FOUND, CONFLICT)
"""A person's change of one ticket."""

TICKET_ID = path_param("ticket_id", "A ticket of the caller's tenant (any other id is TICKET_NOT_FOUND)")
TICKET = "/tickets/{ticket_id}"


@frozen
class CommaSeparated(Parameter):
    """A query parameter holding a comma-separated list (`status=draft,executing`), which OpenAPI writes as an
    array parameter with `explode: false`; the builder's Parameter renders only the default (repeated) form."""

    def render(self) -> dict[str, Any]:
        return {**super().render(), "style": "form", "explode": False}


def comma_separated(name: str, items: dict[str, Any], description: str) -> CommaSeparated:
    return CommaSeparated(name, "query", {"type": "array", "items": items, "minItems": 1}, description)


def _enum_ref(enum: type[TicketStatus] | type[AuditType]) -> dict[str, str]:
    return {"$ref": SCHEMAS + enum.__name__}


STATUS_FILTER = comma_separated("status", _enum_ref(TicketStatus), "Only tickets in these statuses")
PRIORITY_FILTER = comma_separated("priority", {"type": "string", "enum": list(PRIORITIES)},
                                  "Only tickets of these priorities")
TYPE_FILTER = comma_separated("type", _enum_ref(AuditType), "Only entries of these types")
OFFSET = query_param("offset", {"type": "integer", "minimum": 0, "maximum": LARGEST_OFFSET, "default": 0},
                     f"Items to skip (pagination offset). Past the end: an empty page; a page deeper than "
                     f"{MAX_OFFSET:,} items of a longer list is a 400 (narrow it with filters)")


def _limit(default: int, maximum: int) -> Parameter:
    return query_param("limit", {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
                       f"Items per page (max {maximum}; a larger value is a 400)")


def _tickets() -> list[Operation]:
    return [
        Operation("POST", "/tickets", "createTicket", "Create ticket", "tickets", {201: s.Ticket},
                  CreateTicketRequest, errors=(*SIGNED_IN, INVALID),
                  description="A `draft` in the caller's tenant; `POST /tickets/{ticket_id}/run` starts the agent. "
                              f"Beyond the document: `maxTurns` (default {DEFAULT_MAX_TURNS}, at most "
                              f"{MAX_TURNS_LIMIT}) may be set here too, and the answer is the whole ticket "
                              "(`GET /tickets/{ticket_id}`'s shape). "
                              "Unknown fields (`status` among them) are ignored; title and description are "
                              f"trimmed. A body larger than {MAX_BODY_BYTES // 1024} KiB is 400."),
        Operation("GET", "/tickets", "listTickets", "List tickets", "tickets", {200: s.TicketList},
                  parameters=(STATUS_FILTER, PRIORITY_FILTER, _limit(DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE), OFFSET),
                  errors=(*SIGNED_IN, INVALID),
                  description="The tenant's tickets, newest first. An unknown status or priority is 400."),
        Operation("GET", TICKET, "getTicket", "Get ticket", "tickets", {200: s.Ticket}, parameters=(TICKET_ID,),
                  errors=(*SIGNED_IN, FOUND),
                  description="The ticket with its plan, token usage and what it waits for (`pendingApproval`, "
                              "`pendingQuestion`)."),
        Operation("PATCH", TICKET, "updateTicket", "Update ticket", "tickets", {200: s.Ticket}, UpdateTicketRequest,
                  parameters=(TICKET_ID,), errors=CHANGE,
                  description="Metadata only: `status` (or any other field) in the body is ignored. A field may be "
                              "left out, not null; `maxTurns` may not go below the turns already taken."),
        Operation("POST", f"{TICKET}/cancel", "cancelTicket", "Cancel ticket", "tickets", {200: s.CancelledTicket},
                  parameters=(TICKET_ID,), errors=CHANGE,
                  description="Stops the agent at its next turn. An ended ticket (resolved, failed, cancelled) is "
                              "400 INVALID_TRANSITION."),
    ]


def _agent() -> list[Operation]:
    return [
        Operation("POST", f"{TICKET}/approve-plan", "approvePlan", "Approve plan", "agent", {200: s.PlanApproved},
                  ApprovePlanRequest, request_required=False, parameters=(TICKET_ID,), errors=(*CHANGE, KICKED),
                  description="Only in `pending_plan_approval` (else 400 INVALID_TRANSITION); execution starts at "
                              "once. `approvedBy` defaults to the caller. `planRevision` (beyond the document, "
                              "optional): the revision approved; another is 400 INVALID_TRANSITION."),
        Operation("POST", f"{TICKET}/approve", "respondToApproval", "Approve or deny action", "agent",
                  {200: s.ApprovalAnswered}, ApprovalRequest, parameters=(TICKET_ID,), errors=(*CHANGE, KICKED),
                  description="Answers the pending action (`pendingApproval`); without one, 400 "
                              "APPROVAL_NOT_PENDING, also when the action was put up after this request was sent "
                              "(the one it was sent for was decided meanwhile) or when `approvalId` (beyond the "
                              "document, optional) names another. A denied action is never proposed again: the agent "
                              "plans anew without it."),
        Operation("POST", f"{TICKET}/answer", "answerQuestion", "Answer question", "agent",
                  {200: s.QuestionAnswered}, AnswerRequest, parameters=(TICKET_ID,), errors=(*CHANGE, KICKED),
                  description="Answers the pending question (`pendingQuestion`); without one, 400 "
                              "QUESTION_NOT_PENDING, also when the question was asked after this request was sent "
                              "(the one it was sent for was answered meanwhile) or when `questionId` (beyond the "
                              "document, optional) names another."),
        Operation("POST", f"{TICKET}/resume", "resumeTicket", "Resume ticket", "agent", {200: s.Resumed},
                  ResumeRequest, request_required=False, parameters=(TICKET_ID,), errors=(*CHANGE, KICKED),
                  description=f"Only a `paused` ticket (else 400 INVALID_TRANSITION). Grants `additionalTurns` "
                              f"(default {DEFAULT_ADDITIONAL_TURNS}); the budget may not pass {MAX_TURNS_LIMIT} "
                              "turns (400)."),
        Operation("POST", f"{TICKET}/run", "runAgent", "Run agent", "agent", {202: s.AgentStarted},
                  parameters=(TICKET_ID,), errors=(*CHANGE, KICKED),
                  description="Starts or continues the agent on a `draft`, `planning`, `pending_plan_approval` "
                              "(planned again), `executing` or `observing` ticket; it runs asynchronously (follow it "
                              "on `GET /tickets/{ticket_id}/stream`). A ticket waiting for an approval, an answer "
                              "or more turns, or an ended one, is 400 INVALID_TRANSITION; a run already holding the "
                              "ticket is 409 AGENT_BUSY."),
    ]


def _audit() -> list[Operation]:
    moment = {"type": "string", "examples": ["2024-01-15T14:35:42Z"]}
    return [
        Operation("GET", f"{TICKET}/audit", "getTicketAudit", "Get ticket audit log", "audit", {200: s.AuditLog},
                  parameters=(TICKET_ID, TYPE_FILTER, _limit(DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE), OFFSET),
                  errors=(*SIGNED_IN, INVALID, FOUND),
                  description="The ticket's history, oldest first."),
        Operation("GET", f"{TICKET}/audit/verify", "verifyTicketAudit", "Verify ticket audit chain", "audit",
                  {200: s.AuditChain}, parameters=(TICKET_ID,), errors=(*SIGNED_IN, FOUND),
                  description="Beyond the document: recomputes the ticket's hash chain (each entry's hash over its "
                              "content and the previous entry's hash) and compares it with the head the ticket "
                              "keeps."),
        Operation("GET", "/audit", "getAuditLog", "Get global audit log", "audit", {200: s.AuditLog},
                  parameters=(
                      query_param("ticketId", {"type": "string", "minLength": 1, "maxLength": 64},
                                  "Only this ticket's entries"),
                      TYPE_FILTER,
                      query_param("actor", {"type": "string", "enum": list(ACTORS)}, "Only this actor's entries"),
                      query_param("since", moment, "Entries after this moment (exclusive): an ISO 8601 date-time "
                                                   "(UTC without an offset) or a date (its midnight UTC)"),
                      query_param("until", moment, "Entries before this moment (exclusive), as `since`; `since` "
                                                   "after `until` is 400"),
                      _limit(DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE), OFFSET),
                  errors=(*SIGNED_IN, INVALID),
                  description="Entries of every ticket of the tenant, newest first."),
    ]


def _streams() -> list[Operation]:
    resume = (Parameter("Last-Event-ID", "header", {"type": "string"},
                        f"Resume after this event: `{ID_PREFIX}<n>` or `<n>` (else 400)"),
              query_param("lastEventId", {"type": "string"}, "`Last-Event-ID` for clients that cannot set headers"))
    events = ", ".join(f"`{kind}`" for kind in EVENT_TYPES)
    form = (f"Each event is `id: {ID_PREFIX}<n>`, `event: <type>` and `data: {{\"type\",\"ticketId\",\"timestamp\","
            f"\"payload\"}}`; the types: {events}. `connected` opens the stream and `heartbeat` comes every 30 s "
            "while idle; neither has an id (resumption counts ticket events only). A fresh connection starts at the "
            "present (history is the audit log); the stream ends before the function's time limit with a `retry:` "
            "hint, and the client reconnects with `Last-Event-ID`.")
    return [
        Operation("GET", f"{TICKET}/stream", "streamTicketEvents", "Subscribe to ticket events", "streaming",
                  {200: SERVER_SENT_EVENTS}, parameters=(TICKET_ID, *resume), errors=(*SIGNED_IN, INVALID, FOUND),
                  description=f"Server-sent events of one ticket. {form}"),
        Operation("GET", "/stream", "streamAllEvents", "Subscribe to all events", "streaming",
                  {200: SERVER_SENT_EVENTS},
                  parameters=(STATUS_FILTER, PRIORITY_FILTER, *resume), errors=(*SIGNED_IN, INVALID),
                  description="Server-sent events of every ticket of the tenant; `status` and `priority` keep "
                              f"the events of tickets in those statuses and priorities when the event happened. "
                              f"{form}"),
    ]


HEALTH_PATH = "/health"
UNHEALTHY = "Unhealthy: the tickets table cannot be read (the body is the health report)"


def _status() -> list[Operation]:
    return [
        Operation("GET", HEALTH_PATH, "getHealth", "Health check", "status", {200: s.Health, 503: s.Health},
                  public=True, response_headers={"Cache-Control": "`no-store`"},
                  description="Public (it names no tenant). `database` reads the tickets table; 503 with "
                              "`status: unhealthy` when it cannot."),
        Operation("GET", "/info", "getInfo", "Server info", "status", {200: s.Info}, errors=SIGNED_IN,
                  description="The deployment's version, environment, model and features."),
        Operation("GET", "/stats", "getStats", "Statistics", "status", {200: s.Stats}, errors=SIGNED_IN,
                  description="The tenant's tickets by status, tokens and the agent's turns and tool calls, from "
                              "counters kept on write."),
    ]


def operations() -> list[Operation]:
    return [*_tickets(), *_agent(), *_audit(), *_streams(), *_status(), *docs_operations()]


DESCRIPTION = f"""Aura: tickets that an agent plans and carries out through GitOps (git commits, Argo CD syncs),
with people approving its plan and its destructive actions and answering its questions; a hash-chained audit log;
live events as Server-Sent Events. Interactive documentation: Swagger UI at `{AURA.base_path}/docs`, ReDoc at
`{AURA.base_path}/redoc`, this document at `{AURA.base_path}/openapi.json`.

## Authentication
Every route but `GET /health` (and these docs) takes a Cognito ID token as a bearer token:
`Authorization: Bearer <id_token>`, the stream routes included. (The API document says authentication is not
implemented yet; this platform requires it.) Tickets belong to the caller's tenant: another tenant's ticket is
404 `TICKET_NOT_FOUND`, as is an id no ticket has.

## Errors
Every error is `{{"error": {{"code": "TICKET_NOT_FOUND", "message": "...", "details": {{}}}}}}`; `details` maps each
refused field (or query parameter) to what is wrong with it. Bad bodies and queries are 400 `VALIDATION_ERROR`; a
move the ticket's status does not allow is 400 `INVALID_TRANSITION` (`APPROVAL_NOT_PENDING`, `QUESTION_NOT_PENDING`
for an approval or answer nothing waits for); `/run` while a run holds the ticket is 409 `AGENT_BUSY`. A request
refused with a 4xx changes nothing.

## Pagination
Lists are `{{"tickets": [...], "total": n}}` and `{{"entries": [...], "total": n}}` with `limit` and `offset`
(tickets: default {DEFAULT_TICKET_PAGE}, at most {MAX_TICKET_PAGE}; audit: default {DEFAULT_AUDIT_PAGE}, at most
{MAX_AUDIT_PAGE}; a larger limit is a 400; an offset past the end gives an empty page, and pages are read
{MAX_OFFSET:,} items deep at most):
`GET /tickets?status=executing,paused&limit=20&offset=40`. `total` counts every item matching the filters. Filters
that take several values take them comma-separated. `limit` is a maximum: an audit page whose entries add up to
4 MiB ends there (entries carry what the agent's tools read), so the next page's offset is this one's plus the
entries it holds.

## Rate limiting
No per-user limit: API Gateway's stage throttle, or a busy table, answers 429 `RATE_LIMITED` (retry shortly)."""

TAGS = (
    Tag("tickets", "Tickets of the caller's tenant"),
    Tag("agent", "The agent's runs and what it waits for from people: plan approval, action approval, answers, "
                 "more turns"),
    Tag("audit", "The hash-chained audit log"),
    Tag("streaming", "Live ticket events (Server-Sent Events)"),
    Tag("status", "Health, server info and statistics"),
    Tag("docs", "This document and its interactive pages"),
)

API = ApiDescription(
    title=TITLE, version=VERSION, description=DESCRIPTION, server=AURA.base_path, error_model=s.Error, tags=TAGS,
    common_errors=(429, 500), bearer_token="Cognito ID token",
    error_descriptions={
        400: "VALIDATION_ERROR (details name the fields), INVALID_TRANSITION, APPROVAL_NOT_PENDING or "
             "QUESTION_NOT_PENDING",
        401: "UNAUTHORIZED: missing or invalid token",
        403: "FORBIDDEN: the user belongs to no tenant",
        404: "TICKET_NOT_FOUND: not a ticket of the caller's tenant",
        409: "AGENT_BUSY, or CONFLICT (concurrent changes)",
        429: "RATE_LIMITED: throttled; retry shortly",
        500: "INTERNAL_ERROR",
        503: "SERVICE_UNAVAILABLE: the agent's queue could not be reached. The change is saved; once the run it "
             "started has outlived its lease, `run` starts another",
    },
)


def _refuse_nulls(schema: dict[str, Any]) -> None:
    """`X | None = None` fields that may be left out but not sent as null: only X, and no default."""
    for field in schema["properties"].values():
        choices = field.pop("anyOf", None)
        if choices is not None:
            field.update(next(choice for choice in choices if choice != {"type": "null"}))
        field.pop("default", None)


def document() -> dict[str, Any]:
    built = build_document(API, operations())
    _refuse_nulls(built["components"]["schemas"][UpdateTicketRequest.__name__])
    health = built["paths"][HEALTH_PATH]["get"]
    health["responses"]["503"]["description"] = UNHEALTHY
    health["responses"] = dict(sorted(health["responses"].items()))
    return built
