from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from tests.integration.conftest import issue_body
from tests.integration.events import Caller
from tests.integration.faults import applied_then_failed

BASE = "/support/api"


def create(caller: Caller, tenant: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    reply = caller.post(f"{BASE}/issues", issue_body(tenant, **overrides))
    assert reply.status == 201, reply.body
    return reply.body["issue"]


def fields_in_error(reply: Any) -> set[str]:
    assert reply.status == 400, reply.body
    assert reply.body["error"]["code"] == "VALIDATION_ERROR"
    return {d["field"] for d in reply.body["error"]["details"]}


def test_create_returns_the_documented_issue_with_a_display_id(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = create(caller, tenant)

    assert set(issue) == {"id", "displayId", "title", "status", "createdAt"}
    assert issue["status"] == "open"
    assert re.fullmatch(rf"ISS-{date.today().year}-0001", issue["displayId"])
    assert create(caller, tenant)["displayId"].endswith("-0002")


def test_get_returns_every_documented_field(caller: Caller, tenant: dict[str, Any]) -> None:
    created = create(caller, tenant, secondaryPlaneIds=[tenant["planes"]["observability"].id], contexts=[
        {"planeContextId": _context(tenant, "app-cicd", "pipeline_stage"), "value": "deployment"},
        {"planeContextId": _context(tenant, "observability", "signal_types"), "value": ["logs", "traces"]},
    ])

    reply = caller.get(f"{BASE}/issues/{created['id']}")

    assert reply.status == 200
    issue = reply.body["issue"]
    assert set(issue) == {
        "id", "displayId", "title", "description", "status", "pipelineUrl", "customer", "environment",
        "primaryPlane", "secondaryPlanes", "contexts", "submitterHandle", "createdAt", "updatedAt",
    }
    assert issue["customer"] == {"id": tenant["alpha"], "name": "Customer Alpha"}
    assert issue["environment"] == {"id": tenant["alpha_qa"], "name": "alpha-qa-01", "type": "qa"}
    assert issue["primaryPlane"]["name"] == "App CI/CD"
    assert issue["secondaryPlanes"] == [{"id": tenant["planes"]["observability"].id, "name": "Observability"}]
    assert {"key": "pipeline_stage", "label": "Pipeline Stage", "value": "Application Deployment"} in issue["contexts"]
    assert {"key": "signal_types", "label": "Signal Types", "value": "Logs, Traces"} in issue["contexts"]


def _context(tenant: dict[str, Any], plane: str, key: str) -> str:
    return next(c.id for c in tenant["planes"][plane].contexts if c.key == key)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"customerId": "00000000-0000-4000-8000-000000000000"}, "customerId"),
        ({"customerId": "not-a-uuid"}, "customerId"),
        ({"pipelineUrl": "file:///etc/passwd"}, "pipelineUrl"),
        ({"primaryPlaneId": "00000000-0000-4000-8000-000000000000"}, "primaryPlaneId"),
        ({"contexts": []}, "contexts.pipeline_stage"),
        ({"contexts": [{"planeContextId": "00000000-0000-4000-8000-000000000000", "value": "x"}]},
         "contexts[0].planeContextId"),
    ],
)
def test_create_names_the_invalid_field(caller: Caller, tenant: dict[str, Any], overrides: dict[str, Any],
                                        field: str) -> None:
    assert field in fields_in_error(caller.post(f"{BASE}/issues", issue_body(tenant, **overrides)))


def test_create_refuses_an_environment_of_another_customer(caller: Caller, tenant: dict[str, Any]) -> None:
    reply = caller.post(f"{BASE}/issues", issue_body(tenant, environmentId=tenant["beta_prod"]))

    assert fields_in_error(reply) == {"environmentId"}


def test_create_refuses_a_select_value_outside_the_options(caller: Caller, tenant: dict[str, Any]) -> None:
    contexts = [{"planeContextId": _context(tenant, "app-cicd", "pipeline_stage"), "value": "lunch"}]

    assert fields_in_error(caller.post(f"{BASE}/issues", issue_body(tenant, contexts=contexts))) == {
        "contexts[0].value"
    }


def test_create_requires_the_required_contexts_of_secondary_planes(caller: Caller, tenant: dict[str, Any]) -> None:
    reply = caller.post(f"{BASE}/issues", issue_body(tenant, secondaryPlaneIds=[tenant["planes"]["data-platform"].id]))

    assert fields_in_error(reply) == {"contexts.data_layer"}


def test_create_refuses_another_tenants_customer_without_writing(caller: Caller, outsider: Caller,
                                                                 tenant: dict[str, Any]) -> None:
    reply = outsider.post(f"{BASE}/issues", issue_body(tenant))

    assert "customerId" in fields_in_error(reply)
    assert outsider.get(f"{BASE}/issues").body["pagination"]["total"] == 0


def test_create_refuses_a_body_that_is_not_json(caller: Caller) -> None:
    assert fields_in_error(caller.call("POST", f"{BASE}/issues", "{not json")) == {"body"}


def test_parallel_creates_get_distinct_consecutive_display_ids(caller: Caller, tenant: dict[str, Any]) -> None:
    # Given 24 creates racing on eight threads
    with ThreadPoolExecutor(max_workers=8) as pool:
        issues = list(pool.map(lambda _: create(caller, tenant), range(24)))

    # Then every number from 1 to 24 was taken exactly once, and the counters saw every create once
    numbers = sorted(int(i["displayId"].rsplit("-", 1)[1]) for i in issues)
    assert numbers == list(range(1, 25))
    assert caller.get(f"{BASE}/issues").body["pagination"]["total"] == 24
    assert caller.get(f"{BASE}/issues?status=open").body["pagination"]["total"] == 24
    assert caller.get(f"{BASE}/issues?customerId={tenant['alpha']}").body["pagination"]["total"] == 24


def test_another_tenants_issue_is_not_found(caller: Caller, outsider: Caller, tenant: dict[str, Any]) -> None:
    issue = create(caller, tenant)

    assert outsider.get(f"{BASE}/issues/{issue['id']}").status == 404
    reply = outsider.patch(f"{BASE}/issues/{issue['id']}", {"status": "in_progress"})
    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"
    assert caller.get(f"{BASE}/issues/{issue['id']}").body["issue"]["status"] == "open"


def test_a_malformed_issue_id_is_not_found(caller: Caller) -> None:
    assert caller.get(f"{BASE}/issues/12345").status == 404


def test_status_moves_along_the_workflow_and_can_reopen(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = create(caller, tenant)
    url = f"{BASE}/issues/{issue['id']}"

    for status in ("in_progress", "resolved", "open", "in_progress", "resolved", "closed"):
        reply = caller.patch(url, {"status": status})
        assert reply.status == 200, reply.body
        assert set(reply.body["issue"]) == {"id", "status", "updatedAt"}
        assert reply.body["issue"]["status"] == status


def test_an_open_issue_closed_as_a_duplicate_leaves_the_open_list_and_may_be_reopened(
        caller: Caller, tenant: dict[str, Any]) -> None:
    issue = create(caller, tenant)
    url = f"{BASE}/issues/{issue['id']}"
    open_before = caller.get(f"{BASE}/issues?status=open").body["pagination"]["total"]

    reply = caller.patch(url, {"status": "closed"})

    assert (reply.status, reply.body["issue"]["status"]) == (200, "closed")
    assert caller.get(f"{BASE}/issues?status=open").body["pagination"]["total"] == open_before - 1
    assert issue["id"] in {i["id"] for i in caller.get(f"{BASE}/issues?status=closed").body["issues"]}
    assert caller.patch(url, {"status": "open"}).body["issue"]["status"] == "open"


@pytest.mark.parametrize("body", [{"displayId": "ISS-1999-0001"}, {"customerId": "x"}, {"createdAt": "x"}])
def test_patch_refuses_fields_a_user_may_not_change(caller: Caller, tenant: dict[str, Any],
                                                    body: dict[str, Any]) -> None:
    issue = create(caller, tenant)

    reply = caller.patch(f"{BASE}/issues/{issue['id']}", body)

    assert fields_in_error(reply) == set(body)
    assert caller.get(f"{BASE}/issues/{issue['id']}").body["issue"]["displayId"] == issue["displayId"]


def test_patch_changes_title_and_clears_the_pipeline_url(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = create(caller, tenant)
    url = f"{BASE}/issues/{issue['id']}"

    assert caller.patch(url, {"title": "Deploy times out", "pipelineUrl": None}).status == 200

    stored = caller.get(url).body["issue"]
    assert stored["title"] == "Deploy times out"
    assert stored["pipelineUrl"] is None
    assert stored["updatedAt"] > stored["createdAt"]


def test_a_stale_update_is_a_conflict_and_loses_nothing(caller: Caller, tenant: dict[str, Any]) -> None:
    from dataclasses import replace

    from opsdesk.errors import Conflict
    from opsdesk.support.records import IssueStatus
    from opsdesk.support.repository import SupportRepository

    repository = SupportRepository()
    issue = repository.get_issue(tenant["id"], create(caller, tenant)["id"])
    assert issue is not None
    first = replace(issue, title="first writer", version=issue.version + 1)
    second = replace(issue, status=IssueStatus.IN_PROGRESS, version=issue.version + 1)
    repository.update_issue(tenant["id"], issue, first)

    with pytest.raises(Conflict):
        repository.update_issue(tenant["id"], issue, second)

    stored = repository.get_issue(tenant["id"], issue.id)
    assert stored is not None
    assert (stored.title, stored.status) == ("first writer", IssueStatus.OPEN)
    assert caller.get(f"{BASE}/issues?status=in_progress").body["pagination"]["total"] == 0


def test_create_ignores_fields_the_server_owns(caller: Caller, tenant: dict[str, Any]) -> None:
    body = issue_body(tenant) | {"status": "closed", "displayId": "ISS-1999-9999", "id": "mine", "createdBy": "x",
                                 "tenantId": "another-tenant", "createdAt": "1999-01-01T00:00:00Z"}

    issue = create_from(caller, body)

    assert issue["status"] == "open"
    assert issue["displayId"] != "ISS-1999-9999"
    assert issue["id"] != "mine"
    assert not issue["createdAt"].startswith("1999")
    assert caller.get(f"{BASE}/issues/{issue['id']}").status == 200


def create_from(caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
    reply = caller.post(f"{BASE}/issues", body)
    assert reply.status == 201, reply.body
    return reply.body["issue"]


def test_a_commit_that_failed_ambiguously_is_retried_once_and_counted_once(
    caller: Caller, tenant: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a DynamoDB that applies the first create transaction but answers it with a 500
    failures = applied_then_failed(monkeypatch)

    # When a client creates an issue
    issue = create(caller, tenant)
    assert next(failures, None) is None  # the applied-then-failed answer was given

    # Then it got its issue, and the counters moved once (the retry saw the write was its own)
    assert caller.get(f"{BASE}/issues/{issue['id']}").status == 200
    assert caller.get(f"{BASE}/issues").body["pagination"]["total"] == 1
