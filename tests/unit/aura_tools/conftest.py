"""Fixtures for the agent's real tools: a bare GitOps remote in tmp_path, a workspace over it with a fixed clock,
and the local stand-in for a cluster with Argo CD."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdesk.aura.cluster import LocalGitOps
from opsdesk.aura.git import GitWorkspace
from opsdesk.aura.kube_objects import Rollout
from tests.unit.aura_tools.repos import make_remote

T0 = 1_700_000_000.0


class Clock:
    """Epoch seconds that move only when told."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "gitops.git"
    make_remote(path)
    return path


@pytest.fixture
def mirror_dir(tmp_path: Path) -> Path:
    return tmp_path / "mirror"


@pytest.fixture
def git(remote: Path, mirror_dir: Path, clock: Clock) -> GitWorkspace:
    return GitWorkspace(str(remote), str(mirror_dir), clock=clock)


@pytest.fixture
def gitops(remote: Path, tmp_path: Path, clock: Clock) -> LocalGitOps:
    return LocalGitOps(str(remote), str(tmp_path / "cluster"), clock=clock, rollout=Rollout(1.0, 0.2))
