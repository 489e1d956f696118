"""Spike (issue #13, docs/aura-run-spike.md): the aura agent's run as a Lambda durable function, run by the durable
execution SDK's own test runner: ten checkpointed steps (fake tool calls) with one approval callback in the middle,
a crash injected in one step, and the wall time. Needs the SDK, which the project does not depend on:

    python -m venv /tmp/durable-venv && /tmp/durable-venv/bin/pip install aws-durable-execution-sdk-python \\
        aws-durable-execution-sdk-python-testing
    /tmp/durable-venv/bin/python scripts/spikes/durable_run.py
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner

CALLS: list[str] = []
CRASHED: set[str] = set()
INJECT_CRASH = False
"""True: step 3 fails once (with the SDK's default retry strategy the run then waited past 60 s here)."""


@durable_execution
def agent(event: Any, context: DurableContext) -> dict[str, Any]:
    results = []
    for n in range(10):
        if n == 5:  # a destructive step: wait for a person's approval
            approval = context.wait_for_callback(lambda callback_id, _ctx: CALLS.append(f"approval:{callback_id}"),
                                                 name="approval")
            results.append(f"approved:{approval}")

        def call(_step: Any, n: int = n) -> str:
            CALLS.append(f"tool-{n}")
            if n == 3 and "tool-3" not in CRASHED and INJECT_CRASH:
                CRASHED.add("tool-3")
                raise RuntimeError("crash mid-step")
            return f"result-{n}"

        results.append(context.step(call, name=f"tool-{n}"))
    return {"results": results}


def main() -> None:
    runner = DurableFunctionTestRunner(handler=agent, poll_interval=0.05)
    started = time.perf_counter()
    arn = runner.run_async(input=json.dumps({"ticket": "t1"}))
    callback_id = runner.wait_for_callback(arn, name="approval", timeout=60)
    waited = time.perf_counter() - started
    threading.Timer(0.0, lambda: runner.send_callback_success(callback_id, b'"yes"')).start()
    result = runner.wait_for_result(arn) if hasattr(runner, "wait_for_result") else None
    total = time.perf_counter() - started
    print(json.dumps({"until_approval_s": round(waited, 3), "total_s": round(total, 3),
                      "tool_calls": [c for c in CALLS if c.startswith("tool")],
                      "result": getattr(result, "status", str(result))[:80]}, indent=2, default=str))


if __name__ == "__main__":
    main()
