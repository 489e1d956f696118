"""Normalisers of the payloads vendors post to a webhook (Alertmanager, Grafana, Datadog, PagerDuty), and of
opsdesk's own PagerDuty-shaped "Alert" event (opsdesk.alerts.normalise dispatches to them; through the bus a
vendor's payload arrives wrapped in a "Webhook" event). Separate from AWS's events (opsdesk.alerts.normalise_aws):
each payload is shaped by its vendor, with no account or region.

- `alertmanager_webhook`: Alertmanager webhook_config body, version "4": one Alert per entry of `alerts`. firing
  triggers, resolved resolves; the dedup key is the fingerprint, or a sha256 of the sorted labels (older
  Alertmanagers send none); the name labels.alertname (required); the summary annotations.summary, else
  annotations.description, else the alertname; severity from labels.severity (PROMETHEUS_SEVERITY, any case;
  absent or blank = none = medium; any other word is refused, so a rule's typo is found rather than paged at a
  guessed level); the service labels.service, else labels.job; labels all labels; links generatorURL and
  annotations.runbook_url. endsAt
  is kept for resolved alerts only ("0001-01-01T00:00:00Z" is none; a firing alert's endsAt is when Prometheus
  would let it expire, not an end).
- `grafana_webhook`: Grafana unified alerting webhook: the Alertmanager shape (no version check: Grafana sends
  "1") with dashboardURL and panelURL added to the links; silenceURL, values and valueString are not kept.
- `datadog_webhook`: the Datadog Webhooks integration, with this payload template (Datadog fills the variables; a
  variable with no value may arrive as "", and is then absent):

      {"id": "$ID", "alert_id": "$ALERT_ID", "scope": "$ALERT_SCOPE", "transition": "$ALERT_TRANSITION",
       "priority": "$ALERT_PRIORITY", "title": "$EVENT_TITLE", "body": "$EVENT_MSG", "hostname": "$HOSTNAME",
       "tags": "$TAGS", "link": "$LINK", "date": "$DATE", "last_updated": "$LAST_UPDATED"}

  Recovered resolves; Triggered, Re-Triggered, Renotify, Warn, Re-Warn, No Data and Re-No Data trigger (a monitor
  that notifies on no data means it). The dedup key is `<alert_id>:<scope tags, sorted>` (the monitor and the
  group that alerted), or alert_id alone when the scope is empty. The name is the title without its leading
  `[P1] [Triggered on {...}]` brackets; the summary the message without Datadog's `%%%` markdown fences, else the
  title. Severity: P1 critical, P2 high, P3 medium, P4 low, P5 info; without a priority, medium for Warn and high
  otherwise. Labels: the tags (`key:value`, a bare tag has ""), plus host from $HOSTNAME when no tag names one;
  the service is the `service:` tag, else one in the scope. starts_at is $DATE (epoch milliseconds, a number or
  digits), else $LAST_UPDATED; a recovery's ends_at is the same moment. `id` ($ID, the Datadog event) is read
  but not kept: the route may log it.
- `pagerduty_event`: a PagerDuty Events API v2 body. dedup_key is required to acknowledge or resolve; a trigger
  without one gets sha256(routing_key, payload.summary, payload.source), so repeats of one problem are one alert
  (PagerDuty itself would open a new alert each time). payload.summary, .source and .severity are required to
  trigger (critical, error = high, warning = medium, info); an acknowledge or resolve may carry no payload, and
  then has name, summary and service "" and severity info. The name is the summary (PagerDuty shows no other);
  the service payload.component, else payload.source; labels source, component, group, class and the scalar
  custom_details (objects and lists as compact JSON); links the links' and images' hrefs and client_url; route
  {"routing_key"}. payload.timestamp is optional in PagerDuty's API, so starts_at falls back to `received_at`
  (the bus event's time through `normalise`), else the clock; a resolve's ends_at is its starts_at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Final

from opsdesk.alerts.normalise_fields import (
    MAX_NAME,
    MAX_SUMMARY,
    PROMETHEUS_SEVERITY,
    as_list,
    as_object,
    capped_dedup_key,
    capped_labels,
    digest,
    epoch_millis,
    event_time,
    expect,
    fail,
    identifier,
    in_range,
    iso_time,
    kept_links,
    member_list,
    prefixed,
    severity_of,
    string_map,
    text,
)
from opsdesk.alerts.records import Alert, AlertAction, AlertPayloadError, AlertSource, Severity
from opsdesk.clock import utc_now

PAGERDUTY_ACTIONS: Final[Mapping[str, AlertAction]] = {
    "trigger": "trigger", "acknowledge": "acknowledge", "resolve": "resolve",
}
PAGERDUTY_SEVERITY: Final[Mapping[str, Severity]] = {
    "critical": "critical", "error": "high", "warning": "medium", "info": "info",
}
DATADOG_PRIORITY: Final[Mapping[str, Severity]] = {
    "P1": "critical", "P2": "high", "P3": "medium", "P4": "low", "P5": "info",
}
DATADOG_TRANSITIONS: Final[Mapping[str, AlertAction]] = {
    "triggered": "trigger", "re-triggered": "trigger", "renotify": "trigger", "warn": "trigger",
    "re-warn": "trigger", "no data": "trigger", "re-no data": "trigger", "recovered": "resolve",
}
PROMETHEUS_STATUSES: Final[Mapping[str, AlertAction]] = {"firing": "trigger", "resolved": "resolve"}
OPSDESK_BUS_SOURCE: Final = "opsdesk.alerts"

_ALERTMANAGER_NO_END_YEAR: Final = 1
_TITLE_BRACKETS = re.compile(r"^(?:\s*\[[^\]]*\])+\s*")


# --- Alertmanager and Grafana ---------------------------------------------------------------------------------------

def alertmanager_webhook(body: Mapping[str, Any]) -> list[Alert]:
    """An Alertmanager webhook_config body (version "4"): one Alert per entry of `alerts`."""
    body = as_object(body, "body")
    if text(body, "version", "") != "4":
        fail("version", "must be \"4\" (the Alertmanager webhook payload version)")
    return _prometheus_alerts(body, "alertmanager", ("generatorURL",))


def grafana_webhook(body: Mapping[str, Any]) -> list[Alert]:
    """A Grafana unified alerting webhook body: one Alert per entry of `alerts`."""
    body = as_object(body, "body")
    return _prometheus_alerts(body, "grafana", ("generatorURL", "dashboardURL", "panelURL"))


def _prometheus_alerts(body: Mapping[str, Any], source: AlertSource, link_keys: Sequence[str]) -> list[Alert]:
    return [_prometheus_alert(as_object(item, f"alerts[{index}]"), f"alerts[{index}]", source, link_keys)
            for index, item in enumerate(as_list(body.get("alerts"), "alerts"))]


def _prometheus_alert(alert: Mapping[str, Any], path: str, source: AlertSource, link_keys: Sequence[str]) -> Alert:
    status = text(alert, "status", path)
    action = PROMETHEUS_STATUSES.get(status) or fail(f"{path}.status", "must be firing or resolved")
    labels = string_map(alert, "labels", path, required=True)
    annotations = string_map(alert, "annotations", path)
    name = labels.get("alertname", "")
    if not name.strip():
        fail(f"{path}.labels.alertname", "is required")
    fingerprint = text(alert, "fingerprint", path, required=False)
    dedup_key = fingerprint or digest(json.dumps(labels, sort_keys=True, separators=(",", ":")))
    severity = severity_of(labels.get("severity", "").strip().lower() or "none", PROMETHEUS_SEVERITY,
                         f"{path}.labels.severity")
    service_label = "service" if labels.get("service") else "job"
    service = labels.get(service_label, "")
    starts_at = iso_time(alert.get("startsAt"), f"{path}.startsAt")
    ends_at = _alertmanager_end(alert.get("endsAt"), f"{path}.endsAt")
    summary = annotations.get("summary") or annotations.get("description") or name
    urls = [text(alert, key, path, required=False) for key in link_keys] + [annotations.get("runbook_url", "")]
    return Alert(source=source, dedup_key=capped_dedup_key(dedup_key), action=action, severity=severity,
                 name=name[:MAX_NAME],
                 summary=summary[:MAX_SUMMARY], service=identifier(service, f"{path}.labels.{service_label}"),
                 starts_at=starts_at, ends_at=ends_at if action == "resolve" else None,
                 labels=capped_labels(labels.items()), links=kept_links(urls),
                 description=annotations.get("description", "")[:MAX_SUMMARY])


def _alertmanager_end(value: object, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            if datetime.fromisoformat(value).year == _ALERTMANAGER_NO_END_YEAR:
                return None
        except ValueError:
            pass  # iso_time says why
    return iso_time(value, field)


# --- Datadog --------------------------------------------------------------------------------------------------------

def datadog_webhook(body: Mapping[str, Any]) -> Alert:
    """A Datadog Webhooks integration body made with the template in this module's docstring."""
    body = as_object(body, "body")
    transition = text(body, "transition", "")
    action = DATADOG_TRANSITIONS.get(transition.strip().lower()) or fail(
        "transition", "must be a Datadog $ALERT_TRANSITION (Triggered, Re-Triggered, Recovered, Warn, Re-Warn, "
        "No Data, Re-No Data, Renotify)")
    alert_id = identifier(_monitor_id(body.get("alert_id")), "alert_id")
    scope = sorted(part.strip() for part in text(body, "scope", "", required=False).split(",") if part.strip())
    title = text(body, "title", "")
    text(body, "id", "", required=False)  # $ID, the Datadog event: checked, not kept
    tags = [_tag(part.strip()) for part in text(body, "tags", "", required=False).split(",") if part.strip()]
    hostname = text(body, "hostname", "", required=False).strip()
    labels = capped_labels(tags + ([("host", hostname)] if hostname else []))
    service = next((value for key, value in tags + [_tag(part) for part in scope] if key == "service" and value), "")
    moment = _datadog_time(body)
    message = text(body, "body", "", required=False).replace("%%%", "").strip()
    return Alert(source="datadog", dedup_key=capped_dedup_key(f"{alert_id}:{','.join(scope)}" if scope else alert_id),
                 action=action, severity=_datadog_severity(body, transition),
                 name=(_TITLE_BRACKETS.sub("", title[:4 * MAX_NAME]) or title)[:MAX_NAME],
                 summary=(message or title)[:MAX_SUMMARY], service=identifier(service, "tags"),
                 starts_at=moment, ends_at=moment if action == "resolve" else None, labels=labels,
                 links=kept_links([text(body, "link", "", required=False)]))


def _monitor_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        fail("alert_id", "is required: the monitor's $ALERT_ID")
    return value.strip()


def _tag(tag: str) -> tuple[str, str]:
    key, _, value = tag.partition(":")
    return key, value


def _datadog_time(body: Mapping[str, Any]) -> datetime:
    for key in ("date", "last_updated"):
        if body.get(key) not in (None, ""):
            return epoch_millis(body[key], key)
    fail("date", "is required: $DATE or $LAST_UPDATED (epoch milliseconds)")


def _datadog_severity(body: Mapping[str, Any], transition: str) -> Severity:
    priority = text(body, "priority", "", required=False).strip().upper()
    if priority in ("", "NONE", "NULL"):
        return "medium" if transition.strip().lower() in ("warn", "re-warn") else "high"
    return severity_of(priority, DATADOG_PRIORITY, "priority")


# --- PagerDuty and opsdesk ------------------------------------------------------------------------------------------

def pagerduty_event(body: Mapping[str, Any], *, received_at: datetime | None = None) -> Alert:
    """A PagerDuty Events API v2 body. `received_at` is starts_at when payload.timestamp is absent (else the
    clock)."""
    body = as_object(body, "body")
    routing_key = identifier(text(body, "routing_key", ""), "routing_key")
    action = PAGERDUTY_ACTIONS.get(text(body, "event_action", "")) or fail(
        "event_action", "must be trigger, acknowledge or resolve")
    triggers = action == "trigger"
    payload = as_object(body["payload"], "payload") if body.get("payload") is not None else None
    if payload is None and triggers:
        fail("payload", "is required to trigger")
    payload = payload or {}
    summary = text(payload, "summary", "payload", required=triggers)
    origin = text(payload, "source", "payload", required=triggers)
    severity_word = text(payload, "severity", "payload", required=triggers).strip().lower()
    severity = severity_of(severity_word, PAGERDUTY_SEVERITY, "payload.severity") if severity_word else "info"
    dedup_key = text(body, "dedup_key", "", required=not triggers) or digest(f"{routing_key}\n{summary}\n{origin}")
    timestamp = payload.get("timestamp")
    starts_at = (iso_time(timestamp, "payload.timestamp") if timestamp is not None
                 else in_range(received_at or utc_now(), "received_at"))
    component = text(payload, "component", "payload", required=False)
    pairs = [(key, text(payload, key, "payload", required=False)) for key in ("source", "component", "group", "class")]
    return Alert(source="pagerduty", dedup_key=capped_dedup_key(dedup_key), action=action, severity=severity,
                 name=summary[:MAX_NAME], summary=summary[:MAX_SUMMARY],
                 service=identifier(component or origin, "payload.component" if component else "payload.source"),
                 starts_at=starts_at,
                 ends_at=starts_at if action == "resolve" else None,
                 labels=capped_labels([(key, value) for key, value in pairs if value] + _custom_details(payload)),
                 links=kept_links(_pagerduty_links(body)), route={"routing_key": routing_key})


def _custom_details(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    details = payload.get("custom_details")
    if details is None:
        return []
    if isinstance(details, str):  # PagerDuty also takes a string: it shows it as the details
        return [("details", details)] if details else []
    pairs: list[tuple[str, str]] = []
    for key, value in as_object(details, "payload.custom_details").items():
        if value is None:
            continue
        pairs.append((key, value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))))
    return pairs


def _pagerduty_links(body: Mapping[str, Any]) -> list[str]:
    urls: list[str] = []
    for key in ("links", "images"):
        for index, item in enumerate(member_list(body, key, "")):
            entry = as_object(item, f"{key}[{index}]")
            urls.append(text(entry, "href", f"{key}[{index}]", required=key == "links"))
    return [*urls, text(body, "client_url", "", required=False)]


def opsdesk_event(event: Mapping[str, Any], *, received_at: datetime | None = None) -> Alert:
    """An "Alert" event on the opsdesk bus: its detail is a PagerDuty Events v2 body plus an optional
    "integration_id". `received_at` defaults to the event's time."""
    detail = expect(event, OPSDESK_BUS_SOURCE, "Alert")
    integration_id = identifier(text(detail, "integration_id", "detail", required=False), "detail.integration_id")
    body = {key: value for key, value in detail.items() if key != "integration_id"}
    received_at = received_at or event_time(event)
    try:
        alert = pagerduty_event(body, received_at=received_at)
    except AlertPayloadError as error:
        raise prefixed("detail", error) from None
    route = {**alert.route, "integration_id": integration_id} if integration_id else dict(alert.route)
    return replace(alert, source="opsdesk", route=route)


