"""Spike (docs/aura-run-spike.md): the aura run as a Lambda durable function, driven by the SDK's own
in-process test runner (``DurableFunctionTestRunner``).

A handler with ten checkpointed steps (fake tool calls, each recorded by its call id) and one
``wait_for_callback`` (the approval) after step 5. Three scenarios, each timed:

- ``clean``: run to the callback, approve from outside (``send_callback_success``: the runner's
  stand-in for the ``SendDurableExecutionCallbackSuccess`` API), run to the end.
- ``step-error``: step 3 raises on its first attempt; the SDK's step retry replays the handler.
- ``crash``: step 3 raises a BaseException on its first attempt, which the SDK's step does not catch: the
  invocation itself fails, as a killed Lambda would; the runner re-invokes and the handler replays from
  the checkpoints (completed steps return their checkpointed results; the interrupted step runs again).

Needs the SDK, which the project does not depend on (a separate venv):

    python3.11 -m venv /tmp/spike-venv && /tmp/spike-venv/bin/pip install aws-durable-execution-sdk-python \\
        aws-durable-execution-sdk-python-testing boto3 'moto[server]'
    /tmp/spike-venv/bin/python scripts/spikes/aura_run/durable_steps.py [--runs 5]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import threading
import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, StepConfig
from aws_durable_execution_sdk_python.retries import RetryDecision
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner

STEPS = 10
APPROVAL_AFTER = 5


class Crash(BaseException):
    """Not an Exception: the SDK's step does not catch it, so the whole invocation dies (a killed Lambda)."""


class FakeTool:
    """An external system that counts every call by id (it does not dedupe: a re-run step counts twice)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.side_effects: collections.Counter[str] = collections.Counter()
        self.step_started: dict[str, float] = {}
        self.step_times: list[float] = []
        self.fail_once: dict[str, type[BaseException]] = {}

    def call(self, call_id: str) -> str:
        with self.lock:
            self.side_effects[call_id] += 1
            exc = self.fail_once.pop(call_id, None)
        if exc is not None:
            raise exc(f"injected failure in {call_id}")
        return f"result:{call_id}"


TOOL = FakeTool()
APPROVAL_REQUESTS: list[str] = []


def retry_fast(error: Exception, attempts: int) -> RetryDecision:
    # The runner skips timers by default (skip_time=True), so the delay is history only.
    return RetryDecision.retry(Duration.from_seconds(1)) if attempts < 3 else RetryDecision.no_retry()


@durable_execution
def aura_run(event: Any, context: DurableContext) -> dict[str, Any]:
    ticket = event["ticket"]
    results = []
    for n in range(STEPS):
        if n == APPROVAL_AFTER:
            approval = context.wait_for_callback(
                lambda callback_id, _ctx: APPROVAL_REQUESTS.append(callback_id), name="approval"
            )
            results.append(f"approval:{approval}")

        def call(_step: Any, n: int = n) -> str:
            return TOOL.call(f"{ticket}:tool-{n}")

        results.append(context.step(call, name=f"tool-{n}", config=StepConfig(retry_strategy=retry_fast)))
    return {"ticket": ticket, "results": results}


def lambda_runtime(event: Any, lambda_context: Any) -> Any:
    """What the runner invokes: the durable handler, with a dying invocation surfacing as an invocation error.

    A BaseException escaping the handler would kill the runner's invoke coroutine and hang the execution
    (a harness artifact); the Lambda service sees a crashed runtime as a failed invocation and re-invokes,
    which the runner does for an Exception raised by its invoker (after its 5 s RETRY_BACKOFF_SECONDS).
    """
    try:
        return aura_run(event, lambda_context)
    except Crash as crash:
        raise RuntimeError("invocation died mid-step") from crash


CHECKPOINT_CALLS: collections.Counter[str] = collections.Counter()


def count_checkpoints(runner: DurableFunctionTestRunner) -> None:
    """Count CheckpointDurableExecution calls (the API a handler calls on AWS) per execution."""
    client = runner._service_client  # noqa: SLF001 (a spike: the runner's in-memory stand-in for the API)
    original = client.checkpoint

    def checkpoint(durable_execution_arn: str, *args: Any, **kwargs: Any) -> Any:
        CHECKPOINT_CALLS[durable_execution_arn] += 1
        return original(durable_execution_arn, *args, **kwargs)

    client.checkpoint = checkpoint


def one_run(runner: DurableFunctionTestRunner, ticket: str, inject: type[BaseException] | None) -> dict[str, Any]:
    if inject is not None:
        TOOL.fail_once[f"{ticket}:tool-3"] = inject
    t0 = time.perf_counter()
    arn = runner.run_async(input=json.dumps({"ticket": ticket}), execution_name=ticket, execution_timeout=120)
    # The CallbackStarted event of wait_for_callback(name="approval") is named "approval create callback id"
    # (the child context is "approval"): waiting on name="approval" never matches. name=None takes the latest.
    try:
        callback_id = runner.wait_for_callback(arn, timeout=30)
    except TimeoutError:
        events = runner.get_execution_history(arn).events
        tail = [(e.event_type, e.name) for e in events][-8:]
        raise SystemExit(f"{ticket}: no callback; history tail {tail}") from None
    t_callback = time.perf_counter()
    runner.send_callback_success(callback_id, json.dumps({"approved": True}).encode())
    result = runner.wait_for_result(arn, timeout=60)
    t_end = time.perf_counter()
    calls = {k: v for k, v in TOOL.side_effects.items() if k.startswith(f"{ticket}:")}
    return {
        "status": str(result.status),
        "to_callback_s": t_callback - t0,
        "after_callback_s": t_end - t_callback,
        "total_s": t_end - t0,
        "tool_attempts": sum(calls.values()),
        "ids_run_twice": {k: v for k, v in calls.items() if v > 1},
        "checkpoint_calls": CHECKPOINT_CALLS[arn],
        "history_events": len(runner.get_execution_history(arn).events),
        "steps_in_result": len(json.loads(result.result)["results"]) if result.result else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--poll", type=float, default=0.01, help="runner poll interval (wait_for_callback)")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with DurableFunctionTestRunner(handler=lambda_runtime, poll_interval=args.poll) as runner:
        count_checkpoints(runner)
        for scenario, inject in (("clean", None), ("step-error", RuntimeError), ("crash", Crash)):
            runs = [one_run(runner, f"{scenario}-{i}", inject) for i in range(args.runs)]
            totals = [r["total_s"] for r in runs]
            out[scenario] = {
                "runs": len(runs),
                "statuses": sorted({r["status"] for r in runs}),
                "run_median_s": round(statistics.median(totals), 4),
                "run_max_s": round(max(totals), 4),
                "per_step_median_ms": round(statistics.median(totals) / STEPS * 1000, 2),
                "to_callback_median_s": round(statistics.median(r["to_callback_s"] for r in runs), 4),
                "tool_attempts_per_run": sorted({r["tool_attempts"] for r in runs}),
                "ids_run_twice_example": runs[0]["ids_run_twice"],
                "steps_in_result": runs[0]["steps_in_result"],
            }
            out[scenario]["checkpoint_calls_per_run"] = sorted({r["checkpoint_calls"] for r in runs})
            out[scenario]["history_events_per_run"] = sorted({r["history_events"] for r in runs})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
