"""The response module's OpenAPI document (seeds/incident-response-api.md): every route of the response handlers
(functions/response_*/handler.py) with its request model (opsdesk.response.requests), its parameters, the statuses
it answers and the model of its body (opsdesk.response.schemas). Served by response_api_docs (`/openapi.json`,
with Swagger UI at `/docs` and ReDoc at `/redoc`), committed as docs/api/response.openapi.json
(`python -m scripts.openapi`). tests/unit/test_response_openapi.py checks the errors of each route and validates
the views' output against its schemas; tests/unit/test_openapi_documents.py checks it both ways against the
handlers' routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, RootModel

from opsdesk.apimap import RESPONSE
from opsdesk.http import NEXT_CURSOR_HEADER
from opsdesk.openapi import (
    SCHEMAS,
    ApiDescription,
    ArrayOf,
    Content,
    Operation,
    Parameter,
    Tag,
    build_document,
    cursor_page,
    docs_operations,
    path_param,
    query_param,
)
from opsdesk.prometheus import CONTENT_TYPE as PROMETHEUS_CONTENT_TYPE
from opsdesk.response import schemas as s
from opsdesk.response.queries import (
    DEFAULT_EVENT_PAGE,
    DEFAULT_INCIDENT_PAGE,
    IDEMPOTENCY_KEY_HEADER,
    MAX_BATCH_EVENTS,
    MAX_BATCH_INCIDENTS,
    MAX_EVENT_PAGE,
    MAX_IDEMPOTENCY_KEY,
    MAX_INCIDENT_PAGE,
)
from opsdesk.response.records import ActionStatus, Status
from opsdesk.response.requests import AddActionRequest, CreateIncidentRequest, IngestEventRequest

TITLE = "Incident Response API"
"""functions/response_api_docs/handler.py's TITLE (that module loads its settings on import)."""
VERSION = "1.0.0"
TIMELINE_PAGE, ACTIONS_PAGE = 1000, 500
"""functions/response_incidents/handler.py's page sizes (default and maximum alike), which live in the handler: it
cannot be imported without its settings. tests/unit/test_response_openapi.py reads them from there."""

# Which errors a route can answer, by what it does (the handlers, the service and the platform's REST edge):
SIGNED_IN = (401, 403)
"""Every route behind API Gateway's Cognito authorizer: no or a bad token (401, also a token of another app
client), a user of no tenant (403)."""
COMMON = (429, 500)
"""Every route: the stage's throttle or a busy table (429), anything unexpected (500)."""
INVALID = 422
"""A body, query parameter, cursor or header the handler refuses (FastAPI's 422: the document's clients know it)."""
FOUND = 404
"""An incident or action named in the path that is not the caller's tenant's (another tenant's is 404 too)."""
CONFLICT = 409
"""A move the status rules refuse, or a concurrent change (one of two wins)."""

INCIDENT = "/api/incidents/{incident_id}"
INCIDENT_ID = path_param("incident_id", "An incident of the caller's tenant")
NEXT_CURSOR = {NEXT_CURSOR_HEADER: "The next page's cursor, to send back as `cursor`; absent on the last page"}
IDEMPOTENCY_KEY = Parameter(
    IDEMPOTENCY_KEY_HEADER, "header", {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
    "Beyond the document: makes a retry store nothing twice (printable ASCII, kept 24 hours). The same key with the "
    "same body answers the events stored the first time; with another body it is 422; while the first request "
    "is still being written, 409.")

CREATE_KEY = Parameter(
    IDEMPOTENCY_KEY_HEADER, "header", {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
    "Beyond the document: makes a retried create open one incident (printable ASCII; the key names the incident "
    "and does not expire). The same key with the same body answers the incident it opened; with another body it "
    "is 422.")


class IngestEventBatch(RootModel[Annotated[list[IngestEventRequest],
                                           Field(min_length=1, max_length=MAX_BATCH_EVENTS)]]):
    """A JSON array of events (opsdesk.response.requests.parse_batch reads it), validated as a whole."""


def _page(default: int, maximum: int) -> tuple[Parameter, ...]:
    return cursor_page(default, maximum, 422, NEXT_CURSOR_HEADER)


def _incidents() -> list[Operation]:
    statuses = ("Active incidents (open, investigating, identified, monitoring) move to any other active status "
                "or to resolved or closed; resolved goes to closed or reopens (open, investigating); closed only "
                "reopens to open. Another move is 409; the status the incident has is a 200 that changes nothing. "
                "Resolving sets `resolved_at` and `mttr_minutes`; reopening clears both.")
    return [
        Operation("GET", "/api/incidents", "listIncidents", "List incidents", "incidents", {200: ArrayOf(s.Incident)},
                  parameters=(query_param("status", {"$ref": SCHEMAS + Status.__name__}, "Only this status"),
                              *_page(DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE)),
                  errors=(*SIGNED_IN, INVALID), response_headers=NEXT_CURSOR,
                  description="The tenant's incidents, newest first. An unknown status is 422."),
        Operation("POST", "/api/incidents", "createIncident", "Create incident", "incidents", {201: s.Incident},
                  CreateIncidentRequest, errors=(*SIGNED_IN, INVALID), parameters=(CREATE_KEY,),
                  description="Status `open`; `severity` defaults to `medium`, `source` to `manual`. Repeated tags "
                              "are dropped."),
        Operation("GET", INCIDENT, "getIncident", "Get incident", "incidents", {200: s.Incident},
                  parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", f"{INCIDENT}/status", "updateIncidentStatus", "Update incident status", "incidents",
                  {200: s.Incident}, parameters=(
                      INCIDENT_ID, Parameter("status", "query", {"$ref": SCHEMAS + Status.__name__},
                                             "The status to move to", required=True)),
                  errors=(*SIGNED_IN, FOUND, CONFLICT, INVALID), description=statuses),
        Operation("GET", f"{INCIDENT}/timeline", "getIncidentTimeline", "Get incident timeline", "incidents",
                  {200: ArrayOf(s.TimelineEntry)}, parameters=(INCIDENT_ID, *_page(TIMELINE_PAGE, TIMELINE_PAGE)),
                  errors=(*SIGNED_IN, FOUND, INVALID), response_headers=NEXT_CURSOR,
                  description="Oldest first. Each change is written with its entry: `system_event` (opened), "
                              "`status_change`, `user_action` (an action added or moved), `ai_analysis`, "
                              "`comment` (a room message)."),
    ]


def _actions() -> list[Operation]:
    return [
        Operation("GET", f"{INCIDENT}/actions", "getIncidentActions", "Get incident actions", "actions",
                  {200: ArrayOf(s.Action)}, parameters=(INCIDENT_ID, *_page(ACTIONS_PAGE, ACTIONS_PAGE)),
                  errors=(*SIGNED_IN, FOUND, INVALID), response_headers=NEXT_CURSOR,
                  description="In the order they were added: the AI analysis's suggestions and responders' own."),
        Operation("POST", f"{INCIDENT}/actions", "addIncidentAction", "Add an action", "actions", {201: s.Action},
                  AddActionRequest, parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND, INVALID),
                  description="Beyond the document: a responder's own action, `pending`, suggested by them."),
        Operation("PATCH", f"{INCIDENT}/actions/{{action_id}}/status", "updateActionStatus", "Update action status",
                  "actions", {200: s.Action}, parameters=(
                      INCIDENT_ID, path_param("action_id", "An action of the incident"),
                      Parameter("status", "query", {"$ref": SCHEMAS + ActionStatus.__name__},
                                "The status to move to", required=True)),
                  errors=(*SIGNED_IN, FOUND, CONFLICT, INVALID),
                  description="Beyond the document: pending goes to in_progress, completed, failed or skipped; "
                              "in_progress to completed, failed or back to pending; failed to pending or "
                              "in_progress; skipped to pending; completed is final. Another move is 409; the "
                              "status the action has is a 200 that changes nothing."),
    ]


def _events() -> list[Operation]:
    return [
        Operation("POST", "/api/ingest/events", "ingestEvent", "Ingest single event", "events", {201: s.Event},
                  IngestEventRequest, parameters=(IDEMPOTENCY_KEY,),
                  errors=(*SIGNED_IN, FOUND, CONFLICT, INVALID),
                  description="An incident of another tenant, or none, is 404. `timestamp` (beyond the document: "
                              "RFC 3339 with a zone) defaults to the time received. The incident's AI analysis "
                              "runs once its burst of events has ended."),
        Operation("POST", "/api/ingest/events/batch", "ingestEventBatch", "Ingest batch events", "events",
                  {201: ArrayOf(s.Event)}, IngestEventBatch, parameters=(IDEMPOTENCY_KEY,),
                  errors=(*SIGNED_IN, FOUND, CONFLICT, INVALID),
                  description=f"At most {MAX_BATCH_EVENTS} events naming at most {MAX_BATCH_INCIDENTS} incidents, "
                              "all stored or none: every invalid event is named by its index (`[\"body\", 3, "
                              "\"level\"]`), and an incident of another tenant, or none, is a 404 as for a "
                              "single event, whose detail names the events (`Incident not found: "
                              "[2].incident_id`)."),
        Operation("GET", "/api/ingest/events/{incident_id}", "getIncidentEvents", "Get incident events", "events",
                  {200: ArrayOf(s.Event)}, parameters=(INCIDENT_ID, *_page(DEFAULT_EVENT_PAGE, MAX_EVENT_PAGE)),
                  errors=(*SIGNED_IN, FOUND, INVALID), response_headers=NEXT_CURSOR,
                  description="Oldest first (by `timestamp`, then id)."),
    ]


def _health() -> list[Operation]:
    return [
        Operation("GET", "/health", "getHealth", "Health check", "health", {200: s.Health, 503: s.HealthProblem},
                  public=True, description="503 (beyond the document) when the incidents table cannot be read."),
        Operation("GET", "/metrics", "getMetrics", "Prometheus metrics", "health",
                  {200: Content(PROMETHEUS_CONTENT_TYPE, {"type": "string"})}, public=True,
                  description="Prometheus text: incidents created by severity, incidents in each status, events "
                              "ingested, analyses run, the MTTR histogram; all tenants together, none named."),
    ]


def operations() -> list[Operation]:
    return [*_incidents(), *_actions(), *_events(), *_health(), *docs_operations()]


DESCRIPTION = f"""The Incident Response API: incidents with their status, timeline and actions, events ingested into
them, and the AI analysis that summarises them. Paths end in a slash in the original document
(`/api/incidents/`); both spellings are served. Interactive documentation: Swagger UI at
`{RESPONSE.base_path}/docs`, ReDoc at `{RESPONSE.base_path}/redoc`, this document at
`{RESPONSE.base_path}/openapi.json`.

## Authentication
Every route but `/health` and `/metrics` (and these docs) takes a Cognito ID token as a bearer token,
`Authorization: Bearer <ID token>`. A user sees their tenant's incidents only: another tenant's incident is 404.

## Errors
FastAPI's shapes: a validation error is a 422 whose `detail` lists `{{"loc", "msg", "type"}}`, each located as
FastAPI locates it (`["body", "title"]`, `["body", 3, "level"]`, `["query", "status"]`,
`["header", "Idempotency-Key"]`); every other error is `{{"detail": "message"}}`.

## Pagination
Lists are bare JSON arrays. They take `limit` (up to each route's maximum; a larger value is a 422) and
`cursor`: when there may be more, the answer's `{NEXT_CURSOR_HEADER}` header holds the next page's cursor, sent
back as `?cursor=` (opaque and signed; another list's is 422): `GET /api/incidents?status=open&limit=50`.

## WebSocket
An incident's room: `ws://<host>{RESPONSE.base_path}/ws/incidents/{{incident_id}}?token=<ID token>` locally, the
platform's WebSocket API with `?incident_id=<id>&token=<ID token>` on AWS. A message `{{"user", "message"}}` is
stored as a `comment` timeline entry; everyone in the room receives comments, status changes, analyses, actions and
ingested events as `{{"type", "data", "incident_id", "channel", "id", "timestamp"}}`; an `events` message's `data`
is `{{"incident_id", "count", "events"}}`: how many of an ingest's events are the incident's, and the newest of them
(at most 20 and 48 KiB; `GET /api/ingest/events/{{incident_id}}` has them all)."""

TAGS = (
    Tag("incidents", "Incidents of the caller's tenant, their status and timeline"),
    Tag("actions", "Steps to take on an incident: the AI analysis's suggestions and responders' own"),
    Tag("events", "Logs, metrics, alerts, traces and user actions ingested into incidents"),
    Tag("health", "Health and Prometheus metrics (public)"),
    Tag("docs", "This document and its interactive pages"),
)

API = ApiDescription(
    title=TITLE, version=VERSION, description=DESCRIPTION, server=RESPONSE.base_path, error_model=s.Error,
    tags=TAGS, common_errors=COMMON, bearer_token="Cognito ID token",
    retry_after="Seconds to wait before retrying (sent when the table was busy)",
    error_descriptions={
        401: "Missing or invalid token",
        403: "The user belongs to no tenant",
        404: "Not found in the caller's tenant",
        409: "Refused by the current status, or a concurrent change",
        422: "Validation error (`detail` lists the refused fields)",
        429: "Too many requests: the stage's throttle, or a busy table (retry after `Retry-After` seconds)",
    },
)

HEALTH_PROBLEM = "Unhealthy: the incidents table cannot be read"


def document() -> dict[str, Any]:
    made = build_document(API, operations())
    # The health check's 503 is a body of its own, not an error.
    made["paths"]["/health"]["get"]["responses"]["503"]["description"] = HEALTH_PROBLEM
    return made
