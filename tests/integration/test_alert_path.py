"""The whole alert path on moto (issue #12): a webhook delivery authenticated by its integration's token and put on
the alerts bus, a CloudWatch alarm put on the default bus, each delivered by moto's EventBridge to the alerts queue
and by the local SQS event source to alert_ingest, which opens incidents in the routed project."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.integration.events import LambdaContext, in_process_event

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "alerts"
TOKEN = "whk_" + "s3cret-token-for-tests"


@pytest.fixture
def project(local_aws: Any) -> Iterator[dict[str, str]]:
    """A copilot project with a Prometheus integration (webhook token set) and a CloudWatch integration routing
    alarms of this account and region whose names start with `checkout-`; deleted after the case, as one tenant's
    integrations at a time may route an account (the next case's tenant takes it)."""
    from opsdesk.copilot.records import Integration, Member, Project, Role, Tenant, User
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.secrets import SecretsManagerStore
    from scripts.local.aws import INTEGRATION_SECRET_PREFIX

    tenant_id, user_id, project_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC)
    repository = CopilotRepository()
    repository.create_tenant(
        Tenant(tenant_id, "Path", f"path-{tenant_id[:8]}", now),
        User(user_id, tenant_id, f"{user_id}@path.test", "Owner", project_id, {project_id: Role.OWNER}),
        Project(project_id, tenant_id, "Production", "", now, now),
        Member(project_id, user_id, f"{user_id}@path.test", "Owner", Role.OWNER, now))
    secrets = SecretsManagerStore(INTEGRATION_SECRET_PREFIX, region=local_aws.region, endpoint_url=local_aws.endpoint)
    prometheus_id, cloudwatch_id = str(uuid.uuid4()), str(uuid.uuid4())
    reference = secrets.put(tenant_id, prometheus_id, {"webhook_token": TOKEN})
    repository.save_integration(tenant_id, Integration(
        prometheus_id, project_id, "prometheus", "Alertmanager", {}, reference, ("webhook_token",), True, now, now),
        create=True)
    cloudwatch = Integration(
        cloudwatch_id, project_id, "cloudwatch", "CloudWatch",
        {"account_id": "123456789012", "region": local_aws.region, "alarm_name_prefix": "checkout-"}, None, (),
        True, now, now, verified_account="123456789012")  # as its save with a role proves it
    repository.save_integration(tenant_id, cloudwatch, create=True)
    yield {"tenant": tenant_id, "project": project_id, "prometheus": prometheus_id, "cloudwatch": cloudwatch_id}
    repository.delete_integration(tenant_id, cloudwatch)


@pytest.fixture(scope="module")
def webhooks(local_aws: Any) -> ModuleType:
    from functions.copilot_webhooks import handler

    return handler


def post_webhook(handler: ModuleType, integration_id: str, body: Any, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    _, event = in_process_event("POST", f"/copilot/api/v1/webhooks/{integration_id}", claims=None, body=body,
                                headers=headers)
    result = handler.lambda_handler(event, LambdaContext("test", "us-east-1"))
    return result["statusCode"], json.loads(result["body"])


def drain(local_aws: Any) -> int:
    from scripts.local.alerts import alert_delivery

    delivery, total = alert_delivery(local_aws), 0
    while (handed := delivery.deliver_once(wait_seconds=0)):
        total += handed
    return total


def incidents(project: dict[str, str]) -> list[Any]:
    from opsdesk.copilot.records import IncidentFilters
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.pagination import OffsetRequest

    return CopilotRepository().query_incidents(project["tenant"], project["project"], IncidentFilters(),
                                               OffsetRequest(0, 100))


def test_an_alertmanager_webhook_opens_incidents_through_the_bus_and_the_queue(
    local_aws: Any, webhooks: ModuleType, project: dict[str, str],
) -> None:
    drain(local_aws)
    body = json.loads((SAMPLES / "alertmanager-firing.json").read_text())

    status, answer = post_webhook(webhooks, project["prometheus"], body)

    assert status == 202 and answer["accepted"] == 2
    assert drain(local_aws) == 1
    titles = sorted(i.title for i in incidents(project))
    assert titles == ["HighErrorRate", "KubePodCrashLooping"]


def test_a_wrong_token_or_an_unreadable_payload_puts_nothing_on_the_bus(
    local_aws: Any, webhooks: ModuleType, project: dict[str, str],
) -> None:
    drain(local_aws)
    body = json.loads((SAMPLES / "alertmanager-firing.json").read_text())

    assert post_webhook(webhooks, project["prometheus"], body, token="wrong-token-of-enough-length")[0] == 401
    assert post_webhook(webhooks, project["prometheus"], body, token=None)[0] == 401
    assert post_webhook(webhooks, str(uuid.uuid4()), body)[0] == 401
    bad = {**body, "alerts": [{**body["alerts"][0], "status": "exploded"}]}
    status, answer = post_webhook(webhooks, project["prometheus"], bad)
    assert status == 422 and "alerts[0].status" in answer["detail"]
    assert drain(local_aws) == 0 and incidents(project) == []


def test_a_cloudwatch_alarm_on_the_default_bus_reaches_the_project_its_integration_routes(
    local_aws: Any, project: dict[str, str],
) -> None:
    from scripts.local.aws import client

    drain(local_aws)
    sample = json.loads((SAMPLES / "cloudwatch-alarm.json").read_text())
    events = client("events", local_aws.endpoint, local_aws.region)
    detail = {**sample["detail"], "alarmName": "checkout-api-5xx"}
    other = {**sample["detail"], "alarmName": "billing-cpu-high"}
    for alarm in (detail, other):
        events.put_events(Entries=[{"Source": "aws.cloudwatch", "DetailType": "CloudWatch Alarm State Change",
                                    "Resources": [f"arn:aws:cloudwatch:{local_aws.region}:123456789012:alarm:"
                                                  f"{alarm['alarmName']}"], "Detail": json.dumps(alarm)}])

    assert drain(local_aws) == 2
    assert [i.title for i in incidents(project)] == ["checkout-api-5xx"]  # the prefix routes one of them


def test_a_redelivered_message_changes_nothing(local_aws: Any, webhooks: ModuleType,
                                               project: dict[str, str]) -> None:
    from scripts.local.aws import client

    drain(local_aws)
    body = json.loads((SAMPLES / "alertmanager-firing.json").read_text())
    post_webhook(webhooks, project["prometheus"], body)
    sqs = client("sqs", local_aws.endpoint, local_aws.region)
    message = sqs.receive_message(QueueUrl=local_aws.alerts_queue_url, MaxNumberOfMessages=1,
                                  VisibilityTimeout=0)["Messages"][0]
    sqs.send_message(QueueUrl=local_aws.alerts_queue_url, MessageBody=message["Body"])  # the same event again

    assert drain(local_aws) == 2
    from opsdesk.alerts.repository import AlertGroupRepository

    groups = AlertGroupRepository()
    counts = [groups.by_dedup_key(project["tenant"], project["project"], a["fingerprint"]).group.alert_count
              for a in body["alerts"]]
    assert counts == [1, 1] and len(incidents(project)) == 2




@pytest.mark.parametrize(("integration_type", "sample_file"), [
    ("grafana", "grafana-firing.json"), ("datadog", "datadog-triggered.json"), ("pagerduty", "pagerduty-trigger.json"),
])
def test_every_webhook_system_s_sample_opens_an_incident_through_the_whole_path(
    local_aws: Any, webhooks: ModuleType, project: dict[str, str], integration_type: str, sample_file: str,
) -> None:
    from opsdesk.copilot.records import Integration
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.secrets import SecretsManagerStore
    from scripts.local.aws import INTEGRATION_SECRET_PREFIX

    drain(local_aws)
    integration_id, now = str(uuid.uuid4()), datetime.now(UTC)
    secrets = SecretsManagerStore(INTEGRATION_SECRET_PREFIX, region=local_aws.region, endpoint_url=local_aws.endpoint)
    reference = secrets.put(project["tenant"], integration_id, {"webhook_token": TOKEN})
    CopilotRepository().save_integration(project["tenant"], Integration(
        integration_id, project["project"], integration_type, integration_type, {}, reference, ("webhook_token",),
        True, now, now), create=True)

    status, answer = post_webhook(webhooks, integration_id, json.loads((SAMPLES / sample_file).read_text()))

    assert status == 202 and answer["accepted"] >= 1
    assert drain(local_aws) == 1
    assert len(incidents(project)) >= 1


def test_a_deployment_on_the_default_bus_is_stored_as_change_evidence_of_the_routed_project(
    local_aws: Any, project: dict[str, str],
) -> None:
    from opsdesk.copilot.repository import CopilotRepository
    from scripts.local.aws import client

    drain(local_aws)
    sample = json.loads((SAMPLES / "codedeploy-success.json").read_text())
    client("events", local_aws.endpoint, local_aws.region).put_events(Entries=[{
        "Source": sample["source"], "DetailType": sample["detail-type"], "Resources": sample.get("resources", []),
        "Detail": json.dumps(sample["detail"])}])

    assert drain(local_aws) == 1
    now = datetime.now(UTC)
    changes = CopilotRepository().changes_between(project["tenant"], project["project"],
                                                  now.replace(year=now.year - 1), now.replace(year=now.year + 1), 10)
    assert [(c.kind, c.service) for c in changes] == [("deployment", sample["detail"]["application"])]


def many_alerts(count: int) -> dict[str, Any]:
    """An Alertmanager webhook of `count` alerts (distinct fingerprints) over four services."""
    body = json.loads((SAMPLES / "alertmanager-firing.json").read_text())
    first = body["alerts"][0]
    body["alerts"] = [{**first, "fingerprint": f"fp{n:04d}",
                       "labels": {**first["labels"], "service": f"svc-{n % 4}", "pod": f"pod-{n}"}}
                      for n in range(count)]
    return body


def test_a_webhook_of_many_alerts_applies_every_one_of_them(
    local_aws: Any, webhooks: ModuleType, project: dict[str, str],
) -> None:
    drain(local_aws)

    status, answer = post_webhook(webhooks, project["prometheus"], many_alerts(40))

    assert status == 202 and answer["accepted"] == 40
    assert drain(local_aws) == 1
    opened = incidents(project)
    assert sorted(i.service_name for i in opened) == ["svc-0", "svc-1", "svc-2", "svc-3"]  # grouped by service
    from opsdesk.alerts.repository import AlertGroupRepository

    groups = {AlertGroupRepository().by_dedup_key(project["tenant"], project["project"], f"fp{n:04d}")
              .group.incident_id for n in range(40)}
    assert groups == {i.id for i in opened}
