"""The items-read meter: how many DynamoDB items the code inside `metered_reads()` read.

Apart from opsdesk.dynamo (which re-exports it) so that opsdesk.observability, which every function imports,
does not load pynamodb and botocore for it: a function that never calls DynamoDB (the API docs) stays without."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class ItemsRead:
    items: int = 0


_current_meter: ContextVar[ItemsRead | None] = ContextVar("items_read_meter", default=None)


@contextmanager
def metered_reads() -> Iterator[ItemsRead]:
    """Count the items DynamoDB evaluates for the code inside (Query/Scan ScannedCount, one per GetItem hit).

    Repositories report every read here, so a test or a benchmark can prove that a request's reads grow with
    its page size and not with the table."""
    outer = _current_meter.get()
    meter = ItemsRead()
    token = _current_meter.set(meter)
    try:
        yield meter
    finally:
        _current_meter.reset(token)
        if outer is not None:
            outer.items += meter.items  # meters nest: a test's meter around a handler sees the handler's reads


def record_items_read(count: int) -> None:
    meter = _current_meter.get()
    if meter is not None:
        meter.items += count
