"""The aura document's event stream format (seeds/aura-api.md, "Streaming (SSE)"): `id: evt_<n>` on every event
(a client's `Last-Event-ID` of `evt_<n>` or `<n>` resumes after it), a `connected` event first and a `heartbeat`
event every 30 s while idle (neither has an id: resumption counts only the ticket events)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from opsdesk.aura.queries import parse_ticket_filter
from opsdesk.aura.streams import ALL_TICKETS_STREAM
from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.events import StoredEvent
from opsdesk.sse import EventFormat

ID_PREFIX = "evt_"


def _line(kind: str, data: Mapping[str, object], event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {kind}\ndata: {json.dumps(dict(data), separators=(',', ':'))}\n\n"


def format_ticket_event(event: StoredEvent) -> str:
    return _line(event.type, event.data, f"{ID_PREFIX}{event.id}")


def event_number(raw: str) -> int:
    return int(raw.strip().removeprefix(ID_PREFIX))


def _ticket_of(stream: str) -> str | None:
    """The ticket a stream follows; None for `/stream` (every ticket)."""
    return None if stream == ALL_TICKETS_STREAM else stream.partition(":")[2]


def _heartbeat(principal: Principal, stream: str) -> str:
    """The document's event format, `ticketId` included (the stream's ticket, null on `/stream`)."""
    return _line("heartbeat", {"type": "heartbeat", "ticketId": _ticket_of(stream),
                               "timestamp": to_rfc3339(utc_now()), "payload": {}})


def _connected(principal: Principal, stream: str) -> str:
    ticket_id = _ticket_of(stream)
    return _line("connected", {"type": "connected", "ticketId": ticket_id, "timestamp": to_rfc3339(utc_now()),
                               "payload": {"stream": "all" if ticket_id is None else "ticket"}})


AURA_EVENT_FORMAT = EventFormat(event=format_ticket_event, heartbeat=_heartbeat, opening=_connected,
                                event_number=event_number)


def status_priority_filter(query: Mapping[str, str]) -> Callable[[StoredEvent], bool] | None:
    """`/stream?status=a,b&priority=c`: events of tickets in those statuses and priorities (when the event
    happened); refuses unknown values like `GET /tickets` does."""
    where = parse_ticket_filter(query)
    statuses = {s.value for s in where.statuses}
    priorities = set(where.priorities)
    if not statuses and not priorities:
        return None

    def wanted(event: StoredEvent) -> bool:
        return ((not statuses or event.envelope.get("status") in statuses)
                and (not priorities or event.envelope.get("priority") in priorities))

    return wanted
