"""realtime-fanout: new event-log items (EventsTable stream) posted to the WebSocket connections subscribed to
their stream, in their tenant. A record that fails is reported alone (partial batch response) and retried."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from opsdesk.connections import ConnectionRegistry
from opsdesk.events import EVENT_SK_PREFIX, VOID_EVENT_TYPE, parse_stream_pk
from opsdesk.observability import logger
from opsdesk.realtime import event_message, fan_out
from opsdesk.settings import RealtimeSettings, load_settings
from opsdesk.wsapi import ManagementApiPoster

settings = load_settings(RealtimeSettings)
if not settings.management_url:
    raise RuntimeError("WEBSOCKET_MANAGEMENT_URL is required: the fan-out has no request to take it from")
registry = ConnectionRegistry()
poster = ManagementApiPoster(settings.management_url, settings.aws_region)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


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
    fan_out(registry, poster, tenant_id, stream, message, audience=str(audience) if audience else None)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=handle_record, processor=processor,
                                         context=context))
