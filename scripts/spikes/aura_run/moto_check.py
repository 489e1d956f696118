"""Spike (docs/aura-run-spike.md): does moto serve any of the Lambda durable-execution APIs?

Calls each durable-execution operation of botocore's Lambda model against moto (in-process ``mock_aws``)
and prints what comes back. Runs in either venv (the project's has moto 5.2.x):

    .venv/bin/python scripts/spikes/aura_run/moto_check.py
"""

from __future__ import annotations

import json
import os

import boto3
import botocore
import botocore.exceptions
import moto
from moto import mock_aws

os.environ.update({"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "spike", "AWS_SECRET_ACCESS_KEY": "spike"})

ARN = "arn:aws:lambda:us-east-1:123456789012:function:aura:$LATEST/durable-execution/x/y"
CALLS = {
    "SendDurableExecutionCallbackSuccess": {"CallbackId": "abc", "Result": b"{}"},
    "SendDurableExecutionCallbackFailure": {"CallbackId": "abc"},
    "SendDurableExecutionCallbackHeartbeat": {"CallbackId": "abc"},
    "GetDurableExecution": {"DurableExecutionArn": ARN},
    "GetDurableExecutionHistory": {"DurableExecutionArn": ARN},
    "GetDurableExecutionState": {"DurableExecutionArn": ARN, "CheckpointToken": "t"},
    "CheckpointDurableExecution": {"DurableExecutionArn": ARN, "CheckpointToken": "t"},
    "ListDurableExecutionsByFunction": {"FunctionName": "aura"},
    "StopDurableExecution": {"DurableExecutionArn": ARN},
}


def snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


@mock_aws
def main() -> None:
    client = boto3.client("lambda")
    ops = set(client.meta.service_model.operation_names)
    out: dict = {"moto": moto.__version__, "botocore": botocore.__version__}
    for op, params in CALLS.items():
        if op not in ops:
            out[op] = "not in this botocore's Lambda model"
            continue
        try:
            getattr(client, snake(op))(**params)
            out[op] = "answered"
        except botocore.exceptions.ClientError as exc:
            error = exc.response["Error"]
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            out[op] = f"HTTP {status} {error.get('Code')}: {error.get('Message')}"
        except Exception as exc:  # noqa: BLE001
            out[op] = f"{type(exc).__name__}: {str(exc)[:90]}"
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
