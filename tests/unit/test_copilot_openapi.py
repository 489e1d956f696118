"""The copilot's OpenAPI document beyond what every module's is checked for (tests/unit/test_openapi_documents.py):
the errors each copilot route can answer, and what the copilot's views answer validates against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from opsdesk.copilot import analytics, views
from opsdesk.copilot.openapi import document as build_copilot_document
from opsdesk.copilot.records import (
    Alert,
    Incident,
    IncidentDay,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    Severity,
    StoredHypothesis,
    Tenant,
    UsageDay,
    User,
)
from opsdesk.copilot.schemas import StateTimestampField
from opsdesk.copilot.workflow import TIMESTAMP_FIELD, moved
from opsdesk.openapi import response_schema
from tests.unit.openapi_samples import Sample, Tracked

T0 = datetime(2026, 1, 24, 12, 0, tzinfo=UTC)
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_copilot_document()


def described(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


# (1) The copilot's errors: what its routes answer beyond every module's (tests/unit/test_openapi_documents.py).

def test_every_operation_documents_the_errors_its_route_can_answer(document: dict[str, Any]) -> None:
    for method, path, operation in described(document):
        statuses = {int(status) for status in operation["responses"]}
        signed_in = operation.get("security") != []
        where = f"{method} {path}"
        assert 500 in statuses, where
        assert statuses & {200, 201, 202, 204}, where
        if signed_in:
            # The session authorizer (401), a token of no tenant or project (403), the rate limit (429).
            assert {401, 403, 429} <= statuses, where
            success = next(r for s, r in operation["responses"].items() if s in {"200", "201", "202", "204"})
            assert set(success["headers"]) >= {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
        if signed_in and method in {"POST", "PATCH", "PUT", "DELETE"}:
            assert 422 in statuses, f"{where}: a cookie write without application/json is 422"
        if "requestBody" in operation:
            assert statuses & {400, 422}, where
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert 422 in statuses, where
        if signed_in and "{" in path:
            assert 404 in statuses, where


def test_errors_are_the_detail_envelope(document: dict[str, Any]) -> None:
    for name, answer in document["components"]["responses"].items():
        schema = answer["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, name
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and error["additionalProperties"] is False


# (4) What the views answer validates against the document's schemas.





def incidents_in_every_state() -> list[Incident]:
    start = Incident(id="i1", project_id="p1", title="High error rate on payment-api", description="5xx > 5%",
                     service_name="payment-api", severity=Severity.CRITICAL, state=IncidentState.DETECTED,
                     detected_at=T0, created_at=T0, updated_at=T0, hypothesis_count=3, ai_requests=2,
                     ai_tokens=2400, ai_cost_micros=1250, confirmed_cause="bad_deploy")
    found = [start]
    for minutes, state in enumerate(("acknowledged", "investigating", "mitigated", "resolved", "learned"), 1):
        found.append(moved(found[-1], IncidentState(state), T0 + timedelta(minutes=7 * minutes)))
    found.append(moved(found[2], IncidentState.INCONCLUSIVE, T0 + timedelta(hours=2)))
    found.append(moved(found[-1], IncidentState.INVESTIGATING, T0 + timedelta(hours=3)))  # reopened
    assert {i.state for i in found} == set(IncidentState)
    return found


class StubStore:
    """What the connection test reads before probing: the caller and their project."""

    def __init__(self, user: User, project: Project) -> None:
        self.user, self.project = user, project

    def get_user(self, tenant_id: str, user_id: str) -> User | None:
        return self.user if (tenant_id, user_id) == (self.user.tenant_id, self.user.id) else None

    def get_project(self, tenant_id: str, project_id: str) -> Project | None:
        return self.project if project_id == self.project.id else None


def connection_tests(user: User, project: Project) -> list[dict[str, Any]]:
    from opsdesk.auth import Principal
    from opsdesk.copilot.integrations import IntegrationService
    from opsdesk.copilot.requests import TestConnectionRequest
    from opsdesk.monitoring import ProbeResult

    # What opsdesk.monitoring.probe answers: a reply, and no reply at all.
    outcomes = iter([ProbeResult(True, 200, "Prometheus is ready", 41.5, {"version": "2.53.0"}),
                     ProbeResult(False, None, "Connection refused", 3.2)])
    service = IntegrationService(StubStore(user, project), None, lambda kind, config, credentials: next(outcomes))  # type: ignore[arg-type]
    principal = Principal(user_id=user.id, tenant_id=user.tenant_id, username=user.email, groups=frozenset())
    request = TestConnectionRequest(type="prometheus", config={"url": "https://prometheus.example.com"})
    return [service.test_connection(principal, project.id, request) for _ in range(2)]


def samples(v: Tracked, a: Tracked) -> list[Sample]:
    """Answers the copilot gives, made by its views (and, for the auth routes, composed as their handlers compose
    them), each with the operation and status it is the body of."""
    user = User("u1", "t1", "john@example.com", "John Doe", "p1", {"p1": Role.ADMIN, "p2": Role.VIEWER})
    newcomer = User("u2", "t1", "jane@example.com", "Jane Doe", None, {})
    tenant = Tenant("t1", "Acme Corporation", "acme-corporation", T0)
    project = Project("p1", "t1", "Production", "Payments and checkout", T0, T0)
    projects = [v.project_role_view(project, Role.ADMIN), v.project_role_view(replace(project, id="p2"), Role.VIEWER)]
    incidents = incidents_in_every_state()
    hypothesis = StoredHypothesis("h1", "i1", "bad_deploy", "Recent deployment caused downstream timeout",
                                  "v2.4.5 shipped 10 minutes before the errors", 0.85, 0.72, 0.92, 1,
                                  ("Deployment v2.4.5 completed 10 minutes before symptoms",),
                                  ("No error logs in payment-api",), T0)
    tests = connection_tests(user, project)
    integration = Integration("n1", "p1", "prometheus", "Prod Prometheus", {"url": "https://prom.example.com"},
                              "arn:aws:secretsmanager:eu-west-1:1:secret:x", ("password", "username"), True, T0, T0)
    alert = Alert("a1", "p1", "prometheus", "HighErrorRate", "firing", "critical", "payment-api", "Error rate > 5%",
                  T0, {"team": "payments"}, "fp1")
    usage = [UsageDay("2026-01-23", "hypothesis", 14, 30_000, 300_000, 2),
             UsageDay("2026-01-24", "hypothesis", 6, 12_000, 120_000, 0),
             UsageDay("2026-01-24", "summary", 1, 500, 900, 1)]
    days = [IncidentDay("2026-01-23", 10, 8), IncidentDay("2026-01-24", 4, 2)]
    costly = replace(incidents[0], ai_requests=15, ai_cost_micros=400_000)
    found = [
        Sample("POST", "/auth/register", 200, {"user": v.user_view(user), "tenant": v.tenant_view(tenant),
                                               "access_token": "eyJ...", "token_type": "bearer"}),
        Sample("POST", "/auth/login", 200, {"user": v.user_view(user, with_project=True), "projects": projects,
                                            "access_token": "eyJ...", "token_type": "bearer"}),
        Sample("POST", "/auth/login", 200, {"user": v.user_view(newcomer, with_project=True), "projects": [],
                                            "access_token": "eyJ...", "token_type": "bearer"}),
        Sample("POST", "/auth/refresh", 200, {"access_token": "eyJ...", "token_type": "bearer", "expires_in": 3600}),
        Sample("POST", "/auth/logout", 200, {"message": "Logged out"}),
        Sample("GET", "/auth/me", 200, {**v.user_view(user, with_project=True), "projects": projects}),
        Sample("POST", "/auth/switch-project", 200, {"user": v.user_view(user, with_project=True),
                                                     "project": v.project_view(project, Role.ADMIN)}),
        Sample("GET", "/auth/ws-token", 200, {"token": "eyJ...", "expires_in": 120}),
        Sample("GET", "/projects", 200, [v.project_view(project, Role.ADMIN)]),
        Sample("POST", "/projects", 201, v.project_view(project, Role.OWNER)),
        Sample("GET", "/projects/{project_id}", 200, v.project_view(project)),
        Sample("PATCH", "/projects/{project_id}", 200, v.project_view(project, Role.OWNER)),
        Sample("GET", "/projects/{project_id}/members", 200,
               [v.member_view(Member("p1", "u1", "john@example.com", "John Doe", Role.OWNER, T0)),
                v.member_view(Member("p1", "u3", "new@example.com", "new@example.com", Role.MEMBER, T0, True))]),
        Sample("POST", "/projects/{project_id}/members", 201,
               v.member_view(Member("p1", "u2", "jane@example.com", "Jane Doe", Role.VIEWER, T0))),
        Sample("PATCH", "/projects/{project_id}/members/{user_id}", 200,
               v.member_view(Member("p1", "u2", "jane@example.com", "Jane Doe", Role.ADMIN, T0))),
        Sample("GET", "/incidents", 200, [v.incident_view(i) for i in incidents]),
        Sample("POST", "/incidents", 200, v.created_incident_view(incidents[0])),
        *(Sample("GET", "/incidents/{incident_id}", 200, v.incident_view(i)) for i in incidents),
        *(Sample("PATCH", "/incidents/{incident_id}/state", 200, v.state_change_view(i)) for i in incidents),
        Sample("GET", "/incidents/{incident_id}/hypotheses", 200,
               [v.hypothesis_view(hypothesis), v.hypothesis_view(replace(hypothesis, id="h2", rank=2,
                                                                         user_feedback="rejected"))]),
        Sample("POST", "/incidents/{incident_id}/hypotheses/{hypothesis_id}/feedback", 200,
               v.hypothesis_view(replace(hypothesis, user_feedback="confirmed"))),
        *(Sample("GET", "/incidents/{incident_id}/workflow", 200, v.workflow_view(i)) for i in incidents),
        *(Sample("GET", "/incidents/{incident_id}/metrics", 200, a.incident_metrics(i)) for i in incidents),
        Sample("GET", "/analytics/token-usage", 200,
               a.token_usage(analytics.DayRange(date(2026, 1, 22), date(2026, 1, 24)), usage)),
        Sample("GET", "/analytics/token-usage", 200, a.token_usage(analytics.DayRange(T0.date(), T0.date()), [])),
        Sample("GET", "/analytics/cost-summary", 200, a.cost_summary(usage, days, [costly, incidents[1]])),
        Sample("GET", "/analytics/cost-summary", 200, a.cost_summary([], [], [])),
        Sample("GET", "/analytics/incident-metrics/{incident_id}", 200, a.incident_analytics(incidents[3])),
        Sample("GET", "/analytics/incident-metrics/{incident_id}", 200,
               a.incident_analytics(replace(incidents[0], ai_requests=0, ai_cost_micros=0))),
        Sample("GET", "/projects/{project_id}/monitoring/integrations", 200, [v.integration_view(integration)]),
        Sample("POST", "/projects/{project_id}/monitoring/integrations", 201,
               v.integration_view(replace(integration, credential_keys=(), secret_ref=None))),
        *(Sample("POST", "/projects/{project_id}/monitoring/integrations/test-connection", 200, t) for t in tests),
        Sample("GET", "/projects/{project_id}/monitoring/integrations/{integration_id}", 200,
               v.integration_view(replace(integration, last_test=tests[0]))),
        Sample("PATCH", "/projects/{project_id}/monitoring/integrations/{integration_id}", 200,
               v.integration_view(replace(integration, enabled=False, last_test=tests[1]))),
        Sample("POST", "/projects/{project_id}/monitoring/integrations/{integration_id}/test", 200, tests[1]),
        Sample("GET", "/projects/{project_id}/monitoring/alerts", 200,
               [v.alert_view(alert), v.alert_view(replace(alert, status="resolved", ends_at=T0, incident_id="i1"))]),
        # As functions/copilot_webhooks composes it.
        Sample("POST", "/webhooks/{integration_id}", 202, {"accepted": 2, "event_id": "0d1f6c1e-bus-event"}),
    ]
    recommended = {r["type"] for s in found if s.path == "/analytics/cost-summary" for r in s.body["recommendations"]}
    assert recommended == {"low_cache_hit_rate", "high_cost_per_request", "cost_concentrated", "no_usage"}
    return found


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any]) -> None:
    v, a = Tracked(views), Tracked(analytics)
    made = samples(v, a)

    for sample in made:
        schema = response_schema(document, sample.method, sample.path, sample.status)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sample.body)]
        assert problems == [], f"{sample.method} {sample.path} {sample.status}"
    assert v.called == v.public_functions(), "every view has a sample"
    assert a.called >= {"token_usage", "cost_summary", "incident_metrics", "incident_analytics"}
    with_body = {(method, path, status) for method, path, operation in described(document)
                 for status, answer in operation["responses"].items()
                 if "application/json" in answer.get("content", {}) and path != "/openapi.json"}
    assert with_body == {(s.method, s.path, str(s.status)) for s in made}, "every JSON answer has a sample"


def test_a_view_with_a_field_the_document_does_not_name_is_refused(document: dict[str, Any]) -> None:
    schema = response_schema(document, "GET", "/incidents/{incident_id}", 200)
    extra = {**views.incident_view(incidents_in_every_state()[0]), "assignee": "u1"}

    assert not Draft202012Validator(schema).is_valid(extra)


def test_the_metrics_time_fields_are_the_workflows() -> None:
    assert set(StateTimestampField.__args__) == set(TIMESTAMP_FIELD.values()) - {"detected_at"}
