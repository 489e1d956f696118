"""Scheduled functions (`ScheduledJob`s in the API map): the function, an EventBridge Scheduler schedule that
invokes it asynchronously on its rate, and one dead-letter queue for both failed deliveries and failed runs.

Delivery failures are retried twice within one period, then dead-lettered; a run that fails is not retried by
Lambda (the next period's run repeats its work) and lands in the same queue."""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.dead_letters import dead_letter_queue
from opsdesk.apimap import ScheduledJob

RETRY_ATTEMPTS = 2


def rate_expression(minutes: int) -> str:
    """An EventBridge Scheduler rate: `rate(1 minute)`, `rate(5 minutes)` (the unit must agree with the value)."""
    return f"rate({minutes} {'minute' if minutes == 1 else 'minutes'})"


class ScheduledFunction(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, job: ScheduledJob,
                 name_prefix: str) -> None:
        super().__init__(scope, construct_id)
        if job.every_seconds % 60 or job.run_seconds <= 0:
            raise ValueError(f"{job.group.name}: Scheduler rates are whole minutes")
        period = Duration.seconds(job.every_seconds)
        self.function = api.add_function(job.group, scope=self, timeout=Duration.seconds(job.run_seconds))
        self.dead_letters = dead_letter_queue(
            self, "DeadLetters",
            f"This queue is itself the dead-letter queue of the {job.group.name} schedule and the on-failure "
            "destination of its runs; a dead-letter queue of a dead-letter queue would only move them again.",
        )
        # A run that could not start within one period is superseded by the next one.
        self.function.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letters), retry_attempts=0, max_event_age=period,
        )
        self.schedule_name = f"{name_prefix}-{job.group.name.replace('_', '-')}"
        schedule_arn = (f"arn:{Aws.PARTITION}:scheduler:{Aws.REGION}:{Aws.ACCOUNT_ID}:schedule/default/"
                        f"{self.schedule_name}")
        # The schedule's own role: invoke this one function (unqualified: no version or alias wildcard, which
        # the L2 target would add) and send to the dead-letter queue; assumable by Scheduler for this schedule only.
        self.role = iam.Role(
            self, "SchedulerRole",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID, "aws:SourceArn": schedule_arn},
            }),
            description=f"opsdesk {job.group.name} schedule: invoke the function, dead-letter what fails",
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"],
                                                    resources=[self.function.function.function_arn]))
        self.dead_letters.grant_send_messages(self.role)
        self.schedule = scheduler.CfnSchedule(
            self,
            "Schedule",
            name=self.schedule_name,
            description=f"opsdesk {job.group.name}: {job.purpose}"[:512],
            schedule_expression=rate_expression(job.every_seconds // 60),
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED",
            target=scheduler.CfnSchedule.TargetProperty(
                arn=self.function.function.function_arn,
                role_arn=self.role.role_arn,
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.dead_letters.queue_arn),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_retry_attempts=RETRY_ATTEMPTS, maximum_event_age_in_seconds=job.every_seconds,
                ),
            ),
        )
        # Scheduler checks its role when the schedule is created: the policy must exist first.
        self.schedule.node.add_dependency(self.role)
