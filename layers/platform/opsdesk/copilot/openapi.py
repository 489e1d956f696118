"""The copilot's OpenAPI document (seeds/sre-copilot-api.md): every route of the copilot handlers
(functions/copilot_*/handler.py) with its request model (opsdesk.copilot.requests), its parameters, the statuses
it answers and the model of its body (opsdesk.copilot.schemas). Served by copilot_api_docs (`/openapi.json`, with
Swagger UI at `/docs` and ReDoc at `/redoc`), committed as docs/api/copilot.openapi.json
(`python -m scripts.openapi`). tests/unit/test_copilot_openapi.py checks it both ways against the handlers'
routes and validates the views' output against its schemas."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot import schemas as s
from opsdesk.copilot.analytics import MAX_RANGE_DAYS
from opsdesk.copilot.cookies import REFRESH_COOKIE
from opsdesk.copilot.queries import DEFAULT_INCIDENT_PAGE, MAX_INCIDENT_PAGE
from opsdesk.copilot.records import MAX_PROJECT_INTEGRATIONS, IncidentState, Role, Severity
from opsdesk.copilot.requests import (
    AddMemberRequest,
    CreateIncidentRequest,
    CreateProjectRequest,
    HypothesisFeedbackRequest,
    IntegrationCreateRequest,
    IntegrationUpdateRequest,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    StateChangeRequest,
    SwitchProjectRequest,
    TestConnectionRequest,
    UpdateMemberRequest,
    UpdateProjectRequest,
)
from opsdesk.openapi import (
    SCHEMAS,
    ApiDescription,
    ArrayOf,
    Operation,
    Parameter,
    RateLimitHeaders,
    Tag,
    build_document,
    docs_operations,
    path_param,
    query_param,
)
from opsdesk.pagination import LARGEST_OFFSET, MAX_OFFSET
from opsdesk.wstokens import WS_TOKEN_SECONDS

TITLE = "SRE Copilot API"
VERSION = "1.0.0"
ACCESS_COOKIE = COPILOT.cookie_session.cookie

# Which errors a route can answer, by what it does (the handlers, the services and the platform's REST edge):
SIGNED_IN = (401, 403, 429)
"""Every route behind the session authorizer: no or a bad token (401, also a user the copilot does not know),
a token of no tenant or no current project (403), past the per-user rate limit or a throttled table (429)."""
WRITE = (*SIGNED_IN, 422)
"""A signed-in write: its body is validated (422), and one riding on the session cookie must be
`application/json` (422 too, the platform's forgery guard; this holds for DELETE as well)."""
FOUND = 404
"""A project, incident, member, hypothesis or integration named in the path that the caller cannot see."""
CONFLICT = 409
"""A move the rules refuse (state transition, the last owner, an existing member) or a concurrent write."""

PAGE = (
    query_param("skip", {"type": "integer", "minimum": 0, "maximum": LARGEST_OFFSET, "default": 0},
                f"Items to skip (pagination offset). Past the end: an empty page; a page deeper than "
                f"{MAX_OFFSET:,} items of a longer list is a 422 (narrow it with filters)"),
    query_param("limit", {"type": "integer", "minimum": 1, "maximum": MAX_INCIDENT_PAGE,
                          "default": DEFAULT_INCIDENT_PAGE},
                f"Items per page (max {MAX_INCIDENT_PAGE}; a larger value is a 422)"),
)
PROJECT_ID = path_param("project_id", "A project the caller is a member of")
INCIDENT_ID = path_param("incident_id", "An incident of the caller's current project")
SESSION_COOKIES = {"Set-Cookie": f"`{ACCESS_COOKIE}` (HttpOnly, Secure, SameSite=Strict, 15 minutes, path "
                                 f"{COPILOT.base_path}) and `{REFRESH_COOKIE}` (7 days, path "
                                 f"{COPILOT.base_path}/auth)"}
INCIDENTS = "/incidents/{incident_id}"
MONITORING = "/projects/{project_id}/monitoring"
INTEGRATION = f"{MONITORING}/integrations/{{integration_id}}"


def _auth() -> list[Operation]:
    return [
        Operation("POST", "/auth/register", "register", "Register a new user and tenant", "auth",
                  {200: s.RegisterResponse}, RegisterRequest, public=True, errors=(409, 422, 429),
                  description="Creates the tenant (its slug from the name), the user and a first project, "
                              "`Default`, owned by the user, and signs them in. A taken email is 409; a password "
                              "is at least 15 characters.",
                  response_headers=SESSION_COOKIES),
        Operation("POST", "/auth/login", "login", "Login and get tokens", "auth", {200: s.LoginResponse},
                  LoginRequest, public=True, errors=(400, 401, 403, 429),
                  description="Wrong password and unknown email are the same 401. Repeated failures slow down "
                              "and then are refused with 429 and `Retry-After` for the rest of a 15-minute "
                              "window. A body without its fields is 400.",
                  response_headers=SESSION_COOKIES),
        Operation("POST", "/auth/refresh", "refresh", "Refresh the access token", "auth", {200: s.RefreshResponse},
                  RefreshRequest, request_required=False, public=True, errors=(401, 422, 429),
                  description=f"Takes the `{REFRESH_COOKIE}` cookie, or `refresh_token` in the body for clients "
                              "without cookies, and sets a fresh access cookie.",
                  response_headers={"Set-Cookie": f"a fresh `{ACCESS_COOKIE}`"}),
        Operation("POST", "/auth/logout", "logout", "Logout and clear cookies", "auth", {200: s.LogoutResponse},
                  RefreshRequest, request_required=False, errors=WRITE,
                  description="Revokes the refresh token (cookie or body) and clears both cookies.",
                  response_headers={"Set-Cookie": "both cookies, expired"}),
        Operation("GET", "/auth/me", "getCurrentUser", "Get current user info", "auth", {200: s.MeResponse},
                  errors=SIGNED_IN),
        Operation("POST", "/auth/switch-project", "switchProject", "Switch active project", "auth",
                  {200: s.SwitchProjectResponse}, SwitchProjectRequest, errors=(*WRITE, FOUND, CONFLICT),
                  description="Takes effect for every token of the user; a project the user is not a member of "
                              "is 404."),
        Operation("GET", "/auth/ws-token", "getWsToken", "Get WebSocket token", "auth", {200: s.WsTokenResponse},
                  errors=SIGNED_IN,
                  description=f"A token for the WebSocket `connect` message, valid {WS_TOKEN_SECONDS} seconds, "
                              "naming the user, the tenant and the current project."),
    ]


def _projects() -> list[Operation]:
    member = "/projects/{project_id}/members/{user_id}"
    user_id = path_param("user_id", "The member's user id")
    return [
        Operation("GET", "/projects", "listProjects", "List user's projects", "projects", {200: ArrayOf(s.Project)},
                  parameters=PAGE, errors=(*SIGNED_IN, 422)),
        Operation("POST", "/projects", "createProject", "Create new project", "projects", {201: s.Project},
                  CreateProjectRequest, errors=(*WRITE, CONFLICT),
                  description="The caller owns the new project."),
        Operation("GET", "/projects/{project_id}", "getProject", "Get project details", "projects",
                  {200: s.Project}, parameters=(PROJECT_ID,), errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", "/projects/{project_id}", "updateProject", "Update project (owner)", "projects",
                  {200: s.Project}, UpdateProjectRequest, parameters=(PROJECT_ID,),
                  errors=(*WRITE, FOUND, CONFLICT)),
        Operation("DELETE", "/projects/{project_id}", "deleteProject", "Delete project (owner)", "projects",
                  {204: None}, parameters=(PROJECT_ID,), errors=(*WRITE, FOUND, CONFLICT),
                  description="Removes the project, its memberships and its members' roles in it."),
        Operation("GET", "/projects/{project_id}/members", "listMembers", "List project members", "projects",
                  {200: ArrayOf(s.Member)}, parameters=(PROJECT_ID, *PAGE), errors=(*SIGNED_IN, FOUND, 422)),
        Operation("POST", "/projects/{project_id}/members", "addMember", "Add project member (admin)", "projects",
                  {201: s.Member}, AddMemberRequest, parameters=(PROJECT_ID,), errors=(*WRITE, FOUND, CONFLICT),
                  description="By `user_id` (a user of the tenant) or `email`: an email the tenant does not know "
                              "is invited (mailed a temporary password). Only an owner grants `owner`."),
        Operation("PATCH", member, "updateMember", "Update member role (admin)", "projects", {200: s.Member},
                  UpdateMemberRequest, parameters=(PROJECT_ID, user_id), errors=(*WRITE, FOUND, CONFLICT),
                  description="The last owner cannot be demoted (409)."),
        Operation("DELETE", member, "removeMember", "Remove member (admin)", "projects", {204: None},
                  parameters=(PROJECT_ID, user_id), errors=(*WRITE, FOUND, CONFLICT),
                  description="The last owner cannot be removed (409)."),
    ]


def _incidents() -> list[Operation]:
    filters = (query_param("severity", {"$ref": SCHEMAS + Severity.__name__}, "Only this severity"),
               query_param("state", {"$ref": SCHEMAS + IncidentState.__name__}, "Only this state"))
    return [
        Operation("GET", "/incidents", "listIncidents", "List incidents", "incidents", {200: ArrayOf(s.Incident)},
                  parameters=(*PAGE, *filters), errors=(*SIGNED_IN, 422),
                  description="The current project's incidents, newest first. An unknown severity or state is "
                              "422."),
        Operation("POST", "/incidents", "createIncident", "Create incident", "incidents",
                  {200: s.CreatedIncident}, CreateIncidentRequest, errors=(*WRITE, CONFLICT),
                  description="In the current project, state `detected`; its hypotheses are ranked in the "
                              "background (`hypothesis.generated` on the `hypotheses` channel)."),
        Operation("GET", INCIDENTS, "getIncident", "Get incident details", "incidents", {200: s.Incident},
                  parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", f"{INCIDENTS}/state", "updateIncidentState", "Update incident state", "incidents",
                  {200: s.StateChange}, StateChangeRequest, parameters=(INCIDENT_ID,),
                  errors=(*WRITE, FOUND, CONFLICT),
                  description="Forward through detected, acknowledged, investigating, mitigated, resolved, "
                              "learned (skipping allowed); any state but learned may end inconclusive; "
                              "mitigated, resolved and inconclusive may go back to investigating. Another move "
                              "(back to detected or acknowledged, or out of learned) is 409; the current state is "
                              "a 200 that changes nothing."),
        Operation("GET", f"{INCIDENTS}/hypotheses", "listHypotheses", "Get AI hypotheses", "incidents",
                  {200: ArrayOf(s.Hypothesis)}, parameters=(INCIDENT_ID, *PAGE), errors=(*SIGNED_IN, FOUND, 422),
                  description="By rank (1 first); empty until they are generated."),
        Operation("POST", f"{INCIDENTS}/hypotheses/{{hypothesis_id}}/feedback", "giveHypothesisFeedback",
                  "Confirm or reject a hypothesis", "incidents", {200: s.Hypothesis}, HypothesisFeedbackRequest,
                  parameters=(INCIDENT_ID, path_param("hypothesis_id", "A hypothesis of the incident")),
                  errors=(*WRITE, FOUND, CONFLICT),
                  description="Beyond the document: a confirmation sets the incident's confirmed cause; both "
                              "shift the project's prior for that cause."),
        Operation("GET", f"{INCIDENTS}/workflow", "getIncidentWorkflow", "Get workflow steps", "incidents",
                  {200: s.Workflow}, parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND)),
        Operation("GET", f"{INCIDENTS}/metrics", "getIncidentMetrics", "Get incident metrics", "incidents",
                  {200: s.IncidentMetrics}, parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND)),
    ]


def _analytics() -> list[Operation]:
    day = {"type": "string", "format": "date"}
    return [
        Operation("GET", "/analytics/token-usage", "getTokenUsage", "Get token usage stats", "analytics",
                  {200: s.TokenUsage}, parameters=(
                      query_param("start_date", day, "Start of the period (default: 7 days ago, 7 days before "
                                                     "end_date)"),
                      query_param("end_date", day, "End of the period, included (default: today, UTC)")),
                  errors=(*SIGNED_IN, 422),
                  description=f"The current project's AI use per day and request type. The period spans at "
                              f"most {MAX_RANGE_DAYS} days; start_date after end_date is 422."),
        Operation("GET", "/analytics/cost-summary", "getCostSummary", "Get cost analytics", "analytics",
                  {200: s.CostSummary}, parameters=(
                      query_param("days", {"type": "integer", "minimum": 1, "maximum": MAX_RANGE_DAYS,
                                           "default": 7}, "Number of days, ending today"),),
                  errors=(*SIGNED_IN, 422),
                  description="Totals, cache figures, the most expensive incidents and recommendations from "
                              "written rules (low cache hit rate, high cost per request, cost concentrated in "
                              "one incident, no usage)."),
        Operation("GET", "/analytics/incident-metrics/{incident_id}", "getIncidentAnalytics",
                  "Get per-incident analytics", "analytics", {200: s.IncidentAnalytics},
                  parameters=(INCIDENT_ID,), errors=(*SIGNED_IN, FOUND)),
    ]


def _monitoring() -> list[Operation]:
    integration_id = path_param("integration_id", "An integration of the project")
    return [
        Operation("GET", f"{MONITORING}/integrations", "listIntegrations", "List integrations", "monitoring",
                  {200: ArrayOf(s.Integration)}, parameters=(PROJECT_ID, *PAGE), errors=(*SIGNED_IN, FOUND, 422)),
        Operation("POST", f"{MONITORING}/integrations", "createIntegration", "Create integration (admin)",
                  "monitoring", {201: s.Integration}, IntegrationCreateRequest, parameters=(PROJECT_ID,),
                  errors=(*WRITE, FOUND, CONFLICT, 503),
                  description="`credentials` (api_key, app_key, token, username, password, role_arn, "
                              "webhook_token) are kept in Secrets Manager and only ever shown masked; "
                              "a credential name anywhere inside `config` (any case or depth) is 422, and so are a "
                              "URL in `config` carrying `user:password@` and a `webhook_token` shorter than "
                              "16 characters (the webhook would refuse every delivery). A `cloudwatch` integration's "
                              "`config.account_id` routes that AWS account's alarms once the account is proven the "
                              "organization's: `credentials.role_arn` is a role in it that the platform assumes "
                              "with the organization's external ID (`details.external_id` of any cloudwatch test; "
                              "`external_id` in credentials is 422). A role in another account, or one the platform "
                              "cannot assume, is 422 (503 when AWS does not answer); without a role the integration "
                              "is saved and routes nothing (`verified_account` null). An account proven by another "
                              "organization is 409, and so is a create in a project that holds "
                              f"{MAX_PROJECT_INTEGRATIONS} integrations, the most it may."),
        Operation("POST", f"{MONITORING}/integrations/test-connection", "testConnection", "Test connection",
                  "monitoring", {200: s.ConnectionTest}, TestConnectionRequest, parameters=(PROJECT_ID,),
                  errors=(*WRITE, FOUND),
                  description="Calls the system's own health or auth endpoint (https, public addresses only) "
                              "with settings not saved yet. A `cloudwatch` test assumes `credentials.role_arn` with "
                              "the organization's external ID, shown in `details.external_id` whatever the outcome, "
                              "and reads the account's alarms as that role."),
        Operation("GET", INTEGRATION, "getIntegration", "Get integration", "monitoring", {200: s.Integration},
                  parameters=(PROJECT_ID, integration_id), errors=(*SIGNED_IN, FOUND)),
        Operation("PATCH", INTEGRATION, "updateIntegration", "Update integration (admin)", "monitoring",
                  {200: s.Integration}, IntegrationUpdateRequest, parameters=(PROJECT_ID, integration_id),
                  errors=(*WRITE, FOUND, CONFLICT, 503),
                  description="`credentials`, when sent, replace the stored ones as a whole. A `cloudwatch` "
                              "integration whose account, role or `enabled` changes is proven again, as on create, "
                              "before anything is stored; an AWS account another organization routes is 409."),
        Operation("DELETE", INTEGRATION, "deleteIntegration", "Delete integration (admin)", "monitoring",
                  {204: None}, parameters=(PROJECT_ID, integration_id), errors=(*WRITE, FOUND, CONFLICT)),
        Operation("POST", f"{INTEGRATION}/test", "testIntegration", "Test existing integration", "monitoring",
                  {200: s.ConnectionTest}, parameters=(PROJECT_ID, integration_id),
                  errors=(*WRITE, FOUND, CONFLICT),
                  description="The result is kept as the integration's `last_test`. A `cloudwatch` integration "
                              "whose test passes with a role in its `config.account_id` is proven: it routes the "
                              "account's alarms from then on (409 if another organization routes them)."),
        Operation("POST", "/webhooks/{integration_id}", "deliverWebhook", "Deliver alerts (webhook)", "monitoring",
                  {202: s.WebhookAccepted}, parameters=(
                      path_param("integration_id", "The integration the webhook belongs to"),
                      Parameter("Authorization", "header", {"type": "string"},
                                "`Bearer <the integration's webhook_token credential>` (or `X-Opsdesk-Token`)",
                                required=True)),
                  errors=(401, 404, 413, 422, 503), public=True,
                  description="An unknown integration, one without a webhook token and a wrong token are alike a "
                              "401; a 404 is a path no route serves (an id with a character ids never have). "
                              "The body is what the integration's system sends: Alertmanager's webhook (a "
                              "`prometheus` integration), Grafana's, Datadog's (payload template in docs/decisions.md, "
                              "Alerts) or a PagerDuty Events v2 body. It is read whole first (422 naming the field), "
                              "then the alerts open or join incidents of the project (deduplicated by their key)."),
        Operation("GET", f"{MONITORING}/alerts", "listAlerts", "List alerts", "monitoring", {200: ArrayOf(s.Alert)},
                  parameters=(PROJECT_ID, *PAGE), errors=(*SIGNED_IN, FOUND, 422),
                  description="The project's alerts, newest first."),
    ]


def operations() -> list[Operation]:
    return [*_auth(), *_projects(), *_incidents(), *_analytics(), *_monitoring(), *docs_operations()]


DESCRIPTION = f"""The SRE Copilot API: incidents with AI hypotheses, projects and members, analytics of AI use and
cost, monitoring integrations and alerts. Interactive documentation: Swagger UI at `{COPILOT.base_path}/docs`,
ReDoc at `{COPILOT.base_path}/redoc`, this document at `{COPILOT.base_path}/openapi.json`.

## Authentication
Every route but register, login and refresh (and these docs) takes `Authorization: Bearer <access_token>` or the
`{ACCESS_COOKIE}` cookie (HttpOnly) that login sets. A write (POST, PATCH, DELETE) that rides on the cookie must
send `Content-Type: application/json`, or it is refused with 422. Access tokens live 15 minutes (`expires_in`
900, and the token's `exp` claim), refresh tokens 7 days (`POST /auth/refresh`). Roles per project:
owner > admin > member > viewer.

## Errors
Every error is `{{"detail": "message"}}`; a validation error (422) names the fields in its detail. A project or
incident the caller cannot see is 404, whoever's it is.

## Pagination
List endpoints of incidents and alerts take `skip` (items to skip, default 0) and `limit` (default
{DEFAULT_INCIDENT_PAGE}, max {MAX_INCIDENT_PAGE}; a larger value is a 422): `GET /incidents?skip=20&limit=10`.

## Rate limiting
{COPILOT.default_rate_limit} requests a minute per user on every signed-in route. Every answer there carries
`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the window ends); beyond the
limit the answer is 429 with `Retry-After`.

## WebSocket
Real-time events of the current project. Connect to the platform's WebSocket URL (locally `ws://127.0.0.1:3000/ws`),
then send `{{"type": "connect", "token": "<GET /auth/ws-token>", "tenantId": "<your tenant id>"}}` and
`{{"type": "subscribe", "channels": ["incidents", "hypotheses", "alerts"]}}` (answered by
`{{"type": "subscribed", "channels": [...]}}`). Channels follow the project the ws-token names. Events:

- `incidents`: `incident.created` (`data`: id, title, severity, state) and `incident.updated` (`data`: id, state)
- `hypotheses`: `hypothesis.generated` (`incidentId`; `data`: count, top_hypothesis with claim and
  confidence_score)
- `alerts`: `alert.fired` (`data`: alertname, severity, service, description)

Each message is `{{"type", "data", "timestamp"}}` with the event's number `id` and its `channel`;
`{{"type": "ping"}}` answers `{{"type": "pong"}}`, and errors are `{{"type": "error", "message": "..."}}`."""

TAGS = (
    Tag("auth", "Registration, sign-in, tokens and the current project"),
    Tag("projects", "Projects and their members, with per-project roles"),
    Tag("incidents", "Incidents of the current project, their states and AI hypotheses"),
    Tag("analytics", "AI token usage and cost of the current project"),
    Tag("monitoring", "A project's monitoring integrations and alerts"),
    Tag("docs", "This document and its interactive pages"),
)

ROLES = {
    **dict.fromkeys(("updateProject", "deleteProject"), Role.OWNER.value),
    **dict.fromkeys(("addMember", "updateMember", "removeMember", "createIntegration", "updateIntegration",
                     "deleteIntegration"), Role.ADMIN.value),
    **dict.fromkeys(("createIncident", "updateIncidentState", "giveHypothesisFeedback", "testConnection",
                     "testIntegration"), Role.MEMBER.value),
}
"""The project role each route takes at least (opsdesk.copilot.service / integrations `require`)."""

API = ApiDescription(
    title=TITLE, version=VERSION, description=DESCRIPTION, server=COPILOT.base_path, error_model=s.Error,
    tags=TAGS, cookie=ACCESS_COOKIE, roles=ROLES,
    rate_limit=RateLimitHeaders(limit="Requests allowed per minute", remaining="Requests left in this minute",
                                reset="Seconds until the window ends"),
    error_descriptions={
        400: "A sign-in without its fields",
        401: "Missing or invalid token (or credentials)",
        403: "Insufficient permissions, or no current project",
        404: "Not found (or not visible to the caller)",
        409: "Refused by the current state, or a concurrent change",
        422: "Validation error (the detail names the fields)",
        429: "Rate limit exceeded: retry after `Retry-After` seconds",
    },
)


def document() -> dict[str, Any]:
    return build_document(API, operations())
