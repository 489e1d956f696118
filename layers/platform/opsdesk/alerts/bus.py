"""The opsdesk alerts bus (EventBridge): where webhooks put what they receive, for the one alert path to read
(opsdesk.alerts.normalise documents the events). boto3 is imported when the first event is put."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from opsdesk.errors import FieldError, ServiceUnavailable, ValidationFailed

BUS_SOURCE = "opsdesk.alerts"
WEBHOOK_DETAIL_TYPE = "Webhook"
MAX_EVENT_BYTES = 256 * 1024
"""EventBridge's limit for one entry."""


class AlertBus(Protocol):
    def put_webhook(self, integration_type: str, integration_id: str, payload: Mapping[str, Any]) -> str:
        """Puts one webhook delivery on the bus; returns the event's id."""
        ...


def webhook_detail(integration_type: str, integration_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    return {"integration_type": integration_type, "integration_id": integration_id, "payload": payload}


class EventBridgeAlertBus:
    def __init__(self, bus_name: str, region: str, endpoint_url: str | None = None) -> None:
        self._bus_name = bus_name
        self._region = region
        self._endpoint_url = endpoint_url
        self._client: Any = None

    def put_webhook(self, integration_type: str, integration_id: str, payload: Mapping[str, Any]) -> str:
        # As UTF-8, not \u escapes: an escape is 6 bytes for a character of 2 or 3, so a webhook of non-Latin text
        # under the body limit came out of json.dumps past EventBridge's, a 503 its source retried for ever.
        detail = json.dumps(webhook_detail(integration_type, integration_id, payload), separators=(",", ":"),
                            ensure_ascii=False)
        if len(detail.encode("utf-8")) > MAX_EVENT_BYTES - 512:  # the entry's source and detail type beside it
            raise ValidationFailed(details=[FieldError(
                "body", f"The delivery is larger than one alert bus event ({MAX_EVENT_BYTES} bytes)")])
        answer = self._events().put_events(Entries=[{
            "EventBusName": self._bus_name, "Source": BUS_SOURCE, "DetailType": WEBHOOK_DETAIL_TYPE,
            "Detail": detail}])
        entry = (answer.get("Entries") or [{}])[0]
        if answer.get("FailedEntryCount") or not entry.get("EventId"):
            raise ServiceUnavailable(f"The alert bus refused the event ({entry.get('ErrorCode', 'unknown')}); "
                                     "retry the delivery")
        return str(entry["EventId"])

    def _events(self) -> Any:
        if self._client is None:
            import boto3  # noqa: PLC0415 - only a delivery pays for the client

            self._client = boto3.client("events", region_name=self._region, endpoint_url=self._endpoint_url)
        return self._client
