"""Alarms on asynchronous failures: every dead-letter queue has an alarm on its visible messages, each async
function one on its errors, all notifying the stage's one alarm topic (platform stack), which is encrypted with a
key CloudWatch may use, refuses publishing without TLS, and mails `alarmEmail` only when it is set."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

import pytest

from tests.infra.conftest import Synthesized, exported_values, function_named, one, resources_of_type

pytestmark = pytest.mark.xdist_group("infra")

ASYNC_FUNCTIONS = (("realtime", "realtime_fanout"), ("search", "support_docs_indexer"),
                   ("helpdesk", "helpdesk_sla_check"), ("aura", "aura_agent"), ("copilot", "copilot_hypotheses"),
                   ("copilot", "copilot_purge"), ("copilot", "copilot_account_checks"),
                   ("response", "response_analysis"), ("alerts", "alert_ingest"))
"""(stack, function): each function invoked asynchronously, with a dead-letter queue and two alarms of its own."""
DEAD_LETTER_NAME = re.compile(r"dead.?letter|dlq", re.IGNORECASE)
# Where a template hands a queue's ARN to something as the place for what failed.
FAILURE_DESTINATION_KEY = re.compile(r"deadletter|onfailure", re.IGNORECASE)
ALARM_EMAIL = "oncall@example.com"


def walk(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, (*path, key))
    elif isinstance(value, list):
        for child in value:
            yield from walk(child, path)


def dead_letter_queues(template: dict[str, Any]) -> set[str]:
    """Queues whose logical id or name says dead letters, and queues any resource uses as a failure destination
    (an event-source mapping's or async invoke's on-failure, a schedule's or function's dead-letter config)."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    named = {
        logical_id for logical_id, queue in queues.items()
        if DEAD_LETTER_NAME.search(logical_id) or DEAD_LETTER_NAME.search(str(queue["Properties"].get("QueueName", "")))
    }
    used = {
        value["Fn::GetAtt"][0]
        for resource in template["Resources"].values()
        for path, value in walk(resource.get("Properties", {}))
        if any(FAILURE_DESTINATION_KEY.search(key) for key in path)
        and isinstance(value, dict) and "Fn::GetAtt" in value and value["Fn::GetAtt"][0] in queues
    }
    return named | used


def alarms(template: dict[str, Any], namespace: str, metric: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"] for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == namespace and alarm["Properties"].get("MetricName") == metric
    ]


def alarm_topic(synthesized: Synthesized) -> tuple[str, dict[str, Any]]:
    return one(resources_of_type(synthesized.platform, "AWS::SNS::Topic"))


def notifies_the_alarm_topic(synthesized: Synthesized, alarm: dict[str, Any]) -> bool:
    """Its only action is the platform's topic: imported from the platform stack's export of the topic's Ref."""
    topic_id, _ = alarm_topic(synthesized)
    exports = exported_values(synthesized.platform)
    (action,) = alarm["AlarmActions"]
    return exports.get(action.get("Fn::ImportValue")) == {"Ref": topic_id}


def stack_short_name(synthesized: Synthesized, stack_name: str) -> str:
    return stack_name.removeprefix(f"opsdesk-{synthesized.stage}-")


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_every_dead_letter_queue_has_one_alarm_on_visible_messages_that_notifies_the_alarm_topic(
    stage: str, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)

    found = {
        (stack_short_name(synthesized, name), queue_id)
        for name, template in synthesized.templates.items()
        for queue_id in dead_letter_queues(template)
    }

    # The fan-out's and the stream consumers' mappings, the indexer's S3 invocations, the SLA check's schedule and
    # runs, and the alerts queue's redrive (with the alert rules' undeliverable events).
    assert {stack for stack, _ in found} == {stack for stack, _ in ASYNC_FUNCTIONS}
    assert len(found) == len(ASYNC_FUNCTIONS)
    for stack, queue_id in found:
        template = synthesized.templates[f"opsdesk-{stage}-{stack}"]
        on_queue = [
            alarm for alarm in alarms(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
            if alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}]
        ]
        assert len(on_queue) == 1, (stack, queue_id)
        alarm = on_queue[0]
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Maximum", 300, 1)
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
        assert alarm["TreatMissingData"] == "notBreaching"
        assert notifies_the_alarm_topic(synthesized, alarm), (stack, queue_id)


def test_each_async_function_has_one_alarm_on_any_error_that_notifies_the_alarm_topic(dev: Synthesized) -> None:
    for stack, function in ASYNC_FUNCTIONS:
        template = dev.templates[f"opsdesk-dev-{stack}"]
        function_id, _ = function_named(template, function)

        on_function = [
            alarm for alarm in alarms(template, "AWS/Lambda", "Errors")
            if alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
        ]

        assert len(on_function) == 1, function
        alarm = on_function[0]
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Sum", 300, 1)
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
        assert alarm["TreatMissingData"] == "notBreaching"
        assert notifies_the_alarm_topic(dev, alarm)


def test_alarm_descriptions_name_the_function_its_log_group_and_its_dead_letter_queue(dev: Synthesized) -> None:
    for stack, function in ASYNC_FUNCTIONS:
        template = dev.templates[f"opsdesk-dev-{stack}"]
        _, resource = function_named(template, function)
        log_group = resource["Properties"]["LoggingConfig"]["LogGroup"]
        queues = [{"Fn::GetAtt": [queue_id, "QueueName"]} for queue_id in dead_letter_queues(template)]
        functions_of_stack = [name for named_stack, name in ASYNC_FUNCTIONS if named_stack == stack]
        descriptions = [alarm["Properties"]["AlarmDescription"]["Fn::Join"][1]
                        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()]
        texts = ["".join(part for part in parts if isinstance(part, str)) for parts in descriptions]
        assert all(text.startswith(tuple(functions_of_stack)) for text in texts), texts

        own = [parts for parts, text in zip(descriptions, texts, strict=True) if text.startswith(function)]
        assert len(own) == 2, function  # its errors and its dead-letter queue
        for parts in own:
            text = "".join(part for part in parts if isinstance(part, str))
            assert log_group in parts
            assert sum(queue in parts for queue in queues) == 1
            # CloudWatch's limit, with room for the log group's and queue's names.
            assert len(text) < 1024 - 2 * 256
        own_queues = [queue for parts in own for queue in queues if queue in parts]
        assert own_queues[0] == own_queues[1], function  # both alarms name the function's own queue


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_topic_lets_cloudwatch_publish_for_every_alarm_of_the_stage_and_no_other(
    stage: str, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    topic_id, _ = alarm_topic(synthesized)
    _, policy = one(resources_of_type(synthesized.platform, "AWS::SNS::TopicPolicy"))
    statements = policy["Properties"]["PolicyDocument"]["Statement"]

    (cloudwatch,) = [s for s in statements if s["Effect"] == "Allow"]
    pattern_parts = cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Join"][1]
    name_pattern = pattern_parts[-1].removeprefix(":alarm:")
    names = [
        alarm["Properties"]["AlarmName"]
        for template in synthesized.templates.values()
        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
    ]

    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert cloudwatch["Action"] == "sns:Publish"
    assert cloudwatch["Resource"] == {"Ref": topic_id}
    assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert name_pattern == f"opsdesk-{stage}-*"
    assert len(names) == 2 * len(ASYNC_FUNCTIONS)
    assert all(fnmatchcase(name, name_pattern) for name in names), names
    assert not fnmatchcase("opsdesk-other-x-errors", name_pattern)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_topic_is_encrypted_with_its_own_rotating_key_that_cloudwatch_may_use_for_it(
    stage: str, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    _, topic = alarm_topic(synthesized)
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synthesized.platform["Resources"][key_id]

    (cloudwatch,) = [s for s in key["Properties"]["KeyPolicy"]["Statement"]
                     if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}]
    context_arn = cloudwatch["Condition"]["StringEquals"]["kms:EncryptionContext:aws:sns:topicArn"]

    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    # The ARN is built from the topic's fixed name (a Ref would make key and topic depend on each other).
    assert context_arn["Fn::Join"][1][-1] == f":{topic['Properties']['TopicName']}"
    assert topic["Properties"]["TopicName"] == f"opsdesk-{stage}-alarms"
    assert ("Retain" if stage == "prod" else "Delete") == key["DeletionPolicy"]


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_topic_refuses_publishing_without_tls(stage: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    topic_id, _ = alarm_topic(synthesized)
    _, policy = one(resources_of_type(synthesized.platform, "AWS::SNS::TopicPolicy"))

    (deny,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]

    assert policy["Properties"]["Topics"] == [{"Ref": topic_id}]
    assert deny["Principal"] == "*"
    assert deny["Resource"] == {"Ref": topic_id}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_topic_passes_cdk_nag_sns_and_kms_rules_without_acknowledgements(dev: Synthesized) -> None:
    from aws_cdk import Validations

    acknowledged = {
        rule
        for construct in dev.app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule in entry.data
    }

    assert not {rule for rule in acknowledged if re.search(r"AwsSolutions-(SNS|KMS|CW)", rule)}


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_without_alarm_email_the_topic_has_no_subscription(stage: str, request: pytest.FixtureRequest) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)

    subscriptions = [
        resource for template in synthesized.templates.values()
        for resource in resources_of_type(template, "AWS::SNS::Subscription").values()
    ]
    topic = alarm_topic(synthesized)[1]["Properties"]

    assert subscriptions == []
    assert "Subscription" not in topic


def test_alarm_email_subscribes_that_address_to_the_topic_and_passes_cdk_nag() -> None:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from infra.nag import add_nag_checks
    from infra.settings import InfraSettings
    from infra.stacks import PlatformStack

    # Given only the platform stack (where the topic lives), with cdk-nag in synth as in the app
    app = cdk.App(context={"alarmEmail": ALARM_EMAIL})
    stack = PlatformStack(app, "opsdesk-dev-platform", settings=InfraSettings.from_context(app.node, environ={}))
    add_nag_checks(app)

    # When it is synthesized (any unacknowledged finding would raise here)
    app.synth()
    template = Template.from_stack(stack).to_json()

    # Then the address is the one subscriber of the alarm topic
    topic_id, _ = one(resources_of_type(template, "AWS::SNS::Topic"))
    _, subscription = one(resources_of_type(template, "AWS::SNS::Subscription"))
    assert subscription["Properties"] == {
        "Protocol": "email", "Endpoint": ALARM_EMAIL, "TopicArn": {"Ref": topic_id},
    }
    assert json.dumps(template).count(ALARM_EMAIL) == 1


def _settings(context: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Any:
    import aws_cdk as cdk

    from infra.settings import InfraSettings

    return InfraSettings.from_context(cdk.App(context=context or {}).node, environ=environ or {})


def test_alarm_email_comes_from_context_or_the_environment_and_is_unset_by_default() -> None:
    assert _settings().alarm_email is None
    assert _settings({"alarmEmail": ALARM_EMAIL}).alarm_email == ALARM_EMAIL
    assert _settings(environ={"OPSDESK_ALARM_EMAIL": " ops@example.org "}).alarm_email == "ops@example.org"
    assert _settings({"alarmEmail": ALARM_EMAIL}, {"OPSDESK_ALARM_EMAIL": "ops@example.org"}).alarm_email == ALARM_EMAIL


@pytest.mark.parametrize("value", ["oncall", "oncall@", "a@b.c,d@e.f", "oncall@example.com\nBcc: x@y.z"])
def test_an_alarm_email_that_is_not_one_address_stops_synth_with_the_setting_name(value: str) -> None:
    from infra.settings import SettingsError

    with pytest.raises(SettingsError, match="alarmEmail"):
        _settings({"alarmEmail": value})
