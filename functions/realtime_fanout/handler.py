"""realtime-fanout: new event-log items (EventsTable stream) posted to the WebSocket connections subscribed to
their stream, in their tenant, a page of subscribers per invocation (opsdesk.realtime.Fanout).

Two event sources feed it: the stream (a record's first page, whose invocation hands the pages after it to the
fan-out queue) and that queue (one page per message, batch size 1). Either way a record that fails is reported
alone (partial batch response) and retried."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from opsdesk.connections import ConnectionRegistry
from opsdesk.events import EVENT_SK_PREFIX, VOID_EVENT_TYPE, parse_stream_pk
from opsdesk.observability import logger
from opsdesk.queues import SqsSender
from opsdesk.realtime import POST_CONCURRENCY, Fanout, FanoutPage, FanoutReport, QueuedPages, event_message
from opsdesk.settings import RealtimeSettings, load_settings
from opsdesk.wsapi import ManagementApiPoster

settings = load_settings(RealtimeSettings)
if not settings.management_url:
    raise RuntimeError("WEBSOCKET_MANAGEMENT_URL is required: the fan-out has no request to take it from")
if not settings.fanout_queue_url:
    raise RuntimeError("REALTIME_FANOUT_QUEUE_URL is required: the pages of an audience beyond one go through it")
registry = ConnectionRegistry()
poster = ManagementApiPoster(settings.management_url, settings.aws_region, max_pool_connections=POST_CONCURRENCY)
fanout = Fanout(registry, poster, QueuedPages(SqsSender(settings.fanout_queue_url, region=settings.aws_region,
                                                        endpoint_url=settings.aws_endpoint_url)))
stream_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
page_processor = BatchProcessor(event_type=EventType.SQS)


def handle_record(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    if record.event_name is None or record.event_name.name != "INSERT" or not image:
        return
    if not str(image.get("sk", "")).startswith(EVENT_SK_PREFIX):
        return  # a stream head moving
    if image.get("type") == VOID_EVENT_TYPE:
        return  # a number whose event was never written
    tenant_id, stream = parse_stream_pk(str(image["pk"]))
    message = event_message(image, stream)
    audience = image.get("audience")
    _log(fanout.deliver(FanoutPage(tenant_id, stream, message, str(audience) if audience else None, walks=True)))


def handle_page(record: SQSRecord) -> None:
    _log(fanout.deliver(FanoutPage.from_body(record.json_body)))


def _log(report: FanoutReport) -> None:
    if report.retried:
        logger.warning("fan-out posts failed; queued a retry page", extra={
            "retried": len(report.retried), "delivered": report.delivered, "error": repr(report.errors[0])})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records") or []
    if records and records[0].get("eventSource") == "aws:sqs":
        return dict(process_partial_response(event=event, record_handler=handle_page, processor=page_processor,
                                             context=context))
    return dict(process_partial_response(event=event, record_handler=handle_record, processor=stream_processor,
                                         context=context))
