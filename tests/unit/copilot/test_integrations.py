"""Monitoring integrations on the fake store (opsdesk.copilot.integrations): the AWS accounts they may route."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from opsdesk.auth import Principal
from opsdesk.copilot.integrations import IntegrationService
from opsdesk.copilot.records import Integration, Member, Project, Role, Tenant, User
from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest
from opsdesk.copilot.service import CopilotService
from opsdesk.errors import Conflict, ValidationFailed
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


def test_an_integration_that_routes_the_platforms_account_cannot_be_switched_on_or_kept_on() -> None:
    store = FakeCopilotStore()
    service = IntegrationService(store, NoSecrets(), lambda *args: None,
                                 reserved_accounts=frozenset({PLATFORM_ACCOUNT}))
    principal, project_id = admin_of_a_project(store)
    # Given one saved before the platform's account was refused, switched off since
    old = service.create(principal, project_id, IntegrationCreateRequest(
        type="cloudwatch", name="CW", config={"account_id": "444455556666", "region": "eu-west-1"}, enabled=False))
    store.integrations[principal.tenant_id, project_id][old.id] = before = replace(
        old, config={"account_id": PLATFORM_ACCOUNT, "region": "eu-west-1"})

    with pytest.raises(ValidationFailed):
        service.update(principal, project_id, old.id, IntegrationUpdateRequest(enabled=True))
    with pytest.raises(ValidationFailed):  # refused before new credentials are stored (NoSecrets.put would fail)
        service.update(principal, project_id, old.id, IntegrationUpdateRequest(enabled=True,
                                                                               credentials={"api_key": "k"}))
    renamed = service.update(principal, project_id, old.id, IntegrationUpdateRequest(name="off, renamed"))

    assert renamed.name == "off, renamed" and renamed.config == before.config and not renamed.enabled


def test_a_connection_test_does_not_undo_a_change_made_while_its_probe_ran() -> None:
    store = FakeCopilotStore()
    principal, project_id = admin_of_a_project(store)
    made: list[Integration] = []

    def slow_probe(*args: object) -> dict[str, object]:  # an admin switches the integration off meanwhile
        store.save_integration(principal.tenant_id, replace(made[0], enabled=False), create=False)
        return {"ok": True, "status_code": 200, "message": "ok", "latency_ms": 5}

    service = IntegrationService(store, NoSecrets(), slow_probe)
    made.append(service.create(principal, project_id, IntegrationCreateRequest(
        type="prometheus", name="P", config={"url": "https://prometheus.example"})))

    with pytest.raises(Conflict):
        service.test_existing(principal, project_id, made[0].id)

    stored = store.get_integration(principal.tenant_id, project_id, made[0].id)
    assert stored is not None and stored.enabled is False and stored.last_test is None


class RecordedSecrets(NoSecrets):
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete(self, reference: str) -> None:
        self.deleted.append(reference)


class CutShort(FakeCopilotStore):
    """A project delete that fails after taking the project's integrations (its members' transaction failed)."""

    def delete_project(self, project: Project,
                       on_integration_gone: Callable[[Integration], None] | None = None) -> None:
        for integration in self.list_integrations(project.tenant_id, project.id):
            self.delete_integration(project.tenant_id, integration)
            if on_integration_gone is not None:
                on_integration_gone(integration)
        raise Conflict("a member changed meanwhile")


def test_a_project_delete_cut_short_still_deletes_the_credentials_of_the_integrations_it_took() -> None:
    store = CutShort()
    principal, project_id = admin_of_a_project(store)
    store.save_integration(principal.tenant_id, Integration(
        "i1", project_id, "grafana", "G", {}, "secret-1", ("api_key",), True, T0, T0), create=True)
    secrets = RecordedSecrets()

    with pytest.raises(Conflict):
        CopilotService(store).delete_project(principal, project_id, secrets)

    assert secrets.deleted == ["secret-1"]
