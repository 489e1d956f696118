"""Work queues of the API map (opsdesk.apimap.QueueConsumer): a module's function fed by a queue of its own, which
the module's groups that declare Capability.MODULE_QUEUE send to (the aura agent's kicks). The queue has a
dead-letter queue; the event-source mapping reports failed messages one by one, so one failing kick does not bring
back its batch."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge
from opsdesk.apimap import QueueConsumer

DEAD_LETTER_RETENTION = Duration.days(14)
QUEUE_RETENTION = Duration.days(4)
VISIBILITY_FACTOR = 6
"""Lambda's rule for SQS event sources: a visibility timeout of at least six times the function's timeout."""


class QueueConsumerFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, consumer: QueueConsumer) -> None:
        super().__init__(scope, construct_id)
        timeout = Duration.seconds(consumer.timeout_seconds)
        self.consumer = consumer
        self.function = api.add_function(consumer.group, scope=self, timeout=timeout)
        self.dead_letters = sqs.Queue(
            self, "DeadLetters", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
        )
        acknowledge(
            self.dead_letters, "SQS3",
            "This queue is itself the dead-letter queue of the work queue; a dead-letter queue of a dead-letter "
            "queue would only move the same messages again.",
        )
        self.queue = sqs.Queue(
            self, "Queue", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            visibility_timeout=Duration.seconds(VISIBILITY_FACTOR * consumer.timeout_seconds),
            retention_period=QUEUE_RETENTION,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=consumer.max_receives),
        )
        self.function.function.add_event_source(sources.SqsEventSource(
            self.queue, batch_size=consumer.batch_size, report_batch_item_failures=True,
        ))


def grant_module_queue(function: GroupFunction, made: QueueConsumerFunction) -> None:
    """Capability.MODULE_QUEUE: the queue's URL in the consumer's setting and sqs:SendMessage on that queue only."""
    function.function.add_environment(made.consumer.queue_url_setting, made.queue.queue_url)
    function.role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[made.queue.queue_arn]))
