"""The scheduled check of proven AWS accounts (functions/copilot_account_checks) on moto, whose STS reads roles'
trust policies: a proof a day old is kept while the tenant's role still lets the platform in, and taken away, routes
and all, once the role is gone."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from tests.integration.copilot import CopilotCaller, customer_role, register

GROUPS = ("copilot_auth", "copilot_session", "copilot_monitoring")


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> list[ModuleType]:
    import importlib

    return [importlib.import_module(f"functions.{group}.handler") for group in GROUPS]


def run_checks() -> dict[str, Any]:
    import importlib

    from scripts.local.gateway import LambdaContext

    job = importlib.import_module("functions.copilot_account_checks.handler")
    # Other cases' proofs share the table, proven without a role: refused together, they look like the platform's
    # fault (opsdesk.copilot.proofs.refusals_believed), so this run is the operator's, which believes them
    return dict(job.lambda_handler({"believeRefusals": True}, LambdaContext(
        "opsdesk-local-copilot_account_checks", "us-east-1", timeout_seconds=900)))


def test_a_day_old_proof_is_kept_while_the_role_lets_the_platform_in_and_taken_away_once_it_is_gone(
        handlers: list[ModuleType]) -> None:
    from moto.iam.models import iam_backends

    from opsdesk.alerts.routes import ROUTE_PREFIX, RouteItem, account_holder, cloudwatch_key
    from opsdesk.clock import utc_now

    owner: CopilotCaller = register(handlers)
    tenant_id = owner.signed_in.body["user"]["tenant_id"]
    project_id = owner.get("/auth/me").body["project_id"]
    account = f"{uuid.uuid4().int % 10**12:012d}"
    role_arn = customer_role(account, tenant_id)
    base = f"/projects/{project_id}/monitoring/integrations"
    made = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": {"account_id": account,
                                                                            "region": "eu-west-1"},
                             "credentials": {"role_arn": role_arn}}).body
    (monitoring,) = [h for h in handlers if h.__name__ == "functions.copilot_monitoring.handler"]

    def a_day_old() -> None:
        stored = monitoring.repository.get_integration(tenant_id, project_id, made["id"])
        monitoring.repository.save_integration(tenant_id, replace(stored, verified_at=utc_now() - timedelta(days=2)),
                                               create=False)

    def routed() -> list[str]:
        return [i.integrationId for i in RouteItem.query(f"{ROUTE_PREFIX}{cloudwatch_key(account, 'eu-west-1')}")]

    a_day_old()
    kept = run_checks()
    after_kept = monitoring.repository.get_integration(tenant_id, project_id, made["id"])
    # Then the customer deletes the role
    iam_backends[account]["aws"].delete_role(role_arn.rsplit("/", 1)[1])
    a_day_old()
    revoked = run_checks()
    view = owner.get(f"{base}/{made['id']}").body

    assert kept["kept"] >= 1 and after_kept.verified_account == account, kept
    assert after_kept.verified_at > utc_now() - timedelta(minutes=5)
    assert revoked["revoked"] >= 1 and view["verified_account"] is None, view
    assert view["last_test"]["success"] is False and "AccessDenied" in view["last_test"]["message"]
    assert routed() == [] and account_holder(account) is None
