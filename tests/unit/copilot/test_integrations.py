"""Monitoring integrations on the fake store (opsdesk.copilot.integrations): the AWS accounts they may route."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from opsdesk.auth import Principal
from opsdesk.copilot.integrations import IntegrationService
from opsdesk.copilot.records import Integration, Member, Project, Role, Tenant, User
from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest
from opsdesk.copilot.requests import TestConnectionRequest as UnsavedSettings  # not a pytest class
from opsdesk.copilot.service import CopilotService
from opsdesk.errors import Conflict, ServiceUnavailable, ValidationFailed
from tests.unit.copilot_fakes import FakeCopilotStore

T0 = datetime(2026, 3, 2, tzinfo=UTC)
PLATFORM_ACCOUNT = "111122223333"


class NoSecrets:
    def put(self, tenant_id: str, owner_id: str, values: object, *, kind: str | None = None) -> str:
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


# Proving an AWS account: the platform assumes the tenant's role in it with the tenant's external ID

ACCOUNT = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/alarms"
WATCHING = {"account_id": ACCOUNT, "region": "eu-west-1"}


class KeptSecrets(NoSecrets):
    def __init__(self) -> None:
        self.values: dict[str, dict[str, str]] = {}
        self.kinds: dict[str, str | None] = {}

    def put(self, tenant_id: str, owner_id: str, values: object, *, kind: str | None = None) -> str:
        assert isinstance(values, dict)
        self.values[f"secret-{owner_id}"] = dict(values)
        self.kinds[f"secret-{owner_id}"] = kind
        return f"secret-{owner_id}"

    def get(self, reference: str) -> dict[str, str]:
        return dict(self.values[reference])

    def delete(self, reference: str) -> None:
        del self.values[reference]


class Probes:
    """A probe that records what it was given and answers `outcome`."""

    def __init__(self, outcome: dict[str, object] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, object], dict[str, str]]] = []
        self.outcome = outcome or {"ok": True, "status_code": 200, "message": "ok", "latency_ms": 5}

    def __call__(self, kind: str, config: dict[str, object], credentials: dict[str, str]) -> dict[str, object]:
        self.calls.append((kind, dict(config), dict(credentials)))
        return self.outcome


@dataclass
class Given:
    """A project's admin and the integration service, on the fake store, secrets and probe."""

    store: FakeCopilotStore = field(default_factory=FakeCopilotStore)
    secrets: KeptSecrets = field(default_factory=KeptSecrets)
    probes: Probes = field(default_factory=Probes)

    def __post_init__(self) -> None:
        self.service = IntegrationService(self.store, self.secrets, self.probes)
        self.principal, self.project_id = admin_of_a_project(self.store)

    def proven(self) -> Integration:
        """A cloudwatch integration made with a role in its account."""
        return self.service.create(self.principal, self.project_id, IntegrationCreateRequest(
            type="cloudwatch", name="CW", config=WATCHING, credentials={"role_arn": ROLE}))


def test_the_probe_is_given_the_platforms_external_id_for_the_tenant_whatever_was_stored() -> None:
    given = Given()

    made = given.proven()
    given.secrets.values[made.secret_ref or ""]["external_id"] = "stored-before-the-platform-set-it"
    result = given.service.test_existing(given.principal, given.project_id, made.id)

    expected = {"role_arn": ROLE, "external_id": f"opsdesk-{given.principal.tenant_id}"}
    assert [credentials for _, _, credentials in given.probes.calls] == [expected, expected]
    assert made.verified_account == ACCOUNT and result["details"]["external_id"] == expected["external_id"]


def test_the_platforms_external_id_is_never_stored() -> None:
    given = Given()

    made = given.proven()
    given.service.test_existing(given.principal, given.project_id, made.id)

    assert given.secrets.values == {made.secret_ref: {"role_arn": ROLE}}
    assert given.secrets.kinds == {made.secret_ref: "cloudwatch"}  # what the scheduled check may read


def test_a_passing_test_proves_only_the_account_its_role_is_in() -> None:
    store, secrets = FakeCopilotStore(), KeptSecrets()
    service = IntegrationService(store, secrets, Probes())
    principal, project_id = admin_of_a_project(store)
    made = service.create(principal, project_id, IntegrationCreateRequest(type="cloudwatch", name="CW",
                                                                          config=WATCHING))
    # Given a role elsewhere stored before proofs (a save with it now is a 422)
    secrets.values["legacy"] = {"role_arn": "arn:aws:iam::777788889999:role/alarms"}
    store.integrations[principal.tenant_id, project_id][made.id] = replace(made, secret_ref="legacy")

    result = service.test_existing(principal, project_id, made.id)

    stored = store.get_integration(principal.tenant_id, project_id, made.id)
    assert result["success"] is True and stored is not None and stored.verified_account is None


def test_a_form_sent_back_unchanged_proves_nothing_again() -> None:
    given = Given()
    made = given.proven()

    given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(
        name="CW 2", config=WATCHING, enabled=True))
    moved = given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(
        config={**WATCHING, "region": "us-east-1"}))

    assert len(given.probes.calls) == 2 and moved.verified_account == ACCOUNT  # the create's and the move's


def test_a_rename_proves_nothing_again_and_a_failed_test_takes_no_proof_away() -> None:
    given = Given()
    made = given.proven()

    renamed = given.service.update(given.principal, given.project_id, made.id,
                                   IntegrationUpdateRequest(name="renamed"))
    given.probes.outcome = {"ok": False, "status_code": None, "message": "unreachable: the endpoint did not answer",
                            "latency_ms": 3000, "retryable": True}
    failed = given.service.test_existing(given.principal, given.project_id, made.id)

    stored = given.store.get_integration(given.principal.tenant_id, given.project_id, made.id)
    assert len(given.probes.calls) == 2 and renamed.verified_account == ACCOUNT  # the create's and the test's
    assert failed["success"] is False and stored is not None and stored.verified_account == ACCOUNT


@pytest.mark.parametrize(("outcome", "error"), [
    ({"ok": False, "status_code": 403, "message": "CloudWatch refused: AccessDenied", "latency_ms": 40},
     ValidationFailed),
    ({"ok": False, "status_code": None, "message": "unreachable: the CloudWatch endpoint did not answer",
      "latency_ms": 3000, "retryable": True}, ServiceUnavailable),
    ({"ok": False, "status_code": 400, "message": "CloudWatch refused: Throttling", "latency_ms": 40,
      "retryable": True}, ServiceUnavailable),
], ids=["role-refused", "aws-unreachable", "aws-throttled"])
def test_a_role_the_platform_cannot_use_stores_nothing_and_says_whose_fault(
        outcome: dict[str, object], error: type[Exception]) -> None:
    store, secrets = FakeCopilotStore(), KeptSecrets()
    service = IntegrationService(store, secrets, Probes(outcome))
    principal, project_id = admin_of_a_project(store)
    before = service.create(principal, project_id, IntegrationCreateRequest(type="cloudwatch", name="CW",
                                                                            config=WATCHING))

    with pytest.raises(error) as refused:
        service.create(principal, project_id, IntegrationCreateRequest(
            type="cloudwatch", name="CW", config=WATCHING, credentials={"role_arn": ROLE}))
    with pytest.raises(error):
        service.update(principal, project_id, before.id, IntegrationUpdateRequest(credentials={"role_arn": ROLE}))

    assert store.list_integrations(principal.tenant_id, project_id) == [before] and secrets.values == {}
    if error is ValidationFailed:
        assert f"opsdesk-{principal.tenant_id}" in str(refused.value.details)  # what the trust policy must name


def test_a_role_in_the_platforms_own_account_is_never_assumed() -> None:
    store, probes = FakeCopilotStore(), Probes()
    service = IntegrationService(store, KeptSecrets(), probes, reserved_accounts=frozenset({PLATFORM_ACCOUNT}))
    principal, project_id = admin_of_a_project(store)
    platform_role = f"arn:aws:iam::{PLATFORM_ACCOUNT}:role/opsdesk-dev-admin"

    result = service.test_connection(principal, project_id, UnsavedSettings(
        type="cloudwatch", config={"region": "eu-west-1"}, credentials={"role_arn": platform_role}))

    assert probes.calls == [] and result["success"] is False and "platform's own" in result["message"]


def test_a_save_refused_because_another_tenant_holds_the_account_leaves_the_credentials_as_they_were() -> None:
    store, secrets = FakeCopilotStore(), KeptSecrets()
    service = IntegrationService(store, secrets, Probes())
    holder, holder_project = admin_of_a_project(store)
    service.create(holder, holder_project, IntegrationCreateRequest(
        type="cloudwatch", name="CW", config=WATCHING, credentials={"role_arn": ROLE}))
    principal, project_id = admin_of_a_project(store)
    elsewhere = {"account_id": "777788889999", "region": "eu-west-1"}
    mine = service.create(principal, project_id, IntegrationCreateRequest(
        type="cloudwatch", name="CW", config=elsewhere, credentials={"role_arn": "arn:aws:iam::777788889999:role/a"}))
    kept = dict(secrets.values)

    with pytest.raises(Conflict):  # a new integration naming the held account: its credentials go again
        service.create(principal, project_id, IntegrationCreateRequest(
            type="cloudwatch", name="CW", config=WATCHING, credentials={"role_arn": ROLE}))
    with pytest.raises(Conflict):  # an integration pointed there: its credentials are put back
        service.update(principal, project_id, mine.id, IntegrationUpdateRequest(
            config=WATCHING, credentials={"role_arn": ROLE}))

    assert secrets.values == kept


@pytest.mark.parametrize(("kind", "stored"), [("prometheus", {"token": "owner-set"}),
                                              ("grafana", {"username": "u", "password": "owner-set"}),
                                              ("datadog", {"api_key": "owner-set", "app_key": "a"}),
                                              ("pagerduty", {"token": "owner-set"})])
def test_stored_credentials_are_never_sent_to_a_url_they_were_not_saved_for(kind: str,
                                                                              stored: dict[str, str]) -> None:
    given = Given()
    made = given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type=kind, name="I", config={"url": "https://metrics.example"}, credentials=stored))
    elsewhere = {"url": "https://collector.attacker.example"}

    with pytest.raises(ValidationFailed) as refused:
        given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(config=elsewhere))
    given.service.test_existing(given.principal, given.project_id, made.id)
    moved = given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(
        config=elsewhere, credentials={"token": "theirs"}))
    same_place = given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(
        config={"url": "https://collector.attacker.example/", "timeout": 5}))  # where it goes is unchanged

    assert "credentials" in str(refused.value.details)
    assert given.probes.calls == [(kind, {"url": "https://metrics.example"}, stored)]
    assert moved.config == elsewhere and given.secrets.get(moved.secret_ref or "") == {"token": "theirs"}
    assert same_place.config["timeout"] == 5


def test_a_url_change_of_an_integration_that_sends_no_credentials_needs_none() -> None:
    given = Given()
    made = given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type="prometheus", name="P", config={"url": "https://metrics.example"},
        credentials={"webhook_token": "w" * 16}))  # what Alertmanager sends here, never sent out

    moved = given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(
        config={"url": "https://prometheus.internal.example"}))

    assert moved.config == {"url": "https://prometheus.internal.example"}


@pytest.mark.parametrize(("config", "named"), [
    ({"url": "https://g.example", "Password": "hunter2"}, "Password"),
    ({"url": "https://g.example", "API-Key": "hunter2"}, "API-Key"),
    ({"url": "https://g.example", "nested": {"password": "hunter2"}}, "nested.password"),
    ({"url": "https://g.example", "headers": [{"X": "y"}, {"Token": "hunter2"}]}, "headers[1].Token"),
    ({"url": "https://u:hunter2@g.example"}, "config.url"),
    ({"url": "https://g.example", "datasources": [{"url": "http://admin:hunter2@10.0.0.1:9090/x"}]},
     "config.datasources[0].url"),
])
def test_a_credential_anywhere_in_config_is_refused_and_stored_nowhere(config: dict[str, object],
                                                                       named: str) -> None:
    given = Given()
    made = given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type="grafana", name="G", config={"url": "https://g.example"}))

    with pytest.raises(ValidationFailed) as on_create:
        given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
            type="grafana", name="G", config=config))
    with pytest.raises(ValidationFailed) as on_update:
        given.service.update(given.principal, given.project_id, made.id, IntegrationUpdateRequest(config=config))
    with pytest.raises(ValidationFailed):
        given.service.test_connection(given.principal, given.project_id, UnsavedSettings(type="grafana",
                                                                                        config=config))

    assert named in str(on_create.value.details) and named in str(on_update.value.details)
    assert "hunter2" not in str(on_create.value.details)
    assert given.store.list_integrations(given.principal.tenant_id, given.project_id) == [made]
    assert given.probes.calls == []


def test_config_keys_and_urls_that_carry_no_credential_are_kept() -> None:
    given = Given()
    config = {"url": "https://g.example/d?to=a@b.example", "org": {"tokens_per_minute": 5, "user": "ops"},
              "contact": "mailto:oncall@example.test", "labels": ["password-reset"]}

    made = given.service.create(given.principal, given.project_id, IntegrationCreateRequest(
        type="grafana", name="G", config=config))

    assert made.config == config


def test_credentials_saved_in_config_before_they_were_refused_show_masked() -> None:
    from opsdesk.copilot.views import MASK, integration_view

    # Given an integration stored before credential names were refused at every depth and in every spelling
    at = datetime(2026, 12, 1, tzinfo=UTC)
    stored = Integration("i1", "p1", "grafana", "Grafana", {
        "url": "https://admin:hunter2@grafana.example/api", "Password": "hunter2",
        "headers": [{"name": "x", "Token": "t0ken"}], "timeout": 5}, None, (), True, at, at)

    # When any member reads it, then no credential shows
    shown = integration_view(stored)["config"]
    assert shown == {"url": f"https://{MASK}@grafana.example/api", "Password": MASK,
                     "headers": [{"name": "x", "Token": MASK}], "timeout": 5}
    assert "hunter2" not in str(shown) and "t0ken" not in str(shown)
