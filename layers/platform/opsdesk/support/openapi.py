"""The support module's OpenAPI document (seeds/support-app-api.md): every route of the support handlers
(functions/support_*/handler.py, and the streaming apps functions/support_chat/app.py and
functions/support_stream/app.py) with its request model (opsdesk.support.requests, and the chat's
opsdesk.support.chat.ChatRequest), its parameters, the statuses it answers and the model of its body
(opsdesk.support.schemas). Served by support_api_docs (`/openapi.json`, with Swagger UI at `/docs` and ReDoc at
`/redoc`), committed as docs/api/support.openapi.json (`python -m scripts.openapi`).
tests/unit/test_support_openapi.py checks the errors of each route, the query parameters and bodies against the
parsers, and validates the views' output against its schemas.

What the generic builder (opsdesk.openapi) has no words for is added here: the bearer token's kind (Cognito's ID
token); the request fields the models type loosely but the handlers check (ids are UUIDs, a context value is a
string or a list of strings, PATCH's `status` is one of the statuses and only `pipelineUrl` may be null). The
builder lists the X-RateLimit headers on every signed-in answer; the event stream (`GET /api/events`) is not
metered and sends none, so they are taken off it."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import SUPPORT
from opsdesk.openapi import (
    SCHEMAS,
    SERVER_SENT_EVENTS,
    ApiDescription,
    Operation,
    Parameter,
    RateLimitHeaders,
    Tag,
    build_document,
    docs_operations,
    path_param,
    query_param,
)
from opsdesk.pagination import DEFAULT_PAGE_SIZE, LARGEST_OFFSET, MAX_OFFSET, MAX_PAGE_SIZE, PageRequest
from opsdesk.sse import StreamTiming
from opsdesk.support import schemas as s
from opsdesk.support.analytics import MAX_DOCS_LISTED
from opsdesk.support.chat import MAX_CONVERSATION_CHARS, ChatRequest
from opsdesk.support.docs import DOCS_BASE_URL
from opsdesk.support.records import IssueStatus
from opsdesk.support.requests import (
    CreateIssueRequest,
    DocFeedbackRequest,
    DocSearchRequest,
    UpdateIssueRequest,
)
from opsdesk.support.service import ISSUE_CREATED, ISSUE_UPDATED, MAX_TEXT_CONTEXT_LENGTH

TITLE = "Support App API"
"""functions/support_api_docs/handler.py's TITLE (that module loads its settings on import)."""
VERSION = "1.0.0"
CHAT_PATH = "/api/chat"
SEARCH_PATH = "/api/docs/search"
EVENTS_PATH = "/api/events"

# Which errors a route can answer, by what it does (the handlers, the service and the platform's REST edge):
SIGNED_IN = (401, 403)
"""Every route but the docs: no or a bad token (401, API Gateway's Cognito authorizer, or the streaming apps' own
check; also a token of another app client), a user of no tenant (403)."""
COMMON = (429, 500)
"""Every route: past the per-user limit, API Gateway's stage throttle or a busy table (429); anything unexpected
(500)."""
INVALID = 400
"""VALIDATION_ERROR: a body, query parameter or header the handler refuses (`details` names the fields)."""
FOUND = 404
"""NOT_FOUND: a customer or issue named in the path that is not the caller's tenant's (another tenant's, or none)."""
CONFLICT = 409
"""CONFLICT: a concurrent change of the same issue (made from a stale read)."""

ISSUE = "/api/issues/{issue_id}"
ISSUE_ID = path_param("issue_id", "An issue of the caller's tenant (its `id`, a UUID)")
UUID = {"type": "string", "format": "uuid"}
DATE_OR_TIME = {"type": "string", "examples": ["2024-01-15", "2024-01-15T10:30:00Z"]}
STATUS_ORDER = ("any status may follow any other (resolved stamps the resolution time, open and in_progress "
                "clear it, closed keeps it); the issue's own status is a 200 that changes nothing.")


def _period(what: str) -> tuple[Parameter, ...]:
    return (
        query_param("startDate", DATE_OR_TIME, f"Only {what} from this moment (inclusive): an ISO 8601 date (its "
                                               "midnight UTC) or date-time (UTC when it names no offset)"),
        query_param("endDate", DATE_OR_TIME, f"Only {what} up to this moment (inclusive, to its millisecond), as "
                                             "`startDate`; a date includes its whole day. Before `startDate` is 400"),
    )


def _catalog() -> list[Operation]:
    return [
        Operation("GET", "/api/customers", "listCustomers", "List customers", "customers", {200: s.CustomerList},
                  errors=SIGNED_IN, description="Every customer of the caller's tenant, by name."),
        Operation("GET", "/api/customers/{customer_id}/environments", "listEnvironments",
                  "List a customer's environments", "customers", {200: s.EnvironmentList},
                  parameters=(path_param("customer_id", "A customer of the caller's tenant (a UUID)"),),
                  errors=(*SIGNED_IN, FOUND), description="By name. Another tenant's customer, or an id that is "
                                                          "not a UUID, is 404."),
        Operation("GET", "/api/planes", "listPlanes", "List planes", "planes", {200: s.PlaneList}, errors=SIGNED_IN,
                  description="Every plane of the tenant, by name, with the context fields an issue on it fills "
                              "in."),
    ]


def _issues() -> list[Operation]:
    filters = (
        query_param("customerId", UUID, "Only this customer's issues (a UUID, else 400)"),
        query_param("planeId", UUID, "Only issues with this primary plane (a UUID, else 400)"),
        query_param("status", {"$ref": SCHEMAS + IssueStatus.__name__}, "Only issues in this status"),
        *_period("issues created"),
        query_param("page", {"type": "integer", "minimum": 1, "maximum": LARGEST_OFFSET,
                             "default": PageRequest().page},
                    f"Page number, from 1. A page past the end is empty; pages are read {MAX_OFFSET:,} issues "
                    f"deep ((page - 1) x limit below {MAX_OFFSET:,}; deeper, in a list that long, is a 400: narrow "
                    f"it with filters)"),
        query_param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                              "default": DEFAULT_PAGE_SIZE},
                    f"Issues per page (max: {MAX_PAGE_SIZE}; a larger value is a 400)"),
    )
    return [
        Operation("POST", "/api/issues", "createIssue", "Create issue", "issues", {201: s.CreatedIssueAnswer},
                  CreateIssueRequest, errors=(*SIGNED_IN, INVALID),
                  description="Status `open`, numbered `ISS-<year>-<nnnn>` per tenant. The environment must be "
                              "the customer's, the secondary planes other than the primary, and each context a "
                              "field of one of the issue's planes, given once, with a value that fits it (an "
                              "option's value, several for a multi-select, text otherwise); every required "
                              "field of those planes must be given. Each refusal is a 400 naming its field "
                              "(`contexts[0].value`, `contexts.pipeline_stage`). Unknown fields are ignored. "
                              "Beyond the document: the answer's status is 201."),
        Operation("GET", "/api/issues", "listIssues", "List issues", "issues", {200: s.IssueList},
                  parameters=filters, errors=(*SIGNED_IN, INVALID),
                  description="The tenant's issues matching every filter given, newest first, a page at a time."),
        Operation("GET", ISSUE, "getIssue", "Get issue", "issues", {200: s.IssueAnswer}, parameters=(ISSUE_ID,),
                  errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", ISSUE, "updateIssue", "Update issue", "issues", {200: s.UpdatedIssueAnswer},
                  UpdateIssueRequest, parameters=(ISSUE_ID,), errors=(*SIGNED_IN, INVALID, FOUND, CONFLICT),
                  description="Any of `status`, `title`, `description` and `pipelineUrl` (null or `\"\"` clears "
                              "the link); another field, an empty body, or null for the others is 400. Status "
                              f"moves: {STATUS_ORDER} A concurrent change of the same issue is 409."),
    ]


def _per_user_limit(resource_path: str) -> str:
    """The API map's limit of a route, in words (the REST middleware and the chat app both count by it)."""
    limit = SUPPORT.rate_limit_for(resource_path)
    return f"{limit.per_minute} requests a minute per user." if limit else "No per-user limit."


def _documentation() -> list[Operation]:
    return [
        Operation("POST", SEARCH_PATH, "searchDocs", "Search documentation", "documentation", {200: s.SearchResults},
                  DocSearchRequest, errors=(*SIGNED_IN, INVALID),
                  description="The articles that best match `query`, only the plane's with `planeSlug`. Counts as "
                              "help activity (the self-resolution rate) and each article shown as a view. "
                              f"{_per_user_limit(SEARCH_PATH)}"),
        Operation("POST", "/api/docs/feedback", "recordDocFeedback", "Record documentation feedback",
                  "documentation", {201: s.FeedbackRecorded}, DocFeedbackRequest, errors=(*SIGNED_IN, INVALID),
                  description=f"`docUrl` must be an article under {DOCS_BASE_URL}/, and `issueId` and "
                              "`context.customerId`, when given, the tenant's (each refusal a 400 naming the "
                              "field). Beyond the document: the answer's status is 201."),
    ]


def _chat() -> list[Operation]:
    form = ("Server-sent events, one `data:` line and a blank line each, JSON without spaces: "
            "`{\"type\":\"text\",\"content\"}` as the assistant writes, `{\"type\":\"tool_call\",\"name\":"
            "\"searchDocs\",\"args\"}` when it searches the documentation, `{\"type\":\"tool_result\",\"content\":"
            "[{\"title\",\"url\"}]}` with the articles found, and always last `data: [DONE]`. Beyond the document: "
            "an answer that breaks off sends `{\"type\":\"error\",\"error\":{\"code\",\"message\",\"details\"}}` "
            "(the error envelope's body: RATE_LIMITED when the model is throttled, else INTERNAL_ERROR) before "
            "`[DONE]`; what came before it stands.")
    return [
        Operation("POST", CHAT_PATH, "chat", "Chat with the assistant (streamed)", "chat",
                  {200: SERVER_SENT_EVENTS}, ChatRequest,
                  errors=(*SIGNED_IN, INVALID),
                  description=f"The conversation so far, the user's message last (at most "
                              f"{MAX_CONVERSATION_CHARS:,} characters in all); the assistant's answer streams. "
                              f"{form} Everything that refuses a request (token, rate limit, body) answers before "
                              f"the stream starts, as JSON in the error envelope. "
                              f"{_per_user_limit(CHAT_PATH)}"),
    ]


def _analytics() -> list[Operation]:
    return [
        Operation("GET", "/api/analytics/summary", "getAnalyticsSummary", "Dashboard summary", "analytics",
                  {200: s.SummaryAnswer}, parameters=_period("issues and help sessions"),
                  errors=(*SIGNED_IN, INVALID),
                  description="From counters kept on write (all time without dates). `totalIssues` and "
                              "`openIssues` count the issues created between the bounds as `GET /issues` counts "
                              "them; resolutions and help sessions are per whole UTC day. \"This month\" is the "
                              "month to date of the period's last day, compared with the same days of the month "
                              "before."),
        Operation("GET", "/api/analytics/planes", "getPlaneDistribution", "Issues by plane", "analytics",
                  {200: s.PlaneDistribution}, parameters=_period("issues"), errors=(*SIGNED_IN, INVALID),
                  description="Issues per primary plane, every plane listed. Beyond the document: it takes "
                              "`startDate` and `endDate` as the summary does."),
        Operation("GET", "/api/analytics/docs-effectiveness", "getDocsEffectiveness",
                  "Documentation effectiveness", "analytics", {200: s.DocsEffectiveness}, errors=SIGNED_IN,
                  description=f"The {MAX_DOCS_LISTED} most viewed articles with their helpful marks, all time; the "
                              "trend compares this month's effectiveness with last month's."),
    ]


def _events() -> list[Operation]:
    timing = StreamTiming()
    return [
        Operation("GET", EVENTS_PATH, "streamIssueEvents", "Subscribe to issue events", "events",
                  {200: SERVER_SENT_EVENTS},
                  parameters=(
                      Parameter("Last-Event-ID", "header", {"type": "string", "pattern": r"^\d+$"},
                                "Resume after this event (an `id:` the stream sent; else 400)"),
                      query_param("lastEventId", {"type": "string", "pattern": r"^\d+$"},
                                  "`Last-Event-ID` for clients that cannot set headers")),
                  errors=(*SIGNED_IN, INVALID),
                  description=f"Beyond the document: the tenant's issue events as server-sent events, for live "
                              f"lists. Each is `id: <n>`, `event: {ISSUE_CREATED}` or `event: {ISSUE_UPDATED}` "
                              f"and `data:` the issue as `GET /api/issues` lists it (with `updatedAt` on "
                              f"{ISSUE_UPDATED}). The stream opens with `retry: {timing.retry_ms}`, sends a "
                              f"`{timing.heartbeat_comment}` comment while idle (every "
                              f"{timing.heartbeat_seconds:.0f} s by default), starts at the present and ends "
                              f"before the function's time limit; reconnect with the last id seen (`Last-Event-ID`) "
                              "to miss nothing. Not metered by the per-user limit: only API Gateway's stage throttle "
                              "answers 429."),
    ]


def operations() -> list[Operation]:
    return [*_catalog(), *_issues(), *_documentation(), *_chat(), *_analytics(), *_events(),
            *docs_operations("api-docs")]


def _limits() -> str:
    named = ", ".join(f"`{limit.path_prefix}` {limit.per_minute}" for limit in SUPPORT.rate_limits)
    return f"{named}, every other route {SUPPORT.default_rate_limit}"


DESCRIPTION = f"""The Support App API: customers and their environments, planes with their context fields,
issues, documentation search and feedback, an AI assistant that answers from the documentation (streamed), and
analytics for the support dashboard. Interactive documentation: Swagger UI at `{SUPPORT.base_path}/docs`, ReDoc at
`{SUPPORT.base_path}/redoc`, this document at `{SUPPORT.base_path}/openapi.json`.

## Authentication
Every route but these docs takes a Cognito ID token as a bearer token: `Authorization: Bearer <id_token>`, the
streamed routes included. Everything belongs to the caller's tenant: another tenant's customer or issue named in
the path is 404 `NOT_FOUND`, as is an id nothing has (named in a body, it is a 400 naming the field); a user of no
tenant is 403.

## Errors
Every error is `{{"error": {{"code": "VALIDATION_ERROR", "message": "...", "details": [{{"field": "title",
"message": "..."}}]}}}}`; `details` lists each refused field (empty when the error names none). The codes:
`VALIDATION_ERROR` (400), `UNAUTHORIZED` (401), `FORBIDDEN` (403), `NOT_FOUND` (404), `CONFLICT` (409),
`RATE_LIMITED` (429), `INTERNAL_ERROR` (500). A request refused with a 4xx changes nothing.

## Pagination
`GET /api/issues` takes page numbers: `page` (from 1) and `limit` (default {DEFAULT_PAGE_SIZE}, max:
{MAX_PAGE_SIZE}; a larger value is a 400), and answers `{{"issues": [...], "pagination": {{"page", "limit", "total",
"totalPages"}}}}`: `GET /api/issues?status=open&page=2&limit=50`. Pages are read {MAX_OFFSET:,} issues deep. The other
lists come whole (customers, environments, planes, the plane distribution); search answers at most its `limit`
results, documentation effectiveness the {MAX_DOCS_LISTED} most viewed articles.

## Rate limiting
Per user and minute: {_limits()}. Every metered answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (the epoch second the window ends); beyond the limit the answer is 429 `RATE_LIMITED` with
`Retry-After`. The event stream is not metered."""

TAGS = (
    Tag("customers", "Customers of the caller's tenant and their environments"),
    Tag("planes", "Planes and the context fields an issue on them fills in"),
    Tag("issues", "Issues: filing, lists with filters and page numbers, status changes"),
    Tag("documentation", "Documentation search and feedback on articles"),
    Tag("chat", "The AI assistant, streamed as server-sent events"),
    Tag("analytics", "Dashboard figures from counters kept on write"),
    Tag("events", "Live issue events (server-sent events)"),
    Tag("api-docs", "This document and its interactive pages"),
)

API = ApiDescription(
    title=TITLE, version=VERSION, description=DESCRIPTION, server=SUPPORT.base_path, error_model=s.Error, tags=TAGS,
    rate_limit=RateLimitHeaders(reset="The epoch second the current window ends"), common_errors=COMMON,
    bearer_token="Cognito ID token",
    error_descriptions={
        400: "VALIDATION_ERROR: invalid request data (`details` names the fields)",
        401: "UNAUTHORIZED: missing or invalid token",
        403: "FORBIDDEN: the user belongs to no tenant",
        404: "NOT_FOUND: not the caller's tenant's (or nothing has that id)",
        409: "CONFLICT: a concurrent change of the same issue",
        429: "RATE_LIMITED: past the per-user limit (retry after `Retry-After` seconds), or throttled",
        500: "INTERNAL_ERROR",
    },
)

UUID_FIELDS: dict[str, tuple[str, ...]] = {
    CreateIssueRequest.__name__: ("customerId", "environmentId", "primaryPlaneId", "secondaryPlaneIds"),
    "ContextValue": ("planeContextId",),
    DocFeedbackRequest.__name__: ("issueId",),
    "FeedbackContext": ("customerId",),
}
"""Request fields the models type as strings but check as UUIDs (a list: each item)."""


def _mark_uuids(schemas: dict[str, Any]) -> None:
    for model, fields in UUID_FIELDS.items():
        for name in fields:
            field = schemas[model]["properties"][name]
            for choice in [*field.get("anyOf", []), field]:
                if choice.get("type") == "string":
                    choice["format"] = "uuid"
                elif choice.get("type") == "array":
                    choice["items"]["format"] = "uuid"


def _update_body(schema: dict[str, Any]) -> None:
    """PATCH's body as changes_from_request reads it: at least one field; `status` one of the statuses; only
    `pipelineUrl` may be null (it clears the link). The model types them all `X | None = None`."""
    properties = schema["properties"]
    for name, field in properties.items():
        field.pop("default", None)
        if name != "pipelineUrl":
            choices = field.pop("anyOf")
            field.update(next(choice for choice in choices if choice != {"type": "null"}))
    properties["status"] = {"$ref": SCHEMAS + IssueStatus.__name__, "title": properties["status"]["title"]}
    schema["minProperties"] = 1


def _context_value(schema: dict[str, Any]) -> None:
    """ContextValue's `value` is `Any` in the model; its validator takes a string or a list of strings."""
    schema["properties"]["value"] |= {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                                      "description": "An option's value of the context (a list of one or more "
                                                     "of them for a multi-select field), or the text of a text "
                                                     f"field: 1 to {MAX_TEXT_CONTEXT_LENGTH:,} characters once "
                                                     "trimmed. Anything else is a 400 naming "
                                                     "`contexts[<index>].value`"}


def document() -> dict[str, Any]:
    built = build_document(API, operations())
    schemas = built["components"]["schemas"]
    _mark_uuids(schemas)
    _update_body(schemas[UpdateIssueRequest.__name__])
    _context_value(schemas["ContextValue"])
    # The event stream is its own ASGI app, which the per-user limit does not meter: its answer has no such headers.
    built["paths"][EVENTS_PATH]["get"]["responses"]["200"].pop("headers", None)
    return built
