"""The copilot's OpenAPI document cannot drift: it describes exactly the routes the handlers serve, the committed
copy is current, and what the views answer validates against the document's schemas."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from opsdesk.apimap import COPILOT

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    from opsdesk.copilot.openapi import document

    return document()


def handler_routes() -> set[tuple[str, str]]:
    routes = set()
    for group in COPILOT.groups:
        if group.name == "copilot_docs":
            continue
        app = importlib.import_module(f"functions.{group.name}.handler").app
        routes |= {(route.method, route.openapi_path) for route in app._static_routes + app._dynamic_routes}
    return routes


def test_every_route_is_described_and_every_description_is_a_route(local_aws: Any,
                                                                    document: dict[str, Any]) -> None:
    described = {(method.upper(), path) for path, methods in document["paths"].items() for method in methods}

    assert handler_routes() == described


def test_the_committed_document_is_current(document: dict[str, Any]) -> None:
    committed = json.loads((ROOT / "docs" / "api" / "copilot.openapi.json").read_text())

    assert committed == document, "run `python -m scripts.openapi`"


def test_the_document_is_openapi_3_1_with_resolvable_references(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    text = json.dumps(document)
    for name in {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}:
        assert name in schemas, name
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation["responses"], f"{method} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path


def _validate(document: dict[str, Any], name: str, value: Any) -> None:
    # The components travel with the schema, so its `#/components/...` references resolve inside it.
    jsonschema.validate(value, {**document["components"]["schemas"][name], "components": document["components"]})


def test_what_the_views_answer_validates_against_the_document(document: dict[str, Any]) -> None:
    from opsdesk.copilot import analytics, views
    from opsdesk.copilot.records import (
        Alert,
        Incident,
        IncidentState,
        Integration,
        Member,
        Project,
        Role,
        Severity,
        StoredHypothesis,
        Tenant,
        User,
    )
    from opsdesk.copilot.workflow import moved

    incident = moved(Incident(id="i1", project_id="p1", title="t", description="d", service_name="api",
                              severity=Severity.HIGH, state=IncidentState.DETECTED, detected_at=T0, created_at=T0,
                              updated_at=T0), IncidentState.INVESTIGATING, T0)
    user = User("u1", "t1", "a@example.test", "A", "p1", {"p1": Role.OWNER})
    project = Project("p1", "t1", "Production", "", T0, T0)
    samples = {
        "User": views.user_view(user),
        "UserWithProject": views.user_view(user, with_project=True),
        "Tenant": views.tenant_view(Tenant("t1", "Acme", "acme", T0)),
        "ProjectRole": views.project_role_view(project, Role.OWNER),
        "Project": views.project_view(project, Role.ADMIN),
        "Member": views.member_view(Member("p1", "u1", "a@example.test", "A", Role.MEMBER, T0)),
        "Incident": views.incident_view(incident),
        "CreatedIncident": views.created_incident_view(Incident(**{**incident.__dict__,
                                                                   "state": IncidentState.DETECTED})),
        "StateChange": views.state_change_view(incident),
        "Hypothesis": views.hypothesis_view(StoredHypothesis("h1", "i1", "bad_deploy", "c", "d", 0.8, 0.7, 0.9, 1,
                                                             ("s",), (), T0)),
        "Workflow": views.workflow_view(incident),
        "IncidentMetrics": analytics.incident_metrics(incident),
        "TokenUsage": analytics.token_usage(analytics.DayRange(T0.date(), T0.date()), []),
        "CostSummary": analytics.cost_summary([], [], [incident]),
        "IncidentAnalytics": analytics.incident_analytics(incident),
        "Integration": views.integration_view(Integration("n1", "p1", "grafana", "G", {"url": "https://g"}, "arn",
                                                          ("api_key",), True, T0, T0)),
        "Alert": views.alert_view(Alert("a1", "p1", "prometheus", "HighErrorRate", "firing", "critical", "api",
                                        "5xx", T0)),
    }
    for name, value in samples.items():
        _validate(document, name, value)
