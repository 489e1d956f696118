"""One-off, once per stage deployed before 2026-12-06: moves the support counters that name a customer from the
tenant's counter items to the customer's own (opsdesk.support.counters.counter_partition; docs/data-model.md).

    python -m scripts.migrate_customer_counters      # settings from the environment (SUPPORT_TABLE_NAME, AWS_*)

Until it has run, lists filtered by a customer count only the issues created or changed since the deploy. Run it
right after deploying: it ADDs each moved count to the customer's item (so what the new code added since stays)
and removes it from the tenant's, one transaction per item, and a second run finds nothing to move. It reads the
whole table (a Scan): an operator's tool, never a request path. The local stack upgrades its snapshots with the
same move (scripts/local/snapshot.py)."""

from __future__ import annotations

from typing import Any

from opsdesk.settings import SupportSettings, load_settings


def customer_counters_apart(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Support table items (DynamoDB JSON) with the counter names that name a customer (`customer:<id>`, alone or
    first in a combination) moved from the tenant's counter items (`T#<t>#STATS`) to the same period's item in
    the customer's partition (`T#<t>#STATS#C#<id>`); spill items move alike. Other items are left as they are."""
    upgraded: list[dict[str, Any]] = []
    moved: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if not is_tenant_counter_item(pk):
            upgraded.append(item)
            continue
        kept = {}
        for name, value in item.items():
            if name.startswith("customer:"):
                customer_id = name.split("&", 1)[0].removeprefix("customer:")
                target = moved.setdefault((f"{pk}#C#{customer_id}", sk),
                                          {"pk": {"S": f"{pk}#C#{customer_id}"}, "sk": {"S": sk}})
                target[name] = value
            else:
                kept[name] = value
        upgraded.append(kept)
    return upgraded + list(moved.values())


def is_tenant_counter_item(pk: str) -> bool:
    return pk.startswith("T#") and pk.endswith("#STATS") and pk.count("#") == 2


def migrate(client: Any, table_name: str) -> int:
    """Moves every tenant counter item's customer names, a customer at a time (one transaction: the names removed
    from the tenant's item as they were read, ADDed to the customer's); the number of customers' counts moved."""
    moved = 0
    for page in client.get_paginator("scan").paginate(
            TableName=table_name, FilterExpression="begins_with(pk, :tenant) AND contains(pk, :stats)",
            ExpressionAttributeValues={":tenant": {"S": "T#"}, ":stats": {"S": "#STATS"}}):
        for item in page["Items"]:
            if not is_tenant_counter_item(item["pk"]["S"]):
                continue
            _, *customers = customer_counters_apart([item])
            for customer in customers:
                counts = {name: value for name, value in customer.items() if name not in ("pk", "sk")}
                aliases = {f"#n{index}": name for index, name in enumerate(counts)}
                values = {f":v{index}": counts[name] for index, name in enumerate(counts)}
                client.transact_write_items(TransactItems=[
                    {"Update": {
                        "TableName": table_name, "Key": {"pk": item["pk"], "sk": item["sk"]},
                        "UpdateExpression": "REMOVE " + ", ".join(aliases),
                        # as read: nothing adds here since the deploy, so a changed value means another run moved it
                        "ConditionExpression": " AND ".join(f"{alias} = :v{alias[2:]}" for alias in aliases),
                        "ExpressionAttributeNames": aliases, "ExpressionAttributeValues": values}},
                    {"Update": {
                        "TableName": table_name, "Key": {"pk": customer["pk"], "sk": customer["sk"]},
                        "UpdateExpression": "ADD " + ", ".join(f"{alias} :v{alias[2:]}" for alias in aliases),
                        "ExpressionAttributeNames": aliases, "ExpressionAttributeValues": values}},
                ])
                moved += 1
    return moved


def main() -> int:
    import boto3  # noqa: PLC0415 - an operator's tool

    settings = load_settings(SupportSettings)
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    print(f"moved {migrate(client, settings.support_table_name)} customers' counts of a counter item")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
