"""Monitoring integrations on the fake store (opsdesk.copilot.integrations): the AWS accounts they may route."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from opsdesk.auth import Principal
from opsdesk.copilot.integrations import IntegrationService
from opsdesk.copilot.records import Member, Project, Role, Tenant, User
from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest
from opsdesk.errors import ValidationFailed
from tests.unit.copilot_fakes import FakeCopilotStore

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PLATFORM_ACCOUNT = "111122223333"


class NoSecrets:
    def put(self, tenant_id: str, owner_id: str, values: object) -> str:
        raise AssertionError("no credentials in these cases")

    def get(self, reference: str) -> dict[str, str]:
        raise AssertionError("no credentials in these cases")

    def delete(self, reference: str) -> None:
        raise AssertionError("no credentials in these cases")


def admin_of_a_project(store: FakeCopilotStore) -> tuple[Principal, str]:
    tenant_id, user_id, project_id = (str(uuid.uuid4()) for _ in range(3))
    user = User(user_id, tenant_id, "o@example.test", "Owner", project_id, {project_id: Role.OWNER})
    store.create_tenant(Tenant(tenant_id, "T", f"t-{tenant_id[:6]}", T0), user,
                        Project(project_id, tenant_id, "P", "", T0, T0),
                        Member(project_id, user_id, user.email, user.full_name, Role.OWNER, T0))
    return Principal(user_id=user_id, tenant_id=tenant_id, username=user.email, groups=frozenset()), project_id


def test_no_cloudwatch_integration_may_route_the_platforms_own_account() -> None:
    store = FakeCopilotStore()
    service = IntegrationService(store, NoSecrets(), lambda *args: None,
                                 reserved_accounts=frozenset({PLATFORM_ACCOUNT}))
    principal, project_id = admin_of_a_project(store)
    watching = {"account_id": PLATFORM_ACCOUNT, "region": "eu-west-1"}

    with pytest.raises(ValidationFailed) as refused:
        service.create(principal, project_id, IntegrationCreateRequest(type="cloudwatch", name="CW", config=watching))
    made = service.create(principal, project_id, IntegrationCreateRequest(
        type="cloudwatch", name="CW", config={**watching, "account_id": "444455556666"}))
    with pytest.raises(ValidationFailed):  # nor by changing one that routes another
        service.update(principal, project_id, made.id, IntegrationUpdateRequest(config=watching))

    assert "config.account_id" in str(refused.value.details)
    assert store.list_integrations(principal.tenant_id, project_id) == [made]
