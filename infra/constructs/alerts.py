"""The alert path of the API map (opsdesk.apimap.ALERTS; docs/infra.md, "Alerts"): the opsdesk alerts bus, one
queue that rules on the default bus (one per `default_bus_events` pair) and on the opsdesk bus (its
`bus_sources`) deliver to, the consumer (`alert_ingest`) on that queue in batches with partial batch failures, and
one dead-letter queue for what the consumer keeps failing on and for what EventBridge could not deliver.

`grant_alerts_bus` is Capability.ALERTS_BUS: the bus's name in the function's settings and `events:PutEvents` on
that bus only."""

from __future__ import annotations

import re

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.functions import FunctionBasics, GroupFunction
from opsdesk.apimap import AlertPath
from opsdesk.settings import WebhookSettings

ALERTS_BUS_ENV = WebhookSettings.variable_name("alerts_bus_name")
TIMEOUT = Duration.seconds(60)
"""A batch of 10 events is a few DynamoDB transactions each (route lookup, the grouping decision, the copilot's and
the response module's effects): well under a second usually, seconds in a storm of conflicting decisions."""
VISIBILITY_TIMEOUT = Duration.seconds(6 * int(TIMEOUT.to_seconds()))
"""Lambda's rule for SQS event sources: at least six times the function's timeout, so a batch still being worked on
(or retried by the poller after throttling) does not become visible to another invocation."""
MAX_RECEIVE_COUNT = 5
"""Receives of one message before it moves to the dead-letter queue: a failure that five attempts, one visibility
timeout apart (about half an hour in all), did not clear is not transient."""
QUEUE_RETENTION = Duration.days(4)
TARGET_RETRY_ATTEMPTS = 185
TARGET_MAX_EVENT_AGE = Duration.hours(24)
"""EventBridge's own retry budget for delivering to the queue (its defaults, said explicitly); what still fails
goes to the dead-letter queue instead of being dropped."""


class AlertPathResources(Construct):
    """Bus, queue, dead-letter queue, rules and the consumer of one `AlertPath`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        path: AlertPath,
        name_prefix: str,
        basics: FunctionBasics,
    ) -> None:
        super().__init__(scope, construct_id)
        if not path.default_bus_events and not path.bus_sources:
            raise ValueError("the alert path takes no events: name default-bus events or bus sources")
        self.path = path
        self.bus_name = f"{name_prefix}-alerts"
        self.bus = events.EventBus(
            self, "Bus", event_bus_name=self.bus_name,
            description="opsdesk alerts: webhook deliveries for the alert path",
        )
        self.dead_letters = dead_letter_queue(
            self, "DeadLetters",
            "This queue is itself the dead-letter queue of the alerts queue and of the alert rules' targets; a "
            "dead-letter queue of a dead-letter queue would only move the same events again.",
        )
        self.queue = sqs.Queue(
            self, "Queue", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            visibility_timeout=VISIBILITY_TIMEOUT, retention_period=QUEUE_RETENTION,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=MAX_RECEIVE_COUNT),
        )
        target = targets.SqsQueue(
            self.queue, dead_letter_queue=self.dead_letters, retry_attempts=TARGET_RETRY_ATTEMPTS,
            max_event_age=TARGET_MAX_EVENT_AGE,
        )
        # One rule per (source, detail-type) pair: a single rule listing every source and every detail type would
        # also take their cross products (a CloudWatch event with an ECS detail type).
        self.default_bus_rules: list[events.Rule] = [
            events.Rule(
                self, f"DefaultBus{_pascal(source)}{_pascal(detail_type)}",
                description=f"opsdesk alerts: {detail_type} ({source}) from the default bus",
                event_pattern=events.EventPattern(source=[source], detail_type=[detail_type]),
                targets=[target],
            )
            for source, detail_type in path.default_bus_events
        ]
        self.bus_rule: events.Rule | None = None
        if path.bus_sources:
            self.bus_rule = events.Rule(
                self, "BusSources", event_bus=self.bus,
                description=f"opsdesk alerts: {', '.join(path.bus_sources)} from the opsdesk alerts bus",
                event_pattern=events.EventPattern(source=list(path.bus_sources)),
                targets=[target],
            )

        self.function = GroupFunction(
            self, _pascal(path.consumer.name), group=path.consumer, basics=basics, service_name=path.service_name,
            timeout=TIMEOUT,
        )
        self.function.function.add_event_source(sources.SqsEventSource(
            self.queue, batch_size=path.batch_size, report_batch_item_failures=True,
        ))

    @property
    def rules(self) -> list[events.Rule]:
        return [*self.default_bus_rules, *([self.bus_rule] if self.bus_rule else [])]


def grant_alerts_bus(function: GroupFunction, bus: events.IEventBus) -> None:
    """Capability.ALERTS_BUS: ALERTS_BUS_NAME and `events:PutEvents` on that one bus."""
    function.function.add_environment(ALERTS_BUS_ENV, bus.event_bus_name)
    function.role.add_to_policy(iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus.event_bus_arn]))


def _pascal(name: str) -> str:
    """`aws.cloudwatch` -> `AwsCloudwatch`, `alert_ingest` -> `AlertIngest`: a construct id."""
    return "".join(part.title() for part in re.split(r"[^A-Za-z0-9]+", name) if part)
