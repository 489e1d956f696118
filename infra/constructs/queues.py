"""Work queues of the API map (opsdesk.apimap.QueueConsumer): a module's function fed by a queue of its own, which
the module's groups that declare Capability.MODULE_QUEUE send to (the aura agent's kicks). The queue has a
dead-letter queue; the event-source mapping reports failed messages one by one (ReportBatchItemFailures), so one
failing message does not bring back its batch.

`grant_module_queue` is Capability.MODULE_QUEUE: the queue's URL in the setting the consumer names and
`sqs:SendMessage` on that queue only."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.functions import GroupFunction
from opsdesk.apimap import QueueConsumer

QUEUE_RETENTION = Duration.days(4)
VISIBILITY_FACTOR = 6
"""Lambda's rule for SQS event sources: a visibility timeout of at least six times the function's timeout, so a
message still being worked on (or retried by the poller after throttling) does not reach another invocation."""

WHEN_MESSAGES_FAIL: dict[str, str] = {
    "aura_agent": "Each message is a kick naming a ticket and its run; the ticket stays held until its lease runs "
                  "out (AURA_RUN_LEASE_SECONDS), then POST /run starts it again from its checkpoint. Nothing to "
                  "replay: once the cause is fixed, purge the queue.",
}
"""Per consumer: what is lost when messages land in the dead-letter queue and how to recover (its alarm's text).
QueueConsumer carries no such text yet (ScheduledJob.when_runs_fail does); a consumer missing here gets the
generic text."""
GENERIC_REMEDY = ("Each message is one the consumer failed on after its retries: fix the cause, then move the "
                  "messages back to the queue (aws sqs start-message-move-task) or purge them.")


def dead_letter_texts(consumer: QueueConsumer) -> tuple[str, str]:
    """(lost, remedy) for the consumer's AsyncFailureAlarms."""
    lost = f"messages {consumer.group.name} failed on {consumer.max_receives} times ({consumer.purpose})"
    return lost, WHEN_MESSAGES_FAIL.get(consumer.group.name, GENERIC_REMEDY)


class QueueConsumerFunction(Construct):
    """The consumer's function (ModuleApi.add_function: its tables and capabilities like any group), its queue, the
    queue's dead-letter queue, and the event-source mapping between them."""

    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, consumer: QueueConsumer) -> None:
        super().__init__(scope, construct_id)
        if consumer.group.resources:
            raise ValueError(f"{consumer.group.name}: a queue consumer has no routes")
        timeout = Duration.seconds(consumer.timeout_seconds)
        self.consumer = consumer
        self.function = api.add_function(consumer.group, scope=self, timeout=timeout)
        self.dead_letters = dead_letter_queue(
            self, "DeadLetters",
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


def grant_module_queue(function: GroupFunction, queue: sqs.IQueue, setting: str) -> None:
    """Capability.MODULE_QUEUE: the queue's URL in `setting` and sqs:SendMessage on that queue only (the queue is
    SQS-managed encryption: no key to grant)."""
    function.function.add_environment(setting, queue.queue_url)
    function.role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn]))
