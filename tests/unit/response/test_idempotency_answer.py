"""What an Idempotency-Key's record gives back (opsdesk.response.repository): the request's events with the ids
and times the first attempt gave them, whether the record holds those alone (now) or the events whole (records
written before, for the 24 hours a record lives)."""

from __future__ import annotations

from datetime import UTC, datetime

from opsdesk.response.items import claimed_events, event_json
from opsdesk.response.records import Event

FIRST = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
RETRY = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


def events(at: datetime, *ids: str) -> tuple[Event, ...]:
    return tuple(Event(id=event_id, incident_id="inc", event_type="log", message=f"m{n}", level="info",
                       source=None, metadata={}, timestamp=at) for n, event_id in enumerate(ids))


def test_a_retry_gets_its_own_events_with_the_ids_and_times_of_the_first_attempt() -> None:
    answer = [["a1", "2026-03-02T14:00:00.000Z"], ["a2", "2026-03-02T14:00:00.000Z"]]

    claimed = claimed_events(events(RETRY, "b1", "b2"), answer)

    assert claimed == events(FIRST, "a1", "a2")


def test_a_record_holding_the_events_whole_gives_them_back_as_stored() -> None:
    stored = events(FIRST, "a1", "a2")

    assert claimed_events(events(RETRY, "b1", "b2"), [event_json(e) for e in stored]) == stored
