"""Persistence for the local stack. moto keeps everything in memory, so `make dev` saves a snapshot on exit
(and every half minute while tables change) and restores it on the next start: table items, bucket objects,
Cognito users with their passwords, groups and subjects. Dev tooling only: it reads whole tables (from moto's
backends in this process), which no request path does."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from scripts.local import moto_patches
from scripts.local.aws import ACCOUNT_ID, CURSOR_KEY_SECRET_NAME, LocalAws, client
from scripts.migrate_account_claims import account_holds
from scripts.migrate_account_proofs import without_unproven
from scripts.migrate_aura_audit_keys import with_type_actor_keys
from scripts.migrate_customer_counters import customer_counters_apart

SNAPSHOT_FILE = "snapshot.json"
UNCHANGED_SAVE_SECONDS = 300
LAYOUT = 5
"""The tables' layout a snapshot holds. 2: a support customer's issue counters in the customer's own partition
(opsdesk.support.counters.counter_partition); 3: the AWS account holds of cloudwatch integrations
(opsdesk.alerts.routes); 4: only proven accounts route (scripts/migrate_account_proofs.py); 5: aura audit entries
keyed by type and actor (scripts/migrate_aura_audit_keys.py). An older snapshot is upgraded as it is restored."""


def _cognito_pool(aws: LocalAws) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[ACCOUNT_ID][aws.region].user_pools[aws.user_pool_id]


def _secrets(aws: LocalAws) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    return secretsmanager_backends[ACCOUNT_ID][aws.region].secrets


def save(aws: LocalAws, state_dir: Path) -> None:
    # No transaction may be half-applied while the tables are read (see moto_patches).
    with moto_patches.transaction_lock:
        _save(aws, state_dir)


def keep_saving(aws: LocalAws, state_dir: Path, stop: threading.Event, interval_seconds: float) -> None:
    """Save every `interval_seconds` while tables change. moto counts table writes only, so S3 objects and
    Cognito users changed alone are saved within UNCHANGED_SAVE_SECONDS, and everything at exit."""
    saved, saved_at = moto_patches.write_generation(), time.monotonic()
    while not stop.wait(interval_seconds):
        generation = moto_patches.write_generation()
        if generation == saved and time.monotonic() - saved_at < UNCHANGED_SAVE_SECONDS:
            continue
        save(aws, state_dir)
        saved, saved_at = generation, time.monotonic()


def _table_items(aws: LocalAws, name: str) -> list[dict[str, Any]]:
    """A table's items as DynamoDB JSON, read from moto in this process: a Scan over HTTP serialised and parsed
    every item twice, and the local stack spent most of its idle time on it once its tables had grown."""
    from moto.dynamodb.models import dynamodb_backends

    table = dynamodb_backends[ACCOUNT_ID][aws.region].tables[name]
    return [item.to_json()["Attributes"] for item in table.all_items()]


def _save(aws: LocalAws, state_dir: Path) -> None:
    tables = {logical_id: _table_items(aws, name) for logical_id, name in aws.table_names.items()}
    s3 = client("s3", aws.endpoint, aws.region)
    objects: dict[str, dict[str, str]] = {}
    for bucket in aws.buckets:
        objects[bucket] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for entry in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
                objects[bucket][entry["Key"]] = body.hex()
    users = [
        {
            "username": user.username,
            "password": user.password,
            "sub": user.id,
            "status": user.status,
            "enabled": user.enabled,
            "attributes": [a for a in user.attributes if a["Name"] != "sub"],
            "groups": sorted(group.group_name for group in user.groups),
        }
        for user in _cognito_pool(aws).users.values()
    ]
    # The integrations' credentials: items keep their secret's ARN, so a secret comes back under the same one.
    secrets = [{"name": secret.name, "arn": secret.arn, "value": secret.secret_string}
               for secret in list(_secrets(aws).values())
               if secret.name != CURSOR_KEY_SECRET_NAME and secret.deleted_date is None and secret.secret_string]
    state_dir.mkdir(parents=True, exist_ok=True)
    document = {"layout": LAYOUT, "tables": tables, "objects": objects, "users": users, "secrets": secrets}
    with tempfile.NamedTemporaryFile("w", dir=state_dir, delete=False, suffix=".tmp") as handle:
        json.dump(document, handle)
    os.replace(handle.name, state_dir / SNAPSHOT_FILE)


def exists(state_dir: Path) -> bool:
    return (state_dir / SNAPSHOT_FILE).is_file()


def _upgrade(document: dict[str, Any]) -> None:
    """An older layout's tables as the code reads them (LAYOUT)."""
    if document.get("layout", 1) < 2:
        document["tables"]["SupportTable"] = customer_counters_apart(document["tables"].get("SupportTable", []))
    if document.get("layout", 1) < 3:
        holds, _ = account_holds(document["tables"].get("IncidentsTable", []))
        document["tables"]["IncidentsTable"] = document["tables"].get("IncidentsTable", []) + holds
    if document.get("layout", 1) < 4:
        before = document["tables"].get("IncidentsTable", [])
        document["tables"]["IncidentsTable"] = after = without_unproven(before)
        if len(after) < len(before):  # the demo's CloudWatch integration among them: the README's example
            print("  cloudwatch integrations saved before accounts were proven route nothing now: save them with a "
                  "role, or `make dev-reset` for the demo's", flush=True)
    if document.get("layout", 1) < 5:
        document["tables"]["TicketsTable"] = with_type_actor_keys(document["tables"].get("TicketsTable", []))


def restore(aws: LocalAws, state_dir: Path) -> None:
    document = json.loads((state_dir / SNAPSHOT_FILE).read_text())
    _upgrade(document)
    dynamodb = client("dynamodb", aws.endpoint, aws.region)
    for logical_id, items in document["tables"].items():
        name = aws.table_names.get(logical_id)
        if name is None:
            continue
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
            dynamodb.batch_write_item(RequestItems={name: requests})
    s3 = client("s3", aws.endpoint, aws.region)
    for bucket, objects in document["objects"].items():
        for key, body in objects.items():
            s3.put_object(Bucket=bucket, Key=key, Body=bytes.fromhex(body))
    secretsmanager = client("secretsmanager", aws.endpoint, aws.region)
    for secret in document.get("secrets", []):  # snapshots from before secrets were kept have none
        secretsmanager.create_secret(Name=secret["name"], SecretString=secret["value"])
        _secrets(aws)[secret["name"]].arn = secret["arn"]
    cognito = client("cognito-idp", aws.endpoint, aws.region)
    pool = _cognito_pool(aws)
    for user in document["users"]:
        cognito.admin_create_user(UserPoolId=aws.user_pool_id, Username=user["username"],
                                  UserAttributes=user["attributes"], MessageAction="SUPPRESS")
        restored = pool.users[user["username"]]
        # Keep the subject: items record who created them by `sub`.
        restored.id = user["sub"]
        restored.update_attributes([{"Name": "sub", "Value": user["sub"]}])
        restored.password = user["password"]
        restored.status = user["status"]
        restored.enabled = user["enabled"]
        for group in user["groups"]:
            cognito.admin_add_user_to_group(UserPoolId=aws.user_pool_id, Username=user["username"], GroupName=group)

