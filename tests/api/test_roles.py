"""Every role-restricted route refuses a caller one role below it: the routes and their roles come from the
modules' documents (`x-opsdesk-role`, from each module's ApiDescription.roles), so a route given a role is
attacked without an edit here. The caller is a colleague of the data's owner (alice, tenant acme), sent a valid
request for alice's real resources: only the role stands between them, and the answer must be a 403 in the
module's own envelope. The demo data has a user just below every role:
- helpdesk `agent`: bob, in no group;
- copilot (roles per project, the current one for incident routes): below `owner` dave (admin of Production),
  below `admin` bob (member of Production), below `member` bob as a viewer of Staging.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from jsonschema import Draft202012Validator

from opsdesk.apimap import COPILOT, HELPDESK, ApiModule
from scripts.local.seed import DEMO_TENANT, stable_id
from tests.api.conftest import RunningStack
from tests.api.route_ids import BASE_PATHS, Operation, Victim, document, operations, request_parts

pytestmark = pytest.mark.xdist_group("local-stack")

BOB = "bob@acme.test"
DAVE = "dave@acme.test"
BELOW: dict[tuple[str, str], tuple[str, str | None]] = {
    (HELPDESK.name, "agent"): (BOB, None),
    (COPILOT.name, "owner"): (DAVE, "Production"),
    (COPILOT.name, "admin"): (BOB, "Production"),
    (COPILOT.name, "member"): (BOB, "Staging"),
}
"""(module, role) -> the demo user just below the role, and for the copilot the project they act in."""


def role_operations() -> list[Operation]:
    return [operation for operation in operations() if operation.spec.get("x-opsdesk-role")]


def forbidden_schema(module: ApiModule) -> Draft202012Validator:
    built = document(module)
    schema = built["components"]["responses"]["Forbidden"]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": built["components"]})


@pytest.fixture(scope="module")
def victim(stack: RunningStack) -> Victim:
    return Victim(stack)


class CopilotProjects:
    """The copilot's demo projects, and a user's current project set for the incident routes (which act in it)
    and put back after."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        self.base = f"{stack.info['base_url']}{COPILOT.base_path}"

    @staticmethod
    def seeded(name: str) -> str:
        """A demo project's id by the name it was seeded with (ids are stable; other suites rename it)."""
        return stable_id(DEMO_TENANT, "copilot-project", name)

    def current(self, user: str) -> str | None:
        me = requests.get(f"{self.base}/auth/me", headers=self.stack.headers(user), timeout=15)
        assert me.status_code == 200, me.text
        current: str | None = me.json()["project_id"]
        return current

    def switch(self, user: str, project_id: str) -> None:
        switched = requests.post(f"{self.base}/auth/switch-project", json={"project_id": project_id},
                                 headers=self.stack.headers(user), timeout=15)
        assert switched.status_code == 200, switched.text


@pytest.fixture(scope="module")
def projects(stack: RunningStack) -> Iterator[CopilotProjects]:
    made = CopilotProjects(stack)
    before = {user: made.current(user) for user in (BOB, DAVE)}
    yield made
    for user, project_id in before.items():
        if project_id is not None:
            made.switch(user, project_id)


def test_the_documents_give_roles_to_the_routes_that_check_them() -> None:
    declared = {(o.module.name, o.spec["x-opsdesk-role"]) for o in role_operations()}
    assert declared == set(BELOW), "a role without a user below it here, or a user for a role no route takes"
    assert len(role_operations()) == 18


@pytest.mark.parametrize("operation", role_operations(), ids=str)
def test_a_caller_one_role_below_is_refused_with_403_in_the_modules_envelope(
    operation: Operation, stack: RunningStack, victim: Victim, projects: CopilotProjects,
) -> None:
    user, project_name = BELOW[(operation.module.name, operation.spec["x-opsdesk-role"])]
    path = operation.template
    if project_name is not None:
        project_id = projects.seeded(project_name)
        projects.switch(user, project_id)
        path = path.replace("{project_id}", project_id)
    path = victim.fill(Operation(operation.module, operation.method, path, operation.spec))
    query, body = request_parts(operation)

    reply = requests.request(operation.method.upper(), f"{stack.info['base_url']}{BASE_PATHS[operation.module.name]}"
                             f"{path}", params=query, json=body, headers=stack.headers(user), timeout=15)

    assert reply.status_code == 403, f"{operation}: {reply.status_code} {reply.text[:300]}"
    problems = [error.message for error in forbidden_schema(operation.module).iter_errors(reply.json())]
    assert problems == [], f"{operation}: {problems}"
