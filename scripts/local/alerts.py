"""The alert path on the local stack (opsdesk.apimap.ALERTS; docs/decisions.md, Alerts): in moto, the opsdesk
alerts bus, the rules that take CloudWatch alarms and deployments from the default bus and everything of the
opsdesk bus's sources, one queue as the rules' target (moto's EventBridge delivers to it as AWS does), and a poller
that hands the queue's messages to alert_ingest in batches the way the SQS event source does (a message the
function reports failed stays on the queue and comes back after its visibility timeout)."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

from opsdesk.apimap import ALERTS, AlertPath
from scripts.local.aws import ACCOUNT_ID, LocalAws, client
from scripts.local.gateway import LambdaContext

LOG = logging.getLogger("opsdesk.local.alerts")
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


class QueueDelivery:
    """Receives the queue's messages and invokes the consumer with SQS events of up to `batch_size` records."""

    def __init__(self, aws: LocalAws, queue_url: str, path: AlertPath = ALERTS) -> None:
        self._aws = aws
        self._queue_url = queue_url
        self._path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alerts-queue", daemon=True)

    def start(self) -> QueueDelivery:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def deliver_once(self, wait_seconds: int = 1) -> int:
        """One receive and one invocation; returns how many messages it handed over."""
        import importlib  # noqa: PLC0415

        sqs = client("sqs", self._aws.endpoint, self._aws.region)
        messages = sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=self._path.batch_size,
                                       WaitTimeSeconds=wait_seconds, AttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        handler = importlib.import_module(f"functions.{self._path.consumer.name}.handler").lambda_handler
        event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"],
                              "body": with_account(m["Body"]),
                              "attributes": m.get("Attributes", {}), "messageAttributes": {},
                              "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
                              "eventSourceARN": f"arn:aws:sqs:{self._aws.region}:{ACCOUNT_ID}:{QUEUE_NAME}",
                              "awsRegion": self._aws.region} for m in messages]}
        try:
            result = handler(event, LambdaContext(f"opsdesk-local-{self._path.consumer.name}", self._aws.region))
        except Exception:  # noqa: BLE001 - the batch comes back after its visibility timeout, as on AWS
            LOG.exception("%s failed a batch of %d messages", self._path.consumer.name, len(messages))
            return len(messages)
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)])
        return len(messages)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_once()
            except Exception:  # noqa: BLE001 - moto went away (shutdown) or a transient error: try again
                LOG.exception("alert queue delivery failed")
                self._stop.wait(1)
