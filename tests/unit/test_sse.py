"""The SSE stream: resumes after the last id, heartbeats on their cadence, ends before the function's limit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import Request

from opsdesk.errors import ValidationFailed
from opsdesk.events import StoredEvent
from opsdesk.sse import StreamTiming, event_stream, format_event, last_event_id


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


def test_heartbeats_keep_their_cadence_while_events_flow() -> None:
    # Given a stream where a new event commits every second, and heartbeats due every 3 seconds
    now = [0.0]

    def clock() -> float:
        now[0] += 1.0
        return now[0]

    def read_after(last: int) -> list[StoredEvent]:
        return [stored(last + 1)]

    chunks = run(read_after, 0, StreamTiming(poll_seconds=0, heartbeat_seconds=3, max_seconds=12), clock)

    # Then heartbeats go out among the events, never more than 3 seconds' worth of events apart
    beats = [i for i, chunk in enumerate(chunks) if chunk == ": hb\n\n"]
    assert len(beats) >= 2
    assert all(later - earlier <= 4 for earlier, later in zip(beats, beats[1:], strict=False))
    assert sum(chunk.startswith("id: ") for chunk in chunks) >= 4


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


def test_an_idle_stream_watches_its_head_and_reads_the_stream_once_the_head_moves() -> None:
    import time

    log: list[StoredEvent] = []
    reads: list[int] = []
    head = [0]

    def read_after(last: int) -> list[StoredEvent]:
        reads.append(last)
        return [e for e in log if e.id > last]

    async def collect() -> tuple[list[tuple[float, str]], float]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, heartbeat_seconds=60, max_seconds=0.5)
        written: list[float] = []

        async def write_later() -> None:
            await asyncio.sleep(0.25)
            log.append(stored(1))
            head[0] = 1
            written.append(time.monotonic())

        task = asyncio.create_task(write_later())
        chunks = [(time.monotonic(), chunk) async for chunk in event_stream(read_after, 0, timing,
                                                                            head=lambda: head[0])]
        await task
        return chunks, written[0]

    chunks, written_at = asyncio.run(collect())

    # Then the event arrives within a few head polls of its write, and the stream was read only when the head
    # moved (once at the start, once for the event), not every poll
    delivered_at = next(at for at, chunk in chunks if chunk == format_event(stored(1)))
    assert delivered_at - written_at < 0.1
    assert len(reads) <= 3


def test_a_stream_ending_in_voids_is_not_read_again_until_its_head_moves() -> None:
    from opsdesk.events import VOID_EVENT_TYPE

    # Given a stream whose last two numbers are voids (writes that failed): the head is 3, the last event 1
    voids = [StoredEvent(id=n, type=VOID_EVENT_TYPE, stream="tenant", data={}, created_at="t") for n in (2, 3)]
    log = [stored(1), *voids]
    reads: list[int] = []

    def read_after(last: int) -> list[StoredEvent]:
        reads.append(last)
        return [e for e in log if e.id > last]

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, heartbeat_seconds=60, max_seconds=0.3)
        return [chunk async for chunk in event_stream(read_after, 0, timing, head=lambda: 3)]

    chunks = asyncio.run(collect())

    # Then the event is sent, the voids never are, and the idle stream waits on its head instead of reading the
    # log at every head poll (about 30 in this time)
    assert chunks[1:] == [format_event(log[0])]
    assert len(reads) <= 3


def test_numbers_reserved_but_not_yet_readable_are_read_again_after_one_head_poll() -> None:
    log: list[StoredEvent] = []
    reads: list[int] = []

    def read_after(last: int) -> list[StoredEvent]:
        reads.append(last)
        if len(reads) == 3:  # the writer commits what it reserved
            log.append(stored(1))
        return [e for e in log if e.id > last]

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, heartbeat_seconds=60, max_seconds=0.3)
        return [chunk async for chunk in event_stream(read_after, 0, timing, head=lambda: 1)]

    chunks = asyncio.run(collect())

    assert format_event(stored(1)) in chunks


def test_numbers_at_the_streams_end_that_stay_unreadable_are_settled_and_no_longer_read_at_every_poll() -> None:
    # Given a head at 2 whose numbers no read returns (their events expired, or their writer died)
    reads: list[int] = []
    settled: list[int] = []

    def read_after(last: int) -> list[StoredEvent]:
        reads.append(last)
        return []

    def settle(last: int) -> int:
        settled.append(last)
        return 2  # the log says no write can still commit them

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, settle_seconds=0.05, heartbeat_seconds=60,
                              max_seconds=0.5)
        return [chunk async for chunk in event_stream(read_after, 0, timing, head=lambda: 2, settle=settle)]

    asyncio.run(collect())

    # Then they are read again for settle_seconds only (a write may still commit), then settled once; the stream
    # then waits on its head (about 50 reads in this time before)
    assert settled == [0]
    assert 2 <= len(reads) <= 12
    assert reads[-1] == 2


def test_numbers_the_log_cannot_settle_yet_are_read_on_so_an_event_that_becomes_readable_is_sent() -> None:
    # Given an event above a gap that the stream's own read fills only a moment after the log declined to settle
    settled: list[int] = []

    def read_after(last: int) -> list[StoredEvent]:
        return [stored(2)] if settled and last < 2 else []

    def settle(last: int) -> int:
        settled.append(last)
        return last  # an event lies above the gap: read_after's to fill, not the tail's

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, settle_seconds=0.05, heartbeat_seconds=60,
                              max_seconds=0.5)
        return [chunk async for chunk in event_stream(read_after, 0, timing, head=lambda: 2, settle=settle)]

    chunks = asyncio.run(collect())

    # Then the stream reads on and sends it, without waiting for the head to move or the next heartbeat
    assert format_event(stored(2)) in chunks


def test_without_a_settle_unreadable_numbers_are_read_again_only_for_settle_seconds() -> None:
    reads: list[int] = []

    def read_after(last: int) -> list[StoredEvent]:
        reads.append(last)
        return []

    async def collect() -> list[str]:
        timing = StreamTiming(poll_seconds=5, head_poll_seconds=0.01, settle_seconds=0.05, heartbeat_seconds=60,
                              max_seconds=0.5)
        return [chunk async for chunk in event_stream(read_after, 0, timing, head=lambda: 2)]

    asyncio.run(collect())

    assert 2 <= len(reads) <= 11


def resuming(headers: dict[str, str], query: str = "") -> Request:
    return Request({"type": "http", "method": "GET", "path": "/events", "query_string": query.encode(),
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


def test_the_last_event_id_header_wins_over_the_query_parameter() -> None:
    assert last_event_id(resuming({"Last-Event-ID": "7"}, "lastEventId=3")) == 7
    assert last_event_id(resuming({}, "lastEventId=3")) == 3
    assert last_event_id(resuming({})) is None


@pytest.mark.parametrize(("headers", "query", "named"), [
    ({"Last-Event-ID": "5"}, "lastEventId=", "lastEventId"),
    ({"Last-Event-ID": "5"}, "lastEventId=x", "lastEventId"),
    ({}, "lastEventId=-1", "lastEventId"),
    ({"Last-Event-ID": "abc"}, "", "Last-Event-ID"),
    ({"Last-Event-ID": ""}, "", "Last-Event-ID"),  # EventSource sends no header before its first event
])
def test_every_resume_id_sent_must_be_an_id_even_the_one_that_would_lose(
    headers: dict[str, str], query: str, named: str,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        last_event_id(resuming(headers, query))
    assert [detail.field for detail in refused.value.details] == [named]


@pytest.mark.parametrize("raw", ["1000000000000", "99999999999998"])
def test_a_resume_id_longer_than_the_event_numbers_width_is_refused(raw: str) -> None:
    # Read, it asked DynamoDB for the key range E#<14 digits> .. E#999999999999: start after end, a 400 from
    # DynamoDB after the stream's 200 was sent.
    with pytest.raises(ValidationFailed) as refused:
        last_event_id(resuming({"Last-Event-ID": raw}))
    assert [detail.field for detail in refused.value.details] == ["Last-Event-ID"]
    assert last_event_id(resuming({"Last-Event-ID": "999999999999"})) == 999_999_999_999


class SignedIn:
    def verify_id_token(self, token: str) -> dict[str, object]:
        return {"sub": "u1", "custom:tenant_id": "t1"}


def stream_app(head: int) -> Any:
    from starlette.testclient import TestClient

    from opsdesk.dialects import DIALECTS
    from opsdesk.sse import create_stream_app

    app = create_stream_app(("/events",), verifier=SignedIn(), accepted_client_ids=frozenset(),  # type: ignore[arg-type]
                            dialect=DIALECTS["helpdesk"], stream_for=lambda principal, request: "helpdesk",
                            read_after=lambda tenant, stream, after: [], latest_id=lambda tenant, stream: head,
                            timing=StreamTiming(max_seconds=0))
    return TestClient(app)


@pytest.mark.parametrize(("headers", "query", "named"), [
    ({"Last-Event-ID": "6"}, "", "Last-Event-ID"),
    ({}, "lastEventId=5000", "lastEventId"),
])
def test_a_resume_id_above_the_streams_head_is_refused_as_a_negative_one_is(
        headers: dict[str, str], query: str, named: str) -> None:
    # Accepted, the client heard nothing until the stream's head passed the id, and lost every event until then.
    client = stream_app(head=5)

    above = client.get(f"/events?{query}", headers=headers | {"Authorization": "Bearer t"})
    negative = client.get("/events?lastEventId=-1", headers={"Authorization": "Bearer t"})
    at_head = client.get("/events", headers={"Authorization": "Bearer t", "Last-Event-ID": "5"})

    assert (above.status_code, above.json()) == (negative.status_code, {"errors": {named: "Must be the id of an "
                                                                                          "event of this stream"}})
    assert negative.status_code == 400 and at_head.status_code == 200
