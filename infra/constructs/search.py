"""Documentation search on AWS: an OpenSearch Serverless search collection, the docs bucket, and the indexer that
keeps the collection's index in step with the bucket (docs/infra.md, "Documentation search", says why Serverless).

- `DocsSearch` (the search stack): the collection with its encryption and network policies, the docs bucket and
  its access-log bucket, the indexer function on the bucket's `.md` object events, a dead-letter queue for the
  events it could not index, and the data access policy of the indexer's role.
- `SearchReaders` (a module stack): the search settings, `aoss:APIAccessAll` on the collection and a read-only
  data access policy for the functions that search (support_docs, support_chat).

A Serverless collection needs both: IAM lets a role call the collection's API at all, the collection's data
access policy says which indexes it may read or write."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_opensearchserverless as aoss
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.functions import FunctionBasics, GroupFunction
from infra.nag import acknowledge, finding_resource
from opsdesk.apimap import FunctionGroup, service_name

INDEXER_FUNCTION = "support_docs_indexer"
INDEX_NAME = "docs"
"""The index every function reads and the indexer writes (OPENSEARCH_INDEX; opsdesk.settings' default too)."""
DOCUMENT_SUFFIX = ".md"

# Data access policy permissions (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/
# serverless-data-access.html). Readers search and count; the indexer also creates the index with its mapping
# (OpenSearchSearch.ensure_index) and writes documents.
READ_PERMISSIONS = ("aoss:DescribeIndex", "aoss:ReadDocument")
WRITE_PERMISSIONS = (*READ_PERMISSIONS, "aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument")

# S3 retries an asynchronous invocation this often, then the event goes to the dead-letter queue.
INDEXER_RETRY_ATTEMPTS = 2
INDEXER_MAX_EVENT_AGE = Duration.hours(6)
INDEXER_TIMEOUT = Duration.seconds(60)

# AOSS names policies and collections with 3 to 32 lower-case letters, digits and '-'.
AOSS_NAME_LIMIT = 32


def aoss_name(*parts: str) -> str:
    """`parts` joined by '-', shortened with a hash suffix when longer than Serverless allows."""
    name = "-".join(parts)
    if len(name) <= AOSS_NAME_LIMIT:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: AOSS_NAME_LIMIT - 9].rstrip('-')}-{digest}"


def search_environment(collection_endpoint: str, index_name: str) -> dict[str, str]:
    """What opsdesk.settings.SearchSettings reads to search the collection."""
    return {
        "SEARCH_BACKEND": "opensearch",
        "OPENSEARCH_ENDPOINT": collection_endpoint,
        "OPENSEARCH_INDEX": index_name,
        # Serverless signs as `aoss`, not `es` (opsdesk.search.opensearch.connect).
        "OPENSEARCH_SERVICE": "aoss",
    }


def data_access_policy(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    collection_name: str,
    index_name: str,
    principals: Sequence[str],
    permissions: Sequence[str],
    description: str,
) -> aoss.CfnAccessPolicy:
    """A data access policy granting `permissions` on one index of one collection to `principals` (IAM ARNs),
    nobody else."""
    document = [{
        "Description": description,
        "Rules": [{
            "ResourceType": "index",
            "Resource": [f"index/{collection_name}/{index_name}"],
            "Permission": list(permissions),
        }],
        "Principal": list(principals),
    }]
    return aoss.CfnAccessPolicy(
        scope, construct_id, name=name, type="data", description=description,
        policy=Stack.of(scope).to_json_string(document),
    )


def collection_statement(collection_arn: str) -> iam.PolicyStatement:
    """IAM's half of Serverless access: the collection's data-plane API, this collection only."""
    return iam.PolicyStatement(actions=["aoss:APIAccessAll"], resources=[collection_arn])


class DocsSearch(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name_prefix: str,
        standby_replicas: bool,
        deletion_protection: bool,
        operator_arns: Sequence[str] = (),
        basics: FunctionBasics,
        log_retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        removal_policy = basics.removal_policy
        self.name_prefix = name_prefix
        self.index_name = INDEX_NAME
        self.collection_name = aoss_name(name_prefix, "docs")
        self.collection = self._collection(standby_replicas, deletion_protection, removal_policy)
        self.access_logs = self._access_log_bucket(log_retention_days, removal_policy)
        self.bucket = self._docs_bucket(removal_policy)
        self.dead_letters = dead_letter_queue(
            self, "IndexerDeadLetters",
            "This queue is itself the on-failure destination of the indexer's asynchronous invocations; a "
            "dead-letter queue of a dead-letter queue would only move the same events again.",
        )
        self.indexer = GroupFunction(
            self, "Indexer", group=FunctionGroup(name=INDEXER_FUNCTION, resources=()),
            basics=basics, service_name=service_name(INDEXER_FUNCTION), timeout=INDEXER_TIMEOUT,
        )
        self.indexer.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letters),
            retry_attempts=INDEXER_RETRY_ATTEMPTS,
            max_event_age=INDEXER_MAX_EVENT_AGE,
        )
        for key, value in {
            **search_environment(self.collection.attr_collection_endpoint, self.index_name),
            # The name, not a Ref: the bucket's notifications depend on the function, so the function cannot
            # depend on the bucket.
            "DOCS_BUCKET_NAME": self.bucket_name,
        }.items():
            self.indexer.function.add_environment(key, value)
        self._grant_indexer(operator_arns)
        self._notify_indexer()

    @property
    def collection_arn(self) -> str:
        return self.collection.attr_arn

    @property
    def collection_endpoint(self) -> str:
        return self.collection.attr_collection_endpoint

    def _collection(
        self, standby_replicas: bool, deletion_protection: bool, removal_policy: RemovalPolicy
    ) -> aoss.CfnCollection:
        resource = [f"collection/{self.collection_name}"]
        # Encryption at rest is always on in Serverless; the policy picks the key. The AWS-owned key lets every
        # collection of the account that uses it share one pool of OCUs (a second stage costs no second floor).
        encryption = aoss.CfnSecurityPolicy(
            self, "EncryptionPolicy", name=self.collection_name, type="encryption",
            description="opsdesk documentation search: encrypted at rest with the AWS-owned key",
            policy=Stack.of(self).to_json_string(
                {"Rules": [{"ResourceType": "collection", "Resource": resource}], "AWSOwnedKey": True}
            ),
        )
        # The collection API over TLS from the internet, where the functions (outside any VPC) run; every request
        # must still be SigV4-signed by a role a data access policy names. No rule for dashboards: they are off.
        network = aoss.CfnSecurityPolicy(
            self, "NetworkPolicy", name=self.collection_name, type="network",
            description="opsdesk documentation search: the collection endpoint only, no dashboards",
            policy=Stack.of(self).to_json_string(
                [{"Rules": [{"ResourceType": "collection", "Resource": resource}], "AllowFromPublic": True}]
            ),
        )
        collection = aoss.CfnCollection(
            self, "Collection", name=self.collection_name, type="SEARCH",
            description="opsdesk documentation articles (support docs search and chat)",
            standby_replicas="ENABLED" if standby_replicas else "DISABLED",
            deletion_protection="ENABLED" if deletion_protection else "DISABLED",
        )
        collection.add_resource_dependency(encryption)
        collection.add_resource_dependency(network)
        collection.apply_removal_policy(removal_policy)
        return collection

    def _access_log_bucket(self, retention_days: int, removal_policy: RemovalPolicy) -> s3.Bucket:
        bucket = s3.Bucket(
            self, "AccessLogs",
            # Server access logs can only be delivered to an SSE-S3 bucket.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(retention_days))],
            removal_policy=removal_policy,
        )
        acknowledge(
            bucket, "S1",
            "This bucket receives the docs bucket's server access logs; logging its own access would log the log "
            "deliveries themselves, without end.",
        )
        return bucket

    def _docs_bucket(self, removal_policy: RemovalPolicy) -> s3.Bucket:
        # Named so the indexer's invoke permission can name the bucket before the bucket exists: a Ref would make
        # bucket -> notification -> permission -> bucket a cycle (CDK would add a custom-resource Lambda instead).
        self.bucket_name = f"{self.name_prefix}-docs-{Aws.ACCOUNT_ID}-{Aws.REGION}"
        return s3.Bucket(
            self, "DocsBucket",
            bucket_name=self.bucket_name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            # An overwritten or deleted article can be restored; old versions expire after 90 days.
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(90))],
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="docs/",
            removal_policy=removal_policy,
        )

    def _grant_indexer(self, operator_arns: Sequence[str]) -> None:
        role = self.indexer.role
        role.add_to_policy(collection_statement(self.collection_arn))
        # Articles only: the indexer reads the `.md` objects its events name, and may neither list nor write. By
        # name, as the environment: the role's policy must not depend on the bucket either.
        objects = f"arn:{Aws.PARTITION}:s3:::{self.bucket_name}/*{DOCUMENT_SUFFIX}"
        role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[objects]))
        acknowledge(
            role, f"IAM5[Resource::{finding_resource(self, objects)}]",
            "An S3 event names its object only at run time; the grant is GetObject on this bucket's Markdown "
            "articles, nothing else in it and no other bucket.",
        )
        data_access_policy(
            self, "IndexerAccessPolicy", name=aoss_name(self.name_prefix, "docs-indexer"),
            collection_name=self.collection_name, index_name=self.index_name,
            principals=[role.role_arn, *operator_arns], permissions=WRITE_PERMISSIONS,
            description="opsdesk docs indexer (and operators' full re-index): create the docs index, write articles",
        )

    def _notify_indexer(self) -> None:
        """Object created and removed events for `.md` keys invoke the indexer (asynchronously, with retries)."""
        permission = lambda_.CfnPermission(
            self, "IndexerInvokePermission",
            action="lambda:InvokeFunction",
            function_name=self.indexer.function.function_arn,
            principal="s3.amazonaws.com",
            source_account=Aws.ACCOUNT_ID,
            source_arn=f"arn:{Aws.PARTITION}:s3:::{self.bucket_name}",
        )
        suffix = s3.CfnBucket.NotificationFilterProperty(
            s3_key=s3.CfnBucket.S3KeyFilterProperty(
                rules=[s3.CfnBucket.FilterRuleProperty(name="suffix", value=DOCUMENT_SUFFIX)]
            )
        )
        cfn_bucket = self.bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            lambda_configurations=[
                s3.CfnBucket.LambdaConfigurationProperty(
                    event=event, function=self.indexer.function.function_arn, filter=suffix
                )
                for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
            ]
        )
        # S3 tests the destination when the configuration is written: the permission must exist first.
        cfn_bucket.add_resource_dependency(permission)


class SearchReaders(Construct):
    """Search access for functions of a module stack: settings, IAM on the collection, read-only data access."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        search: DocsSearch,
        functions: Sequence[GroupFunction],
        policy_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        if not functions:
            raise ValueError("SearchReaders needs at least one function")
        for made in functions:
            for key, value in search_environment(search.collection_endpoint, search.index_name).items():
                made.function.add_environment(key, value)
            made.role.add_to_policy(collection_statement(search.collection_arn))
        self.policy = data_access_policy(
            self, "AccessPolicy", name=policy_name, collection_name=search.collection_name,
            index_name=search.index_name, principals=[made.role.role_arn for made in functions],
            permissions=READ_PERMISSIONS,
            description="opsdesk documentation search: read the docs index",
        )
