"""The support API over HTTP, as a client written against the document uses it."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE, BOB, CAROL = "alice@acme.test", "bob@acme.test", "carol@globex.test"


_catalog_bodies: dict[tuple[int, str], dict[str, Any]] = {}


def new_issue_body(stack: RunningStack, username: str) -> dict[str, Any]:
    """A valid create body from the user's catalog, read once per stack (requests count against the user's
    100-a-minute rate limit)."""
    key = (id(stack.process), username)
    if key not in _catalog_bodies:
        _catalog_bodies[key] = _issue_body_from_catalog(stack, username)
    return dict(_catalog_bodies[key])


def _issue_body_from_catalog(stack: RunningStack, username: str) -> dict[str, Any]:
    headers = stack.headers(username)
    customer = requests.get(f"{stack.support}/customers", headers=headers, timeout=10).json()["customers"][0]
    environment = requests.get(f"{stack.support}/customers/{customer['id']}/environments", headers=headers,
                               timeout=10).json()["environments"][0]
    plane = next(p for p in requests.get(f"{stack.support}/planes", headers=headers, timeout=10).json()["planes"]
                 if p["slug"] == "app-cicd")
    stage = next(c for c in plane["contexts"] if c["key"] == "pipeline_stage")
    return {
        "customerId": customer["id"], "environmentId": environment["id"], "submitterHandle": "john.doe@company.com",
        "primaryPlaneId": plane["id"], "secondaryPlaneIds": [], "title": "Pipeline timeout during deployment",
        "description": "Detailed description of the issue...", "pipelineUrl": "https://concourse.example.com/x",
        "contexts": [{"planeContextId": stage["id"], "value": "deployment"}],
    }


def test_a_signed_in_user_reads_the_catalog(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)

    customers = requests.get(f"{stack.support}/customers", headers=headers, timeout=10)
    planes = requests.get(f"{stack.support}/planes", headers=headers, timeout=10)

    assert customers.status_code == 200
    assert [c["name"] for c in customers.json()["customers"]] == ["Customer Alpha", "Customer Beta", "Customer Gamma"]
    assert {p["slug"] for p in planes.json()["planes"]} >= {"app-cicd", "infrastructure", "observability"}


def test_the_demo_data_has_issues_to_list(stack: RunningStack) -> None:
    reply = requests.get(f"{stack.support}/issues", headers=stack.headers(BOB), timeout=10)

    assert reply.status_code == 200
    assert reply.json()["pagination"]["total"] >= 6
    assert reply.json()["issues"][0]["displayId"].startswith("ISS-")


def test_an_issue_is_created_read_moved_and_listed(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)

    created = requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE), headers=headers, timeout=10)
    assert created.status_code == 201
    issue = created.json()["issue"]

    moved = requests.patch(f"{stack.support}/issues/{issue['id']}", json={"status": "in_progress"}, headers=headers,
                           timeout=10)
    refused = requests.patch(f"{stack.support}/issues/{issue['id']}", json={"status": "cancelled"}, headers=headers,
                             timeout=10)
    detail = requests.get(f"{stack.support}/issues/{issue['id']}", headers=headers, timeout=10).json()["issue"]
    listed = requests.get(f"{stack.support}/issues", params={"status": "in_progress", "limit": 100}, headers=headers,
                          timeout=10).json()

    assert moved.status_code == 200
    assert moved.json()["issue"]["status"] == "in_progress"
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "VALIDATION_ERROR"
    assert detail["displayId"] == issue["displayId"]
    assert detail["contexts"] == [
        {"key": "pipeline_stage", "label": "Pipeline Stage", "value": "Application Deployment"}
    ]
    assert issue["id"] in {i["id"] for i in listed["issues"]}


def test_a_validation_error_uses_the_documented_envelope(stack: RunningStack) -> None:
    body = new_issue_body(stack, ALICE) | {"title": ""}

    reply = requests.post(f"{stack.support}/issues", json=body, headers=stack.headers(ALICE), timeout=10)

    assert reply.status_code == 400
    assert reply.json() == {"error": {"code": "VALIDATION_ERROR", "message": "Invalid request body",
                                      "details": [{"field": "title",
                                                   "message": "String should have at least 1 character"}]}}


def test_another_tenant_gets_404_for_an_issue_and_its_customer(stack: RunningStack) -> None:
    alice = stack.headers(ALICE)
    issue = requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE), headers=alice,
                          timeout=10).json()["issue"]
    customer_id = new_issue_body(stack, ALICE)["customerId"]
    carol = stack.headers(CAROL)

    assert requests.get(f"{stack.support}/issues/{issue['id']}", headers=carol, timeout=10).status_code == 404
    assert requests.patch(f"{stack.support}/issues/{issue['id']}", json={"status": "in_progress"}, headers=carol,
                          timeout=10).status_code == 404
    environments = requests.get(f"{stack.support}/customers/{customer_id}/environments", headers=carol, timeout=10)
    assert environments.status_code == 404
    assert environments.json()["error"]["code"] == "NOT_FOUND"
    carol_issues = requests.get(f"{stack.support}/issues", params={"limit": 100}, headers=carol, timeout=10).json()
    assert issue["id"] not in {i["id"] for i in carol_issues["issues"]}


def test_documentation_search_and_feedback_work_on_the_indexed_demo_corpus(stack: RunningStack) -> None:
    headers = stack.headers(BOB)

    found = requests.post(f"{stack.support}/docs/search", json={"query": "pipeline timeout", "limit": 3},
                          headers=headers, timeout=10)
    top = found.json()["results"][0]
    feedback = requests.post(f"{stack.support}/docs/feedback", headers=headers, timeout=10,
                             json={"docUrl": top["url"], "docType": top["type"], "helpful": True})

    assert found.status_code == 200
    assert top["url"].startswith("https://happycloud.com/docs/")
    assert feedback.status_code == 201
    assert feedback.json()["success"] is True


def test_two_tenants_calling_one_function_at_once_each_get_their_own_answers(stack: RunningStack) -> None:
    # Lambda serves one request per execution environment; the local stack's threads must not let two requests
    # to one function answer each other (a handler keeps the request it serves in module state)
    from concurrent.futures import ThreadPoolExecutor

    url = f"{stack.support}/issues"
    expected = {user: requests.get(url, headers=stack.headers(user), timeout=10).json() for user in (ALICE, CAROL)}
    assert expected[ALICE] != expected[CAROL]

    def listed(user: str) -> tuple[str, Any]:
        return user, requests.get(url, headers=stack.headers(user), timeout=30).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(listed, [ALICE, CAROL] * 12))

    assert all(answer == expected[user] for user, answer in answers)
