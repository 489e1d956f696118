"""What the helpdesk module needs beyond its REST API (docs/infra.md, "Helpdesk"):

- `HelpdeskStorage`: the attachments bucket (browsers PUT files to it with presigned URLs; unconfirmed uploads
  expire), the exports bucket (CSV files behind short-lived presigned GET links; everything expires after a day),
  and the access-log bucket of both; each function may touch only the keys its code writes.
- Its CSAT survey mail is any module's mail (infra/constructs/mail.py, from Capability.MAIL).

The module's scheduled SLA check is a `ScheduledFunction` (infra/constructs/schedules.py), from the API map.
Both are attached to the module's `ModuleApi`, whose builder makes the functions (`ModuleApi.add_function`)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.api import ModuleApi
from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge, finding_resource
from opsdesk.apimap import Capability
from opsdesk.helpdesk.attachments import PENDING_TAG
from opsdesk.settings import HelpdeskAttachmentSettings, HelpdeskExportSettings

ATTACHMENTS_BUCKET_ENV = HelpdeskAttachmentSettings.variable_name("attachments_bucket")
EXPORTS_BUCKET_ENV = HelpdeskExportSettings.variable_name("exports_bucket")

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


class Helpdesk(Construct):
    """The buckets of a module whose groups declare them, and its functions' access to them."""

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
    ) -> None:
        super().__init__(scope, construct_id)
        self.storage = HelpdeskStorage(
            self, "Storage", cors_allowed_origins=cors_allowed_origins, log_retention_days=log_retention_days,
            removal_policy=removal_policy,
        )
        for group in api.module.groups_using(Capability.ATTACHMENTS_BUCKET):
            self.storage.grant_attachments(api.functions[group.name])
        for group in api.module.groups_using(Capability.EXPORTS_BUCKET):
            self.storage.grant_exports(api.functions[group.name])
