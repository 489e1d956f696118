"""What a webhook delivery puts on the alerts bus (opsdesk.alerts.bus): the payload as UTF-8 JSON within one
EventBridge entry, or a 400 before anything is put."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsdesk.alerts.bus import MAX_EVENT_BYTES, EventBridgeAlertBus
from opsdesk.errors import ValidationFailed


class RecordingEvents:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.entries.extend(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e1"}]}


def bus() -> tuple[EventBridgeAlertBus, RecordingEvents]:
    events = RecordingEvents()
    alert_bus = EventBridgeAlertBus("alerts", "us-east-1")
    alert_bus._client = events  # noqa: SLF001 - boto3's client stood in for
    return alert_bus, events


def test_a_webhook_of_non_latin_text_under_the_body_limit_fits_one_bus_event() -> None:
    # 150 KB of Japanese as UTF-8: as JSON escapes it came to about 300 KB, past EventBridge's 256 KB
    alert_bus, events = bus()
    summary = "遅延が発生しています" * 5_000
    payload = {"alerts": [{"labels": {"alertname": "遅延"}, "annotations": {"summary": summary}}]}
    assert len(json.dumps(payload, ensure_ascii=False).encode()) < MAX_EVENT_BYTES - 1024

    assert alert_bus.put_webhook("prometheus", "i1", payload) == "e1"

    detail = events.entries[0]["Detail"]
    assert len(detail.encode()) <= MAX_EVENT_BYTES and json.loads(detail)["payload"] == payload


def test_a_delivery_too_large_for_one_bus_event_is_a_400_and_puts_nothing() -> None:
    alert_bus, events = bus()

    with pytest.raises(ValidationFailed) as refused:
        alert_bus.put_webhook("prometheus", "i1", {"blob": "x" * MAX_EVENT_BYTES})

    assert "larger than one alert bus event" in refused.value.details[0].message
    assert events.entries == []
