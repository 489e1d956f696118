"""alert-ingest: the alert path's consumer (opsdesk.apimap.ALERTS), fed by the alerts queue in batches. Each
message is one EventBridge event (a CloudWatch alarm, a deployment, a webhook delivery) applied by
opsdesk.alerts.consumer. A message that fails is reported alone (partial batch response) and retried, then goes to
the dead-letter queue; a payload that cannot be read is logged and dropped (retrying cannot make it readable)."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.alerts.consumer import AlertConsumer
from opsdesk.alerts.ingest import AlertIngest
from opsdesk.alerts.records import AlertPayloadError
from opsdesk.alerts.repository import AlertGroupRepository
from opsdesk.alerts.routes import RouteRepository
from opsdesk.batches import BatchResponse, Record, partial_batch_response
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.eventlog import EventLog
from opsdesk.observability import logger
from opsdesk.response.repository import ResponseRepository
from opsdesk.response.service import ResponseService
from opsdesk.settings import AlertIngestSettings, load_settings

settings = load_settings(AlertIngestSettings)
events = EventLog()
copilot = CopilotRepository(events, settings)
ingest = AlertIngest(AlertGroupRepository(settings), copilot, ResponseService(ResponseRepository(events, settings)))
consumer = AlertConsumer(RouteRepository(settings, cache_seconds=settings.route_cache_seconds), ingest, copilot)


def handle_record(record: Record) -> None:
    event = json.loads(record["body"])
    try:
        happened = consumer.handle(event)
    except AlertPayloadError as exc:
        logger.error("alert payload dropped", extra={"event_id": event.get("id"), "source": event.get("source"),
                                                     "field": exc.field, "problem": exc.message})
        return
    logger.info("alert event applied", extra={"event_id": event.get("id"), "outcomes": dict(happened)})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    return partial_batch_response(event, handle_record)
