"""One-off, once per stage deployed before account proofs (2026-12-08): an AWS account's alarms now reach a tenant
only once its cloudwatch integration has proven the account its own (the platform assumed a role in it with the
tenant's external ID; opsdesk.copilot.integrations). This takes away what integrations saved before route without
that proof: their cloudwatch route entries (opsdesk.alerts.routes) and their part in the account's hold, so that the
account's owner may prove it. Each integration so left is printed: its admins save it again with
`credentials.role_arn`, or test it once the role exists, and it routes again.

    python -m scripts.migrate_account_proofs      # settings from the environment (INCIDENTS_TABLE_NAME, AWS_*)

It reads the whole table (a Scan): an operator's tool, never a request path. A second run changes nothing. The local
stack upgrades its snapshots the same way (scripts/local/snapshot.py)."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.alerts.routes import CLAIM_PREFIX, CLAIM_SK, ROUTE_PREFIX, RouteEntry, claimed_accounts, route_entries
from opsdesk.copilot import keys
from opsdesk.frozen import frozen
from opsdesk.settings import CopilotSettings, load_settings

CLOUDWATCH_ROUTES = f"{ROUTE_PREFIX}cloudwatch#"


@frozen
class Unproven:
    """A cloudwatch route entry its integration, as stored, does not leave (it names an account it has not proven,
    another region, or the integration is gone)."""

    route: dict[str, Any]
    """The route item's key (DynamoDB JSON)."""
    account: str
    tenant_id: str
    project_id: str
    integration_id: str
    integration: dict[str, Any] | None
    """The integration item as read (DynamoDB JSON), None when it is gone: the write is conditioned on it."""
    release: bool
    """Whether the integration lets go of the account (no route it leaves names the account)."""


def unproven_routes(items: list[dict[str, Any]]) -> list[Unproven]:
    """From IncidentsTable items (DynamoDB JSON): the cloudwatch route entries that are not among those their
    integration item leaves as it is (opsdesk.alerts.routes.route_entries)."""
    integrations = {(item["pk"]["S"], item["sk"]["S"]): item for item in items
                    if item["sk"]["S"].startswith(keys.integration_sk("")) and "data" in item}
    found = []
    for item in items:
        pk = item["pk"]["S"]
        if not pk.startswith(CLOUDWATCH_ROUTES):
            continue
        account = pk.removeprefix(CLOUDWATCH_ROUTES).split("#", 1)[0]
        tenant_id, project_id, integration_id = (item["tenantId"]["S"], item["projectId"]["S"],
                                                 item["integrationId"]["S"])
        integration = integrations.get((keys.project_pk(tenant_id, project_id), keys.integration_sk(integration_id)))
        left = _routes_left(tenant_id, project_id, integration_id, integration)
        if (pk, item["sk"]["S"]) not in {(f"{ROUTE_PREFIX}{entry.key}", entry.sort_key) for entry in left}:
            found.append(Unproven({"pk": item["pk"], "sk": item["sk"]}, account, tenant_id, project_id,
                                  integration_id, integration, account not in claimed_accounts(left)))
    return found


def _routes_left(tenant_id: str, project_id: str, integration_id: str,
                 integration: dict[str, Any] | None) -> list[RouteEntry]:
    if integration is None:
        return []
    data = json.loads(integration["data"]["S"])
    return route_entries(tenant_id, project_id, integration_id, data["type"], config=data["config"],
                         enabled=data["enabled"], verified_account=data.get("verified_account"))


def without_unproven(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`items` less the unproven route entries, each hold less the integrations that let go of it (and without its
    set once none is left, as DynamoDB drops an emptied set): what `migrate` leaves, for a snapshot."""
    unproven = unproven_routes(items)
    routes = {(u.route["pk"]["S"], u.route["sk"]["S"]) for u in unproven}
    released: dict[str, set[str]] = {}
    for u in unproven:
        if u.release:
            released.setdefault(f"{CLAIM_PREFIX}{u.account}", set()).add(u.integration_id)
    kept = []
    for item in items:
        key = (item["pk"]["S"], item["sk"]["S"])
        if key in routes:
            continue
        if key[1] == CLAIM_SK and key[0] in released and "integrations" in item:
            left = sorted(set(item["integrations"]["SS"]) - released[key[0]])
            kept.append({k: v for k, v in item.items() if k != "integrations"} | (
                {"integrations": {"SS": left}} if left else {}))
        else:
            kept.append(item)
    return kept


def migrate(client: Any, table_name: str) -> tuple[list[Unproven], list[Unproven]]:
    """Deletes the unproven route entries and takes their integrations out of the accounts' holds, each in one
    transaction conditioned on the integration as read; (the entries so deleted, those whose integration changed
    since it was read: run again)."""
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(
            TableName=table_name, ConsistentRead=True,
            FilterExpression="begins_with(pk, :routes) OR begins_with(pk, :holds) OR begins_with(sk, :integrations)",
            ExpressionAttributeValues={":routes": {"S": CLOUDWATCH_ROUTES}, ":holds": {"S": CLAIM_PREFIX},
                                       ":integrations": {"S": keys.integration_sk("")}}):
        items.extend(page["Items"])
    holds = {item["pk"]["S"] for item in items if item["pk"]["S"].startswith(CLAIM_PREFIX)}
    done, changed = [], []
    for entry in unproven_routes(items):
        try:
            client.transact_write_items(TransactItems=_writes(table_name, entry, holds))
            done.append(entry)
        except client.exceptions.TransactionCanceledException:
            changed.append(entry)
    return done, changed


def _writes(table_name: str, entry: Unproven, holds: set[str]) -> list[dict[str, Any]]:
    writes: list[dict[str, Any]] = [{"Delete": {"TableName": table_name, "Key": entry.route}}]
    integration_key = {"pk": {"S": keys.project_pk(entry.tenant_id, entry.project_id)},
                       "sk": {"S": keys.integration_sk(entry.integration_id)}}
    if entry.integration is None:
        writes.append({"ConditionCheck": {"TableName": table_name, "Key": integration_key,
                                          "ConditionExpression": "attribute_not_exists(pk)"}})
    else:
        writes.append({"ConditionCheck": {"TableName": table_name, "Key": integration_key,
                                          "ConditionExpression": "#data = :data",
                                          "ExpressionAttributeNames": {"#data": "data"},
                                          "ExpressionAttributeValues": {":data": entry.integration["data"]}}})
    hold = f"{CLAIM_PREFIX}{entry.account}"
    if entry.release and hold in holds:
        writes.append({"Update": {"TableName": table_name, "Key": {"pk": {"S": hold}, "sk": {"S": CLAIM_SK}},
                                  "UpdateExpression": "DELETE integrations :integration",
                                  "ConditionExpression": "attribute_exists(pk)",
                                  "ExpressionAttributeValues": {":integration": {"SS": [entry.integration_id]}}}})
    return writes


def main() -> int:
    import boto3  # noqa: PLC0415 - an operator's tool

    settings = load_settings(CopilotSettings)
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    unproven, changed = migrate(client, settings.incidents_table_name)
    print(f"took {len(unproven)} unproven AWS account routes away; {len(changed)} integrations changed meanwhile "
          "(run again)" if changed else f"took {len(unproven)} unproven AWS account routes away")
    for entry in unproven:
        print(f"tenant {entry.tenant_id} project {entry.project_id} integration {entry.integration_id}: account "
              f"{entry.account} routes again once saved with credentials.role_arn (or tested) by an admin")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
