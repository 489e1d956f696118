"""Every helpdesk list is a Query and every metric an aggregate: the DynamoDB items one request reads stay the same
from 300 to 3,000 tickets (opsdesk.dynamo.metered_reads counts them)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from tests.integration.helpdesk import HelpdeskCaller

SMALL, LARGE = 300, 3_000


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_reports import handler as reports
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_tickets": tickets, "helpdesk_reports": reports}


def loaded_tenant(size: int, handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    """A tenant holding `size` tickets over the last 60 days, bulk-loaded as `make bench` loads them."""
    from scripts.benchlib.helpdesk import load_tickets

    loaded = load_tickets(size, label="scale-test")
    return HelpdeskCaller(loaded.tenant_id, handlers, user_id=loaded.agent_id, groups=("agent",))


def items_read(caller: HelpdeskCaller, path: str) -> int:
    from opsdesk.dynamo import metered_reads

    with metered_reads() as meter:
        reply = caller.get(path)
    assert reply.status == 200, reply.body
    if path.startswith("/tickets"):
        assert len(reply.body) == 50, path
    return meter.items


@pytest.mark.slow
def test_items_read_per_request_do_not_grow_with_the_tickets(handlers: dict[str, ModuleType]) -> None:
    # Given two tenants holding 300 and 3,000 tickets
    small, large = loaded_tenant(SMALL, handlers), loaded_tenant(LARGE, handlers)
    paths = ["/tickets", "/tickets?status=resolved", "/tickets?priority=high", "/tickets?team=apps",
             "/tickets?assignee=me", "/tickets?search=vpn", "/tickets?search=remote+access",
             "/metrics/sla", "/metrics/resolution", "/metrics/tickets"]

    for path in paths:
        # When each asks for the first page (or a metric)
        small_reads, large_reads = items_read(small, path), items_read(large, path)

        # Then both read the same items: one page, or the aggregates
        assert large_reads == small_reads, (path, small_reads, large_reads)
    assert items_read(large, "/tickets") == 50
    assert items_read(large, "/metrics/sla") == 1
    assert items_read(large, "/metrics/tickets") <= 30
