"""Alert normalisers (issue #12): each source's payload, parsed from JSON, made into the one alert model of
opsdesk.alerts.records (Alert, ChangeNotice). Plain functions: no AWS, no I/O. Anything a normaliser cannot read
raises AlertPayloadError naming where, as a JSON path (`alerts[2].labels.severity`; through the bus the path starts
at the event: `detail.payload.alerts[0].status`).

Each source's mapping is documented with its normaliser: AWS's events (`cloudwatch_alarm`, `codedeploy_deployment`,
`ecs_deployment`) in opsdesk.alerts.normalise_aws; the webhook payloads (`alertmanager_webhook`, `grafana_webhook`,
`datadog_webhook`, `pagerduty_event`) and `opsdesk_event` in opsdesk.alerts.normalise_webhooks; what every
normaliser reads, and the limits on what it keeps, in opsdesk.alerts.normalise_fields. This module dispatches an
EventBridge event to its normaliser (and unwraps a forwarded webhook); the normalisers stay importable from here.

The opsdesk bus (source "opsdesk.alerts")
-----------------------------------------
The webhook route puts what it receives on the bus unread, to be normalised by the consumer:

- detail-type "Alert" (`opsdesk_event`): the detail IS a PagerDuty Events v2 body, plus an optional
  "integration_id" (opsdesk's own alert API, PagerDuty-shaped). It becomes an Alert of source "opsdesk", with
  route {"routing_key", "integration_id"}.
- detail-type "Webhook": {"integration_type": "alertmanager" | "grafana" | "datadog" | "pagerduty",
  "integration_id": "...", "payload": {...the body as the vendor sent it...}}: the payload goes to that
  normaliser and every Alert's route gets "integration_id".

`normalise(event)` dispatches any of these EventBridge events by source and detail-type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Final

from opsdesk.alerts.normalise_aws import cloudwatch_alarm, codedeploy_deployment, ecs_deployment
from opsdesk.alerts.normalise_fields import as_object, event_time, expect, fail, identifier, prefixed, text
from opsdesk.alerts.normalise_webhooks import (
    OPSDESK_BUS_SOURCE,
    alertmanager_webhook,
    datadog_webhook,
    grafana_webhook,
    opsdesk_event,
    pagerduty_event,
)
from opsdesk.alerts.records import Alert, AlertPayloadError, ChangeNotice

__all__ = ["alertmanager_webhook", "cloudwatch_alarm", "codedeploy_deployment", "datadog_webhook", "ecs_deployment",
           "grafana_webhook", "normalise", "opsdesk_event", "pagerduty_event"]

INTEGRATION_TYPES: Final = ("alertmanager", "grafana", "datadog", "pagerduty")


# --- dispatch -------------------------------------------------------------------------------------------------------

def _forwarded_webhook(event: Mapping[str, Any]) -> list[Alert | ChangeNotice]:
    detail = expect(event, OPSDESK_BUS_SOURCE, "Webhook")
    integration_type = text(detail, "integration_type", "detail")
    if integration_type not in INTEGRATION_TYPES:
        fail("detail.integration_type", f"must be one of {', '.join(INTEGRATION_TYPES)}")
    integration_id = identifier(text(detail, "integration_id", "detail"), "detail.integration_id")
    payload = as_object(detail.get("payload"), "detail.payload")
    received_at = event_time(event)
    try:
        match integration_type:
            case "alertmanager":
                alerts = alertmanager_webhook(payload)
            case "grafana":
                alerts = grafana_webhook(payload)
            case "datadog":
                alerts = [datadog_webhook(payload)]
            case _:
                alerts = [pagerduty_event(payload, received_at=received_at)]
    except AlertPayloadError as error:
        raise prefixed("detail.payload", error) from None
    return [replace(alert, route={**alert.route, "integration_id": integration_id}) for alert in alerts]


def _one(make: Callable[[Mapping[str, Any]], Alert | ChangeNotice | None]) -> Callable[
        [Mapping[str, Any]], list[Alert | ChangeNotice]]:
    def normalised(event: Mapping[str, Any]) -> list[Alert | ChangeNotice]:
        made = make(event)
        return [] if made is None else [made]
    return normalised


_DISPATCH: Final[Mapping[str, Mapping[str, Callable[[Mapping[str, Any]], list[Alert | ChangeNotice]]]]] = {
    "aws.cloudwatch": {"CloudWatch Alarm State Change": _one(cloudwatch_alarm)},
    "aws.codedeploy": {"CodeDeploy Deployment State-change Notification": _one(codedeploy_deployment)},
    "aws.ecs": {"ECS Deployment State Change": _one(ecs_deployment)},
    OPSDESK_BUS_SOURCE: {"Alert": _one(opsdesk_event), "Webhook": _forwarded_webhook},
}


def normalise(event: Mapping[str, Any]) -> list[Alert | ChangeNotice]:
    """Any EventBridge event the alert consumer receives: [] for a CodeDeploy event that is no change notice."""
    event = as_object(event, "body")
    source = text(event, "source", "")
    by_type = _DISPATCH.get(source) or fail("source", f"is not an alert source ({source[:80]!r})")
    detail_type = text(event, "detail-type", "")
    handler = by_type.get(detail_type) or fail("detail-type", f"is not an alert event of {source} "
                                                                f"({detail_type[:80]!r})")
    return handler(event)
