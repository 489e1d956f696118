"""The one-off move of a deployed stage's support counters to the customers' partitions
(scripts/migrate_customer_counters.py), on moto: a table written by the old layout, issues made since the deploy,
then the move, which leaves every count exact and finds nothing to do the second time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.integration.conftest import empty_copy_of
from tests.unit.test_support_counters import ISSUE


@pytest.fixture
def empty_support_table(local_aws: Any) -> Iterator[str]:
    """A support table of its own, as the shared one is: the move scans its table whole, and the shared table holds
    what every earlier test of the worker wrote (the scale tests' 3,500 issues made the scan most of a minute)."""
    from opsdesk.settings import SupportSettings, load_settings
    from opsdesk.support.repository import SupportRepository

    try:
        with empty_copy_of(local_aws, "SupportTable") as name:
            yield name
    finally:
        SupportRepository(settings=load_settings(SupportSettings))  # the item classes back on the shared table


def test_a_table_of_the_old_layout_counts_every_customer_exactly_once_moved(local_aws: Any,
                                                                            empty_support_table: str) -> None:
    from opsdesk.eventlog import DiscardedEvents
    from opsdesk.settings import SupportSettings, load_settings
    from opsdesk.support.records import IssueFilters, IssueStatus, Ref
    from opsdesk.support.repository import SupportRepository
    from scripts.local.aws import client
    from scripts.migrate_customer_counters import migrate

    dynamodb = client("dynamodb", local_aws.endpoint, local_aws.region)
    table = empty_support_table
    settings = replace(load_settings(SupportSettings), support_table_name=table)
    repository, tenant = SupportRepository(DiscardedEvents(), settings), f"mig-{uuid.uuid4()}"

    def made(customer: str, status: IssueStatus = IssueStatus.OPEN) -> None:
        repository.create_issue(tenant, replace(ISSUE, id=str(uuid.uuid4()), customer=Ref(customer, customer),
                                                status=status))

    # Given counters written as one partition held them: the customers' names on the tenant's items
    for customer, status in (("c1", IssueStatus.OPEN), ("c1", IssueStatus.CLOSED), ("c2", IssueStatus.OPEN)):
        made(customer, status)
    for customer in ("c1", "c2"):
        pk = f"T#{tenant}#STATS#C#{customer}"
        for item in dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                                   ExpressionAttributeValues={":pk": {"S": pk}})["Items"]:
            names = {f"#n{i}": name for i, name in enumerate(n for n in item if n not in ("pk", "sk"))}
            dynamodb.update_item(TableName=table, Key={"pk": {"S": f"T#{tenant}#STATS"}, "sk": item["sk"]},
                                 UpdateExpression="ADD " + ", ".join(f"{a} :v{a[2:]}" for a in names),
                                 ExpressionAttributeNames=names,
                                 ExpressionAttributeValues={f":v{a[2:]}": item[n] for a, n in names.items()})
            dynamodb.delete_item(TableName=table, Key={"pk": item["pk"], "sk": item["sk"]})
    assert repository.count_issues(tenant, IssueFilters(customer_id="c1")) == 0  # what lists say until it runs
    made("c1")  # an issue made after the deploy: counted in the customer's partition already

    # When the move runs, twice
    first, second = migrate(dynamodb, table), migrate(dynamodb, table)

    # Then every list's total counts its issues, and the second run found nothing left to move
    assert first > 0 and second == 0
    assert repository.count_issues(tenant, IssueFilters(customer_id="c1")) == 3
    assert repository.count_issues(tenant, IssueFilters(customer_id="c1", status=IssueStatus.OPEN)) == 2
    assert repository.count_issues(tenant, IssueFilters(customer_id="c2")) == 1
    assert repository.count_issues(tenant, IssueFilters()) == 4
    tenant_item = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"T#{tenant}#STATS"}, "sk": {"S": "ALL"}})
    assert not [name for name in tenant_item["Item"] if name.startswith("customer:")]
