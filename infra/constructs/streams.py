"""Stream consumers of the API map (opsdesk.apimap.StreamConsumer): a module's function fed by a table's DynamoDB
stream through an event-source mapping that passes only new event-log items of the consumer's event types (the
copilot's hypothesis ranker gets `incident.created`), in small batches, failed records reported one by one and
retried, then parked in a dead-letter queue.

The table's stream is the platform stack's: its ARN reaches the module stack as a CloudFormation import of the
table's `StreamArn`, as it reaches the realtime stack's fan-out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.dead_letters import dead_letter_queue
from opsdesk.apimap import ApiModule, StreamConsumer, WebSocketApi
from opsdesk.apimodel import STREAM_CONSUMER_TIMEOUT_SECONDS
from opsdesk.tables import EVENTS_TABLE

BATCH_SIZE = 10
RETRY_ATTEMPTS = 3
"""Retries of a failing batch (bisected, so the failing record ends up alone), then its place goes to the DLQ."""
TIMEOUT = Duration.seconds(STREAM_CONSUMER_TIMEOUT_SECONDS)
"""A batch of 10 incidents ranks in milliseconds offline and in seconds on Bedrock; one Bedrock call may take up to
(5 s connect + 60 s read) x 3 attempts (opsdesk.analysis.providers), which must fit with room to spare. A batch
that still times out fails as a whole and is bisected like any other failure."""
MAX_READERS_PER_STREAM = 2
"""DynamoDB Streams serves at most two concurrent readers per shard before it throttles them (the event log's
stream feeds the realtime fan-out and the copilot's hypothesis ranker): a third reader needs a fan-out of its own
(EventBridge Pipes or Kinesis), not another event-source mapping."""


def stream_readers(modules: Iterable[ApiModule], realtime: WebSocketApi) -> dict[str, list[str]]:
    """Table logical id -> the functions reading its stream: the realtime fan-out, then every module's consumers."""
    readers: dict[str, list[str]] = {EVENTS_TABLE.logical_id: [realtime.fanout_function]}
    for module in modules:
        for consumer in module.stream_consumers:
            readers.setdefault(consumer.table, []).append(consumer.group.name)
    return readers


def check_stream_readers(readers: Mapping[str, Sequence[str]]) -> None:
    """Synth stops when a stream would have more readers than DynamoDB Streams serves without throttling."""
    crowded = {table: list(names) for table, names in readers.items() if len(names) > MAX_READERS_PER_STREAM}
    if crowded:
        raise ValueError(f"more than {MAX_READERS_PER_STREAM} readers of one DynamoDB stream (throttled): {crowded}; "
                         "fan the stream out once (EventBridge Pipes, Kinesis) instead of adding mappings")


class StreamConsumerFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, consumer: StreamConsumer,
                 table: dynamodb.ITable) -> None:
        super().__init__(scope, construct_id)
        if not consumer.event_types:
            raise ValueError(f"{consumer.group.name}: a stream consumer names the event types it is given")
        if table.table_stream_arn is None:
            raise ValueError(f"{consumer.group.name}: {consumer.table} has no stream (TableDefinition.stream)")
        self.function = api.add_function(consumer.group, scope=self, timeout=TIMEOUT)
        self.dead_letters = dead_letter_queue(
            self, "DeadLetters",
            "This queue is itself the dead-letter destination of the stream mapping; a dead-letter queue of a "
            "dead-letter queue would only move the same records again.",
        )
        self.function.function.add_event_source(sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.LATEST,
            batch_size=BATCH_SIZE,
            bisect_batch_on_error=True,
            retry_attempts=RETRY_ATTEMPTS,
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(self.dead_letters),
            filters=[event_filter(consumer.event_types)],
        ))


def event_filter(event_types: Sequence[str]) -> Mapping[str, Any]:
    """New items whose `type` is one of `event_types`: the local stack's StreamDelivery applies the same rule."""
    return lambda_.FilterCriteria.filter({
        "eventName": lambda_.FilterRule.is_equal("INSERT"),
        "dynamodb": {"NewImage": {"type": {"S": lambda_.FilterRule.or_(*event_types)}}},
    })
