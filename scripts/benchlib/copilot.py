"""Copilot items read per list request at two project sizes (`make bench` section 3, and
tests/integration/test_copilot_reads_scale.py): incidents are bulk-written as the repository writes them, then each
list, filter combination and analytics route is called in process and its DynamoDB reads counted."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdesk.dynamo import metered_reads

BASE = "/copilot/api/v1"
SEVERITIES = ("critical", "high", "medium", "low", "info")
STATES = ("detected", "acknowledged", "investigating", "mitigated", "resolved")
REQUESTS = (
    ("incidents, first page (10)", "/incidents"),
    ("incidents, limit=100", "/incidents?limit=100"),
    ("incidents, skip=40&limit=20", "/incidents?skip=40&limit=20"),
    ("incidents, severity=high", "/incidents?severity=high"),
    ("incidents, state=resolved", "/incidents?state=resolved"),
    ("incidents, severity+state, limit=50", "/incidents?severity=low&state=mitigated&limit=50"),
    ("analytics token-usage (7 days)", "/analytics/token-usage"),
    ("analytics cost-summary (30 days)", "/analytics/cost-summary?days=30"),
)


@dataclass
class LoadedProject:
    tenant_id: str
    user_id: str
    project_id: str
    size: int
    load_seconds: float


def load_project(size: int) -> LoadedProject:
    """A fresh tenant whose owner's current project holds `size` incidents (batch writes of the repository's items)."""
    from opsdesk.copilot.items import RecordItem, incident_item
    from opsdesk.copilot.records import Incident, IncidentState, Member, Project, Role, Severity, Tenant, User
    from opsdesk.copilot.repository import CopilotRepository

    started = time.perf_counter()
    tenant_id, user_id, project_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC)
    CopilotRepository().create_tenant(
        Tenant(tenant_id, "Bench", f"bench-{tenant_id[:8]}", now),
        User(user_id, tenant_id, f"{user_id}@bench.test", "Bench", project_id, {project_id: Role.OWNER}),
        Project(project_id, tenant_id, "Bench", "", now, now),
        Member(project_id, user_id, f"{user_id}@bench.test", "Bench", Role.OWNER, now))
    start = now - timedelta(minutes=size)
    with RecordItem.batch_write() as batch:
        for n in range(size):
            at = start + timedelta(minutes=n)
            batch.save(incident_item(tenant_id, Incident(
                id=str(uuid.uuid4()), project_id=project_id, title=f"incident {n}", description="",
                service_name=f"svc-{n % 7}", severity=Severity(SEVERITIES[n % 5]),
                state=IncidentState(STATES[n % 5]), detected_at=at, created_at=at, updated_at=at)))
    return LoadedProject(tenant_id, user_id, project_id, size, time.perf_counter() - started)


def measure(call: Any) -> dict[str, int]:
    """`call(path)` makes one GET of a copilot path (full, under BASE) and checks it answered 200."""
    found = {}
    for name, path in REQUESTS:
        with metered_reads() as meter:
            call(BASE + path)
        found[name] = meter.items
    return found


def as_rows(measured: list[dict[str, int]]) -> list[list[Any]]:
    return [[name, *(m[name] for m in measured), f"{measured[-1][name] / max(measured[0][name], 1):.2f}x"]
            for name, _ in REQUESTS]
