"""What a ticket's checkpoint keeps of its completed calls (opsdesk.aura.checkpoint): within a budget that keeps the
ticket's item under DynamoDB's 400 KB, oldest calls slimmed first, the newest call and the latest read of each
file whole for as long as possible; the whole values stay in the audit log."""

from __future__ import annotations

import json

from opsdesk.aura.checkpoint import CALLS_BUDGET_BYTES, OMITTED, kept_calls, left_out
from opsdesk.aura.codec import compact
from opsdesk.aura.records import CompletedCall

MANIFEST = "kind: Deployment\n" + "x" * 16_000


def read(number: int, path: str | None = None) -> CompletedCall:
    path = path or f"apps/a{number}.yaml"
    return CompletedCall(f"c{number}", "git_read_file", {"path": path}, {"path": path, "content": MANIFEST}, True,
                         number, number)


def size(calls: tuple[CompletedCall, ...]) -> int:
    return len(json.dumps([[c.args, c.result] for c in calls]).encode())


def test_calls_within_the_budget_are_kept_whole() -> None:
    calls = tuple(read(n) for n in range(5))

    assert kept_calls(calls) == calls


def test_past_the_budget_the_oldest_calls_lose_their_large_values_and_say_so() -> None:
    calls = tuple(read(n) for n in range(40))  # 40 x 16 KB: past DynamoDB's 400 KB item limit on its own

    kept = kept_calls(calls)

    assert size(kept) <= CALLS_BUDGET_BYTES < size(calls)
    assert kept[-1] == calls[-1]
    assert left_out(kept[0]) == {"content"} and kept[0].result[OMITTED] == ["content"]
    assert kept[0].result["path"] == "apps/a0.yaml" and kept[0].args == calls[0].args
    assert [c.call_id for c in kept] == [c.call_id for c in calls]


def listing(number: int) -> CompletedCall:
    items = [{"name": f"pod-{n}", "namespace": "cache", "status": "Running" * 20} for n in range(100)]
    return CompletedCall(f"c{number}", "kubectl_get", {"kind": "pod"}, {"kind": "pod", "items": items}, True,
                         number, number)


def test_the_latest_read_of_a_file_is_slimmed_after_every_other_call() -> None:
    needed = read(0, "apps/redis.yaml")
    calls = (needed, *(listing(n) for n in range(1, 30)), read(30, "apps/other.yaml"))

    kept = kept_calls(calls)

    assert kept[0] == needed
    assert any(left_out(call) for call in kept[1:-1])


def test_an_earlier_read_of_a_file_read_again_is_not_protected() -> None:
    calls = (read(0, "apps/redis.yaml"), *(read(n) for n in range(1, 12)), read(12, "apps/redis.yaml"))

    kept = kept_calls(calls)

    assert "content" in left_out(kept[0]) and kept[-1] == calls[-1]


def test_a_slimmed_call_is_not_slimmed_again() -> None:
    once = kept_calls(tuple(read(n) for n in range(40)))

    assert kept_calls(once) == once


def test_non_latin_content_is_measured_as_the_ticket_stores_it() -> None:
    # Cyrillic as the document stores it (escaped, 6 bytes a letter): 60 reads of 4,000 letters are 1.4 MB
    cyrillic = "манифест" * 500
    calls = tuple(CompletedCall(f"c{n}", "git_read_file", {"path": f"apps/a{n}.yaml"},
                                {"path": f"apps/a{n}.yaml", "content": cyrillic}, True, n, n) for n in range(60))

    kept = kept_calls(calls)

    assert len(compact([[c.args, c.result] for c in kept])) <= CALLS_BUDGET_BYTES


def test_the_latest_cluster_query_of_a_kind_is_slimmed_after_the_calls_nobody_reads_again() -> None:
    namespaces = CompletedCall("c0", "kubectl_get", {"kind": "namespace"},
                               {"kind": "namespace", "items": [{"name": f"team-{n}"} for n in range(40)]}, True, 0, 0)
    calls = (namespaces, *(listing(n) for n in range(1, 30)), read(30))

    kept = kept_calls(calls)

    assert kept[0] == namespaces and any(left_out(call) for call in kept[1:-1])
