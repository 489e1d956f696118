"""A real SSE client over loopback: reads `text/event-stream` incrementally on a thread."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class SseEvent:
    id: Any
    """The `id:` field: a number where the module numbers its events (helpdesk, support), the text otherwise
    (aura's `evt_<n>`); None for an event without one (aura's `connected` and `heartbeat`)."""
    type: str
    data: Any


class SseReader:
    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[SseEvent] = queue.Queue()
        self.status: int | None = None
        self.comments: list[str] = []
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url, headers), daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self, url: str, headers: dict[str, str]) -> None:
        timeout = httpx.Timeout(10, read=60)
        with httpx.Client(timeout=timeout) as client, client.stream("GET", url, headers=headers) as r:
            self.status = r.status_code
            self._ready.set()
            if r.status_code != 200:
                return
            fields: dict[str, str] = {}
            for line in r.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith(":"):
                    self.comments.append(line)
                elif line == "":
                    if "data" in fields:
                        raw_id = fields.get("id")
                        event_id = int(raw_id) if raw_id and raw_id.isdigit() else raw_id
                        self.events.put(SseEvent(event_id, fields.get("event", "message"), json.loads(fields["data"])))
                    fields = {}
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")

    def next(self, timeout: float) -> SseEvent:
        return self.events.get(timeout=timeout)

    def drain(self, seconds: float) -> list[SseEvent]:
        got: list[SseEvent] = []
        try:
            while True:
                got.append(self.events.get(timeout=seconds))
        except queue.Empty:
            return got

    def until(self, done: Callable[[list[SseEvent]], bool], timeout: float = 15.0) -> list[SseEvent]:
        """Events until `done` holds of them; the timeout is far above the benchmarked latency, so a
        loaded machine is slower without failing, and only an event that never comes fails."""
        got: list[SseEvent] = []
        deadline = time.monotonic() + timeout
        while not done(got) and (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.events.get(timeout=left))
            except queue.Empty:
                break
        return got

    def close(self) -> None:
        self._stop.set()
