"""Spike (docs/aura-run-spike.md): cold import cost of the durable SDK, from `python -X importtime`.

For each module, nine fresh interpreters; the cumulative microseconds of the module's own line (everything
it pulled in), median. boto3 alone and the SDK after boto3 is already loaded are shown for scale, since a
Lambda of ours imports boto3 anyway.

    /tmp/spike-venv/bin/python scripts/spikes/aura_run/import_time.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

CASES = {
    "boto3": ("", "boto3"),
    "aws_durable_execution_sdk_python": ("", "aws_durable_execution_sdk_python"),
    "aws_durable_execution_sdk_python (boto3 already imported)": ("import boto3; ", "aws_durable_execution_sdk_python"),
    "aws_durable_execution_sdk_python_testing": ("", "aws_durable_execution_sdk_python_testing"),
}


def cumulative_us(prelude: str, module: str) -> int:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"{prelude}import {module}"],
                          capture_output=True, text=True, check=True)
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:  # the top-level line, not one indented under it
            return int(parts[1])
    raise RuntimeError(f"no importtime line for {module}")


def main() -> None:
    out = {}
    for label, (prelude, module) in CASES.items():
        samples = [cumulative_us(prelude, module) for _ in range(9)]
        median, low, high = statistics.median(samples) / 1e6, min(samples) / 1e6, max(samples) / 1e6
        out[label] = f"{median:.3f} s (min {low:.3f}, max {high:.3f})"
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
