"""Support writes publish their events in the same transaction, numbered per stream with no gap."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.integration.conftest import issue_body
from tests.integration.events import Caller

BASE = "/support/api"


def tenant_events(caller: Caller, after: int = 0) -> list[Any]:
    from opsdesk.eventlog import EventLog
    from opsdesk.events import TENANT_STREAM

    return EventLog().read_after(caller.tenant_id, TENANT_STREAM, after, limit=1000)


def test_create_and_update_are_announced_in_order(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]
    caller.patch(f"{BASE}/issues/{issue['id']}", {"status": "in_progress"})

    events = tenant_events(caller)

    assert [(e.id, e.type) for e in events] == [(1, "issue.created"), (2, "issue.updated")]
    assert events[0].data["displayId"] == issue["displayId"]
    assert events[0].data["customer"] == {"id": tenant["alpha"], "name": "Customer Alpha"}
    assert (events[1].data["id"], events[1].data["status"]) == (issue["id"], "in_progress")
    assert [e.id for e in tenant_events(caller, after=1)] == [2]


def test_a_refused_change_is_not_announced(caller: Caller, tenant: dict[str, Any]) -> None:
    issue = caller.post(f"{BASE}/issues", issue_body(tenant)).body["issue"]

    assert caller.patch(f"{BASE}/issues/{issue['id']}", {"status": "closed"}).status == 409

    assert [e.type for e in tenant_events(caller)] == ["issue.created"]


def test_parallel_writers_number_events_without_gap_or_duplicate(caller: Caller, tenant: dict[str, Any]) -> None:
    # Given 20 creates racing on eight threads, every one of them contending for the tenant stream's next number
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: caller.post(f"{BASE}/issues", issue_body(tenant)), range(20)))
    assert {r.status for r in replies} == {201}

    # Then events 1..20 exist once each, one per created issue
    events = tenant_events(caller)
    assert [e.id for e in events] == list(range(1, 21))
    assert {e.data["id"] for e in events} == {r.body["issue"]["id"] for r in replies}


def test_another_tenants_stream_stays_empty(caller: Caller, outsider: Caller, tenant: dict[str, Any]) -> None:
    caller.post(f"{BASE}/issues", issue_body(tenant))

    assert tenant_events(outsider) == []
