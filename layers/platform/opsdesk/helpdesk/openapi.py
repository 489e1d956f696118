"""The helpdesk's OpenAPI document (seeds/helpdesk-api.md): every route of the helpdesk handlers
(functions/helpdesk_*/handler.py, and the streaming app functions/helpdesk_events/app.py) with its request model
(opsdesk.helpdesk.requests, and the attachment, export and sign-in models the handlers parse), its parameters, the
statuses it answers and the model of its body (opsdesk.helpdesk.schemas). Served by helpdesk_api_docs
(`/openapi.json`, with Swagger UI at `/docs` and ReDoc at `/redoc`), committed as docs/api/helpdesk.openapi.json
(`python -m scripts.openapi`). tests/unit/test_helpdesk_openapi.py checks the errors of each route and the list
parameters as the handlers parse them, and validates the views' output against its schemas;
tests/unit/test_openapi_documents.py checks it both ways against the handlers' routes.

The operations (every route) are in opsdesk.helpdesk.openapi_operations; this module adds the document's
description, tags, roles and what the request models' validators check, and builds it."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk import schemas as s
from opsdesk.helpdesk.openapi_operations import COMMON, CSAT, FOUND, INVALID, SESSION_COOKIE, operations
from opsdesk.helpdesk.queries import TEAM_ID_PATTERN, USER_ID_PATTERN
from opsdesk.helpdesk.records import NO_TEAM, TicketSource, TicketStatus
from opsdesk.helpdesk.requests import (
    AttachmentConfirm,
    CreateCommentRequest,
    CreateTicketRequest,
    ExportTicketsRequest,
    UpdateRequesterRequest,
    UpdateTicketRequest,
)
from opsdesk.helpdesk.sla import PRIORITIES
from opsdesk.http import NEXT_CURSOR_HEADER
from opsdesk.openapi import RESPONSES, ApiDescription, Tag, build_document

TITLE = "Helpdesk API"
"""functions/helpdesk_api_docs/handler.py's TITLE (that module loads its settings on import)."""
VERSION = "1.0.0"
FORM = "application/x-www-form-urlencoded"

DESCRIPTION = f"""The Helpdesk API: requesters, tickets with their SLA, comments, watchers and attachments, ticket
exports and metrics, a customer satisfaction survey and a stream of ticket events. Interactive documentation:
Swagger UI at `{HELPDESK.base_path}/docs`, ReDoc at `{HELPDESK.base_path}/redoc`, this document at
`{HELPDESK.base_path}/openapi.json`.

## Authentication
Every route but the health checks, `/metrics`, `/login`, `/logout`, the CSAT survey (its token is the credential)
and these docs takes a Cognito ID token as a bearer token, `Authorization: Bearer <ID token>`, or the
`{SESSION_COOKIE}` cookie (HttpOnly) that `POST /login` sets where the stage turns the cookie login on (the
document's local mode; elsewhere `/login` and `/logout` are 404). A write that rides on the cookie must send
`Content-Type: application/json` (else 400), or, without a body, come from an allowed origin (else 403). The agent
role is the `agent` or `admin` group. A user sees their tenant's data only: another tenant's id is 404.

## Errors
`{{"error": "message"}}`, or `{{"errors": {{"field": "message"}}}}` for a validation error (400), which names every
refused field (`title`, `ids[2]`, `cursor`, `Content-Type`, `body`).

## Pagination
`GET /tickets` and `GET /tickets/{{id}}/comments` answer bare JSON arrays and take `limit` (up to each route's
maximum; a larger value is a 400) and `cursor`: when there may be more, the answer's `{NEXT_CURSOR_HEADER}` header
holds the next page's cursor, sent back as `?cursor=` (opaque and signed; another list's is 400):
`GET /tickets?status=open&limit=20`.
The other lists are short and answered whole."""

TAGS = (
    Tag("health", "Liveness, readiness and Prometheus metrics (public)"),
    Tag("session", "The cookie login of the document's local mode (public)"),
    Tag("people", "The caller and the tenant's requesters"),
    Tag("tickets", "Tickets of the caller's tenant with their SLA"),
    Tag("comments", "A ticket's conversation and agents' internal notes"),
    Tag("watchers", "Who follows a ticket"),
    Tag("attachments", "A ticket's files: presign, upload to S3, confirm"),
    Tag("csat", "The customer satisfaction survey a resolve mails the requester (public, by token)"),
    Tag("exports", "Tickets as CSV (agent role)"),
    Tag("metrics", "SLA attainment, resolution time and ticket volume (agent role)"),
    Tag("events", "Ticket events as server-sent events"),
    Tag("docs", "This document and its interactive pages"),
)

AGENT_ROUTES = dict.fromkeys(("updateTicket", "exportTickets", "getSlaMetrics", "getResolutionMetrics",
                              "getTicketMetrics"), "agent")
"""The routes of agents (the `agent` or `admin` group; opsdesk.helpdesk.workflow.require_agent)."""

API = ApiDescription(
    title=TITLE, version=VERSION, description=DESCRIPTION, server=HELPDESK.base_path, error_model=s.Error,
    tags=TAGS, cookie=SESSION_COOKIE, common_errors=COMMON, bearer_token="Cognito ID token", roles=AGENT_ROUTES,
    cookie_description=f"The `{SESSION_COOKIE}` cookie (HttpOnly) that `POST /login` sets, where the stage turns "
                       "the cookie login on",
    retry_after="Seconds to wait before retrying (sent for a busy table or sign-in throttle)",
    error_descriptions={
        400: "Validation error: `errors` names each refused field (a refusal of no one field is `error`)",
        401: "Missing or invalid token (on `/login`: wrong credentials)",
        403: "The agent role (or the uploader) is needed, the user belongs to no tenant, or a cookie write came "
             "from an origin not allowed",
        404: "Not found in the caller's tenant (on `/login` and `/logout`: the cookie login is off)",
        409: "A concurrent change won every retry: reload and retry",
        429: "Too many requests: the stage's throttle, a busy table or Cognito's sign-in throttle (retry after "
             "`Retry-After` seconds when it is sent)",
        500: "Internal server error (on `/readyz`: not ready)",
    },
)

SURVEY_NOT_FOUND = "Survey not found (an HTML page): the token is unknown, malformed or expired"


def _refuse_nulls(schema: dict[str, Any], *names: str) -> None:
    """Fields that may be left out but not sent as null (the service refuses null): only their non-null form."""
    for name in names:
        field = schema["properties"][name]
        choices = field.pop("anyOf")
        field.update(next(choice for choice in choices if choice != {"type": "null"}))
        field.pop("default", None)


def _string_form(field: dict[str, Any]) -> dict[str, Any]:
    """The string schema of a field, whether or not it may also be null."""
    return next((choice for choice in field.get("anyOf", ()) if choice.get("type") == "string"), field)


def _show_validators(schemas: dict[str, Any]) -> None:
    """What the request models check in validators, which their generated schemas cannot show: the allowed values,
    ids that are UUIDs, nulls the service refuses and bodies that must change something."""
    priorities, statuses = list(PRIORITIES), [status.value for status in TicketStatus]
    create = schemas[CreateTicketRequest.__name__]
    create["properties"]["priority"]["enum"] = priorities
    create["properties"]["requester_id"]["format"] = "uuid"
    _string_form(create["properties"]["source"])["enum"] = [source.value for source in TicketSource]
    update = schemas[UpdateTicketRequest.__name__]
    _refuse_nulls(update, "status", "priority", "custom_json")
    update["properties"]["status"]["enum"] = statuses
    update["properties"]["priority"]["enum"] = priorities
    update["minProperties"] = 1
    reserved = {"not": {"const": NO_TEAM}}  # `none` names the unassigned in the list's filters
    _string_form(update["properties"]["team_id"]).update(pattern=TEAM_ID_PATTERN.pattern, **reserved)
    _string_form(update["properties"]["assignee_id"]).update(pattern=USER_ID_PATTERN.pattern, **reserved)
    for moment in ("scheduled_at", "due_at"):
        _string_form(update["properties"][moment])["anyOf"] = [{"format": "date-time"}, {"format": "date"}]
    _string_form(schemas[CreateCommentRequest.__name__]["properties"]["author_id"])["pattern"] = \
        USER_ID_PATTERN.pattern
    requester = schemas[UpdateRequesterRequest.__name__]
    _refuse_nulls(requester, "email", "display_name")
    requester["minProperties"] = 1
    schemas[ExportTicketsRequest.__name__]["properties"]["ids"]["items"]["format"] = "uuid"
    schemas[AttachmentConfirm.__name__]["properties"]["attachment_id"]["format"] = "uuid"


def document() -> dict[str, Any]:
    made = build_document(API, operations())
    # The survey takes a form post as well as JSON and answers browsers with pages, its unknown token with a page too.
    _show_validators(made["components"]["schemas"])
    survey = made["paths"][CSAT]
    survey["get"]["responses"][str(FOUND)]["description"] = SURVEY_NOT_FOUND
    answer = survey["post"]
    body = answer["requestBody"]["content"]
    body[FORM] = dict(body["application/json"])
    answer["responses"]["200"]["content"]["text/html"] = {"schema": {"type": "string"}}
    for status in (INVALID, FOUND):  # a browser's form post hears of a used survey or an unknown token in a page
        shared = made["components"]["responses"][answer["responses"][str(status)]["$ref"].removeprefix(RESPONSES)]
        page = {"text/html": {"schema": {"type": "string"}}}
        answer["responses"][str(status)] = {"description": f"{shared['description']} (a page, to a browser's form)",
                                            "content": {**shared["content"], **page}}
    return made
