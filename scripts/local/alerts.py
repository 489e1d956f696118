"""The alert path on the local stack (opsdesk.apimap.ALERTS; docs/decisions.md, Alerts): in moto, the opsdesk
alerts bus, the rules that take CloudWatch alarms and deployments from the default bus and everything of the
opsdesk bus's sources, one queue as the rules' target (moto's EventBridge delivers to it as AWS does), and a poller
that hands the queue's messages to alert_ingest in batches the way the SQS event source does
(scripts/local/queues.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from opsdesk.apimap import ALERTS, AlertPath
from scripts.local.aws import ACCOUNT_ID, LocalAws, client
from scripts.local.queues import QueueDelivery

BUS_NAME = "opsdesk-local-alerts"
QUEUE_NAME = "opsdesk-local-alerts"
VISIBILITY_SECONDS = 30


@dataclass(frozen=True)
class LocalAlertPath:
    bus_name: str
    queue_url: str


def provision_alert_path(aws: LocalAws, path: AlertPath = ALERTS) -> LocalAlertPath:
    """Idempotent: the bus, the queue and the rules, as CDK makes them."""
    events, sqs = client("events", aws.endpoint, aws.region), client("sqs", aws.endpoint, aws.region)
    buses = {b["Name"] for b in events.list_event_buses()["EventBuses"]}
    if BUS_NAME not in buses:
        events.create_event_bus(Name=BUS_NAME)
    queue_url = sqs.create_queue(QueueName=QUEUE_NAME, Attributes={
        "VisibilityTimeout": str(VISIBILITY_SECONDS)})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rules: list[tuple[str, str, dict[str, Any]]] = [
        (f"opsdesk-local-alerts-default-{n}", "default", {"source": [source], "detail-type": [detail_type]})
        for n, (source, detail_type) in enumerate(path.default_bus_events)]
    rules.append(("opsdesk-local-alerts-bus", BUS_NAME, {"source": list(path.bus_sources)}))
    for name, bus, pattern in rules:
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern), State="ENABLED")
        events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "alerts-queue", "Arn": queue_arn}])
    return LocalAlertPath(BUS_NAME, queue_url)


def with_account(body: str) -> str:
    """moto's EventBridge leaves the `account` field out of the events it delivers (AWS always sends it): filled in
    here, as the account moto plays."""
    try:
        event = json.loads(body)
    except ValueError:
        return body
    if isinstance(event, dict) and "detail-type" in event and "account" not in event:
        event["account"] = ACCOUNT_ID
        return json.dumps(event)
    return body


def alert_delivery(aws: LocalAws, path: AlertPath = ALERTS) -> QueueDelivery:
    """The alert path's consumer on its queue, in batches as the SQS event source gives them."""
    return QueueDelivery(aws, aws.alerts_queue_url, path.consumer.name, batch_size=path.batch_size,
                         prepare=with_account)
