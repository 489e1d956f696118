"""DynamoDB tables in the platform stack against opsdesk.tables.ALL_TABLES, the one source of truth."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.tables import ALL_TABLES, TableDefinition
from tests.infra.conftest import Synthesized, resources_of_type

pytestmark = pytest.mark.xdist_group("infra")


def _key_schema(partition_key: str, sort_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition_key, "KeyType": "HASH"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
    return schema


def _table(synthesized: Synthesized, definition: TableDefinition) -> dict[str, Any]:
    resource = synthesized.platform["Resources"][definition.logical_id]
    assert resource["Type"] == "AWS::DynamoDB::Table"
    return resource


@pytest.mark.parametrize("definition", ALL_TABLES, ids=lambda d: d.logical_id)
def test_table_keys_and_indexes_equal_its_definition(dev: Synthesized, definition: TableDefinition) -> None:
    properties = _table(dev, definition)["Properties"]

    assert properties["KeySchema"] == _key_schema(definition.partition_key, definition.sort_key)
    expected_attributes = [{"AttributeName": name, "AttributeType": "S"} for name in definition.key_attributes()]
    assert sorted(properties["AttributeDefinitions"], key=str) == sorted(expected_attributes, key=str)
    expected_indexes = [
        {
            "IndexName": index.name,
            "KeySchema": _key_schema(index.partition_key, index.sort_key),
            "Projection": {"ProjectionType": "ALL"},
        }
        for index in definition.indexes
    ]
    assert properties.get("GlobalSecondaryIndexes", []) == expected_indexes
    assert "LocalSecondaryIndexes" not in properties


def test_platform_stack_has_exactly_the_defined_tables(dev: Synthesized) -> None:
    tables = resources_of_type(dev.platform, "AWS::DynamoDB::Table")

    assert set(tables) == {definition.logical_id for definition in ALL_TABLES}


@pytest.mark.parametrize("definition", ALL_TABLES, ids=lambda d: d.logical_id)
def test_table_is_on_demand_with_point_in_time_recovery_and_kms_encryption(
    dev: Synthesized, definition: TableDefinition
) -> None:
    properties = _table(dev, definition)["Properties"]

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    # SSEEnabled alone means KMS with the AWS-managed key (aws/dynamodb); left out, DynamoDB uses an AWS-owned key.
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert properties["SSESpecification"].get("SSEType", "KMS") == "KMS"


@pytest.mark.parametrize("definition", ALL_TABLES, ids=lambda d: d.logical_id)
def test_table_streams_and_ttl_follow_its_definition(dev: Synthesized, definition: TableDefinition) -> None:
    properties = _table(dev, definition)["Properties"]

    if definition.stream:
        assert properties["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    else:
        assert "StreamSpecification" not in properties
    if definition.ttl_attribute:
        assert properties["TimeToLiveSpecification"] == {"AttributeName": definition.ttl_attribute, "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in properties


@pytest.mark.parametrize("definition", ALL_TABLES, ids=lambda d: d.logical_id)
def test_prod_tables_are_deletion_protected_and_retained(prod: Synthesized, definition: TableDefinition) -> None:
    resource = _table(prod, definition)

    assert resource["Properties"]["DeletionProtectionEnabled"] is True
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("definition", ALL_TABLES, ids=lambda d: d.logical_id)
def test_dev_tables_can_be_deleted_with_the_stack(dev: Synthesized, definition: TableDefinition) -> None:
    resource = _table(dev, definition)

    assert resource["Properties"]["DeletionProtectionEnabled"] is False
    assert resource["DeletionPolicy"] == "Delete"
