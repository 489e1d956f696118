"""An alert storm through the alert path's consumer (`make bench` section 9): N alerts over K distinct dedup keys,
PagerDuty-shaped events on the opsdesk bus routed to one project by its integration, handed to alert_ingest in SQS
batches of ALERTS.batch_size as the event source hands them. Reports incidents opened, alerts per second through
the function, and DynamoDB items written per alert."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from opsdesk.apimap import ALERTS
from scripts.benchlib.response import counted_writes

CONCURRENCY = 8


@dataclass
class StormResult:
    alerts: int
    keys: int
    seconds: float
    incidents_opened: int
    items_written: int

    @property
    def per_second(self) -> float:
        return self.alerts / self.seconds if self.seconds else 0.0

    @property
    def items_per_alert(self) -> float:
        return self.items_written / self.alerts if self.alerts else 0.0


def storm_project() -> tuple[str, str, str]:
    """A fresh tenant whose project has a PagerDuty integration: (tenant, project, integration)."""
    from opsdesk.copilot.records import Integration, Member, Project, Role, Tenant, User
    from opsdesk.copilot.repository import CopilotRepository

    tenant_id, user_id, project_id, integration_id = (str(uuid.uuid4()) for _ in range(4))
    now = datetime.now(UTC)
    repository = CopilotRepository()
    repository.create_tenant(
        Tenant(tenant_id, "Storm", f"storm-{tenant_id[:8]}", now),
        User(user_id, tenant_id, f"{user_id}@storm.test", "Owner", project_id, {project_id: Role.OWNER}),
        Project(project_id, tenant_id, "Production", "", now, now),
        Member(project_id, user_id, f"{user_id}@storm.test", "Owner", Role.OWNER, now))
    repository.save_integration(tenant_id, Integration(integration_id, project_id, "pagerduty", "Storm", {}, None, (),
                                                       True, now, now), create=True)
    return tenant_id, project_id, integration_id


def _event(integration_id: str, key: int, n: int) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "source": "opsdesk.alerts", "detail-type": "Alert",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "account": "123456789012",
            "region": "us-east-1", "resources": [],
            "detail": {"routing_key": "storm", "event_action": "trigger", "dedup_key": f"storm-{key}",
                       "integration_id": integration_id,
                       "payload": {"summary": f"Storm alert {key}", "source": f"svc-{key}", "severity": "error",
                                   "custom_details": {"delivery": n}}}}


def measure(alerts: int, keys: int, concurrency: int = CONCURRENCY) -> StormResult:
    """`concurrency` invocations at a time, as the SQS event source scales out over a backlog."""
    from functions.alert_ingest import handler
    from scripts.local.gateway import LambdaContext

    tenant_id, project_id, integration_id = storm_project()
    context = LambdaContext("opsdesk-alert-ingest", "us-east-1")

    def invoke(start: int) -> None:
        records = [{"messageId": str(uuid.uuid4()), "receiptHandle": "bench", "eventSource": "aws:sqs",
                    "body": json.dumps(_event(integration_id, n % keys, n)), "attributes": {},
                    "messageAttributes": {}, "md5OfBody": "", "awsRegion": "us-east-1",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:bench"}
                   for n in range(start, min(alerts, start + ALERTS.batch_size))]
        result = handler.lambda_handler({"Records": records}, context)
        if result.get("batchItemFailures"):
            raise RuntimeError(f"alert_ingest failed {len(result['batchItemFailures'])} messages of a batch")

    started = time.perf_counter()
    with counted_writes() as counts, ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(invoke, range(0, alerts, ALERTS.batch_size)))
    seconds = time.perf_counter() - started
    opened = _incidents(tenant_id, project_id)
    return StormResult(alerts, keys, seconds, opened, counts["batch_items"] + counts["transaction_items"])


def _incidents(tenant_id: str, project_id: str) -> int:
    """Copilot incidents the storm opened (one Query; a storm of K keys over one service window opens few)."""
    from opsdesk.copilot.records import IncidentFilters
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.pagination import OffsetRequest

    return len(CopilotRepository().query_incidents(tenant_id, project_id, IncidentFilters(), OffsetRequest(0, 100)))
