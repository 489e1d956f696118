"""Copilot lists are Queries: the items a request reads follow skip + limit, not the project's incidents, from 500
to 5,000 incidents (opsdesk.dynamo.metered_reads counts them); analytics read one item per day. The same loader
and requests as `make bench` (scripts/benchlib/copilot.py)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pytest

from tests.integration.events import Caller

SMALL, LARGE = 500, 5_000


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> list[ModuleType]:
    return [importlib.import_module(f"functions.{group}.handler")
            for group in ("copilot_incidents", "copilot_analytics")]


def reads_of(size: int, handlers: list[ModuleType]) -> dict[str, int]:
    from scripts.benchlib import copilot

    loaded = copilot.load_project(size)
    caller = Caller(loaded.tenant_id, handlers, user_id=loaded.user_id)

    def get(path: str) -> None:
        reply = caller.get(path)
        assert reply.status == 200, (path, reply.body)

    return copilot.measure(get)


@pytest.mark.slow
def test_items_read_follow_skip_and_limit_not_the_incidents(handlers: list[ModuleType]) -> None:
    small, large = reads_of(SMALL, handlers), reads_of(LARGE, handlers)

    assert large == small
    # the caller's user item, then the page itself (skip + limit items)
    assert large["incidents, skip=40&limit=20"] == 1 + 60
    assert large["incidents, limit=100"] == 1 + 100
