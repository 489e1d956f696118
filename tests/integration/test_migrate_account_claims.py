"""The one-off holds of AWS accounts for cloudwatch integrations saved before holds existed
(scripts/migrate_account_claims.py), on moto: route entries without holds, then the migration, after which another
tenant cannot name the account; a second run changes nothing."""

from __future__ import annotations

import uuid
from typing import Any


def test_integrations_saved_before_holds_hold_their_accounts_once_migrated(local_aws: Any) -> None:
    from opsdesk.alerts.routes import account_holder, route_entries, route_item
    from opsdesk.copilot.repository import CopilotRepository
    from scripts.local.aws import client
    from scripts.migrate_account_claims import migrate

    CopilotRepository()  # binds the route and hold items to the table
    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    table = local_aws.table_names["IncidentsTable"]
    mine, shared = (f"{uuid.uuid4().int % 10**12:012d}" for _ in range(2))
    tenant, other = str(uuid.uuid4()), str(uuid.uuid4())
    # Given route entries as integrations left them before holds: one account of one tenant, one of two tenants
    for tenant_id, account in ((tenant, mine), (tenant, shared), (other, shared)):
        for entry in route_entries(tenant_id, str(uuid.uuid4()), str(uuid.uuid4()), "cloudwatch",
                                   config={"account_id": account, "region": "eu-west-1"}, enabled=True,
                                   verified_account=account):
            route_item(entry).save()

    held, disputed = migrate(dynamodb, table)

    assert held >= 1 and mine not in disputed and shared in disputed
    assert (account_holder(mine), account_holder(shared)) == (tenant, None)
    again, _ = migrate(dynamodb, table)
    assert again >= 1 and account_holder(mine) == tenant  # the same ADD again: nothing moves
