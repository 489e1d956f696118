"""SQS queues and their consumers on the local stack, as Lambda's SQS event source runs them on AWS: a poller
receives up to a batch of messages, invokes the consumer with an SQS event, deletes what the consumer did not
report failed, and leaves the failed ones to come back after their visibility timeout. The alert path's queue
(scripts/local/alerts.py), every module's work queue (opsdesk.apimap QueueConsumer: the aura agent's) and the
realtime fan-out's queue of pages (opsdesk.realtime.FanoutPage) use it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import cached_property
from typing import Any

from opsdesk.apimap import REALTIME, SERVED_MODULES, QueueConsumer
from opsdesk.realtime import FANOUT_QUEUE_URL_SETTING
from scripts.local.aws import ACCOUNT_ID, LocalAws, client
from scripts.local.functions import lambda_handler
from scripts.local.gateway import LambdaContext

LOG = logging.getLogger("opsdesk.local.queues")
MODULE_QUEUE_VISIBILITY_SECONDS = 60
"""Locally a failed kick comes back after a minute (six times the consumer's timeout on AWS)."""
FANOUT_QUEUE_NAME = "opsdesk-local-realtime-fanout-pages"
FANOUT_VISIBILITY_SECONDS = 30
"""A failed page comes back after 30 s locally (150 s on AWS: six times the fan-out's timeout)."""
FANOUT_CONCURRENCY = 5
"""Pages posted at once, as Lambda's SQS event source starts: five batches (of one page) in flight."""


def queue_name(consumer: QueueConsumer) -> str:
    return f"opsdesk-local-{consumer.group.name.replace('_', '-')}"


def provision_module_queues(aws: LocalAws) -> dict[str, str]:
    """Idempotent: one queue per module queue consumer, and the realtime fan-out's queue of pages; {the queue URL
    setting: the URL} (the functions' environment)."""
    sqs = client("sqs", aws.endpoint, aws.region)
    urls: dict[str, str] = {FANOUT_QUEUE_URL_SETTING: sqs.create_queue(QueueName=FANOUT_QUEUE_NAME, Attributes={
        "VisibilityTimeout": str(FANOUT_VISIBILITY_SECONDS)})["QueueUrl"]}
    for module in SERVED_MODULES:
        for consumer in module.queue_consumers:
            urls[consumer.queue_url_setting] = sqs.create_queue(QueueName=queue_name(consumer), Attributes={
                "VisibilityTimeout": str(MODULE_QUEUE_VISIBILITY_SECONDS)})["QueueUrl"]
    return urls


class QueueDelivery:
    """Receives a queue's messages and invokes `function` (functions/<name>/handler.py) with SQS events of up to
    `batch_size` records; `prepare` may rewrite a body on the way (what AWS adds that moto leaves out)."""

    def __init__(self, aws: LocalAws, queue_url: str, function: str, *, batch_size: int = 10,
                 prepare: Callable[[str], str] | None = None, concurrency: int = 1) -> None:
        """`concurrency`: batches handed over at once (Lambda's pollers run several; each is its own thread)."""
        self._aws = aws
        self._queue_url = queue_url
        self._function = function
        self._batch_size = batch_size
        self._prepare = prepare or (lambda body: body)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"queue-{function}-{n}", daemon=True)
                         for n in range(concurrency)]

    def start(self) -> QueueDelivery:
        _ = self._sqs  # made once, before the pollers share it
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    @cached_property
    def _sqs(self) -> Any:
        """One client for the delivery's life: making one per receive was most of an idle queue's cost."""
        return client("sqs", self._aws.endpoint, self._aws.region)

    def deliver_once(self, wait_seconds: int = 1) -> int:
        """One receive and one invocation; returns how many messages it handed over."""
        sqs = self._sqs
        messages = sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=self._batch_size,
                                       WaitTimeSeconds=wait_seconds, AttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        handler = lambda_handler(self._function)
        queue = self._queue_url.rsplit("/", 1)[-1]
        event = {"Records": [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"],
                              "body": self._prepare(m["Body"]),
                              "attributes": m.get("Attributes", {}), "messageAttributes": {},
                              "md5OfBody": m.get("MD5OfBody", ""), "eventSource": "aws:sqs",
                              "eventSourceARN": f"arn:aws:sqs:{self._aws.region}:{ACCOUNT_ID}:{queue}",
                              "awsRegion": self._aws.region} for m in messages]}
        try:
            result = handler(event, LambdaContext(f"opsdesk-local-{self._function}", self._aws.region))
        except Exception:  # noqa: BLE001 - the batch comes back after its visibility timeout, as on AWS
            LOG.exception("%s failed a batch of %d messages", self._function, len(messages))
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
                LOG.exception("queue delivery to %s failed", self._function)
                self._stop.wait(1)


def fanout_delivery(aws: LocalAws) -> QueueDelivery:
    """The fan-out's pages to the fan-out function, one page per invocation as its SQS event source has it."""
    return QueueDelivery(aws, aws.module_queue_urls[FANOUT_QUEUE_URL_SETTING], REALTIME.fanout_function,
                         batch_size=1, concurrency=FANOUT_CONCURRENCY)


def module_queue_deliveries(aws: LocalAws) -> list[QueueDelivery]:
    """The modules' work queues to their consumers, and the fan-out's pages to the fan-out."""
    return [*(QueueDelivery(aws, aws.module_queue_urls[consumer.queue_url_setting], consumer.group.name,
                            batch_size=consumer.batch_size)
              for module in SERVED_MODULES for consumer in module.queue_consumers),
            fanout_delivery(aws)]
