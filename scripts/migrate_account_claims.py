"""One-off, once per stage deployed before 2026-12-07: writes the AWS account holds (opsdesk.alerts.routes,
AccountClaimItem) of the cloudwatch integrations saved before holds existed.

    python -m scripts.migrate_account_claims      # settings from the environment (INCIDENTS_TABLE_NAME, AWS_*)

Until it has run, another tenant may still name an account such an integration routes, and both receive its
alarms. An account one tenant routes is held for that tenant with the integrations that route it (an ADD under
the claim's own condition, so a second run changes nothing and a hold taken since is kept); an account two tenants
route, or the platform's own (PLATFORM_AWS_ACCOUNT_ID), is printed and left unheld: the operator decides (deletes or
disables the integrations that should not route it). Run it right after deploying: an integration deleted between
its Scan and its write would stay in the hold until the holder's next save of that account. It reads the
whole table (a Scan): an operator's tool, never a request path. The local stack upgrades its snapshots with the
same holds (scripts/local/snapshot.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from opsdesk.alerts.routes import CLAIM_PREFIX, CLAIM_SK, ROUTE_PREFIX
from opsdesk.settings import CopilotIntegrationSettings, load_settings

CLOUDWATCH_ROUTES = f"{ROUTE_PREFIX}cloudwatch#"


def account_holds(items: list[dict[str, Any]], reserved: frozenset[str] = frozenset()) -> tuple[
        list[dict[str, Any]], list[str]]:
    """From IncidentsTable items (DynamoDB JSON): the hold items their cloudwatch route entries call for, and the
    accounts routed by more than one tenant or `reserved` (the platform's own), held by none. Accounts already
    held in `items` are left as they are."""
    held_already = {item["pk"]["S"].removeprefix(CLAIM_PREFIX) for item in items
                    if item["pk"]["S"].startswith(CLAIM_PREFIX)}
    routed: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for item in items:
        pk = item["pk"]["S"]
        if pk.startswith(CLOUDWATCH_ROUTES):
            account = pk.removeprefix(CLOUDWATCH_ROUTES).split("#", 1)[0]
            routed[account][item["tenantId"]["S"]].add(item["integrationId"]["S"])
    holds, disputed = [], []
    for account, tenants in sorted(routed.items()):
        if account in held_already:
            continue
        if len(tenants) > 1 or account in reserved:
            disputed.append(account)
            continue
        [(tenant_id, integrations)] = tenants.items()
        holds.append({"pk": {"S": f"{CLAIM_PREFIX}{account}"}, "sk": {"S": CLAIM_SK}, "tenantId": {"S": tenant_id},
                      "integrations": {"SS": sorted(integrations)}})
    return holds, disputed


def migrate(client: Any, table_name: str, reserved: frozenset[str] = frozenset()) -> tuple[int, list[str]]:
    """Writes the holds the table's route entries call for; (accounts held, accounts held by none: two tenants
    route them, or they are `reserved`, the platform's own, whose integrations the operator disables)."""
    routes: list[dict[str, Any]] = []
    for page in client.get_paginator("scan").paginate(
            TableName=table_name, FilterExpression="begins_with(pk, :routes)", ConsistentRead=True,
            ExpressionAttributeValues={":routes": {"S": CLOUDWATCH_ROUTES}}):
        routes.extend(page["Items"])
    holds, disputed = account_holds(routes, reserved)
    held = 0
    for hold in holds:
        try:
            client.update_item(
                TableName=table_name, Key={"pk": hold["pk"], "sk": hold["sk"]},
                UpdateExpression="SET tenantId = :tenant ADD integrations :integrations",
                ConditionExpression="attribute_not_exists(integrations) OR tenantId = :tenant",
                ExpressionAttributeValues={":tenant": hold["tenantId"], ":integrations": hold["integrations"]})
            held += 1
        except client.exceptions.ConditionalCheckFailedException:
            disputed.append(hold["pk"]["S"].removeprefix(CLAIM_PREFIX))  # another tenant took it since the deploy
    return held, sorted(disputed)


def main() -> int:
    import boto3  # noqa: PLC0415 - an operator's tool

    settings = load_settings(CopilotIntegrationSettings)  # PLATFORM_AWS_ACCOUNT_ID: the platform's own
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    # The platform's own account: the functions' setting, else the account the operator's credentials are in
    sts = boto3.client("sts", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    reserved = frozenset({settings.platform_account_id or sts.get_caller_identity()["Account"]})
    held, disputed = migrate(client, settings.incidents_table_name, reserved)
    print(f"held {held} AWS accounts for the tenant whose integrations route them")
    for account in disputed:
        why = "the platform's own account" if account in reserved else "routed by more than one tenant"
        print(f"{why}, held by none (disable the integrations that name it): {account}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
