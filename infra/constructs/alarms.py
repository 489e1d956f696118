"""Alarms on asynchronous failures (docs/infra.md, "Alarms").

- `AlarmTopic` (platform stack): the one SNS topic per stage every alarm notifies, with an optional email
  subscription. It is encrypted with a key of its own, not the AWS-managed `alias/aws/sns`: CloudWatch publishes
  to an encrypted topic only when the key's policy admits `cloudwatch.amazonaws.com`, and the AWS-managed key's
  policy cannot be changed, so alarms would deploy and then notify nobody. Publishing needs TLS.
- `AsyncFailureAlarms` (each stack that owns a dead-letter queue): for one asynchronously invoked function, an
  alarm as soon as anything sits in its dead-letter queue (something was lost after every retry) and one when an
  invocation fails at all (the retries may still save it).

Every alarm is named `<resource prefix>-...`, which is what the topic's policy lets CloudWatch publish for."""

from __future__ import annotations

from aws_cdk import ArnFormat, Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.functions import GroupFunction

CLOUDWATCH = "cloudwatch.amazonaws.com"
PERIOD = Duration.minutes(5)
# One message in a dead-letter queue is already one loss: alarm at the first.
DEAD_LETTER_THRESHOLD = 1


def alarm_name(name_prefix: str, *parts: str) -> str:
    """`opsdesk-<stage>-realtime-fanout-dead-letters`: the prefix the topic's policy admits, then what it watches."""
    return "-".join((name_prefix, *(part.replace("_", "-") for part in parts)))


class AlarmTopic(Construct):
    """`<prefix>-alarms`: SSE with its own rotating KMS key, TLS-only publishing, CloudWatch alarms of this account
    named `<prefix>-*` may publish; `email`, when given, is subscribed (AWS mails it a confirmation link first)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, name_prefix: str, email: str | None,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.topic_name = f"{name_prefix}-alarms"
        # The ARN from the fixed name, not a Ref: the key's policy names the topic, and the topic names the key.
        topic_arn = stack.format_arn(service="sns", resource=self.topic_name)
        self.alarm_arns = stack.format_arn(
            service="cloudwatch", resource="alarm", resource_name=alarm_name(name_prefix, "*"),
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.key = kms.Key(
            self, "Key", description=f"opsdesk {self.topic_name}: encrypts alarm notifications at rest",
            enable_key_rotation=True, removal_policy=removal_policy,
        )
        # CloudWatch asks SNS to encrypt each notification with this key; SNS names the topic in the encryption
        # context, so the grant holds for this topic only.
        self.key.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchAlarmsEncryptForTheAlarmTopic",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            conditions={"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn}},
        ))
        self.topic = sns.Topic(
            self, "Topic", topic_name=self.topic_name, display_name=f"opsdesk {name_prefix} alarms",
            master_key=self.key, enforce_ssl=True,
        )
        # The topic policy CDK writes for enforce_ssl replaces SNS's default one, so CloudWatch is named here: alarms
        # of this account whose names carry the prefix (confused-deputy guard), nothing else.
        self.topic.add_to_resource_policy(iam.PolicyStatement(
            sid="CloudWatchAlarmsOfThisStage",
            principals=[iam.ServicePrincipal(CLOUDWATCH)],
            actions=["sns:Publish"],
            resources=[self.topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                "ArnLike": {"aws:SourceArn": self.alarm_arns},
            },
        ))
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))


class AsyncFailureAlarms(Construct):
    """Two alarms on one asynchronously invoked function, both notifying `topic`:

    - `<prefix>-<function>-dead-letters`: `ApproximateNumberOfMessagesVisible` of its dead-letter queue, maximum
      over 5 minutes >= 1. It stays in ALARM until the queue is emptied, so it notifies once per incident.
    - `<prefix>-<function>-errors`: the function's `Errors`, sum over 5 minutes > 0.

    Missing data is not breaching: an idle queue or function reports nothing. `lost` says what a message in the
    queue stands for, `remedy` what to do about it; both go into the descriptions with the queue and the log
    group, so the notification alone says where to look."""

    def __init__(
        self, scope: Construct, construct_id: str, *, name_prefix: str, function_name: str,
        function: GroupFunction, dead_letters: sqs.IQueue, topic: sns.ITopic, lost: str, remedy: str,
    ) -> None:
        super().__init__(scope, construct_id)
        action = actions.SnsAction(topic)
        logs = function.log_group.log_group_name
        self.dead_letters = cloudwatch.Alarm(
            self, "DeadLetters",
            alarm_name=alarm_name(name_prefix, function_name, "dead-letters"),
            alarm_description=(
                f"{function_name} has messages in its dead-letter queue {dead_letters.queue_name}: {lost}. Why "
                f"they failed: the function's log group {logs}. {remedy}"
            ),
            metric=dead_letters.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
            threshold=DEAD_LETTER_THRESHOLD,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.errors = cloudwatch.Alarm(
            self, "Errors",
            alarm_name=alarm_name(name_prefix, function_name, "errors"),
            alarm_description=(
                f"{function_name}: an invocation failed (an exception or a timeout) in the last 5 minutes. Details: "
                f"the function's log group {logs}. What still fails after the retries goes to the dead-letter queue "
                f"{dead_letters.queue_name}, which has its own alarm."
            ),
            metric=function.function.metric_errors(period=PERIOD, statistic="Sum"),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        for alarm in (self.dead_letters, self.errors):
            alarm.add_alarm_action(action)
