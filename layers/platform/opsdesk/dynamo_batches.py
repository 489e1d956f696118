"""Batch writes to one DynamoDB table (BatchWriteItem in 25s), with unprocessed items sent again: the bulk paths
(event ingest, purges, the event log's expiry) that write many items no transaction needs to hold together."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from opsdesk.dynamo import RETRY_AFTER_SECONDS, domain_error_for
from opsdesk.errors import RateLimited

BATCH_WRITE_SIZE = 25
"""DynamoDB's BatchWriteItem limit."""
BATCH_WRITE_ATTEMPTS = 8


@dataclass
class BatchWriteReport:
    items: int = 0
    requests: int = 0
    """BatchWriteItem calls, retries of unprocessed items included."""


def batch_put(model: type[Model], items: Sequence[Model], *, attempts: int = BATCH_WRITE_ATTEMPTS) -> BatchWriteReport:
    """Put `items` of one table in BatchWriteItem calls of 25, sending unprocessed items again with jittered
    exponential backoff (DynamoDB returns them under throttling). Puts overwrite, so writing a batch again after a
    failure stores nothing twice. Items still unprocessed after the last attempt are a RateLimited (429)."""
    return _batch_write(model, [item.serialize() for item in items], deleting=False, attempts=attempts)


def batch_delete(model: type[Model], items: Sequence[Model], *,
                 attempts: int = BATCH_WRITE_ATTEMPTS) -> BatchWriteReport:
    """Delete `items` (by their keys) as batch_put puts them. Deleting an item already gone succeeds, so deleting
    a batch again after a failure is harmless."""
    keys = [item._get_keys() for item in items]  # type: ignore[no-untyped-call]  # pynamodb's own key serializer
    return _batch_write(model, keys, deleting=True, attempts=attempts)


def _batch_write(model: type[Model], requests: list[Any], *, deleting: bool, attempts: int) -> BatchWriteReport:
    report = BatchWriteReport(items=len(requests))
    connection = model._get_connection()
    table = model.Meta.table_name
    kind, field = ("DeleteRequest", "Key") if deleting else ("PutRequest", "Item")
    for start in range(0, len(requests), BATCH_WRITE_SIZE):
        pending = requests[start:start + BATCH_WRITE_SIZE]
        for attempt in range(attempts):
            try:
                batch = connection.connection.batch_write_item
                answer = (batch(table, delete_items=pending) if deleting else batch(table, put_items=pending)) or {}
            except PynamoDBException as exc:
                raise domain_error_for(exc, "Write failed") from exc
            report.requests += 1
            pending = [request[kind][field] for request in (answer.get("UnprocessedItems") or {}).get(table) or []]
            if not pending:
                break
            time.sleep(random.uniform(0, min(1.0, 0.025 * 2**attempt)))
        if pending:
            raise RateLimited("The table is busy; retry the request (with the same Idempotency-Key)",
                              headers={"Retry-After": RETRY_AFTER_SECONDS})
    return report
