"""DynamoDB tables, built from opsdesk.tables.ALL_TABLES (the definitions the local stack and the repositories
use too, so the three cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from opsdesk.tables import TableDefinition


def _string_key(name: str) -> dynamodb.Attribute:
    """Every key attribute of every opsdesk table is a string."""
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def _optional_string_key(name: str | None) -> dynamodb.Attribute | None:
    return _string_key(name) if name else None


class Tables(Construct):
    """One on-demand table per definition: PITR, KMS encryption with the AWS-managed key, TTL and streams as the
    definition says. The CloudFormation logical id is the definition's logical_id, so renaming a construct
    never replaces a table."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        definitions: Iterable[TableDefinition],
        deletion_protection: bool,
        removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.definitions: dict[str, TableDefinition] = {}
        self.tables: dict[str, dynamodb.Table] = {}
        for definition in definitions:
            self.definitions[definition.logical_id] = definition
            self.tables[definition.logical_id] = self._table(definition, deletion_protection, removal_policy)

    def _table(
        self, definition: TableDefinition, deletion_protection: bool, removal_policy: RemovalPolicy
    ) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            definition.logical_id,
            partition_key=_string_key(definition.partition_key),
            sort_key=_optional_string_key(definition.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
            time_to_live_attribute=definition.ttl_attribute,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if definition.stream else None,
        )
        for index in definition.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string_key(index.partition_key),
                sort_key=_optional_string_key(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        cfn_table = table.node.default_child
        assert isinstance(cfn_table, dynamodb.CfnTable)
        cfn_table.override_logical_id(definition.logical_id)
        return table
