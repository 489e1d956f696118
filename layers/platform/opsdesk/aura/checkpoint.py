"""What a ticket's checkpoint keeps of the calls it completed (AgentProgress.completed).

The ticket is one DynamoDB item, and DynamoDB refuses an item over 400 KB. Each call's arguments and result were
kept whole, so a long run (up to 50 turns) reading large manifests or listing many cluster objects could pass it,
and from then on every save of the ticket failed: the run, and every later delivery of its kick, died on the same
write. So the calls together are held to CALLS_BUDGET_BYTES: past it, the oldest calls lose their large values
(each named under OMITTED), the newest call stays whole, and every value stays whole in the audit log (the call's
`tool_called` entry). What reads them: the Bedrock brain shows at most 1,000 characters of a result, and the offline
executor edits from a recent read (an edit whose read was left out gives up, saying why)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from opsdesk.aura.codec import compact
from opsdesk.aura.records import CompletedCall

CALLS_BUDGET_BYTES = 160 * 1024
"""Room for the calls as JSON; the workspace (at most 64 KB of content), the plan and the rest fit beside it."""
LARGE_VALUE_BYTES = 512
"""A value longer than this as JSON is left out of an old call; ids, paths, shas, health and errors stay."""
OMITTED = "omitted"
"""A left-out call's result names here what it left out of the arguments and the result."""


def kept_calls(calls: tuple[CompletedCall, ...]) -> tuple[CompletedCall, ...]:
    """`calls` within the budget: the oldest calls slimmed first, until the whole fits. The latest read of each file,
    listing of each folder and cluster query (_latest_reads_and_listings) are slimmed last, and the newest call
    never."""
    sizes = [_size(call) for call in calls]
    total = sum(sizes)
    kept = list(calls)
    latest = _latest_reads_and_listings(calls)
    order = [i for i in range(len(calls) - 1) if i not in latest] + [i for i in range(len(calls) - 1) if i in latest]
    for index in order:
        if total <= CALLS_BUDGET_BYTES:
            break
        slim = _slimmed(calls[index])
        total -= sizes[index] - _size(slim)
        kept[index] = slim
    return tuple(kept)


def _latest_reads_and_listings(calls: tuple[CompletedCall, ...]) -> set[int]:
    """The latest read of each file, listing of each folder and cluster query of each kind and namespace: what
    the offline executor edits, deletes and offers choices from, on every turn."""
    latest: dict[tuple[str, ...], int] = {}
    for index, call in enumerate(calls):
        if call.ok and call.tool in ("git_read_file", "git_list_files"):
            latest[(call.tool, str(call.args.get("path", "")))] = index
        elif call.ok and call.tool == "kubectl_get":
            latest[(call.tool, str(call.args.get("kind", "")), str(call.args.get("namespace", "")))] = index
    return set(latest.values())


def left_out(call: CompletedCall) -> frozenset[str]:
    """The result fields a slimmed call no longer holds (empty for a whole one)."""
    return frozenset(str(name) for name in call.result.get(OMITTED) or ())


def _slimmed(call: CompletedCall) -> CompletedCall:
    if OMITTED in call.result:
        return call
    args, result = _small_values(call.args), _small_values(call.result)
    dropped = sorted({*call.result} - {*result}) + [f"args.{name}" for name in sorted({*call.args} - {*args})]
    if not dropped:
        return call
    return replace(call, args=args, result={**result, OMITTED: dropped})


def _small_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if _json_size(value) <= LARGE_VALUE_BYTES}


def _size(call: CompletedCall) -> int:
    return _json_size([call.args, call.result])


def _json_size(value: Any) -> int:
    """As the ticket's document stores it (opsdesk.aura.codec.compact: ASCII, a non-ASCII character escaped to 6
    bytes), so a manifest in Cyrillic or Japanese counts what it takes."""
    return len(compact(value))
