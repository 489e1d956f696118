"""Partial batch responses (ReportBatchItemFailures) for the functions fed by SQS queues and DynamoDB streams: each
record is handled alone, and one that raises is logged and reported by its id, so that only it comes back.

Ours, not Powertools' BatchProcessor: importing that loads asyncio and the event data classes, ~75 ms of each of
these functions' cold start (docs/benchmarks.md), for a loop of this size. None of the platform's queues is FIFO, so
a failure does not hold back the records after it. A batch whose every record failed raises BatchFailed, as
Powertools' processor does: the invocation is a function error, which the functions' `-errors` alarms count
(docs/infra.md), and Lambda retries the whole batch."""

from __future__ import annotations

from base64 import b64decode
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from opsdesk.observability import logger

Record = Mapping[str, Any]
BatchResponse = dict[str, list[dict[str, str]]]


class BatchFailed(RuntimeError):
    """Every record of a batch failed: the invocation fails as a whole (each record's error is logged)."""


def partial_batch_response(event: Mapping[str, Any], handle: Callable[[Record], None]) -> BatchResponse:
    """Run `handle` on every record of the event; the answer names the records that raised."""
    records = event.get("Records") or []
    failures: list[dict[str, str]] = []
    for record in records:
        try:
            handle(record)
        except Exception:  # noqa: BLE001 - reported for retry; the other records of the batch still count
            logger.exception("record failed; reported for retry", extra={"item": item_identifier(record)})
            failures.append({"itemIdentifier": item_identifier(record)})
    if failures and len(failures) == len(records):
        raise BatchFailed(f"all {len(failures)} records of the batch failed")
    return {"batchItemFailures": failures}


def item_identifier(record: Record) -> str:
    """What Lambda retries a record by: an SQS message's id, or a stream record's sequence number."""
    if "messageId" in record:
        return str(record["messageId"])
    return str(record["dynamodb"]["SequenceNumber"])


def inserted_image(record: Record) -> dict[str, Any] | None:
    """The item a stream record inserted, as Python values (numbers as Decimal); None for a change or a removal."""
    if record.get("eventName") != "INSERT":
        return None
    image = (record.get("dynamodb") or {}).get("NewImage")
    return {name: attribute_value(value) for name, value in image.items()} if image else None


def attribute_value(value: Mapping[str, Any]) -> Any:
    """One DynamoDB JSON attribute value (`{"S": "text"}`, `{"N": "12"}`, `{"M": {...}}`, ...) as a Python value."""
    ((kind, raw),) = value.items()
    if kind == "M":
        return {name: attribute_value(inner) for name, inner in raw.items()}
    if kind == "L":
        return [attribute_value(inner) for inner in raw]
    if kind not in _PLAIN_TYPES:
        raise ValueError(f"not a DynamoDB attribute type: {kind!r}")
    return _PLAIN_TYPES[kind](raw)


_PLAIN_TYPES: dict[str, Callable[[Any], Any]] = {
    "S": str,
    "N": Decimal,
    "BOOL": bool,
    "NULL": lambda _: None,
    "B": b64decode,
    "SS": set,
    "NS": lambda numbers: {Decimal(number) for number in numbers},
    "BS": lambda blobs: {b64decode(blob) for blob in blobs},
}
