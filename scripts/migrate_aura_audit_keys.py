"""One-off, once per stage deployed before 2026-12-08: gives the aura audit entries written before then their
type-and-actor key (`dueBucket` = `A#<tenant>#AUDIT#TYPE#<type>#ACTOR#<actor>`, `dueSk` = their `listSk`: the
TicketsTable's `ticketsByDue` index, docs/data-model.md), which `GET /audit?type=..&actor=..` Queries.

    python -m scripts.migrate_aura_audit_keys      # settings from the environment (TICKETS_TABLE_NAME, AWS_*)

Until it has run, that list and its time-bounded total hold only the entries written since the deploy (the total
without `since`/`until` comes from the counters and counts every entry). Run it right after deploying. Each entry
is updated only while it has no such key, so a second run finds nothing to do; the key is what the code writes
(opsdesk.aura.items.audit_item), and the entry's content, hash and chain are not touched. It reads the whole
table (a Scan): an operator's tool, never a request path. The local stack upgrades its snapshots alike
(scripts/local/snapshot.py)."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.aura import keys
from opsdesk.settings import AuraSettings, load_settings


def type_actor_keys(item: dict[str, Any]) -> dict[str, Any] | None:
    """The `dueBucket`/`dueSk` an aura audit entry (DynamoDB JSON) lacks, or None: not an audit entry, or keyed."""
    pk, sk = item["pk"]["S"], item["sk"]["S"]
    if not (pk.startswith("A#") and sk.startswith(keys.AUDIT_PREFIX)) or "dueBucket" in item or "listSk" not in item:
        return None
    tenant_id = pk.removeprefix("A#").partition("#TK#")[0]
    doc = json.loads(item["doc"]["S"])
    return {"dueBucket": {"S": keys.audit_type_actor_pk(tenant_id, doc["type"], doc["actor"])},
            "dueSk": item["listSk"]}


def with_type_actor_keys(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """TicketsTable items with every aura audit entry keyed by type and actor; other items as they are."""
    return [{**item, **(type_actor_keys(item) or {})} for item in items]


def migrate(client: Any, table_name: str) -> int:
    """Keys every aura audit entry that has no type-and-actor key yet; the number keyed."""
    keyed = 0
    for page in client.get_paginator("scan").paginate(
            TableName=table_name,
            FilterExpression="begins_with(pk, :aura) AND begins_with(sk, :audit) AND attribute_not_exists(dueBucket)",
            ExpressionAttributeValues={":aura": {"S": "A#"}, ":audit": {"S": keys.AUDIT_PREFIX}}):
        for item in page["Items"]:
            found = type_actor_keys(item)
            if found is None:
                continue
            try:
                client.update_item(
                    TableName=table_name, Key={"pk": item["pk"], "sk": item["sk"]},
                    UpdateExpression="SET dueBucket = :bucket, dueSk = :sort",
                    ConditionExpression="attribute_exists(pk) AND attribute_not_exists(dueBucket)",
                    ExpressionAttributeValues={":bucket": found["dueBucket"], ":sort": found["dueSk"]})
            except client.exceptions.ConditionalCheckFailedException:
                continue  # keyed meanwhile (another run)
            keyed += 1
    return keyed


def main() -> int:
    import boto3  # noqa: PLC0415 - an operator's tool

    settings = load_settings(AuraSettings)
    client = boto3.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    print(f"keyed {migrate(client, settings.tickets_table_name)} aura audit entries by type and actor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
