"""The local stack's fix to moto's TransactWriteItems keeps DynamoDB's all-or-nothing semantics."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from scripts.local.aws import client


def test_a_cancelled_transaction_leaves_every_item_and_the_stream_as_before(local_aws: Any) -> None:
    dynamodb = client("dynamodb", local_aws.endpoint)
    table = local_aws.table_names["SupportTable"]
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "undo-test"}, "sk": {"S": "a"}, "n": {"N": "1"}})
    stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]

    def stream_records() -> int:
        streams = client("dynamodbstreams", local_aws.endpoint)
        shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return len(streams.get_records(ShardIterator=iterator, Limit=1000)["Records"])

    before = stream_records()

    # When a transaction updates one item, creates another, then fails its last condition
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "undo-test"}, "sk": {"S": "a"}},
                        "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "undo-test"}, "sk": {"S": "b"}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "undo-test"}, "sk": {"S": "missing"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])

    # Then it is cancelled and nothing it did remains, not even a stream record
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "undo-test"}})["Items"]
    assert items == [{"pk": {"S": "undo-test"}, "sk": {"S": "a"}, "n": {"N": "1"}}]
    assert stream_records() == before


def test_concurrent_adds_to_one_item_each_count_as_on_dynamodb(local_aws: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    dynamodb = client("dynamodb", local_aws.endpoint)
    table = local_aws.table_names["EventsTable"]
    key = {"pk": {"S": "add-test"}, "sk": {"S": "HEAD"}}

    def add(_: int) -> int:
        answer = dynamodb.update_item(TableName=table, Key=key, UpdateExpression="ADD seq :one",
                                      ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="UPDATED_NEW")
        return int(answer["Attributes"]["seq"]["N"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        seen = list(pool.map(add, range(100)))

    assert sorted(seen) == list(range(1, 101))  # each ADD saw its own value: none was lost


def test_a_query_of_the_table_key_lists_its_partition_alone_and_answers_as_before(local_aws: Any,
                                                                                 monkeypatch: Any) -> None:
    from moto.dynamodb.models.table import Table

    dynamodb = client("dynamodb", local_aws.endpoint)
    table = local_aws.table_names["SupportTable"]
    # Given one partition of five items among two hundred of other partitions
    for start in range(0, 200, 25):
        dynamodb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {"pk": {"S": f"crowd-{n}"}, "sk": {"S": "x"}}}} for n in range(start, start + 25)]})
    for sk in ("e", "a", "d", "b", "c"):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": "partition-test"}, "sk": {"S": sk},
                                                 "odd": {"BOOL": sk in "ace"}})
    listed: list[int] = []
    patched = Table.all_items
    monkeypatch.setattr(Table, "all_items", lambda self: listed.append(len(patched(self))) or patched(self))

    def query(**extra: Any) -> dict[str, Any]:
        return dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues={":pk": {"S": "partition-test"}} | extra.pop("values", {}),
                              **extra)

    # When it is queried forwards, backwards, in pages and with a filter
    forwards = [item["sk"]["S"] for item in query()["Items"]]
    backwards = [item["sk"]["S"] for item in query(ScanIndexForward=False)["Items"]]
    first = query(Limit=2)
    second = query(Limit=2, ExclusiveStartKey=first["LastEvaluatedKey"])
    odd = query(FilterExpression="odd = :yes", values={":yes": {"BOOL": True}})

    # Then moto listed the partition's five items each time, and the answers are DynamoDB's
    assert set(listed) == {5}
    assert forwards == ["a", "b", "c", "d", "e"] and backwards == forwards[::-1]
    assert [i["sk"]["S"] for i in first["Items"] + second["Items"]] == ["a", "b", "c", "d"]
    assert [i["sk"]["S"] for i in odd["Items"]] == ["a", "c", "e"] and odd["ScannedCount"] == 5
    assert query(values={":pk": {"S": "no-such-partition"}})["Items"] == []


def test_a_query_of_an_index_answers_in_the_index_order(local_aws: Any) -> None:
    from opsdesk.tables import SUPPORT_ISSUES_BY_STATUS

    dynamodb = client("dynamodb", local_aws.endpoint)
    table = local_aws.table_names["SupportTable"]
    for n, list_sk in enumerate(("2026-01-03", "2026-01-01", "2026-01-02")):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"index-test-{n}"}, "sk": {"S": "x"},
                                                 "statusListPk": {"S": "index-test"}, "listSk": {"S": list_sk}})

    found = dynamodb.query(TableName=table, IndexName=SUPPORT_ISSUES_BY_STATUS,
                           KeyConditionExpression="statusListPk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "index-test"}}, ScanIndexForward=False)["Items"]

    assert [item["listSk"]["S"] for item in found] == ["2026-01-03", "2026-01-02", "2026-01-01"]
