"""Stream consumers of the API map (opsdesk.apimap.StreamConsumer): a module's function fed by a table's DynamoDB
stream through an event-source mapping that passes only new event-log items of the consumer's event types (the
copilot's hypothesis ranker gets `incident.created`), in small batches, failed records reported one by one and
retried, then parked in a dead-letter queue."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.nag import acknowledge
from opsdesk.apimap import StreamConsumer

BATCH_SIZE = 10
RETRY_ATTEMPTS = 3
TIMEOUT = Duration.seconds(60)
"""A batch of 10 incidents, each ranked in milliseconds offline or a few seconds on Bedrock."""


class StreamConsumerFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, consumer: StreamConsumer,
                 table: dynamodb.ITable) -> None:
        super().__init__(scope, construct_id)
        self.function = api.add_function(consumer.group, scope=self, timeout=TIMEOUT)
        self.dead_letters = sqs.Queue(
            self, "DeadLetters", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        acknowledge(
            self.dead_letters, "SQS3",
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
            filters=[lambda_.FilterCriteria.filter({
                "eventName": lambda_.FilterRule.is_equal("INSERT"),
                "dynamodb": {"NewImage": {"type": {"S": lambda_.FilterRule.or_(*consumer.event_types)}}},
            })],
        ))
