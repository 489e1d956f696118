"""When API Gateway received a request (opsdesk.http.received_at): the event's `requestTimeEpoch` in milliseconds,
and no time at all for an event without a usable one, so it can never refuse a response by mistake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.http import received_at

NOW = datetime(2026, 12, 6, 15, 0, 0, 123000, tzinfo=UTC)
EPOCH_MS = int(NOW.timestamp() * 1000)


def test_the_epoch_in_milliseconds_is_the_time_received() -> None:
    assert received_at({"requestContext": {"requestTimeEpoch": EPOCH_MS - 250}}, NOW) == NOW - timedelta(
        milliseconds=250)


@pytest.mark.parametrize("event", [
    {},
    {"requestContext": None},
    {"requestContext": "x"},
    {"requestContext": {}},
    {"requestContext": {"requestTimeEpoch": str(EPOCH_MS)}},
    {"requestContext": {"requestTimeEpoch": True}},
    {"requestContext": {"requestTimeEpoch": float("nan")}},
    {"requestContext": {"requestTimeEpoch": float("inf")}},
    {"requestContext": {"requestTimeEpoch": 10**20}},
    {"requestContext": {"requestTimeEpoch": -(10**15)}},
    {"requestContext": {"requestTimeEpoch": EPOCH_MS // 1000}},  # seconds, not milliseconds
    {"requestContext": {"requestTimeEpoch": EPOCH_MS - 6 * 60 * 1000}},
], ids=repr)
def test_an_event_without_a_usable_time_has_none(event: dict[str, Any]) -> None:
    assert received_at(event, NOW) is None
