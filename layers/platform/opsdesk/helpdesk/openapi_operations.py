"""The operations of the helpdesk's OpenAPI document (opsdesk.helpdesk.openapi): every route of the helpdesk
handlers with its request model, parameters, the errors it can answer and the model of its body, one function per
group of routes. Separate from the document's prose, tags, roles and the schema annotations, which the document
module adds around them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk import schemas as s
from opsdesk.helpdesk.attachments import DEFAULT_MAX_BYTES, MAX_ATTACHMENTS_PER_TICKET, MIB
from opsdesk.helpdesk.csat import TOKEN_LIFETIME, Score
from opsdesk.helpdesk.exports import MAX_EXPORT_IDS
from opsdesk.helpdesk.queries import (
    DEFAULT_COMMENT_PAGE,
    DEFAULT_TICKET_PAGE,
    MAX_COMMENT_PAGE,
    MAX_SEARCH_WORDS,
    MAX_TICKET_PAGE,
    TEAM_ID_PATTERN,
    USER_ID_PATTERN,
)
from opsdesk.helpdesk.records import ADMIN_GROUP, NO_TEAM, UNASSIGNED, TicketStatus
from opsdesk.helpdesk.requests import (
    AddWatcherRequest,
    AttachmentConfirm,
    AttachmentUpload,
    CreateCommentRequest,
    CreateRequesterRequest,
    CreateTicketRequest,
    ExportTicketsRequest,
    LoginRequest,
    UpdateRequesterRequest,
    UpdateTicketRequest,
)
from opsdesk.helpdesk.service import METRICS_WINDOW_DAYS
from opsdesk.helpdesk.sla import PRIORITIES
from opsdesk.helpdesk.workflow import QUEUE_CHANGED, TICKET_CREATED, TICKET_UPDATED
from opsdesk.http import NEXT_CURSOR_HEADER
from opsdesk.openapi import (
    SCHEMAS,
    SERVER_SENT_EVENTS,
    ArrayOf,
    Content,
    Operation,
    Parameter,
    cursor_page,
    docs_operations,
    path_param,
    query_param,
)
from opsdesk.prometheus import CONTENT_TYPE as PROMETHEUS_CONTENT_TYPE

SESSION_COOKIE = HELPDESK.cookie_session.cookie

# Which errors a route can answer, by what it does (the handlers, the services and the platform's REST edge):
COMMON = (429, 500)
"""Every route: the stage's throttle or a busy table (429), anything unexpected (500)."""
SIGNED_IN = (401, 403)
"""Every route behind the session authorizer: no or a bad token (401, also a signed-out session or a token of
another app client), a user of no tenant or a route that needs the agent role (403)."""
INVALID = 400
"""A body, query parameter or cursor the handler refuses: `{"errors": {"field": "message"}}`."""
WRITE = (*SIGNED_IN, INVALID)
"""A signed-in write: its body is validated (400), and one riding on the session cookie must be
`application/json` (400 naming `Content-Type`) or, without a body, come from an allowed origin (403): the
platform's forgery guard."""
FOUND = 404
"""A ticket, requester or attachment named in the path that is not the caller's tenant's (another tenant's, an
unknown or a malformed id alike)."""
CONFLICT = 409
"""A concurrent change of the same ticket or requester won every retry."""
USER_LOOKUP = 503
"""A named user (an assignee, a watcher) could not be looked up in the user pool just now: retry."""

TICKET = "/tickets/{ticket_id}"
TICKET_ID = path_param("ticket_id", "A ticket of the caller's tenant")
NEXT_CURSOR = {NEXT_CURSOR_HEADER: "The next page's cursor, to send back as `cursor`; absent on the last page"}
HTML_PAGE = Content("text/html", {"type": "string"})
CSAT = "/csat/{token}"


class CsatAnswer(BaseModel):
    """The survey's answer as opsdesk.helpdesk.csat.parse_score reads it: a form post (`score=good`) or JSON
    (`{"score": "good"}`); other fields are ignored."""

    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    score: Score


def _page(default: int, maximum: int) -> tuple[Parameter, ...]:
    return cursor_page(default, maximum, 400, NEXT_CURSOR_HEADER)


def _ticket_filters() -> tuple[Parameter, ...]:
    return (
        query_param("status", {"$ref": SCHEMAS + TicketStatus.__name__}, "Only this status"),
        query_param("priority", {"type": "string", "enum": list(PRIORITIES)}, "Only this priority"),
        query_param("team", {"type": "string", "pattern": TEAM_ID_PATTERN.pattern},
                    f"Only this team's queue; `{NO_TEAM}` for tickets in no team"),
        query_param("assignee", {"type": "string", "pattern": USER_ID_PATTERN.pattern},
                    f"Only tickets this user holds; `me` for the caller, `{UNASSIGNED}` for tickets nobody holds"),
        query_param("search", {"type": "string"},
                    f"Words of the number, title or description, every one of which must match (accents and case "
                    f"ignored; at most {MAX_SEARCH_WORDS} words, one of 2 to 40 letters or digits; words too "
                    "common to narrow a search, such as `the` or `it`, are not indexed, and a search of them alone "
                    "is a 400 that names them)"),
    )


def _health() -> list[Operation]:
    alive = "The process answers."
    return [
        Operation("GET", "/livez", "getLiveness", "Liveness", "health", {200: s.Ok}, public=True,
                  description=alive),
        Operation("GET", "/healthz", "getHealth", "Health", "health", {200: s.Ok}, public=True, description=alive),
        Operation("GET", "/readyz", "getReadiness", "Readiness", "health", {200: s.Ok}, public=True,
                  description="The process can also read its tables and the user pool's signing keys (without "
                              "which no token is verified); otherwise 500 `{\"error\": \"Not ready: ...\"}`."),
        Operation("GET", "/metrics", "getPrometheusMetrics", "Prometheus metrics", "health",
                  {200: Content(PROMETHEUS_CONTENT_TYPE, {"type": "string"})}, public=True,
                  description="Prometheus text exposition 0.0.4 of what needs no tenant's data: the build, the "
                              "serving process and the scheduled SLA check's runs and recorded breaches."),
    ]


def _session() -> list[Operation]:
    off = "404 when the stage's cookie login is off (the document's local mode only)."
    return [
        Operation("POST", "/login", "login", "Sign in (cookie session)", "session", {200: s.Ok}, LoginRequest,
                  public=True, errors=(INVALID, 401, FOUND),
                  description="Signs in through Cognito and sets the session cookie, which later requests may send "
                              "instead of a bearer token. The body must be `application/json` (else 400: a form "
                              "from another site could sign the browser in to another account). Wrong and unknown "
                              f"credentials are the same 401; Cognito's throttle is 429 with `Retry-After`. {off}",
                  response_headers={"Set-Cookie": f"`{SESSION_COOKIE}` holding the Cognito ID token (HttpOnly, "
                                                  f"Secure, SameSite=Strict, path {HELPDESK.base_path}, as long "
                                                  "as the token lives)"}),
        Operation("POST", "/logout", "logout", "Sign out (cookie session)", "session", {200: s.Ok}, public=True,
                  errors=(FOUND,),
                  description="Clears the session cookie and ends its session: a kept copy of the cookie is refused "
                  f"from then on (401). Other sign-ins of the same user stay signed in. {off}",
                  response_headers={"Set-Cookie": f"`{SESSION_COOKIE}`, expired"}),
    ]


def _people() -> list[Operation]:
    requester_id = path_param("requester_id", "A requester of the caller's tenant")
    return [
        Operation("GET", "/me", "getMe", "Current user", "people", {200: s.Me}, errors=SIGNED_IN,
                  description="From the verified token."),
        Operation("POST", "/requesters", "createRequester", "Create requester", "people", {201: s.Requester},
                  CreateRequesterRequest, errors=WRITE,
                  description="An email another requester of the tenant has (case ignored) is 400 naming `email`."),
        Operation("GET", "/requesters/{requester_id}", "getRequester", "Get requester", "people",
                  {200: s.Requester}, parameters=(requester_id,), errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", "/requesters/{requester_id}", "updateRequester", "Update requester", "people",
                  {200: s.Requester}, UpdateRequesterRequest, parameters=(requester_id,),
                  errors=(*WRITE, FOUND, CONFLICT),
                  description="At least one field; null and any other field are 400, a taken email too."),
    ]


def _tickets() -> list[Operation]:
    return [
        Operation("GET", "/tickets", "listTickets", "List tickets", "tickets", {200: ArrayOf(s.Ticket)},
                  parameters=(*_ticket_filters(), *_page(DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE)),
                  errors=(*SIGNED_IN, INVALID), response_headers=NEXT_CURSOR,
                  description="The tenant's tickets, newest first. An unknown filter value is 400."),
        Operation("POST", "/tickets", "createTicket", "Create ticket", "tickets", {201: s.CreatedTicket},
                  CreateTicketRequest, errors=WRITE,
                  description="Status `open`, numbered per tenant. `requester_id` must be a requester of the tenant "
                              "(else 400). Beyond the document: `source` (agents only; default `web` with the "
                              "session cookie, `api` with a bearer token)."),
        Operation("GET", TICKET, "getTicket", "Get ticket", "tickets", {200: s.Ticket}, parameters=(TICKET_ID,),
                  errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", TICKET, "updateTicket", "Update ticket (agent role)", "tickets", {200: s.Ok},
                  UpdateTicketRequest, parameters=(TICKET_ID,), errors=(*WRITE, FOUND, CONFLICT, USER_LOOKUP),
                  description="At least one field; null clears the optional ones. Beyond the document: `team_id`. "
                              "`assignee_id` is the id (`/me`'s `id`) of a user of the tenant (else 400). "
                              "Status moves between any two of open, pending, resolved and closed (open or "
                              "pending reopens a resolved or closed ticket). Resolving mails the requester the "
                              "satisfaction survey (`/csat/{token}`) where the stage sends mail."),
        Operation("GET", f"{TICKET}/comments", "listComments", "List comments", "comments",
                  {200: ArrayOf(s.Comment)}, parameters=(TICKET_ID, *_page(DEFAULT_COMMENT_PAGE, MAX_COMMENT_PAGE)),
                  errors=(*SIGNED_IN, INVALID, FOUND), response_headers=NEXT_CURSOR,
                  description="Oldest first; internal comments for agents only."),
        Operation("POST", f"{TICKET}/comments", "addComment", "Add comment", "comments", {201: s.Created},
                  CreateCommentRequest, parameters=(TICKET_ID,), errors=(*WRITE, FOUND, CONFLICT),
                  description="All three fields are required. `author_id` is the caller's own id (`GET /me`); "
                              "an agent may name a requester of the tenant (a public comment written for them). "
                              "Internal comments are for agents. An agent's first public comment stops the "
                              "first-response SLA clock."),
        Operation("GET", f"{TICKET}/watchers", "listWatchers", "List watchers", "watchers", {200: s.WatcherIds},
                  parameters=(TICKET_ID,), errors=(*SIGNED_IN, FOUND)),
        Operation("POST", f"{TICKET}/watchers", "addWatcher", "Add watcher", "watchers", {201: s.Ok},
                  AddWatcherRequest, parameters=(TICKET_ID,), errors=(*WRITE, FOUND, USER_LOOKUP),
                  description="Agents add any user of the tenant (`/me`'s `id`); others only themselves (else 400 "
                              "naming `user_id`). Adding a watcher again changes nothing."),
        Operation("DELETE", f"{TICKET}/watchers/{{user_id}}", "removeWatcher", "Remove watcher", "watchers",
                  {200: s.Ok}, parameters=(TICKET_ID, path_param("user_id", "A user watching the ticket")),
                  errors=(*WRITE, FOUND),
                  description="Agents remove anyone; others only themselves (else 400). A user not watching is "
                              "a 200 that changes nothing."),
    ]


def _attachments() -> list[Operation]:
    attachments = f"{TICKET}/attachments"
    return [
        Operation("GET", attachments, "listAttachments", "List attachments", "attachments",
                  {200: ArrayOf(s.Attachment)}, parameters=(TICKET_ID,), errors=(*SIGNED_IN, FOUND),
                  description=f"Oldest first; a ticket holds at most {MAX_ATTACHMENTS_PER_TICKET}."),
        Operation("POST", f"{attachments}/presign", "presignAttachment", "Presign an upload", "attachments",
                  {201: s.PresignedUpload}, AttachmentUpload, parameters=(TICKET_ID,), errors=(*WRITE, FOUND),
                  description=f"Checks the declared file (at most {DEFAULT_MAX_BYTES // MIB} MiB by default; "
                              "images, PDF, text, CSV, Markdown, JSON, archives, mail and office documents, and any "
                              "other file as `application/octet-stream`; no pages, scripts or programs by name; "
                              "without `mime` the type is the one the extension names, else "
                              "`application/octet-stream`) and answers a URL for one S3 PUT of exactly that file, "
                              "with the headers to send."),
        Operation("POST", attachments, "confirmAttachment", "Confirm an upload", "attachments", {201: s.Created},
                  AttachmentConfirm, parameters=(TICKET_ID,), errors=(*WRITE, FOUND),
                  description="Records the attachment once S3 holds exactly the declared size and type (an object "
                              "that differs is deleted: 400 naming what differs). Confirming again answers the same "
                              "id."),
        Operation("DELETE", f"{attachments}/{{attachment_id}}", "deleteAttachment", "Delete attachment",
                  "attachments", {200: s.Ok},
                  parameters=(TICKET_ID, path_param("attachment_id", "An attachment of the ticket")),
                  errors=(*WRITE, FOUND),
                  description="Its uploader or an agent (else 403); the file goes too."),
    ]


def _csat() -> list[Operation]:
    token = path_param("token", "The survey link's token (mailed to the requester when the ticket was resolved)")
    return [
        Operation("GET", CSAT, "getSurvey", "Satisfaction survey form", "csat", {200: HTML_PAGE, FOUND: HTML_PAGE},
                  parameters=(token,), public=True,
                  description="The form (or a thank-you page once answered). The token is the credential; it "
                              f"works for {TOKEN_LIFETIME.days} days."),
        Operation("POST", CSAT, "answerSurvey", "Answer the survey", "csat", {200: s.Ok}, CsatAnswer,
                  parameters=(token,), public=True, errors=(INVALID, FOUND),
                  description="Once per survey: a used survey is 400 `{\"error\": ...}`, a score other than good or "
                              "bad is 400 naming `score`, an unknown or expired token 404. A browser posting the "
                              "form (Accept naming text/html before JSON) gets the same statuses with HTML pages."),
    ]


def _exports_and_reports() -> list[Operation]:
    agent = "Agent role (else 403)."
    return [
        Operation("POST", "/exports/tickets", "exportTickets", "Export tickets as CSV (agent role)", "exports",
                  {200: s.Export}, ExportTicketsRequest, errors=WRITE,
                  description=f"{agent} Writes the CSV (RFC 4180, UTF-8, one row per ticket in the order given, "
                              f"`sla` flattened) of 1 to {MAX_EXPORT_IDS} ticket ids to the exports bucket and "
                              "answers a download link. An id the tenant does not have is 400 naming `ids[i]`."),
        Operation("GET", "/metrics/sla", "getSlaMetrics", "SLA attainment (agent role)", "metrics",
                  {200: s.SlaMetrics}, errors=SIGNED_IN, description=agent),
        Operation("GET", "/metrics/resolution", "getResolutionMetrics", "Average resolution time (agent role)",
                  "metrics", {200: s.ResolutionMetrics}, errors=SIGNED_IN, description=agent),
        Operation("GET", "/metrics/tickets", "getTicketMetrics", "Tickets created per day (agent role)", "metrics",
                  {200: s.TicketMetrics}, errors=SIGNED_IN,
                  description=f"{agent} The last {METRICS_WINDOW_DAYS} UTC days, today included."),
    ]


def _events() -> list[Operation]:
    resume = (Parameter("Last-Event-ID", "header", {"type": "string", "pattern": "^[0-9]+$"},
                        "Resume after this event (else 400)"),
              query_param("lastEventId", {"type": "string", "pattern": "^[0-9]+$"},
                          "`Last-Event-ID` for clients that cannot set headers"))
    return [
        Operation("GET", "/events", "streamEvents", "Subscribe to helpdesk events", "events", {200: SERVER_SENT_EVENTS},
                  parameters=resume, errors=(*SIGNED_IN, INVALID),
                  description=f"Server-sent events of the caller's tenant: `{TICKET_CREATED}` and "
                              f"`{TICKET_UPDATED}` (`data`: the Ticket; an SLA breach the scheduled check records "
                              f"adds `breach` {{kind, due_at, at}}), and `{QUEUE_CHANGED}` for the `{ADMIN_GROUP}` "
                              "group only (`data`: ticket_id, number, team_id, assignee_id, `previous` queue or "
                              "null, status). Each event is `id: <n>`, `event: <type>`, `data: <JSON>`; a `:hb` "
                              "comment comes about every 30 s while idle. A fresh connection starts at the present; "
                              "the stream ends before the function's time limit with a `retry:` hint, and the "
                              "client reconnects with `Last-Event-ID`."),
    ]


def operations() -> list[Operation]:
    return [*_health(), *_session(), *_people(), *_tickets(), *_attachments(), *_csat(),
            *_exports_and_reports(), *_events(), *docs_operations()]
