"""The alert path on AWS (opsdesk.apimap.ALERTS, infra/constructs/alerts.py): the opsdesk alerts bus in its own
stack, one default-bus rule per (source, detail-type) pair and one opsdesk-bus rule for the bus sources, all
delivering to one encrypted, TLS-only queue that only those rules may send to, `alert_ingest` on that queue in
batches with partial batch failures, a dead-letter queue with its alarm, and Capability.ALERTS_BUS: the bus's name
and `events:PutEvents` on that bus for the groups that declare it and no other function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.constructs.alerts import ALERTS_BUS_ENV, MAX_RECEIVE_COUNT
from opsdesk.apimap import ALERTS, MODULES, Capability
from tests.infra.conftest import (
    Synthesized,
    actions,
    exported_values,
    function_named,
    functions_by_group,
    listed,
    one,
    resources_of_type,
    role_statements,
    variables,
)

pytestmark = pytest.mark.xdist_group("infra")

REPO_ROOT = Path(__file__).resolve().parents[2]
STAGES = ["dev", "prod"]
EVENTS = "events.amazonaws.com"
CONSUME = {"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage",
           "sqs:GetQueueAttributes"}


def alerts(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.templates[f"opsdesk-{synthesized.stage}-alerts"]


def synthesized_for(stage: str, request: pytest.FixtureRequest) -> Synthesized:
    synthesized: Synthesized = request.getfixturevalue(stage)
    return synthesized


def bus(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return one(resources_of_type(template, "AWS::Events::EventBus"))


def rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {logical_id: rule["Properties"]
            for logical_id, rule in resources_of_type(template, "AWS::Events::Rule").items()}


def default_bus_rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {logical_id: rule for logical_id, rule in rules(template).items() if "EventBusName" not in rule}


def consumer(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return function_named(template, ALERTS.consumer.name)


def mapping(template: dict[str, Any]) -> dict[str, Any]:
    function_id, _ = consumer(template)
    (found,) = [m["Properties"] for m in resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
                if m["Properties"]["FunctionName"] == {"Ref": function_id}]
    return found


def queue_ids(template: dict[str, Any]) -> tuple[str, str]:
    """(the alerts queue, its dead-letter queue): the queue the consumer reads, and the one its redrive names."""
    queue_id = mapping(template)["EventSourceArn"]["Fn::GetAtt"][0]
    redrive = template["Resources"][queue_id]["Properties"]["RedrivePolicy"]
    return queue_id, redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]


def queue_policy(template: dict[str, Any], queue_id: str) -> list[dict[str, Any]]:
    (policy,) = [p["Properties"] for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
                 if p["Properties"]["Queues"] == [{"Ref": queue_id}]]
    statements: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return statements


@pytest.mark.parametrize("stage", STAGES)
def test_the_alerts_bus_is_named_for_the_stage_in_its_own_stack(stage: str, request: pytest.FixtureRequest) -> None:
    synthesized = synthesized_for(stage, request)

    _, made = bus(alerts(synthesized))

    assert made["Properties"]["Name"] == f"opsdesk-{stage}-alerts"
    others = [name for name, template in synthesized.templates.items()
              if name != f"opsdesk-{stage}-alerts" and resources_of_type(template, "AWS::Events::EventBus")]
    assert others == []
    assert alerts(synthesized)["Outputs"]["AlertsBusName"]["Value"] == {"Ref": bus(alerts(synthesized))[0]}


def test_the_default_bus_has_one_rule_per_pair_with_exactly_its_source_and_detail_type(dev: Synthesized) -> None:
    template = alerts(dev)

    patterns = sorted((rule["EventPattern"] for rule in default_bus_rules(template).values()),
                      key=lambda pattern: (pattern["source"], pattern["detail-type"]))

    assert patterns == [{"source": [source], "detail-type": [detail_type]}
                        for source, detail_type in sorted(ALERTS.default_bus_events)]
    assert len(default_bus_rules(template)) == len(ALERTS.default_bus_events)


def test_the_opsdesk_bus_has_one_rule_for_the_bus_sources(dev: Synthesized) -> None:
    template = alerts(dev)
    bus_id, _ = bus(template)

    (rule,) = [rule for rule in rules(template).values() if "EventBusName" in rule]

    assert rule["EventBusName"] == {"Ref": bus_id}
    assert rule["EventPattern"] == {"source": list(ALERTS.bus_sources)}
    assert rule["State"] == "ENABLED"


def test_every_rule_delivers_to_the_alerts_queue_and_what_it_cannot_deliver_to_the_dead_letter_queue(
    dev: Synthesized,
) -> None:
    template = alerts(dev)
    queue_id, dead_letters_id = queue_ids(template)

    for logical_id, rule in rules(template).items():
        (target,) = rule["Targets"]
        assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}, logical_id
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dead_letters_id, "Arn"]}}, logical_id
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert len(rules(template)) == len(ALERTS.default_bus_events) + 1


@pytest.mark.parametrize("stage", STAGES)
def test_the_queue_is_encrypted_tls_only_outlasts_six_consumer_timeouts_and_redrives_to_the_dead_letter_queue(
    stage: str, request: pytest.FixtureRequest
) -> None:
    template = alerts(synthesized_for(stage, request))
    queue_id, dead_letters_id = queue_ids(template)
    _, function = consumer(template)
    queue = template["Resources"][queue_id]["Properties"]
    dead_letters = template["Resources"][dead_letters_id]["Properties"]

    assert queue["SqsManagedSseEnabled"] is True
    assert queue["VisibilityTimeout"] >= 6 * function["Properties"]["Timeout"]
    assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dead_letters_id, "Arn"]},
                                      "maxReceiveCount": MAX_RECEIVE_COUNT}
    assert 3 <= MAX_RECEIVE_COUNT <= 10
    assert dead_letters["SqsManagedSseEnabled"] is True
    assert dead_letters["MessageRetentionPeriod"] == 14 * 24 * 3600
    # A standard queue's message keeps its first enqueue time in the dead-letter queue.
    assert queue["MessageRetentionPeriod"] < dead_letters["MessageRetentionPeriod"]
    assert "RedrivePolicy" not in dead_letters
    for logical_id in (queue_id, dead_letters_id):
        (deny,) = [s for s in queue_policy(template, logical_id) if s["Effect"] == "Deny"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Resource"] == {"Fn::GetAtt": [logical_id, "Arn"]}


def test_only_the_alert_rules_may_send_to_the_queue_and_the_dead_letter_queue(dev: Synthesized) -> None:
    template = alerts(dev)
    rule_arns = [{"Fn::GetAtt": [logical_id, "Arn"]} for logical_id in rules(template)]

    for queue_id in queue_ids(template):
        allows = [s for s in queue_policy(template, queue_id) if s["Effect"] == "Allow"]

        assert all(s["Principal"] == {"Service": EVENTS} for s in allows), queue_id
        assert all("sqs:SendMessage" in actions(s) and not actions(s) & {"sqs:ReceiveMessage", "sqs:*"}
                   for s in allows), queue_id
        assert all(s["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]} for s in allows), queue_id
        assert all(set(s["Condition"]) == {"ArnEquals"} for s in allows), queue_id
        sources = [s["Condition"]["ArnEquals"]["aws:SourceArn"] for s in allows]
        assert sorted(map(str, sources)) == sorted(map(str, rule_arns)), queue_id


def test_the_consumer_reads_the_queue_in_batches_reporting_failed_messages_one_by_one(dev: Synthesized) -> None:
    template = alerts(dev)
    queue_id, _ = queue_ids(template)

    found = mapping(template)

    assert found["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert found["BatchSize"] == ALERTS.batch_size
    assert found["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert found.get("Enabled", True) is True


def test_the_consumer_runs_its_handler_with_its_tables_and_consumes_only_the_alerts_queue(dev: Synthesized) -> None:
    template = alerts(dev)
    queue_id, dead_letters_id = queue_ids(template)
    _, function = consumer(template)
    properties = function["Properties"]
    asset = dev.directory / f"asset.{properties['Code']['S3Key'].removesuffix('.zip')}"
    exports = exported_values(dev.platform)
    statements = role_statements(template, function)

    assert properties["Handler"] == "handler.lambda_handler"
    source = REPO_ROOT / "functions" / ALERTS.consumer.name / "handler.py"
    assert (asset / "handler.py").read_text() == source.read_text()
    (consume,) = [s for s in statements if actions(s) & CONSUME]
    assert actions(consume) == CONSUME
    assert listed(consume["Resource"]) == [{"Fn::GetAtt": [queue_id, "Arn"]}]
    assert not [s for s in statements if any(a.startswith(("sqs:Send", "events:")) for a in actions(s))]
    assert dead_letters_id not in str(statements)
    written = {exports[listed(s["Resource"])[0]["Fn::ImportValue"]]["Fn::GetAtt"][0]
               for s in statements if "dynamodb:PutItem" in actions(s)}
    assert written == set(ALERTS.consumer.tables)
    assert {"INCIDENTS_TABLE_NAME", "EVENTS_TABLE_NAME"} <= set(variables(function))


@pytest.mark.parametrize("stage", STAGES)
def test_messages_in_the_dead_letter_queue_alarm_on_the_stage_topic(stage: str, request: pytest.FixtureRequest) -> None:
    synthesized = synthesized_for(stage, request)
    template = alerts(synthesized)
    _, dead_letters_id = queue_ids(template)
    function_id, _ = consumer(template)
    alarms = {a["Properties"]["AlarmName"]: a["Properties"]
              for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()}
    name = f"opsdesk-{stage}-{ALERTS.consumer.name.replace('_', '-')}"
    (topic_id,) = resources_of_type(synthesized.platform, "AWS::SNS::Topic")
    exports = exported_values(synthesized.platform)

    dead_letters = alarms[f"{name}-dead-letters"]
    errors = alarms[f"{name}-errors"]

    assert set(alarms) == {f"{name}-dead-letters", f"{name}-errors"}
    assert (dead_letters["Namespace"], dead_letters["MetricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert dead_letters["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [dead_letters_id, "QueueName"]}}]
    assert (dead_letters["ComparisonOperator"], dead_letters["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
    assert errors["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
    for alarm in (dead_letters, errors):
        (action,) = alarm["AlarmActions"]
        assert exports[action["Fn::ImportValue"]] == {"Ref": topic_id}
    output = template["Outputs"]["AlertsDeadLetterQueueUrl"]
    assert output["Value"] == {"Ref": dead_letters_id}


def test_the_api_map_gives_the_alerts_bus_to_the_copilot_webhooks() -> None:
    using = {group.name for module in MODULES for group in module.groups_using(Capability.ALERTS_BUS)}

    assert using == {"copilot_webhooks"}


@pytest.mark.parametrize("stage", STAGES)
def test_put_events_is_granted_to_the_alerts_bus_groups_only_and_on_that_bus_only(
    stage: str, request: pytest.FixtureRequest
) -> None:
    synthesized = synthesized_for(stage, request)
    bus_id, _ = bus(alerts(synthesized))
    exports = exported_values(alerts(synthesized))
    using = {(module.name, group.name) for module in MODULES for group in module.groups_using(Capability.ALERTS_BUS)}

    granted = set()
    for stack_name, template in synthesized.templates.items():
        for name, function in functions_by_group(template).items():
            puts = [s for s in role_statements(template, function)
                    if any(a.startswith("events:") or a == "*" for a in actions(s))]
            module = stack_name.removeprefix(f"opsdesk-{stage}-")
            if not puts:
                assert ALERTS_BUS_ENV not in variables(function), name
                continue
            granted.add((module, name))
            (statement,) = puts
            assert actions(statement) == {"events:PutEvents"}
            (resource,) = listed(statement["Resource"])
            assert exports[resource["Fn::ImportValue"]] == {"Fn::GetAtt": [bus_id, "Arn"]}
            assert "Condition" not in statement
            bus_name = variables(function)[ALERTS_BUS_ENV]
            assert exports[bus_name["Fn::ImportValue"]] == {"Ref": bus_id}

    assert granted == using == {("copilot", "copilot_webhooks")}


def test_the_webhooks_settings_read_the_bus_name(dev: Synthesized) -> None:
    from opsdesk.settings import WebhookSettings

    _, function = function_named(dev.module("copilot"), "copilot_webhooks")
    environment = {k: v if isinstance(v, str) else "resolved-at-deploy" for k, v in variables(function).items()}

    settings = WebhookSettings.from_environment({**environment, "AWS_REGION": "eu-west-1"})

    assert settings.alerts_bus_name == "resolved-at-deploy"
    assert settings.secret_prefix == f"opsdesk-{dev.stage}/copilot/integrations"


def test_the_alerts_stack_imports_from_the_platform_only_and_only_alerts_bus_modules_import_from_it(
    dev: Synthesized,
) -> None:
    """No cycle: platform <- alerts <- (module stacks whose groups put on the bus)."""

    def imported_stacks(template: dict[str, Any]) -> set[str]:
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                if "Fn::ImportValue" in value:
                    found.add(str(value["Fn::ImportValue"]).split(":", 1)[0])
                for child in value.values():
                    walk(child)
            elif isinstance(value, list):
                for child in value:
                    walk(child)

        walk(template["Resources"])
        return found

    prefix = f"opsdesk-{dev.stage}"
    importers = {name.removeprefix(f"{prefix}-") for name, template in dev.templates.items()
                 if f"{prefix}-alerts" in imported_stacks(template)}

    assert imported_stacks(alerts(dev)) == {f"{prefix}-platform"}
    assert importers == {module.name for module in MODULES if module.groups_using(Capability.ALERTS_BUS)}
