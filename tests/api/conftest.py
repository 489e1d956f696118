"""API layer: the local stack (`python -m scripts.dev`, what `make dev` runs) started on free ports in a
subprocess, spoken to over HTTP exactly as a client would, signing in through Cognito with boto3."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.local.stack_process import RunningStack, start_stack

__all__ = ["RunningStack", "start_stack"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    reused = os.environ.get("OPSDESK_TEST_STACK")
    if reused:  # a developer's running stack (its --state-dir): iterate on API tests without a start each time
        state = Path(reused)
        yield RunningStack(None, state, json.loads((state / "stack.json").read_text()))  # type: ignore[arg-type]
        return
    base = tmp_path_factory.mktemp("stack")
    running = start_stack(base / "state", base / "stack.log")
    yield running
    running.stop()
