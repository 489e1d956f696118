"""Spike (docs/aura-run-spike.md): the durable run behind HTTP, as `make dev` would have to host it, and the
approval sent the way a REST handler would: boto3 ``lambda.send_durable_execution_callback_success``.

Two local servers, both on 127.0.0.1:
- the SDK's local runner (``WebRunner``, what ``dex-local-runner start-server`` runs) on :5011, with a
  sqlite store. It serves the durable-execution API (checkpoint, history, callbacks) and invokes the
  handler through the Lambda Invoke API at its ``lambda_endpoint``;
- that Lambda endpoint: the SDK ships none (it expects `sam local start-lambda`, which needs Docker), so
  this spike serves ``POST /2015-03-31/functions/<name>/invocations`` itself on :3011, calling the
  handler of ``durable_steps.py`` in-process. The handler's SDK checkpoints back to :5011 through
  ``AWS_ENDPOINT_URL_LAMBDA``.

    /tmp/spike-venv/bin/python scripts/spikes/aura_run/durable_web.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RUNNER_PORT, LAMBDA_PORT = 5011, 3011
os.environ.update({"AWS_ENDPOINT_URL_LAMBDA": f"http://127.0.0.1:{RUNNER_PORT}", "AWS_DEFAULT_REGION": "us-west-2",
                   "AWS_ACCESS_KEY_ID": "spike", "AWS_SECRET_ACCESS_KEY": "spike"})
sys.path.insert(0, str(Path(__file__).parent))

import boto3  # noqa: E402
import durable_steps  # noqa: E402
from aws_durable_execution_sdk_python_testing import WebRunner, WebRunnerConfig  # noqa: E402
from aws_durable_execution_sdk_python_testing.invoker import create_test_lambda_context  # noqa: E402
from aws_durable_execution_sdk_python_testing.stores.base import StoreType  # noqa: E402
from aws_durable_execution_sdk_python_testing.web.server import WebServiceConfig  # noqa: E402


class FakeLambda(BaseHTTPRequestHandler):
    """The Lambda Invoke API, for one handler, in-process."""

    def do_POST(self) -> None:  # noqa: N802
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps(durable_steps.aura_run(event, create_test_lambda_context(function_name="aura"))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    lam = ThreadingHTTPServer(("127.0.0.1", LAMBDA_PORT), FakeLambda)
    threading.Thread(target=lam.serve_forever, daemon=True).start()
    store = tempfile.mkdtemp(prefix="dex-store-")
    config = WebRunnerConfig(web_service=WebServiceConfig(host="127.0.0.1", port=RUNNER_PORT, log_level=40),
                             lambda_endpoint=f"http://127.0.0.1:{LAMBDA_PORT}", store_type=StoreType.SQLITE,
                             store_path=store + "/executions.db", skip_time=True)
    out: dict = {}
    with WebRunner(config) as runner:
        threading.Thread(target=runner.serve_forever, daemon=True).start()
        # The REST side: a plain boto3 Lambda client pointed at the runner (on AWS: no endpoint override).
        api = boto3.client("lambda", endpoint_url=f"http://127.0.0.1:{RUNNER_PORT}")
        t0 = time.perf_counter()
        # Starting an execution: on AWS a plain `lambda.invoke` of the durable function's qualified ARN;
        # the local runner has its own non-AWS route for it.
        request = urllib.request.Request(
            f"http://127.0.0.1:{RUNNER_PORT}/start-durable-execution", method="POST",
            data=json.dumps({"AccountId": "123456789012", "FunctionName": "aura", "FunctionQualifier": "$LATEST",
                             "ExecutionName": "web-1", "ExecutionTimeoutSeconds": 3600,
                             "ExecutionRetentionPeriodDays": 1, "Input": json.dumps({"ticket": "web-1"})}).encode(),
            headers={"Content-Type": "application/json"})
        arn = json.loads(urllib.request.urlopen(request, timeout=10).read())["ExecutionArn"]
        callback_id = None
        while callback_id is None and time.perf_counter() - t0 < 30:
            events = api.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
            started = [e for e in events if e["EventType"] == "CallbackStarted"]
            if started and events[-1]["EventType"] == "InvocationCompleted":
                callback_id = started[-1]["CallbackStartedDetails"]["CallbackId"]
            else:
                time.sleep(0.01)
        out["to_callback_s"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        api.send_durable_execution_callback_success(CallbackId=callback_id, Result=b'{"approved": true}')
        status = "RUNNING"
        while status == "RUNNING" and time.perf_counter() - t1 < 30:
            status = api.get_durable_execution(DurableExecutionArn=arn)["Status"]
            time.sleep(0.01)
        out.update({"status": status, "after_callback_s": round(time.perf_counter() - t1, 3),
                    "total_s": round(time.perf_counter() - t0, 3),
                    "tool_calls": sum(durable_steps.TOOL.side_effects.values()),
                    "history_events": len(api.get_durable_execution_history(DurableExecutionArn=arn)["Events"])})
    lam.shutdown()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
