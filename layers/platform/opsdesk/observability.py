"""Logger, Metrics and Tracer, created once per process and shared by every function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import wrapt
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

from opsdesk.readmeter import metered_reads

logger = Logger()
metrics = Metrics(namespace="opsdesk")
# Patch only botocore (which pynamodb and boto3 sit on): auto-patching every supported library costs cold-start
# time for clients the functions do not use. And patch it once something imports it, since patching imports it:
# a function that never calls AWS (the API docs) would load botocore (~1 x `import boto3`) for nothing. Every
# client is made by a botocore session, and botocore.session is loaded after botocore.client, the patched module.
tracer = Tracer(auto_patch=False)
wrapt.when_imported("botocore.session")(lambda _: tracer.patch(("botocore",)))

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def instrumented(handler: LambdaHandler) -> LambdaHandler:
    """The decorator stack of every REST handler: request-id correlated logs, an X-Ray segment, EMF metrics,
    among them the DynamoDB items each request read (the number that must follow the page, not the table)."""

    def metered(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with metered_reads() as reads:
            result = handler(event, context)
        metrics.add_metric(name="DynamoItemsRead", unit=MetricUnit.Count, value=reads.items)
        return result

    traced = tracer.capture_lambda_handler(metered, capture_response=False)
    # Powertools prints the cold-start metric even when metrics are disabled (locally): ask for it only on AWS.
    with_metrics = metrics.log_metrics(
        traced, capture_cold_start_metric=not is_metrics_disabled(), raise_on_empty_metrics=False
    )
    wrapped: LambdaHandler = logger.inject_lambda_context(
        with_metrics, correlation_id_path=correlation_paths.API_GATEWAY_REST
    )
    return wrapped
