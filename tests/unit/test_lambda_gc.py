"""opsdesk on Lambda collects garbage less often than CPython's default (opsdesk.LAMBDA_GC_THRESHOLD), which
takes ~10% off every cold start; anywhere else (tests, the local stack, scripts) the interpreter's default stays."""

from __future__ import annotations

import os
import subprocess
import sys

import opsdesk

PROBE = "import gc, opsdesk; print(gc.get_threshold()[0], gc.isenabled())"


def threshold_after_import(**environment: str) -> str:
    env = {key: value for key, value in os.environ.items() if key != "AWS_EXECUTION_ENV"}
    env.update(environment, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_on_lambda_the_young_generation_is_collected_every_lambda_threshold_allocations() -> None:
    assert threshold_after_import(AWS_EXECUTION_ENV="AWS_Lambda_python3.11") == f"{opsdesk.LAMBDA_GC_THRESHOLD} True"


def test_elsewhere_the_interpreter_keeps_its_default() -> None:
    assert threshold_after_import() == "700 True"
