"""The copilot's OpenAPI document (served by copilot_docs, committed as docs/api/copilot.openapi.json): every route
of the copilot handlers with its request model (opsdesk.copilot.requests) and the schema of what its view
(opsdesk.copilot.views) answers. tests/unit/copilot/test_openapi.py checks both directions against the handlers'
routes and validates the views' output against these schemas, so the document cannot drift."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import COPILOT
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
from opsdesk.copilot.workflow import TIMESTAMP_FIELD
from opsdesk.openapi import ApiDocument, Operation, Parameter, array_of, ref

STRING: dict[str, Any] = {"type": "string"}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
NULLABLE_TIME: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
NUMBER: dict[str, Any] = {"type": "number"}
INTEGER: dict[str, Any] = {"type": "integer"}
SEVERITIES = ["critical", "high", "medium", "low", "info"]
STATES = list(TIMESTAMP_FIELD)
ROLES = ["owner", "admin", "member", "viewer"]


def obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": sorted(properties) if required is None else required, "additionalProperties": False}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


USER = {"id": STRING, "email": STRING, "full_name": STRING, "tenant_id": STRING}
SCHEMAS: dict[str, dict[str, Any]] = {
    "User": obj(USER),
    "UserWithProject": obj({**USER, "project_id": nullable(STRING), "role": nullable({"enum": ROLES})}),
    "Tenant": obj({"id": STRING, "name": STRING, "slug": STRING}),
    "ProjectRole": obj({"id": STRING, "name": STRING, "role": {"enum": ROLES}}),
    "Project": obj({"id": STRING, "name": STRING, "description": STRING, "tenant_id": STRING, "role": {"enum": ROLES},
                    "created_at": TIME, "updated_at": TIME}, ["id", "name", "description", "tenant_id",
                                                             "created_at", "updated_at"]),
    "Member": obj({"user_id": STRING, "project_id": STRING, "email": STRING, "full_name": STRING,
                   "role": {"enum": ROLES}, "joined_at": TIME, "invited": {"type": "boolean"}}),
    "Incident": obj({"id": STRING, "title": STRING, "description": STRING, "service_name": STRING,
                     "severity": {"enum": SEVERITIES}, "state": {"enum": STATES}, "detected_at": TIME,
                     **{field: NULLABLE_TIME for state, field in TIMESTAMP_FIELD.items() if field != "detected_at"},
                     "project_id": STRING, "created_at": TIME, "updated_at": TIME}),
    "CreatedIncident": obj({"id": STRING, "title": STRING, "description": STRING, "service_name": STRING,
                            "severity": {"enum": SEVERITIES}, "state": {"const": "detected"}, "detected_at": TIME,
                            "project_id": STRING, "created_at": TIME}),
    "StateChange": {"type": "object", "properties": {"id": STRING, "state": {"enum": STATES},
                                                     **dict.fromkeys(TIMESTAMP_FIELD.values(), TIME)},
                    "required": ["id", "state"], "minProperties": 3, "maxProperties": 3},
    "Hypothesis": obj({"id": STRING, "incident_id": STRING, "claim": STRING, "description": STRING,
                       "confidence_score": NUMBER, "confidence_lower": NUMBER, "confidence_upper": NUMBER,
                       "rank": INTEGER, "supporting_evidence": {"type": "array", "items": STRING},
                       "contradicting_evidence": {"type": "array", "items": STRING},
                       "user_feedback": nullable({"enum": ["confirmed", "rejected"]}), "created_at": TIME}),
    "Workflow": obj({"incident_id": STRING, "current_state": {"enum": STATES},
                     "allowed_transitions": {"type": "array", "items": {"enum": STATES}},
                     "steps": {"type": "array", "items": obj({
                         "order": INTEGER, "state": {"enum": STATES}, "title": STRING, "description": STRING,
                         "status": {"enum": ["completed", "current", "pending"]}, "reached_at": NULLABLE_TIME})}}),
    "IncidentMetrics": obj({"incident_id": STRING, "state": {"enum": STATES},
                            **{f"time_to_{step}_minutes": nullable(NUMBER)
                               for step in ("acknowledge", "investigate", "mitigate", "resolve")},
                            "hypotheses_count": INTEGER, "confirmed_cause": nullable(STRING), "ai_requests": INTEGER,
                            "ai_tokens": INTEGER, "ai_cost_usd": NUMBER,
                            "state_timestamps": {"type": "object", "additionalProperties": NULLABLE_TIME}}),
    "TokenUsage": obj({"total_requests": INTEGER, "total_tokens": INTEGER, "total_cost_usd": NUMBER,
                       "breakdown_by_type": {"type": "array", "items": obj({
                           "request_type": STRING, "count": INTEGER, "total_tokens": INTEGER, "cost_usd": NUMBER})},
                       "timeline": {"type": "array", "items": obj({
                           "date": {"type": "string", "format": "date"}, "requests": INTEGER, "tokens": INTEGER,
                           "cost_usd": NUMBER})}}),
    "CostSummary": obj({
        "overall_stats": obj({"total_requests": INTEGER, "total_cost_usd": NUMBER, "avg_cost_per_request": NUMBER}),
        "cache_stats": obj({"total_incidents": INTEGER, "incidents_with_hypotheses": INTEGER,
                            "cache_hit_rate": NUMBER, "potential_savings": NUMBER}),
        "most_expensive_incidents": {"type": "array", "items": obj({
            "incident_id": STRING, "title": STRING, "total_cost": NUMBER, "request_count": INTEGER})},
        "recommendations": {"type": "array", "items": obj({
            "type": STRING, "message": STRING, "priority": {"enum": ["high", "medium", "low"]}})}}),
    "IncidentAnalytics": obj({"incident_id": STRING, "title": STRING, "request_count": INTEGER,
                              "total_tokens": INTEGER, "total_cost_usd": NUMBER, "avg_cost_per_request": NUMBER,
                              "hypotheses_count": INTEGER}),
    "Integration": obj({"id": STRING, "project_id": STRING, "type": STRING, "name": STRING,
                        "config": {"type": "object"},
                        "credentials": {"type": "object", "additionalProperties": {"const": "********"}},
                        "enabled": {"type": "boolean"}, "last_test": nullable({"type": "object"}),
                        "created_at": TIME, "updated_at": TIME}),
    "ConnectionTest": obj({"success": {"type": "boolean"}, "status_code": nullable(INTEGER), "message": STRING,
                           "latency_ms": nullable(NUMBER), "details": {"type": "object"}, "tested_at": TIME}),
    "Alert": obj({"id": STRING, "project_id": STRING, "source": STRING, "alertname": STRING, "status": STRING,
                  "severity": STRING, "service": STRING, "description": STRING,
                  "labels": {"type": "object", "additionalProperties": STRING}, "fingerprint": STRING,
                  "starts_at": TIME, "ends_at": NULLABLE_TIME, "incident_id": nullable(STRING)}),
    "SignedUp": obj({"user": ref("User"), "tenant": ref("Tenant"), "access_token": STRING,
                     "token_type": {"const": "bearer"}}),
    "SignedIn": obj({"user": ref("UserWithProject"), "projects": array_of("ProjectRole"), "access_token": STRING,
                     "token_type": {"const": "bearer"}}),
    "Refreshed": obj({"access_token": STRING, "token_type": {"const": "bearer"}, "expires_in": INTEGER}),
    "Me": obj({**USER, "project_id": nullable(STRING), "role": nullable({"enum": ROLES}),
               "projects": array_of("ProjectRole")}),
    "Switched": obj({"user": ref("UserWithProject"), "project": ref("Project")}),
    "WsToken": obj({"token": STRING, "expires_in": INTEGER}),
    "Message": obj({"message": STRING}),
}
ERROR = obj({"detail": {"anyOf": [STRING, {"type": "array"}]}})

PROJECT_ID = Parameter("project_id", "path", STRING)
INCIDENT_ID = Parameter("incident_id", "path", STRING)
PAGE = (Parameter("skip", "query", {"type": "integer", "minimum": 0, "default": 0}, "Items to skip"),
        Parameter("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
                  "Items per page (at most 100)"))
READ = (401, 403, 404, 429)
WRITE = (401, 403, 404, 409, 422, 429)


def operations() -> list[Operation]:
    monitoring = "/projects/{project_id}/monitoring"
    integration = f"{monitoring}/integrations/{{integration_id}}"
    integration_id = Parameter("integration_id", "path", STRING)
    incident = "/incidents/{incident_id}"
    return [
        Operation("POST", "/auth/register", "Register a new user and tenant", "auth", {200: ref("SignedUp")},
                  RegisterRequest, public=True, errors=(409, 422)),
        Operation("POST", "/auth/login", "Sign in and get tokens (sets the session cookies)", "auth",
                  {200: ref("SignedIn")}, LoginRequest, public=True, errors=(400, 401, 429)),
        Operation("POST", "/auth/refresh", "A new access token from the refresh cookie (or body)", "auth",
                  {200: ref("Refreshed")}, RefreshRequest, public=True, errors=(401, 422)),
        Operation("POST", "/auth/logout", "Revoke the refresh token and clear the cookies", "auth",
                  {200: ref("Message")}, RefreshRequest, errors=(401, 422)),
        Operation("GET", "/auth/me", "The current user, project and role", "auth", {200: ref("Me")}, errors=READ),
        Operation("POST", "/auth/switch-project", "Switch the active project", "auth", {200: ref("Switched")},
                  SwitchProjectRequest, errors=WRITE),
        Operation("GET", "/auth/ws-token", "A short-lived token for the WebSocket connect message", "auth",
                  {200: ref("WsToken")}, errors=READ),
        Operation("GET", "/projects", "The user's projects", "projects", {200: array_of("Project")}, errors=READ),
        Operation("POST", "/projects", "Create a project (the caller owns it)", "projects", {201: ref("Project")},
                  CreateProjectRequest, errors=WRITE),
        Operation("GET", "/projects/{project_id}", "A project", "projects", {200: ref("Project")},
                  parameters=(PROJECT_ID,), errors=READ),
        Operation("PATCH", "/projects/{project_id}", "Rename or describe a project (owner)", "projects",
                  {200: ref("Project")}, UpdateProjectRequest, (PROJECT_ID,), errors=WRITE),
        Operation("DELETE", "/projects/{project_id}", "Delete a project (owner)", "projects", {204: None},
                  parameters=(PROJECT_ID,), errors=WRITE),
        Operation("GET", "/projects/{project_id}/members", "The project's members", "projects",
                  {200: array_of("Member")}, parameters=(PROJECT_ID,), errors=READ),
        Operation("POST", "/projects/{project_id}/members", "Add (or invite by email) a member (admin)", "projects",
                  {201: ref("Member")}, AddMemberRequest, (PROJECT_ID,), errors=WRITE),
        Operation("PATCH", "/projects/{project_id}/members/{user_id}", "Change a member's role (admin)", "projects",
                  {200: ref("Member")}, UpdateMemberRequest, (PROJECT_ID, Parameter("user_id", "path", STRING)),
                  errors=WRITE),
        Operation("DELETE", "/projects/{project_id}/members/{user_id}", "Remove a member (admin)", "projects",
                  {204: None}, parameters=(PROJECT_ID, Parameter("user_id", "path", STRING)), errors=WRITE),
        Operation("GET", "/incidents", "The current project's incidents, newest first", "incidents",
                  {200: array_of("Incident")}, parameters=(*PAGE, Parameter("severity", "query", {"enum": SEVERITIES}),
                                                           Parameter("state", "query", {"enum": STATES})),
                  errors=(401, 403, 422, 429)),
        Operation("POST", "/incidents", "Create an incident (state detected)", "incidents",
                  {200: ref("CreatedIncident")}, CreateIncidentRequest, errors=WRITE),
        Operation("GET", incident, "An incident", "incidents", {200: ref("Incident")}, parameters=(INCIDENT_ID,),
                  errors=READ),
        Operation("PATCH", f"{incident}/state", "Move an incident to another state", "incidents",
                  {200: ref("StateChange")}, StateChangeRequest, (INCIDENT_ID,), errors=WRITE),
        Operation("GET", f"{incident}/hypotheses", "The incident's AI hypotheses, by rank", "incidents",
                  {200: array_of("Hypothesis")}, parameters=(INCIDENT_ID,), errors=READ),
        Operation("POST", f"{incident}/hypotheses/{{hypothesis_id}}/feedback", "Confirm or reject a hypothesis",
                  "incidents", {200: ref("Hypothesis")}, HypothesisFeedbackRequest,
                  (INCIDENT_ID, Parameter("hypothesis_id", "path", STRING)), errors=WRITE),
        Operation("GET", f"{incident}/workflow", "The response steps and where the incident stands", "incidents",
                  {200: ref("Workflow")}, parameters=(INCIDENT_ID,), errors=READ),
        Operation("GET", f"{incident}/metrics", "Time to acknowledge, mitigate, resolve; AI use", "incidents",
                  {200: ref("IncidentMetrics")}, parameters=(INCIDENT_ID,), errors=READ),
        Operation("GET", "/analytics/token-usage", "AI token usage of the current project", "analytics",
                  {200: ref("TokenUsage")}, parameters=(
                      Parameter("start_date", "query", {"type": "string", "format": "date"}, "Default: 7 days ago"),
                      Parameter("end_date", "query", {"type": "string", "format": "date"}, "Default: today")),
                  errors=(401, 403, 422, 429)),
        Operation("GET", "/analytics/cost-summary", "AI cost with recommendations", "analytics",
                  {200: ref("CostSummary")}, parameters=(
                      Parameter("days", "query", {"type": "integer", "minimum": 1, "maximum": 366, "default": 7}),),
                  errors=(401, 403, 422, 429)),
        Operation("GET", "/analytics/incident-metrics/{incident_id}", "One incident's AI usage and cost",
                  "analytics", {200: ref("IncidentAnalytics")}, parameters=(INCIDENT_ID,), errors=READ),
        Operation("GET", f"{monitoring}/integrations", "The project's monitoring integrations", "monitoring",
                  {200: array_of("Integration")}, parameters=(PROJECT_ID,), errors=READ),
        Operation("POST", f"{monitoring}/integrations", "Add an integration (admin)", "monitoring",
                  {201: ref("Integration")}, IntegrationCreateRequest, (PROJECT_ID,), errors=WRITE),
        Operation("POST", f"{monitoring}/integrations/test-connection", "Test settings before saving them",
                  "monitoring", {200: ref("ConnectionTest")}, TestConnectionRequest, (PROJECT_ID,), errors=WRITE),
        Operation("GET", integration, "An integration (credentials masked)", "monitoring", {200: ref("Integration")},
                  parameters=(PROJECT_ID, integration_id), errors=READ),
        Operation("PATCH", integration, "Change an integration (admin)", "monitoring", {200: ref("Integration")},
                  IntegrationUpdateRequest, (PROJECT_ID, integration_id), errors=WRITE),
        Operation("DELETE", integration, "Delete an integration (admin)", "monitoring", {204: None},
                  parameters=(PROJECT_ID, integration_id), errors=WRITE),
        Operation("POST", f"{integration}/test", "Test a saved integration", "monitoring",
                  {200: ref("ConnectionTest")}, parameters=(PROJECT_ID, integration_id), errors=WRITE),
        Operation("GET", f"{monitoring}/alerts", "The project's alerts, newest first", "monitoring",
                  {200: array_of("Alert")}, parameters=(PROJECT_ID, *PAGE), errors=(*READ, 422)),
    ]


DESCRIPTION = """The SRE Copilot API (seeds/sre-copilot-api.md) on opsdesk.

Auth: `Authorization: Bearer <access_token>` or the `access_token` cookie (HttpOnly) that sign-in sets; writes
that ride on the cookie must be `application/json`. Errors: `{"detail": "..."}` (422 for validation).
Pagination: `skip` (default 0) and `limit` (default 10, at most 100). Rate limit: 100 requests a minute per user,
`X-RateLimit-Limit/-Remaining/-Reset` (seconds) on every answer, 429 with `Retry-After` beyond.
WebSocket: connect to the platform's WebSocket URL, send `{"type":"connect","token":<GET /auth/ws-token>,
"tenantId":...}`, then `{"type":"subscribe","channels":["incidents","hypotheses","alerts"]}`; events
`incident.created`, `incident.updated`, `hypothesis.generated`, `alert.fired` of the current project."""


def document() -> dict[str, Any]:
    return ApiDocument(title="SRE Copilot API", version="1.0.0", description=DESCRIPTION,
                       server=COPILOT.base_path, error_schema=ERROR,
                       cookie_name=COPILOT.cookie_session.cookie).build(operations(), SCHEMAS)
