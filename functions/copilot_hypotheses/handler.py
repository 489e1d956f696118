"""copilot-hypotheses: fed by the event log's stream (the copilot's `incident.created` and `hypotheses.requested`
events only: the event-source mapping filters them, opsdesk.apimap.COPILOT.stream_consumers), ranks hypotheses for
each new incident, and again when an alert joins one (opsdesk.copilot.hypotheses). A record that fails is
reported alone (partial batch response) and retried; Lambda then delivers the batch again from that record, so
records that succeeded come again: each event is ranked for once (its marker is written with the hypotheses, by the
event log item's stream and sort key), and a redelivered one changes and counts nothing."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.analysis.providers import hypothesis_provider
from opsdesk.batches import BatchResponse, Record, inserted_image, partial_batch_response
from opsdesk.copilot.hypotheses import HypothesisService
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.eventlog import EventLog
from opsdesk.events import EVENT_SK_PREFIX, PROJECT_SCOPE_SEPARATOR, RANKING_CHANNEL, parse_stream_pk
from opsdesk.observability import logger
from opsdesk.settings import HypothesisSettings, load_settings

settings = load_settings(HypothesisSettings)
service = HypothesisService(CopilotRepository(EventLog()), hypothesis_provider(settings))
WANTED = {"incident.created": "incidents", "hypotheses.requested": RANKING_CHANNEL}
"""The event types ranked for, and the channel each comes on."""


def handle_record(record: Record) -> None:
    image = inserted_image(record)
    if not image:
        return
    kind = str(image.get("type", ""))
    if not str(image.get("sk", "")).startswith(EVENT_SK_PREFIX) or kind not in WANTED:
        return
    tenant_id, stream = parse_stream_pk(str(image["pk"]))
    channel, _, project_id = stream.partition(PROJECT_SCOPE_SEPARATOR)
    if channel != WANTED[kind] or not project_id:
        return
    incident_id = str(json.loads(str(image["data"]))["id"])
    hypotheses = service.generate(tenant_id, project_id, incident_id, event_key=f"{stream}#{image['sk']}")
    logger.info("hypotheses ranked", extra={"incident_id": incident_id, "count": len(hypotheses)})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    return partial_batch_response(event, handle_record)
