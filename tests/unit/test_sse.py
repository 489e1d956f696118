"""The SSE stream: resumes after the last id, heartbeats while idle, ends before the function's limit."""

from __future__ import annotations

import asyncio

from opsdesk.events import StoredEvent
from opsdesk.sse import StreamTiming, event_stream, format_event


def stored(number: int) -> StoredEvent:
    return StoredEvent(id=number, type="issue.created", stream="tenant", data={"n": number}, created_at="t")


def run(read_after: object, last_id: int, timing: StreamTiming, clock: object) -> list[str]:
    async def collect() -> list[str]:
        return [chunk async for chunk in event_stream(read_after, last_id, timing, clock)]  # type: ignore[arg-type]

    return asyncio.run(collect())


def test_an_event_is_an_id_event_and_data_block() -> None:
    assert format_event(stored(7)) == 'id: 7\nevent: issue.created\ndata: {"n":7}\n\n'


def test_the_stream_sends_what_came_after_the_last_id_then_heartbeats_then_ends() -> None:
    log = [stored(n) for n in range(1, 6)]
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0  # every look at the clock is a second later
        return now[0]

    def read_after(last: int) -> list[StoredEvent]:
        return [e for e in log if e.id > last]

    chunks = run(read_after, 3, StreamTiming(poll_seconds=0, heartbeat_seconds=2, max_seconds=8), clock)

    assert chunks[0] == "retry: 1000\n\n"
    assert chunks[1:3] == [format_event(log[3]), format_event(log[4])]
    assert ": hb\n\n" in chunks[3:]
    assert all(c == ": hb\n\n" for c in chunks[3:])


def test_hidden_events_advance_the_position_and_the_heartbeat_text_is_configurable() -> None:
    log = [stored(1), StoredEvent(id=2, type="queue_changed", stream="helpdesk", data={}, created_at="t"), stored(3)]
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    def read_after(last: int) -> list[StoredEvent]:
        return [e for e in log if e.id > last]

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=0, heartbeat_seconds=2, max_seconds=8, heartbeat_comment=":hb")
        stream = event_stream(read_after, 0, timing, clock, visible=lambda e: e.type != "queue_changed")
        return [chunk async for chunk in stream]

    chunks = asyncio.run(collect())

    assert chunks[1:3] == [format_event(log[0]), format_event(log[2])]
    assert ":hb\n\n" in chunks[3:]
    assert not any("queue_changed" in chunk for chunk in chunks)
