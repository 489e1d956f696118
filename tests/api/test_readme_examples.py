"""The README's Python examples run unchanged against a fresh local stack: each ```python block of README.md, run
as a script from a folder whose `.local/stack.json` is the test stack's (and whose `tests/` is the repository's, for
the sample payloads), exits 0 and prints no error envelope."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), flags=re.DOTALL | re.MULTILINE)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block {n + 1}" for n in range(len(BLOCKS))])
def test_a_readme_python_example_runs_unchanged(stack: RunningStack, tmp_path: Path, block: str) -> None:
    (tmp_path / ".local").mkdir()
    (tmp_path / ".local" / "stack.json").symlink_to(stack.state_dir / "stack.json")
    (tmp_path / "tests").symlink_to(ROOT / "tests")

    run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                         check=False)

    assert run.returncode == 0, run.stderr[-2000:]
    assert not re.search(r"'(error|errors|detail)':", run.stdout), run.stdout[:2000]
