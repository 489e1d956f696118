"""Issue events over SSE from the local stack, read by a real streaming client (beyond the support document)."""

from __future__ import annotations

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.sse_client import SseReader
from tests.api.test_support_api import ALICE, CAROL, new_issue_body

pytestmark = pytest.mark.xdist_group("local-stack")


def events_url(stack: RunningStack) -> str:
    return f"{stack.support}/events"


def test_a_rest_write_arrives_over_sse(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    reader = SseReader(events_url(stack), headers)
    assert reader.status == 200
    assert reader.drain(1.0) == []  # a fresh connection starts at the latest event: history is not news

    issue = requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE), headers=headers,
                          timeout=10).json()["issue"]
    event = reader.next(timeout=15.0)  # latency is a benchmark figure; only a lost event fails here
    reader.close()

    assert (event.type, event.data["id"], event.data["displayId"]) == ("issue.created", issue["id"],
                                                                        issue["displayId"])


def test_a_client_resuming_with_last_event_id_misses_nothing_and_repeats_nothing(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    first = SseReader(events_url(stack), headers)
    first.drain(0.5)
    requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE), headers=headers, timeout=10)
    last_seen = first.next(timeout=15.0).id
    first.close()

    # While no client is connected, two changes happen
    issue = requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE), headers=headers,
                          timeout=10).json()["issue"]
    requests.patch(f"{stack.support}/issues/{issue['id']}", json={"status": "in_progress"}, headers=headers,
                   timeout=10)

    resumed = SseReader(events_url(stack), headers | {"Last-Event-ID": str(last_seen)})
    got = resumed.until(lambda got: any(e.type == "issue.updated" and e.data["id"] == issue["id"] for e in got))
    resumed.close()

    assert [e.id for e in got] == list(range(last_seen + 1, last_seen + 1 + len(got)))
    assert [(e.type, e.data["id"]) for e in got[-2:]] == [("issue.created", issue["id"]),
                                                          ("issue.updated", issue["id"])]


def test_another_tenant_receives_nothing_of_this_tenant(stack: RunningStack) -> None:
    carol = SseReader(events_url(stack), stack.headers(CAROL))
    carol.drain(1.0)
    issue = requests.post(f"{stack.support}/issues", json=new_issue_body(stack, ALICE),
                          headers=stack.headers(ALICE), timeout=10).json()["issue"]

    seen = carol.drain(1.5)
    carol.close()

    assert issue["id"] not in {e.data.get("id") for e in seen}


def test_an_unauthenticated_stream_is_refused(stack: RunningStack) -> None:
    reply = requests.get(events_url(stack), timeout=10)

    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "UNAUTHORIZED"
