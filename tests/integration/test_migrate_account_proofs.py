"""The one-off that takes routing away from cloudwatch integrations saved before accounts were proven
(scripts/migrate_account_proofs.py), on moto: their route entries and their part in the hold go, a proven one's stay,
and the account is then free for the tenant that proves it; a second run changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_unproven_integrations_route_nothing_once_migrated_and_their_account_is_free(local_aws: Any) -> None:
    from opsdesk.alerts.routes import ROUTE_PREFIX, RouteItem, account_holder, cloudwatch_key, route_entries, route_item
    from opsdesk.copilot.items import integration_item
    from opsdesk.copilot.records import Integration
    from opsdesk.copilot.repository import CopilotRepository
    from scripts.local.aws import client
    from scripts.migrate_account_proofs import migrate

    CopilotRepository()  # binds the items to the table
    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    table = local_aws.table_names["IncidentsTable"]
    legacy, proven = (f"{uuid.uuid4().int % 10**12:012d}" for _ in range(2))
    tenant, project = str(uuid.uuid4()), str(uuid.uuid4())

    def saved(account: str, verified: str | None) -> Integration:
        """An integration with its routes and hold, as the code before proofs wrote them (routing every account)."""
        integration = Integration(str(uuid.uuid4()), project, "cloudwatch", "CW",
                                  {"account_id": account, "region": "eu-west-1"}, None, (), True, T0, T0,
                                  verified_account=verified)
        integration_item(tenant, integration).save()
        for entry in route_entries(tenant, project, integration.id, "cloudwatch", config=integration.config,
                                   enabled=True, verified_account=account):
            route_item(entry).save()
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"ACLAIM#{account}"}, "sk": {"S": "CLAIM"},
                                                 "tenantId": {"S": tenant}, "integrations": {"SS": [integration.id]}})
        return integration

    # Given an integration saved before proofs and a proven one
    old = saved(legacy, None)
    saved(proven, proven)

    taken, changed = migrate(dynamodb, table)

    def routed(account: str) -> list[str]:
        return [item.integrationId for item in RouteItem.query(f"{ROUTE_PREFIX}{cloudwatch_key(account, 'eu-west-1')}")]

    assert [(entry.integration_id, entry.account) for entry in taken if entry.tenant_id == tenant] == [
        (old.id, legacy)]
    assert routed(legacy) == [] and account_holder(legacy) is None
    assert len(routed(proven)) == 1 and account_holder(proven) == tenant
    assert [entry for entry in changed if entry.tenant_id == tenant] == []
    again, _ = migrate(dynamodb, table)
    assert [entry for entry in again if entry.tenant_id == tenant] == []
