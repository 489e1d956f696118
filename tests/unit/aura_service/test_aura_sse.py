"""The aura document's stream format (opsdesk.aura.sse): `connected` first, ticket events with `id: evt_<n>`,
`heartbeat` events while idle (no id, so resumption counts only ticket events), `Last-Event-ID` as `evt_<n>` or
`<n>`, and `/stream`'s status and priority filters."""

from __future__ import annotations

import asyncio
import json

import pytest

from opsdesk.aura.sse import AURA_EVENT_FORMAT, event_number, status_priority_filter
from opsdesk.auth import Principal
from opsdesk.errors import ValidationFailed
from opsdesk.events import StoredEvent
from opsdesk.sse import StreamTiming, event_stream

ALICE = Principal("u", "acme", "alice", frozenset())


def stored(number: int, status: str = "executing", priority: str = "high") -> StoredEvent:
    data = {"type": "tool_called", "ticketId": "t1", "timestamp": "2026-12-05T10:00:00.000Z", "payload": {"n": number}}
    return StoredEvent(id=number, type="tool_called", stream="aura:t1", data=data, created_at="t",
                       envelope={"status": status, "priority": priority})


def blocks(chunks: list[str]) -> list[dict[str, str]]:
    parsed = []
    for chunk in chunks:
        fields = dict(line.split(": ", 1) for line in chunk.strip().split("\n") if ": " in line)
        if "event" in fields:
            parsed.append(fields)
    return parsed


def test_connected_opens_then_events_with_ids_then_heartbeat_events_while_idle() -> None:
    log = [stored(n) for n in (1, 2)]
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    async def collect() -> list[str]:
        form = AURA_EVENT_FORMAT
        assert form.opening is not None and form.heartbeat is not None
        keep_alive = form.heartbeat
        stream = event_stream(lambda last: [e for e in log if e.id > last], 0,
                              StreamTiming(poll_seconds=0, heartbeat_seconds=3, max_seconds=10), clock,
                              form=form, opening=form.opening(ALICE, "aura:t1"),
                              heartbeat=lambda: keep_alive(ALICE, "aura:t1"))
        return [chunk async for chunk in stream]

    events = blocks(asyncio.run(collect()))
    assert events[0]["event"] == "connected" and "id" not in events[0]
    assert json.loads(events[0]["data"])["ticketId"] == "t1"
    assert [(e["event"], e.get("id")) for e in events[1:3]] == [("tool_called", "evt_1"), ("tool_called", "evt_2")]
    heartbeats = [e for e in events[3:] if e["event"] == "heartbeat"]
    assert heartbeats and all("id" not in e for e in heartbeats)
    beat = json.loads(heartbeats[0]["data"])
    assert (beat["type"], beat["ticketId"], beat["payload"]) == ("heartbeat", "t1", {})  # the document's format


@pytest.mark.parametrize(("raw", "number"), [("evt_12", 12), ("12", 12), (" evt_0 ", 0)])
def test_last_event_id_takes_the_documents_ids_and_bare_numbers(raw: str, number: int) -> None:
    assert event_number(raw) == number


def test_a_foreign_last_event_id_is_refused() -> None:
    with pytest.raises(ValueError):
        event_number("abc123")


def test_stream_filters_on_the_tickets_status_and_priority_when_the_event_happened() -> None:
    wanted = status_priority_filter({"status": "executing,pending_approval", "priority": "high"})
    assert wanted is not None
    assert wanted(stored(1, "executing", "high")) and wanted(stored(2, "pending_approval", "high"))
    assert not wanted(stored(3, "resolved", "high")) and not wanted(stored(4, "executing", "low"))
    assert status_priority_filter({}) is None
    with pytest.raises(ValidationFailed):
        status_priority_filter({"status": "nonsense"})
