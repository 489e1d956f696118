"""Spike (docs/aura-run-spike.md): does a durable run waiting for its approval survive a restart of the
process that hosts the SDK's local runner (what `make dev` restarting would do)?

Process 1 builds a ``DurableFunctionTestRunner`` on a store, runs the 10-step handler of
``durable_steps.py`` to its approval callback, writes the callback id to a file and dies (``os._exit``).
Process 2 builds a new runner on the same store, sends the approval and watches the execution.
Tried with each store the runner takes: memory (the default), filesystem, sqlite; and, on sqlite, a
process that dies inside a step (no approval pending): does the new runner pick that run up again?

    /tmp/spike-venv/bin/python scripts/spikes/aura_run/durable_restart.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import durable_steps  # noqa: E402
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner  # noqa: E402
from aws_durable_execution_sdk_python_testing.stores.filesystem import FileSystemExecutionStore  # noqa: E402
from aws_durable_execution_sdk_python_testing.stores.memory import InMemoryExecutionStore  # noqa: E402
from aws_durable_execution_sdk_python_testing.stores.sqlite import SQLiteExecutionStore  # noqa: E402


def make_store(kind: str, path: str):  # noqa: ANN201
    if kind == "sqlite":
        return SQLiteExecutionStore.create_and_initialize(path + "/executions.db")
    if kind == "filesystem":
        return FileSystemExecutionStore.create(path + "/executions")
    return InMemoryExecutionStore()


def phase_start(kind: str, path: str) -> None:
    runner = DurableFunctionTestRunner(handler=durable_steps.lambda_runtime, poll_interval=0.01,
                                       store=make_store(kind, path))
    arn = runner.run_async(input=json.dumps({"ticket": "restart"}), execution_name="restart", execution_timeout=3600)
    callback_id = runner.wait_for_callback(arn, timeout=30)
    Path(path, "waiting.json").write_text(json.dumps({"arn": arn, "callback_id": callback_id,
                                                       "tool_calls": sum(durable_steps.TOOL.side_effects.values())}))
    os._exit(0)  # the dev server dies: no shutdown, no flush


def phase_die_mid_step(kind: str, path: str) -> None:
    """The dev server dies inside step tool-2 (no approval is pending): is the run picked up again?"""
    original = durable_steps.TOOL.call

    def call(call_id: str) -> str:
        if call_id.endswith("tool-2"):
            Path(path, "waiting.json").write_text(json.dumps({
                "arn": arn, "callback_id": None, "tool_calls": sum(durable_steps.TOOL.side_effects.values())}))
            os._exit(0)
        return original(call_id)

    durable_steps.TOOL.call = call
    runner = DurableFunctionTestRunner(handler=durable_steps.lambda_runtime, poll_interval=0.01,
                                       store=make_store(kind, path))
    arn = runner.run_async(input=json.dumps({"ticket": "restart"}), execution_name="restart", execution_timeout=3600)
    time.sleep(30)


def phase_approve(kind: str, path: str) -> None:
    waiting = json.loads(Path(path, "waiting.json").read_text())
    runner = DurableFunctionTestRunner(handler=durable_steps.lambda_runtime, poll_interval=0.01,
                                       store=make_store(kind, path))
    out: dict = {"store": kind, "tool_calls_before_restart": waiting["tool_calls"]}
    try:
        if waiting["callback_id"] is None:  # died mid-step: nothing to send; does the new runner resume it?
            out["scenario"] = "died inside step tool-2"
            raise RuntimeError("no callback to send")
        runner.send_callback_success(waiting["callback_id"], b'{"approved": true}')
        out["approval_accepted"] = True
    except Exception as exc:  # noqa: BLE001
        out["approval_accepted"] = False
        out["error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
    deadline = time.monotonic() + 15
    status = None
    while time.monotonic() < deadline:
        try:
            execution = runner._executor.get_execution(waiting["arn"])  # noqa: SLF001
            status = "complete" if execution.is_complete else "running"
            if execution.is_complete:
                out["completed"] = True
                out["close_status"] = str(execution.close_status)
                out["result"] = ((execution.result and execution.result.result) or "")[:70]
                break
        except Exception as exc:  # noqa: BLE001
            status = f"{type(exc).__name__}"
            break
        time.sleep(0.05)
    out.setdefault("completed", False)
    out["last_status"] = status
    if waiting["callback_id"] is None and not out["completed"]:
        # What a dev server would have to add itself: re-invoke every unfinished execution at start.
        # There is no public API for it; the executor's private _invoke_execution does it.
        runner._executor._invoke_execution(waiting["arn"])  # noqa: SLF001
        try:
            reached = bool(runner.wait_for_callback(waiting["arn"], timeout=15))
            out["after_private_reinvoke"] = {"reached_callback": reached}
        except TimeoutError:
            out["after_private_reinvoke"] = {"reached_callback": False}
    out["tool_calls_after_restart"] = sum(durable_steps.TOOL.side_effects.values())
    print(json.dumps(out))
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phase", choices=["start", "die-mid-step", "approve"])
    parser.add_argument("--store", default="sqlite")
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.phase == "start":
        phase_start(args.store, args.path)
    elif args.phase == "die-mid-step":
        phase_die_mid_step(args.store, args.path)
    elif args.phase == "approve":
        phase_approve(args.store, args.path)
    else:
        for kind, first in (("memory", "start"), ("filesystem", "start"), ("sqlite", "start"),
                            ("sqlite", "die-mid-step")):
            with tempfile.TemporaryDirectory() as path:
                base = [sys.executable, __file__, "--store", kind, "--path", path]
                subprocess.run([*base, "--phase", first], check=True, stderr=subprocess.DEVNULL)
                done = subprocess.run([*base, "--phase", "approve"], check=True, capture_output=True, text=True)
                print(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
