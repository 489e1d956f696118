"""Stream consumers of the API map (opsdesk.apimap.StreamConsumer), each one: its function in its module's stack,
an event-source mapping on the platform table's stream that passes only new items of its event types (as the
local stack's StreamDelivery does), bounded retries of bisected batches with failed records reported one by one,
an encrypted dead-letter queue with its two alarms, and read access to that one stream."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from infra.constructs.streams import (
    BATCH_SIZE,
    MAX_READERS_PER_STREAM,
    check_stream_readers,
    stream_readers,
)
from opsdesk.apimap import COPILOT, MODULES, REALTIME, ApiModule, FunctionGroup, StreamConsumer
from opsdesk.tables import EVENTS_TABLE
from tests.infra.conftest import (
    Synthesized,
    actions,
    exported_values,
    function_named,
    listed,
    resources_of_type,
    role_statements,
)

pytestmark = pytest.mark.xdist_group("infra")

REPO_ROOT = Path(__file__).resolve().parents[2]
CONSUMERS = [pytest.param(module, consumer, id=consumer.group.name)
             for module in MODULES for consumer in module.stream_consumers]
STREAM_READ = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}


def mapping_of(template: dict[str, Any], function_id: str) -> dict[str, Any]:
    (mapping,) = [m["Properties"] for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
                  if m["Properties"]["FunctionName"] == {"Ref": function_id}]
    return mapping


def passes(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """Lambda's filter rule for the shapes the consumers use: every key of the pattern is present in the record,
    and each leaf is one of the listed values."""
    for key, wanted in pattern.items():
        if key not in record:
            return False
        if isinstance(wanted, dict):
            if not isinstance(record[key], dict) or not passes(wanted, record[key]):
                return False
        elif record[key] not in wanted:
            return False
    return True


def stream_record(event_name: str, event_type: str | None) -> dict[str, Any]:
    image = {"pk": {"S": "T#t-1#S#incidents~p-1"}, "sk": {"S": "E#000000000001"}}
    if event_type is not None:
        image["type"] = {"S": event_type}
    return {"eventName": event_name, "dynamodb": {"NewImage": image}}


def test_the_api_map_has_stream_consumers_to_check() -> None:
    assert CONSUMERS, "the copilot's hypothesis ranker is one"


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_the_consumer_runs_its_own_handler_in_its_module_stack_with_time_for_a_batch(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    _, function = function_named(dev.module(module.name), consumer.group.name)
    properties = function["Properties"]
    asset = dev.directory / f"asset.{properties['Code']['S3Key'].removesuffix('.zip')}"

    assert properties["Handler"] == "handler.lambda_handler"
    source = REPO_ROOT / "functions" / consumer.group.name / "handler.py"
    assert (asset / "handler.py").read_text() == source.read_text()
    # One Bedrock call may take (5 s connect + 60 s read) x 3 attempts; the batch must outlast that.
    assert properties["Timeout"] >= 3 * 65
    assert properties["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == module.name


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_the_mapping_reads_the_platform_table_stream_in_small_bisected_batches_with_bounded_retries(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    template = dev.module(module.name)
    function_id, _ = function_named(template, consumer.group.name)

    mapping = mapping_of(template, function_id)

    exports = exported_values(dev.platform)
    assert exports[mapping["EventSourceArn"]["Fn::ImportValue"]] == {"Fn::GetAtt": [consumer.table, "StreamArn"]}
    assert mapping["StartingPosition"] == "LATEST"
    assert mapping["BatchSize"] == BATCH_SIZE
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 0 < mapping["MaximumRetryAttempts"] <= 5


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_only_new_items_of_the_consumer_event_types_reach_it(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    template = dev.module(module.name)
    function_id, _ = function_named(template, consumer.group.name)
    (criteria,) = mapping_of(template, function_id)["FilterCriteria"]["Filters"]
    pattern = json.loads(criteria["Pattern"])

    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": list(consumer.event_types)}}}}
    for event_type in consumer.event_types:
        assert passes(pattern, stream_record("INSERT", event_type))
        assert not passes(pattern, stream_record("MODIFY", event_type))
        assert not passes(pattern, stream_record("REMOVE", event_type))
    assert not passes(pattern, stream_record("INSERT", "something.else"))
    assert not passes(pattern, stream_record("INSERT", None))


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_failed_batches_go_to_an_encrypted_tls_only_dead_letter_queue_the_role_may_send_to(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    template = dev.module(module.name)
    function_id, function = function_named(template, consumer.group.name)
    destination = mapping_of(template, function_id)["DestinationConfig"]["OnFailure"]["Destination"]
    queue_id = destination["Fn::GetAtt"][0]
    queue = template["Resources"][queue_id]

    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    (policy,) = [p for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
                 if {"Ref": queue_id} in p["Properties"]["Queues"]]
    (deny,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    sends = [s for s in role_statements(template, function) if "sqs:SendMessage" in actions(s)]
    assert [listed(s["Resource"]) for s in sends] == [[{"Fn::GetAtt": [queue_id, "Arn"]}]]
    output = next(o for o in template["Outputs"].values() if o["Value"] == {"Ref": queue_id})
    assert consumer.group.name in output["Description"]


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_the_dead_letter_queue_and_the_function_errors_alarm_on_the_stage_topic(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    template = dev.module(module.name)
    function_id, _ = function_named(template, consumer.group.name)
    queue_id = mapping_of(template, function_id)["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    alarms = {a["Properties"]["AlarmName"]: a["Properties"]
              for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()}
    name = f"opsdesk-{dev.stage}-{consumer.group.name.replace('_', '-')}"

    assert alarms[f"{name}-dead-letters"]["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
    assert alarms[f"{name}-errors"]["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
    for alarm in (alarms[f"{name}-dead-letters"], alarms[f"{name}-errors"]):
        (action,) = alarm["AlarmActions"]
        assert "Fn::ImportValue" in action


@pytest.mark.parametrize(("module", "consumer"), CONSUMERS)
def test_the_role_reads_that_one_stream_and_its_declared_tables(
    dev: Synthesized, module: ApiModule, consumer: StreamConsumer
) -> None:
    template = dev.module(module.name)
    _, function = function_named(template, consumer.group.name)
    exports = exported_values(dev.platform)
    statements = role_statements(template, function)

    (read,) = [s for s in statements if actions(s) & STREAM_READ]
    assert actions(read) == STREAM_READ
    (stream,) = listed(read["Resource"])
    assert exports[stream["Fn::ImportValue"]] == {"Fn::GetAtt": [consumer.table, "StreamArn"]}
    # ListStreams has no resource-level permission (the role's one IAM5[Resource::*] acknowledgement says so).
    (list_streams,) = [s for s in statements if "dynamodb:ListStreams" in actions(s)]
    assert (actions(list_streams), list_streams["Resource"]) == ({"dynamodb:ListStreams"}, "*")
    written = {exports[listed(s["Resource"])[0]["Fn::ImportValue"]]["Fn::GetAtt"][0]
               for s in statements if "dynamodb:PutItem" in actions(s)}
    assert written == set(consumer.group.tables)


def test_the_event_log_stream_has_the_fanout_and_the_hypothesis_ranker_as_its_two_readers() -> None:
    readers = stream_readers(MODULES, REALTIME)

    assert readers[EVENTS_TABLE.logical_id] == [REALTIME.fanout_function, "copilot_hypotheses"]
    assert all(len(names) <= MAX_READERS_PER_STREAM for names in readers.values())


def test_a_third_reader_of_one_stream_stops_synth_before_anything_is_built(tmp_path: Path) -> None:
    from infra.app import build_app

    extra = StreamConsumer(FunctionGroup(name="copilot_hypotheses", resources=()), table=EVENTS_TABLE.logical_id,
                           event_types=("incident.updated",), purpose="a third reader")
    crowded = replace(COPILOT, stream_consumers=(*COPILOT.stream_consumers, extra))

    with pytest.raises(ValueError, match="more than 2 readers of one DynamoDB stream"):
        check_stream_readers(stream_readers((crowded,), REALTIME))
    with pytest.raises(ValueError, match="EventsTable"):
        build_app(outdir=tmp_path, modules=(crowded,))
