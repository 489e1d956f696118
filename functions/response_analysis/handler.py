"""response-analysis: fed by the IncidentsTable's stream (only the inserts of `response.analysis_requested` items:
the event-source mapping filters them, opsdesk.apimap.RESPONSE.stream_consumers), analyses each incident once its
burst of events has ended (opsdesk.response.analyst). A record that fails is reported alone (partial batch
response) and retried; analysing twice only adds what is new, so a retry is harmless."""

from __future__ import annotations

from typing import Any

from opsdesk.analysis.providers import hypothesis_provider
from opsdesk.batches import BatchResponse, Record, inserted_image, partial_batch_response
from opsdesk.eventlog import EventLog
from opsdesk.observability import logger
from opsdesk.response.analyst import AnalysisService
from opsdesk.response.repository import ANALYSIS_REQUESTED, ResponseRepository
from opsdesk.settings import ResponseAnalysisSettings, load_settings

settings = load_settings(ResponseAnalysisSettings)
analyst = AnalysisService(ResponseRepository(EventLog(), settings), hypothesis_provider(settings),
                          quiet_seconds=settings.quiet_seconds, max_wait_seconds=settings.max_wait_seconds)


def handle_record(record: Record) -> None:
    image = inserted_image(record)
    if not image:
        return
    if image.get("type") != ANALYSIS_REQUESTED:
        return
    tenant_id, incident_id = str(image["tenantId"]), str(image["incidentId"])
    analysis = analyst.run(tenant_id, incident_id)
    logger.info("incident analysed", extra={"incident_id": incident_id,
                                            "cause": analysis.cause if analysis else None})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    return partial_batch_response(event, handle_record)
