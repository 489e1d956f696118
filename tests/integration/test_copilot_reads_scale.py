"""Copilot lists are Queries: the items a request reads follow skip + limit, not the project's incidents, from 500
to 5,000 incidents (opsdesk.dynamo.metered_reads counts them); analytics read one item per day."""

from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from tests.integration.copilot import CopilotCaller, register

SMALL, LARGE = 500, 5_000
SEVERITIES = ("critical", "high", "medium", "low", "info")
STATES = ("detected", "acknowledged", "investigating", "mitigated", "resolved")


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> list[ModuleType]:
    return [importlib.import_module(f"functions.{group}.handler")
            for group in ("copilot_auth", "copilot_session", "copilot_incidents", "copilot_analytics")]


def loaded_project(size: int, handlers: list[ModuleType]) -> CopilotCaller:
    """A new tenant whose current project holds `size` incidents, bulk-written as the repository writes them."""
    from opsdesk.copilot.items import RecordItem, incident_item
    from opsdesk.copilot.records import Incident, IncidentState, Severity

    owner = register(handlers)
    project_id = owner.get("/auth/me").body["project_id"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with RecordItem.batch_write() as batch:
        for n in range(size):
            at = start + timedelta(minutes=n)
            batch.save(incident_item(owner.tenant_id, Incident(
                id=str(uuid.uuid4()), project_id=project_id, title=f"incident {n}", description="",
                service_name=f"svc-{n % 7}", severity=Severity(SEVERITIES[n % 5]), state=IncidentState(STATES[n % 5]),
                detected_at=at, created_at=at, updated_at=at)))
    return owner


def items_read(caller: CopilotCaller, path: str) -> int:
    from opsdesk.dynamo import metered_reads

    with metered_reads() as meter:
        reply = caller.get(path)
    assert reply.status == 200, reply.body
    return meter.items


@pytest.mark.slow
def test_items_read_follow_skip_and_limit_not_the_incidents(handlers: list[ModuleType]) -> None:
    small, large = loaded_project(SMALL, handlers), loaded_project(LARGE, handlers)
    paths = ["/incidents", "/incidents?limit=100", "/incidents?skip=40&limit=20", "/incidents?severity=high",
             "/incidents?state=resolved", "/incidents?severity=low&state=mitigated&limit=50",
             "/analytics/token-usage", "/analytics/cost-summary?days=30"]

    for path in paths:
        small_reads, large_reads = items_read(small, path), items_read(large, path)

        assert large_reads == small_reads, (path, small_reads, large_reads)
    # the caller's user item, then the page itself (skip + limit items)
    assert items_read(large, "/incidents?skip=40&limit=20") == 1 + 60
    assert items_read(large, "/incidents?limit=100") == 1 + 100
