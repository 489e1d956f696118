"""response-analysis: fed by the IncidentsTable's stream (only the inserts of `response.analysis_requested` items:
the event-source mapping filters them, opsdesk.apimap.RESPONSE.stream_consumers), analyses each incident once its
burst of events has ended (opsdesk.response.analyst). A record that fails is reported alone (partial batch
response) and retried; analysing twice only adds what is new, so a retry is harmless."""

from __future__ import annotations

import time
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


ANALYSES_RESERVE_SECONDS = 90.0
"""What a batch keeps of its invocation's time for the analyses themselves; the waits for a quiet moment share the
rest. Each record may wait up to a minute, one after another: ten incidents still receiving events waited 600 s
in a review, against the function's 300 s timeout (infra/constructs/streams.py)."""


def handle_record(record: Record, wait_until: float) -> None:
    """`wait_until`: the monotonic time by which the record's wait for a quiet moment must end."""
    image = inserted_image(record)
    if not image:
        return
    if image.get("type") != ANALYSIS_REQUESTED:
        return
    tenant_id, incident_id = str(image["tenantId"]), str(image["incidentId"])
    analysis = analyst.run(tenant_id, incident_id, wait_at_most=wait_until - time.monotonic())
    logger.info("incident analysed", extra={"incident_id": incident_id,
                                            "cause": analysis.cause if analysis else None})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    wait_until = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - ANALYSES_RESERVE_SECONDS
    return partial_batch_response(event, lambda record: handle_record(record, wait_until))
