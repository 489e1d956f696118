"""The Tracer as deployed (in Lambda, tracing on): opsdesk.observability patches botocore once something imports
it, so importing it loads no AWS client code, and a call through a client made afterwards is still traced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: the X-Ray recorder's emitter is replaced by one that keeps what it is given.
TRACED_CALL = r"""
import json, sys

from opsdesk import observability

loaded_at_import = sorted(name for name in ("botocore.client", "botocore.session") if name in sys.modules)

from aws_xray_sdk.core import xray_recorder

class KeptEntities:
    def __init__(self):
        self.entities = []
    def send_entity(self, entity):
        self.entities.append(entity.to_dict())
    def set_daemon_address(self, address):
        pass

kept = KeptEntities()
xray_recorder.configure(emitter=kept)

import botocore.session
from botocore.stub import Stubber

client = botocore.session.get_session().create_client(
    "sqs", region_name="us-east-1", aws_access_key_id="probe", aws_secret_access_key="probe")
stubber = Stubber(client)
stubber.add_response("list_queues", {"QueueUrls": []})
stubber.activate()

class Context:
    function_name = "opsdesk-probe"
    memory_limit_in_mb = 128
    aws_request_id = "request-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:opsdesk-probe"

@observability.instrumented
def handler(event, context):
    client.list_queues()
    return {"statusCode": 200}

handler({}, Context())

def walk(entity):
    yield entity
    for child in entity.get("subsegments", []):
        yield from walk(child)

seen = [entity for top in kept.entities for entity in walk(top)]
print(json.dumps({"loaded_at_import": loaded_at_import, "names": sorted({e["name"] for e in seen}),
                  "annotations": sorted({key for e in seen for key in e.get("annotations", {})})}))
"""


def lambda_environment() -> dict[str, str]:
    env = {**os.environ, "LAMBDA_TASK_ROOT": str(ROOT), "AWS_LAMBDA_FUNCTION_NAME": "opsdesk-probe",
           "AWS_REGION": "us-east-1", "POWERTOOLS_SERVICE_NAME": "opsdesk", "POWERTOOLS_METRICS_DISABLED": "true",
           "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"}
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    return env


def test_a_botocore_call_made_after_the_import_is_traced_and_the_import_loads_no_client_code() -> None:
    # Given a Lambda with tracing on, When a handler wrapped by `instrumented` calls AWS through a botocore client
    # imported after opsdesk.observability
    result = subprocess.run([sys.executable, "-c", TRACED_CALL], env=lambda_environment(), cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    # Then importing opsdesk.observability loaded no botocore client code
    assert report["loaded_at_import"] == []
    # And the handler's subsegment, its annotations and the AWS call's subsegment were all recorded
    assert {"## metered", "sqs"} <= set(report["names"])
    assert {"ColdStart", "Service"} <= set(report["annotations"])
