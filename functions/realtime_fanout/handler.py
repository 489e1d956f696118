"""realtime-fanout: new event-log items (EventsTable stream) posted to the WebSocket connections subscribed to
their stream, in their tenant, a page of subscribers per invocation (opsdesk.realtime.Fanout).

Two event sources feed it: the stream (a record's first page, whose invocation hands the pages after it to the
fan-out queue) and that queue (one page per message, batch size 1). Either way a record that fails is reported
alone (partial batch response) and retried."""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING, Any

from opsdesk.batches import BatchResponse, Record, inserted_image, partial_batch_response
from opsdesk.connections import ConnectionRegistry
from opsdesk.events import EVENT_SK_PREFIX, VOID_EVENT_TYPE, parse_stream_pk
from opsdesk.observability import logger
from opsdesk.queues import SqsSender
from opsdesk.realtime import POST_CONCURRENCY, Fanout, FanoutPage, FanoutReport, QueuedPages, event_message
from opsdesk.settings import CopilotSettings, RealtimeSettings, load_settings
from opsdesk.wsapi import ManagementApiPoster

if TYPE_CHECKING:
    from opsdesk.copilot.account_repository import AccountRepository

settings = load_settings(RealtimeSettings)
copilot_settings = load_settings(CopilotSettings)  # checked at start: a wrong table shows at once, not per record
if not settings.management_url:
    raise RuntimeError("WEBSOCKET_MANAGEMENT_URL is required: the fan-out has no request to take it from")
if not settings.fanout_queue_url:
    raise RuntimeError("REALTIME_FANOUT_QUEUE_URL is required: the pages of an audience beyond one go through it")


class ProjectMembersOnFirstUse:
    """The copilot's project members (a project stream reaches them only), read through its store, made on the
    first project event: most events are other modules'."""

    @cached_property
    def _accounts(self) -> AccountRepository:
        from opsdesk.copilot.account_repository import AccountRepository  # noqa: PLC0415 - first project event only

        return AccountRepository(settings=copilot_settings)

    def following(self, tenant_id: str, project_id: str, user_ids: Collection[str]) -> frozenset[str]:
        return self._accounts.following(tenant_id, project_id, user_ids)


registry = ConnectionRegistry()
poster = ManagementApiPoster(settings.management_url, settings.aws_region, max_pool_connections=POST_CONCURRENCY)
fanout = Fanout(registry, poster, QueuedPages(SqsSender(settings.fanout_queue_url, region=settings.aws_region,
                                                        endpoint_url=settings.aws_endpoint_url)),
                ProjectMembersOnFirstUse())


def handle_record(record: Record) -> None:
    image = inserted_image(record)
    if not image:
        return
    if not str(image.get("sk", "")).startswith(EVENT_SK_PREFIX):
        return  # a stream head moving
    if image.get("type") == VOID_EVENT_TYPE:
        return  # a number whose event was never written
    tenant_id, stream = parse_stream_pk(str(image["pk"]))
    message = event_message(image, stream)
    audience = image.get("audience")
    _log(fanout.deliver(FanoutPage(tenant_id, stream, message, str(audience) if audience else None, walks=True)))


def handle_page(record: Record) -> None:
    _log(fanout.deliver(FanoutPage.from_body(json.loads(record["body"]))))


def _log(report: FanoutReport) -> None:
    if report.retried:
        logger.warning("fan-out posts failed; queued a retry page", extra={
            "retried": len(report.retried), "delivered": report.delivered, "error": repr(report.errors[0])})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> BatchResponse:
    records = event.get("Records") or []
    from_queue = bool(records) and records[0].get("eventSource") == "aws:sqs"
    return partial_batch_response(event, handle_page if from_queue else handle_record)
