"""Domain events: what a module publishes about a change (the event log in opsdesk.eventlog stores them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TENANT_STREAM = "tenant"
"""The stream every event of a tenant's lists goes to (live list views)."""


@dataclass(frozen=True)
class DomainEvent:
    type: str
    stream: str
    data: dict[str, Any]


@dataclass(frozen=True)
class StoredEvent:
    id: int
    """The event's number in its stream: 1, 2, 3 ... in commit order (SSE `id:` and `Last-Event-ID`)."""
    type: str
    stream: str
    data: dict[str, Any]
    created_at: str
