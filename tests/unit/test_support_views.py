"""The JSON shapes of the support document (seeds/support-app-api.md), key for key.

The expected key sets are copied from the document's examples, not from the code."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.support.records import Issue
from opsdesk.support.requests import UpdateIssueRequest
from opsdesk.support.service import SupportService
from opsdesk.support.views import (
    created_issue_view,
    customer_view,
    environment_view,
    issue_detail_view,
    issue_summary_view,
    plane_view,
    updated_issue_view,
)
from tests.unit.fakes import DemoCatalog

Create = Callable[..., Issue]

# GET /api/customers
CUSTOMER_KEYS = {"id", "name", "createdAt"}
# GET /api/customers/:id/environments
ENVIRONMENT_KEYS = {"id", "name", "type", "createdAt"}
# GET /api/planes
PLANE_KEYS = {"id", "name", "slug", "description", "contexts"}
PLANE_CONTEXT_KEYS = {"id", "key", "label", "fieldType", "isRequired", "options"}
OPTION_KEYS = {"value", "label"}
# POST /api/issues
CREATED_ISSUE_KEYS = {"id", "displayId", "title", "status", "createdAt"}
# GET /api/issues
ISSUE_SUMMARY_KEYS = {"id", "displayId", "title", "status", "customer", "environment", "primaryPlane", "createdAt"}
# GET /api/issues/:id
ISSUE_DETAIL_KEYS = {
    "id", "displayId", "title", "description", "status", "pipelineUrl", "customer", "environment", "primaryPlane",
    "secondaryPlanes", "contexts", "submitterHandle", "createdAt", "updatedAt",
}
ISSUE_CONTEXT_KEYS = {"key", "label", "value"}
# PATCH /api/issues/:id
UPDATED_ISSUE_KEYS = {"id", "status", "updatedAt"}
# the references inside an issue
CUSTOMER_REF_KEYS = {"id", "name"}
ENVIRONMENT_REF_KEYS = {"id", "name", "type"}
PLANE_REF_KEYS = {"id", "name"}


@pytest.fixture
def issue(create: Create, catalog: DemoCatalog) -> Issue:
    return create(
        secondaryPlaneIds=[catalog.infra.id],
        contexts=[
            {"planeContextId": catalog.context_id(catalog.cicd, "pipeline_stage"), "value": "deployment"},
            {"planeContextId": catalog.context_id(catalog.infra, "resource_type"), "value": "compute"},
            {"planeContextId": catalog.context_id(catalog.infra, "resource_id"), "value": "i-0abc"},
        ],
    )


def assert_json(view: dict[str, Any]) -> None:
    assert json.loads(json.dumps(view)) == view


def test_customer_view_has_the_documented_keys(catalog: DemoCatalog) -> None:
    view = customer_view(catalog.alpha)

    assert set(view) == CUSTOMER_KEYS
    assert view == {"id": catalog.alpha.id, "name": "Customer Alpha", "createdAt": catalog.alpha.created_at}


def test_environment_view_has_the_documented_keys(catalog: DemoCatalog) -> None:
    view = environment_view(catalog.alpha_qa)

    assert set(view) == ENVIRONMENT_KEYS
    assert (view["name"], view["type"]) == ("alpha-qa-01", "qa")


def test_plane_view_has_the_documented_keys_down_to_the_options(catalog: DemoCatalog) -> None:
    view = plane_view(catalog.cicd)

    assert set(view) == PLANE_KEYS
    assert_json(view)
    assert all(set(ctx) == PLANE_CONTEXT_KEYS for ctx in view["contexts"])
    stage = view["contexts"][0]
    assert stage["fieldType"] == "single_select"
    assert stage["isRequired"] is True
    assert all(set(option) == OPTION_KEYS for option in stage["options"])
    assert stage["options"][0] == {"value": "build", "label": "Build/Compile"}


def test_plane_view_of_a_text_context_has_no_options(catalog: DemoCatalog) -> None:
    text = plane_view(catalog.cicd)["contexts"][2]

    assert (text["fieldType"], text["isRequired"], text["options"]) == ("text", False, [])


def test_created_issue_view_has_the_documented_keys(issue: Issue) -> None:
    view = created_issue_view(issue)

    assert set(view) == CREATED_ISSUE_KEYS
    assert view["status"] == "open"
    assert view["displayId"] == "ISS-2024-0001"


def test_issue_summary_view_has_the_documented_keys(issue: Issue) -> None:
    view = issue_summary_view(issue)

    assert set(view) == ISSUE_SUMMARY_KEYS
    assert set(view["customer"]) == CUSTOMER_REF_KEYS
    assert set(view["environment"]) == ENVIRONMENT_REF_KEYS
    assert set(view["primaryPlane"]) == PLANE_REF_KEYS
    assert_json(view)


def test_issue_detail_view_has_the_documented_keys(issue: Issue) -> None:
    view = issue_detail_view(issue)

    assert set(view) == ISSUE_DETAIL_KEYS
    assert set(view["customer"]) == CUSTOMER_REF_KEYS
    assert set(view["environment"]) == ENVIRONMENT_REF_KEYS
    assert set(view["primaryPlane"]) == PLANE_REF_KEYS
    assert all(set(plane) == PLANE_REF_KEYS for plane in view["secondaryPlanes"])
    assert all(set(ctx) == ISSUE_CONTEXT_KEYS for ctx in view["contexts"])
    assert_json(view)


def test_issue_detail_view_values(issue: Issue, catalog: DemoCatalog) -> None:
    view = issue_detail_view(issue)

    assert view["customer"] == {"id": catalog.alpha.id, "name": "Customer Alpha"}
    assert view["environment"] == {"id": catalog.alpha_qa.id, "name": "alpha-qa-01", "type": "qa"}
    assert view["primaryPlane"] == {"id": catalog.cicd.id, "name": "App CI/CD"}
    assert view["secondaryPlanes"] == [{"id": catalog.infra.id, "name": "Infrastructure"}]
    assert view["submitterHandle"] == "john.doe@company.com"
    assert view["createdAt"] == view["updatedAt"] == issue.created_at


def test_issue_detail_contexts_show_what_a_person_reads(issue: Issue) -> None:
    # The document's example: {"key": "pipeline_stage", "label": "Pipeline Stage", "value": "Application Deployment"}
    assert issue_detail_view(issue)["contexts"] == [
        {"key": "pipeline_stage", "label": "Pipeline Stage", "value": "Application Deployment"},
        {"key": "resource_type", "label": "Resource Type", "value": "Compute"},
        {"key": "resource_id", "label": "Resource ID", "value": "i-0abc"},
    ]


def test_issue_detail_view_without_pipeline_url_or_secondary_planes(create: Create) -> None:
    view = issue_detail_view(create(pipelineUrl=None))

    assert set(view) == ISSUE_DETAIL_KEYS
    assert view["pipelineUrl"] is None
    assert view["secondaryPlanes"] == []


def test_updated_issue_view_has_the_documented_keys(
    issue: Issue, service: SupportService, user: Principal
) -> None:
    updated = service.update_issue(user, issue.id, UpdateIssueRequest(status="in_progress"))

    view = updated_issue_view(updated)

    assert set(view) == UPDATED_ISSUE_KEYS
    assert view == {"id": issue.id, "status": "in_progress", "updatedAt": updated.updated_at}


def test_views_never_expose_internal_fields(issue: Issue) -> None:
    rendered = json.dumps([created_issue_view(issue), issue_summary_view(issue), issue_detail_view(issue),
                           updated_issue_view(issue)])

    for internal in ("version", "createdBy", "created_by", "tenant", "resolvedAt", "planeContextId"):
        assert internal not in rendered
