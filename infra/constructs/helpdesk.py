"""What the helpdesk module needs beyond its REST API (docs/infra.md, "Helpdesk"):

- `HelpdeskStorage`: the attachments bucket (browsers PUT files to it with presigned URLs; unconfirmed uploads
  expire), the exports bucket (CSV files behind short-lived presigned GET links; everything expires after a day),
  and the access-log bucket of both; each function may touch only the keys its code writes.
- `SlaCheckSchedule`: the scheduled SLA breach check (functions/helpdesk_sla_check) every minute through
  EventBridge Scheduler, with retries and a dead-letter queue.
- `grant_survey_mail`: the function that resolves tickets may mail the CSAT survey through SES, from the one
  configured sender (when there is one).

Both are attached to the module's `ModuleApi`, whose builder makes the functions (`ModuleApi.add_function`)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge, finding_resource
from opsdesk.apimap import FunctionGroup
from opsdesk.helpdesk.attachments import PENDING_TAG
from opsdesk.settings import HelpdeskAttachmentSettings, HelpdeskExportSettings, HelpdeskMailSettings
from opsdesk.tables import EVENTS_TABLE, TICKETS_TABLE

# The groups that use each bucket, by name (opsdesk.apimap has no flag for it); groups missing from the map are
# skipped.
ATTACHMENT_GROUPS = ("helpdesk_attachments",)
EXPORT_GROUPS = ("helpdesk_exports",)
ATTACHMENTS_BUCKET_ENV = HelpdeskAttachmentSettings.model_fields["attachments_bucket"].alias or "ATTACHMENTS_BUCKET"
EXPORTS_BUCKET_ENV = HelpdeskExportSettings.model_fields["exports_bucket"].alias or "EXPORTS_BUCKET"
# The group that serves PATCH /tickets/{id}: a resolve there mails the requester the CSAT survey.
MAIL_GROUPS = ("helpdesk_tickets",)
MAIL_FROM_ENV = HelpdeskMailSettings.model_fields["mail_from"].alias or "HELPDESK_MAIL_FROM"
PUBLIC_URL_ENV = HelpdeskMailSettings.model_fields["public_url"].alias or "HELPDESK_PUBLIC_URL"

# Object keys the functions write (opsdesk.helpdesk.attachments.attachment_key, opsdesk.helpdesk.exports.export_key):
# every grant is limited to them.
ATTACHMENT_OBJECTS = "tenants/*/tickets/*/attachments/*"
EXPORT_OBJECTS = "tenants/*/exports/*"

# The browser's presigned PUT sends these (AttachmentService.presign's `headers`); Content-Length is the browser's.
ATTACHMENT_UPLOAD_HEADERS = ("Content-Type", "x-amz-tagging")
# A presigned PUT carries the pending tag; confirm removes it. What nobody confirmed within a day goes.
PENDING_TAG_KEY, PENDING_TAG_VALUE = PENDING_TAG.split("=", 1)
UNCONFIRMED_UPLOAD_DAYS = 1
EXPORT_DAYS = 1
INCOMPLETE_UPLOAD_DAYS = 1
CORS_MAX_AGE_SECONDS = 3600

# The SLA breach check: TicketsTable (ticketsByDue Query, the conditional breach marks, its run record) and the
# event log (`ticket_updated` written in the same transaction as the mark).
SLA_CHECK = FunctionGroup(
    name="helpdesk_sla_check", resources=(), tables=(TICKETS_TABLE.logical_id, EVENTS_TABLE.logical_id)
)
SLA_CHECK_RATE = Duration.minutes(1)
# Under the rate, so runs rarely overlap (they may: every mark is conditional, a breach is recorded once).
SLA_CHECK_TIMEOUT = Duration.seconds(50)
# A run that could not start within a minute is superseded by the next one, which looks back 24 hours anyway.
SLA_CHECK_RETRY_ATTEMPTS = 2
SLA_CHECK_MAX_EVENT_AGE = Duration.minutes(1)
DEAD_LETTER_RETENTION = Duration.days(14)


def _private_bucket(
    scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy, access_logs: s3.IBucket | None,
    log_prefix: str | None, lifecycle_rules: Sequence[s3.LifecycleRule], cors: Sequence[s3.CorsRule] = (),
) -> s3.Bucket:
    """SSE-S3, TLS 1.2+ only, no public access, no ACLs, not versioned."""
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        minimum_tls_version=1.2,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=False,
        lifecycle_rules=list(lifecycle_rules),
        cors=list(cors) or None,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=log_prefix,
        removal_policy=removal_policy,
    )



def rate_expression(minutes: int) -> str:
    """An EventBridge Scheduler rate: `rate(1 minute)`, `rate(5 minutes)` (the unit must agree with the value)."""
    return f"rate({minutes} {'minute' if minutes == 1 else 'minutes'})"

class HelpdeskStorage(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cors_allowed_origins: Sequence[str],
        log_retention_days: int,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = _private_bucket(
            self, "AccessLogs", removal_policy=removal_policy, access_logs=None, log_prefix=None,
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(log_retention_days))],
        )
        acknowledge(
            self.access_logs, "S1",
            "This bucket receives the attachments and exports buckets' server access logs; logging its own access "
            "would log the log deliveries themselves, without end.",
        )
        self.attachments = _private_bucket(
            self, "Attachments", removal_policy=removal_policy, access_logs=self.access_logs,
            log_prefix="attachments/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads",
                    abort_incomplete_multipart_upload_after=Duration.days(INCOMPLETE_UPLOAD_DAYS),
                ),
                # Uploaded but never confirmed (the presigned PUT tags it pending; confirm removes the tag).
                s3.LifecycleRule(
                    id="expire-unconfirmed-uploads",
                    tag_filters={PENDING_TAG_KEY: PENDING_TAG_VALUE},
                    expiration=Duration.days(UNCONFIRMED_UPLOAD_DAYS),
                ),
            ],
            # The browser PUTs the file straight to S3 from the frontend's origin.
            cors=[s3.CorsRule(
                allowed_methods=[s3.HttpMethods.PUT],
                allowed_origins=list(cors_allowed_origins),
                allowed_headers=list(ATTACHMENT_UPLOAD_HEADERS),
                exposed_headers=["ETag"],
                max_age=CORS_MAX_AGE_SECONDS,
            )],
        )
        self.exports = _private_bucket(
            self, "Exports", removal_policy=removal_policy, access_logs=self.access_logs, log_prefix="exports/",
            lifecycle_rules=[s3.LifecycleRule(
                id="expire-exports",
                expiration=Duration.days(EXPORT_DAYS),
                abort_incomplete_multipart_upload_after=Duration.days(INCOMPLETE_UPLOAD_DAYS),
            )],
            # The frontend may fetch() the CSV from its link instead of navigating to it.
            cors=[s3.CorsRule(
                allowed_methods=[s3.HttpMethods.GET],
                allowed_origins=list(cors_allowed_origins),
                max_age=CORS_MAX_AGE_SECONDS,
            )],
        )

    def grant_attachments(self, function: GroupFunction) -> None:
        """Presign a tagged PUT, HEAD the upload on confirm, remove its tag, delete it; nothing else."""
        function.function.add_environment(ATTACHMENTS_BUCKET_ENV, self.attachments.bucket_name)
        objects = self.attachments.arn_for_objects(ATTACHMENT_OBJECTS)
        function.role.add_to_policy(iam.PolicyStatement(
            # PutObjectTagging: the presigned PUT carries x-amz-tagging, which S3 authorizes as its own action.
            # GetObject authorizes HeadObject.
            actions=["s3:PutObject", "s3:PutObjectTagging", "s3:GetObject", "s3:DeleteObject",
                     "s3:DeleteObjectTagging"],
            resources=[objects],
        ))
        # Without ListBucket, S3 answers HeadObject of a key that was never uploaded with 403 instead of 404, and
        # confirm could not tell "not uploaded" (a 400 for the client) from a failure.
        function.role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[
            self.attachments.bucket_arn]))
        acknowledge(
            function.role, f"IAM5[Resource::{finding_resource(self, objects)}]",
            "Object keys hold the tenant, ticket and attachment ids, known only at run time; the grant covers the "
            "attachment keys of this one bucket (tenants/*/tickets/*/attachments/*) and the function scopes each "
            "key to the caller's tenant.",
        )

    def grant_exports(self, function: GroupFunction) -> None:
        """Write the CSV, and sign its download link (a presigned GET is authorized as the signer's GetObject)."""
        function.function.add_environment(EXPORTS_BUCKET_ENV, self.exports.bucket_name)
        objects = self.exports.arn_for_objects(EXPORT_OBJECTS)
        function.role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject", "s3:GetObject"],
                                                        resources=[objects]))
        acknowledge(
            function.role, f"IAM5[Resource::{finding_resource(self, objects)}]",
            "Export keys hold the tenant id, the day and a random export id, known only at run time; the grant "
            "covers the export keys of this one bucket (tenants/*/exports/*) and the function names the caller's "
            "tenant in each key.",
        )


def grant_survey_mail(function: GroupFunction, *, mail_from: str, public_url: str) -> None:
    """Mail the CSAT survey (SES API v2 `SendEmail`, simple content, which needs no `SendRawEmail`) from
    `mail_from` only: on its SES identity, the address or its domain (whichever was verified is the one SES
    authorizes against), and only with that From address."""
    function.function.add_environment(MAIL_FROM_ENV, mail_from)
    function.function.add_environment(PUBLIC_URL_ENV, public_url)
    identity = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/"
    function.role.add_to_policy(iam.PolicyStatement(
        actions=["ses:SendEmail"],
        resources=[identity + mail_from, identity + mail_from.rpartition("@")[2]],
        conditions={"StringEquals": {"ses:FromAddress": mail_from}},
    ))


class SlaCheckSchedule(Construct):
    """functions/helpdesk_sla_check every minute. EventBridge Scheduler invokes it asynchronously: delivery
    failures are retried twice within a minute, then go to the dead-letter queue; a run that fails is not retried
    by Lambda (the next minute's run repeats its work, and more) and lands in the same queue."""

    def __init__(self, scope: Construct, construct_id: str, *, api: ModuleApi, name_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.function = api.add_function(SLA_CHECK, scope=self, timeout=SLA_CHECK_TIMEOUT)
        self.dead_letters = sqs.Queue(
            self, "DeadLetters", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            retention_period=DEAD_LETTER_RETENTION,
        )
        acknowledge(
            self.dead_letters, "SQS3",
            "This queue is itself the dead-letter queue of the SLA check's schedule and the on-failure "
            "destination of its runs; a dead-letter queue of a dead-letter queue would only move them again.",
        )
        self.function.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letters),
            retry_attempts=0,
            max_event_age=SLA_CHECK_MAX_EVENT_AGE,
        )
        self.schedule_name = f"{name_prefix}-helpdesk-sla-check"
        schedule_arn = (f"arn:{Aws.PARTITION}:scheduler:{Aws.REGION}:{Aws.ACCOUNT_ID}:schedule/default/"
                        f"{self.schedule_name}")
        # The schedule's own role: invoke this one function (unqualified: no version or alias wildcard, which
        # the L2 target would add) and send to the dead-letter queue; assumable by Scheduler for this schedule only.
        self.role = iam.Role(
            self, "SchedulerRole",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID, "aws:SourceArn": schedule_arn},
            }),
            description=f"opsdesk {SLA_CHECK.name} schedule: invoke the check, dead-letter what fails",
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"],
                                                    resources=[self.function.function.function_arn]))
        self.dead_letters.grant_send_messages(self.role)
        self.schedule = scheduler.CfnSchedule(
            self,
            "Schedule",
            name=self.schedule_name,
            description="opsdesk helpdesk: record SLA breaches as they happen (ticketsByDue)",
            schedule_expression=rate_expression(int(SLA_CHECK_RATE.to_minutes())),
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            state="ENABLED",
            target=scheduler.CfnSchedule.TargetProperty(
                arn=self.function.function.function_arn,
                role_arn=self.role.role_arn,
                dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(arn=self.dead_letters.queue_arn),
                retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                    maximum_retry_attempts=SLA_CHECK_RETRY_ATTEMPTS,
                    maximum_event_age_in_seconds=int(SLA_CHECK_MAX_EVENT_AGE.to_seconds()),
                ),
            ),
        )
        # Scheduler checks its role when the schedule is created: the policy must exist first.
        self.schedule.node.add_dependency(self.role)


class Helpdesk(Construct):
    """The helpdesk module's buckets and schedule, and its functions' access to them and to SES."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: ModuleApi,
        name_prefix: str,
        cors_allowed_origins: Sequence[str],
        log_retention_days: int,
        removal_policy: RemovalPolicy,
        mail_from: str | None = None,
        public_url: str | None = None,
    ) -> None:
        """`mail_from` and `public_url` (the custom domain) both given: the survey mail is on; else no function
        gets the mail settings or any SES permission, and resolves send nothing."""
        super().__init__(scope, construct_id)
        self.storage = HelpdeskStorage(
            self, "Storage", cors_allowed_origins=cors_allowed_origins, log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        for name in ATTACHMENT_GROUPS:
            if name in api.functions:
                self.storage.grant_attachments(api.functions[name])
        for name in EXPORT_GROUPS:
            if name in api.functions:
                self.storage.grant_exports(api.functions[name])
        if mail_from and public_url:
            for name in MAIL_GROUPS:
                if name in api.functions:
                    grant_survey_mail(api.functions[name], mail_from=mail_from, public_url=public_url)
        self.sla_check = SlaCheckSchedule(self, "SlaCheck", api=api, name_prefix=name_prefix)
