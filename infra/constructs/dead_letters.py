"""The dead-letter queues of every asynchronous path (queues, streams, schedules, the alert path, the realtime
fan-out, the docs indexer): one shape, so each keeps what failed for as long, encrypted and TLS only."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.nag import acknowledge

DEAD_LETTER_RETENTION = Duration.days(14)
"""Longer than the work queues' (4 days): a standard queue's message keeps its first enqueue time in the dead-letter
queue."""


def dead_letter_queue(scope: Construct, construct_id: str, reason: str) -> sqs.Queue:
    """A dead-letter queue. It has no dead-letter queue of its own: `reason` acknowledges cdk-nag's SQS3 finding,
    saying what the queue holds the failures of."""
    queue = sqs.Queue(scope, construct_id, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
                      retention_period=DEAD_LETTER_RETENTION)
    acknowledge(queue, "SQS3", reason)
    return queue
