"""Alert normalisers (issue #12): each source's payload, parsed from JSON, made into the one alert model of
opsdesk.alerts.records (Alert, ChangeNotice). Plain functions: no AWS, no I/O. Anything a normaliser cannot read
raises AlertPayloadError naming where, as a JSON path (`alerts[2].labels.severity`; through the bus the path starts
at the event: `detail.payload.alerts[0].status`).

Sources
-------
- `cloudwatch_alarm`: EventBridge "CloudWatch Alarm State Change" (aws.cloudwatch). ALARM triggers, OK resolves,
  INSUFFICIENT_DATA acknowledges (no status change). The dedup key is the alarm ARN (resources[0]); the summary the
  state's reason; starts_at the state's timestamp (an OK's ends_at too); severity comes from `severity=<word>` in
  the alarm description (a word of PROMETHEUS_SEVERITY, any case), else high whatever the state (a property of the
  alarm, so its OK matches its ALARM); the service from the first of SERVICE_DIMENSIONS any metric of the alarm
  has (a load balancer's or target group's name out of `app/<name>/<id>`), else "". Labels: the first metric's
  namespace and name (metric_name) and every metric's dimensions. Route: account, region, alarm_name. Link: the
  alarm in the CloudWatch console of the ARN's partition.
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
- `codedeploy_deployment`: EventBridge "CodeDeploy Deployment State-change Notification": a ChangeNotice
  (deployment, service = application, at = the event's time, version = deploymentId) for START and SUCCESS, and
  None for FAILURE, STOP and READY (the event is still read whole: a malformed one raises). A failed deployment
  is rolled back by a deployment that sends its own START.
- `ecs_deployment`: EventBridge "ECS Deployment State Change": a ChangeNotice for each of
  SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED and _FAILED (the summary says which, with ECS's reason when it says
  more: a rollback, a circuit breaker), the service named by the ARN in resources[0] (route: account, region,
  cluster), version = deploymentId, at = the event's time.

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

Limits
------
Display text is capped, never refused (a vendor's own limit is higher: PagerDuty's summary is 1,024 characters,
CloudWatch's reason 1,023, an Alertmanager description has none): summary MAX_SUMMARY characters, name MAX_NAME,
labels MAX_LABELS pairs (the first by key; keys over MAX_LABEL characters are dropped, values cut to it). Dedup
keys over MAX_DEDUP_KEY characters become `sha256:<hex>` of the key. Identifiers are refused when longer than
MAX_IDENTIFIER (service, route values, integration ids, versions), as are times without a zone or outside
1970..9998. Links keep http(s) URLs of at most MAX_LINK characters, at most MAX_LINKS of them, and drop the rest.
All times are returned in UTC.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NoReturn
from urllib.parse import quote

from opsdesk.alerts.records import Alert, AlertAction, AlertPayloadError, AlertSource, ChangeNotice, Severity
from opsdesk.clock import EARLIEST_MOMENT, LATEST_MOMENT, utc_now

MAX_SUMMARY: Final = 1_000
MAX_NAME: Final = 255
MAX_LABELS: Final = 64
MAX_LABEL: Final = 255
MAX_DEDUP_KEY: Final = 255
MAX_IDENTIFIER: Final = 255
MAX_ARN: Final = 2_048
MAX_LINK: Final = 2_048
MAX_LINKS: Final = 10

PROMETHEUS_SEVERITY: Final[Mapping[str, Severity]] = {
    "critical": "critical", "error": "high", "high": "high", "warning": "medium", "medium": "medium",
    "low": "low", "info": "info", "none": "medium",
}
"""A `severity` label (Alertmanager, Grafana) or a CloudWatch description's `severity=<word>`, lower-cased."""

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
CLOUDWATCH_STATES: Final[Mapping[str, AlertAction]] = {
    "ALARM": "trigger", "OK": "resolve", "INSUFFICIENT_DATA": "acknowledge",
}
SERVICE_DIMENSIONS: Final = (
    "ServiceName", "FunctionName", "DBInstanceIdentifier", "DBClusterIdentifier", "LoadBalancer", "TargetGroup",
    "ApiName", "QueueName", "TableName", "CacheClusterId", "ClusterName",
)
"""CloudWatch dimensions that name a service, in order of preference."""

CODEDEPLOY_STATES: Final = ("START", "SUCCESS", "FAILURE", "STOP", "READY")
CODEDEPLOY_NOTICES: Final[Mapping[str, str]] = {"START": "started", "SUCCESS": "succeeded"}
ECS_EVENTS: Final[Mapping[str, str]] = {
    "SERVICE_DEPLOYMENT_IN_PROGRESS": "in progress", "SERVICE_DEPLOYMENT_COMPLETED": "completed",
    "SERVICE_DEPLOYMENT_FAILED": "failed",
}
OPSDESK_BUS_SOURCE: Final = "opsdesk.alerts"
INTEGRATION_TYPES: Final = ("alertmanager", "grafana", "datadog", "pagerduty")

_ALERTMANAGER_NO_END_YEAR: Final = 1
_CONSOLE_HOSTS: Final[Mapping[str, str]] = {
    "aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com",
}
_ACCOUNT = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
_SEVERITY_TAG = re.compile(r"\bseverity=([A-Za-z]+)", re.IGNORECASE)
_TITLE_BRACKETS = re.compile(r"^(?:\s*\[[^\]]*\])+\s*")
_EPOCH_DIGITS = re.compile(r"[0-9]{1,16}")


# --- reading JSON -------------------------------------------------------------------------------------------------

def _fail(field: str, message: str) -> NoReturn:
    raise AlertPayloadError(field, message)


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _object(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        _fail(field, "must be an object")
    return value


def _list(value: object, field: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(field, "must be a list")
    return value


def _member_object(obj: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    """An optional object member: absent or null reads as {}."""
    value = obj.get(key)
    return {} if value is None else _object(value, _at(path, key))


def _member_list(obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
    """An optional list member: absent or null reads as []."""
    value = obj.get(key)
    return [] if value is None else _list(value, _at(path, key))


def _text(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
    """A string member; a required one must not be blank, an optional one absent or null reads as ""."""
    field = _at(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            _fail(field, "is required")
        return ""
    if not isinstance(value, str):
        _fail(field, "must be a string")
    if required and not value.strip():
        _fail(field, "must not be empty")
    return value


def _identifier(value: str, field: str) -> str:
    if len(value) > MAX_IDENTIFIER:
        _fail(field, f"must be at most {MAX_IDENTIFIER} characters")
    return value


def _string_map(obj: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> dict[str, str]:
    field = _at(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            _fail(field, "is required")
        return {}
    for name, item in _object(value, field).items():
        if not isinstance(item, str):
            _fail(f"{field}.{name[:MAX_LABEL]}", "must be a string")
    return dict(value)


def _time(value: object, field: str) -> datetime:
    """An ISO 8601 date-time with a zone (`Z`, `+02:00`, `+0000`), in UTC."""
    if not isinstance(value, str):
        _fail(field, "must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.strip()) if len(value) <= 64 else None
    except ValueError:
        moment = None
    if moment is None:
        _fail(field, "is not an ISO 8601 date-time")
    if moment.utcoffset() is None:
        _fail(field, "has no time zone")
    return _in_range(moment, field)


def _in_range(moment: datetime, field: str) -> datetime:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        _fail(field, "is out of range")
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        _fail(field, "must be between 1970-01-01 and 9998-12-31")
    return moment


def _epoch_millis(value: object, field: str) -> datetime:
    if isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(field, "must be epoch milliseconds")
    seconds, millis = divmod(value, 1000)
    if not 0 <= seconds < LATEST_MOMENT.timestamp():
        _fail(field, "must be between 1970-01-01 and 9998-12-31")
    return datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=millis)


# --- shaping the result -------------------------------------------------------------------------------------------

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _dedup_key(key: str) -> str:
    """Keys over MAX_DEDUP_KEY characters become `sha256:<hex>`: stable, and 71 characters."""
    return key if len(key) <= MAX_DEDUP_KEY else f"sha256:{_digest(key)}"


def _labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The first value of each key, at most MAX_LABELS pairs (the first by key), keys over MAX_LABEL characters
    dropped and values cut to it."""
    first: dict[str, str] = {}
    for key, value in pairs:
        if key and len(key) <= MAX_LABEL and key not in first:
            first[key] = value[:MAX_LABEL]
    return {key: first[key] for key in sorted(first)[:MAX_LABELS]}


def _links(urls: Iterable[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for url in urls:
        if len(url) <= MAX_LINK and url[:8].lower().startswith(("https://", "http://")) and url not in kept:
            kept.append(url)
    return tuple(kept[:MAX_LINKS])


def _severity(word: str, table: Mapping[str, Severity], field: str) -> Severity:
    severity = table.get(word)
    if severity is None:
        _fail(field, f"must be one of {', '.join(table)} (was {word[:40]!r})")
    return severity


def _prefixed(prefix: str, error: AlertPayloadError) -> AlertPayloadError:
    return AlertPayloadError(f"{prefix}.{error.field}", error.message)


# --- EventBridge envelopes ----------------------------------------------------------------------------------------

def _expect(event: Mapping[str, Any], source: str, detail_type: str) -> Mapping[str, Any]:
    """The event's detail, after checking the event is `detail_type` from `source`."""
    event = _object(event, "body")
    if _text(event, "source", "") != source:
        _fail("source", f"must be {source!r}")
    if _text(event, "detail-type", "") != detail_type:
        _fail("detail-type", f"must be {detail_type!r}")
    return _object(event.get("detail"), "detail")


def _aws_origin(event: Mapping[str, Any]) -> dict[str, str]:
    account = _text(event, "account", "")
    if not _ACCOUNT.fullmatch(account):
        _fail("account", "must be a 12-digit AWS account id")
    region = _text(event, "region", "")
    if not _REGION.fullmatch(region):
        _fail("region", "must be an AWS region name")
    return {"account": account, "region": region}


def _first_resource(event: Mapping[str, Any]) -> str:
    resources = _list(event.get("resources"), "resources")
    if not resources or not isinstance(resources[0], str) or not resources[0].startswith("arn:") \
            or len(resources[0]) > MAX_ARN:
        _fail("resources[0]", "must be an ARN")
    return resources[0]


# --- CloudWatch -----------------------------------------------------------------------------------------------------

def cloudwatch_alarm(event: Mapping[str, Any]) -> Alert:
    """An EventBridge "CloudWatch Alarm State Change" event."""
    detail = _expect(event, "aws.cloudwatch", "CloudWatch Alarm State Change")
    origin = _aws_origin(event)
    arn = _first_resource(event)
    alarm_name = _identifier(_text(detail, "alarmName", "detail"), "detail.alarmName")
    state = _object(detail.get("state"), "detail.state")
    value = _text(state, "value", "detail.state")
    action = CLOUDWATCH_STATES.get(value) or _fail("detail.state.value",
                                                   f"must be one of {', '.join(CLOUDWATCH_STATES)}")
    moment = _time(state.get("timestamp"), "detail.state.timestamp")
    configuration = _member_object(detail, "configuration", "detail")
    description = _text(configuration, "description", "detail.configuration", required=False)
    tag = _SEVERITY_TAG.search(description)
    severity = (_severity(tag.group(1).lower(), PROMETHEUS_SEVERITY, "detail.configuration.description")
                if tag else "high")
    metric_labels, service = _alarm_metrics(configuration)
    host = _CONSOLE_HOSTS.get(arn.split(":")[1])
    region = origin["region"]
    link = f"https://{region}.{host}/cloudwatch/home?region={region}#alarmsV2:alarm/{quote(alarm_name, safe='')}"
    return Alert(source="cloudwatch", dedup_key=_dedup_key(arn), action=action, severity=severity,
                 name=alarm_name[:MAX_NAME], summary=_text(state, "reason", "detail.state")[:MAX_SUMMARY],
                 service=service, starts_at=moment, ends_at=moment if action == "resolve" else None,
                 labels=metric_labels, links=_links([link] if host else []),
                 route={**origin, "alarm_name": alarm_name}, description=description[:MAX_SUMMARY])


def _alarm_metrics(configuration: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """(labels: namespace, metric_name and the dimensions of the alarm's metrics; the service they name)."""
    pairs: list[tuple[str, str]] = []
    dimensions: dict[str, str] = {}
    for index, item in enumerate(_member_list(configuration, "metrics", "detail.configuration")):
        path = f"detail.configuration.metrics[{index}]"
        stat = _member_object(_object(item, path), "metricStat", path)
        metric = _member_object(stat, "metric", f"{path}.metricStat")
        path = f"{path}.metricStat.metric"
        pairs += [("namespace", _text(metric, "namespace", path, required=False)),
                  ("metric_name", _text(metric, "name", path, required=False))]
        for key, value in _string_map(metric, "dimensions", path).items():
            dimensions.setdefault(key, value)
    chosen = next((key for key in SERVICE_DIMENSIONS if dimensions.get(key)), None)
    service = dimensions[chosen] if chosen else ""
    if chosen in ("LoadBalancer", "TargetGroup") and len(parts := service.split("/")) >= 3:
        service = parts[1]  # app/<name>/<id>, targetgroup/<name>/<id>
    labels = _labels([(key, value) for key, value in pairs if value] + list(dimensions.items()))
    return labels, _identifier(service, "detail.configuration.metrics")


# --- Alertmanager and Grafana ---------------------------------------------------------------------------------------

def alertmanager_webhook(body: Mapping[str, Any]) -> list[Alert]:
    """An Alertmanager webhook_config body (version "4"): one Alert per entry of `alerts`."""
    body = _object(body, "body")
    if _text(body, "version", "") != "4":
        _fail("version", "must be \"4\" (the Alertmanager webhook payload version)")
    return _prometheus_alerts(body, "alertmanager", ("generatorURL",))


def grafana_webhook(body: Mapping[str, Any]) -> list[Alert]:
    """A Grafana unified alerting webhook body: one Alert per entry of `alerts`."""
    body = _object(body, "body")
    return _prometheus_alerts(body, "grafana", ("generatorURL", "dashboardURL", "panelURL"))


def _prometheus_alerts(body: Mapping[str, Any], source: AlertSource, link_keys: Sequence[str]) -> list[Alert]:
    return [_prometheus_alert(_object(item, f"alerts[{index}]"), f"alerts[{index}]", source, link_keys)
            for index, item in enumerate(_list(body.get("alerts"), "alerts"))]


def _prometheus_alert(alert: Mapping[str, Any], path: str, source: AlertSource, link_keys: Sequence[str]) -> Alert:
    status = _text(alert, "status", path)
    action = PROMETHEUS_STATUSES.get(status) or _fail(f"{path}.status", "must be firing or resolved")
    labels = _string_map(alert, "labels", path, required=True)
    annotations = _string_map(alert, "annotations", path)
    name = labels.get("alertname", "")
    if not name.strip():
        _fail(f"{path}.labels.alertname", "is required")
    fingerprint = _text(alert, "fingerprint", path, required=False)
    dedup_key = fingerprint or _digest(json.dumps(labels, sort_keys=True, separators=(",", ":")))
    severity = _severity(labels.get("severity", "").strip().lower() or "none", PROMETHEUS_SEVERITY,
                         f"{path}.labels.severity")
    service_label = "service" if labels.get("service") else "job"
    service = labels.get(service_label, "")
    starts_at = _time(alert.get("startsAt"), f"{path}.startsAt")
    ends_at = _alertmanager_end(alert.get("endsAt"), f"{path}.endsAt")
    summary = annotations.get("summary") or annotations.get("description") or name
    urls = [_text(alert, key, path, required=False) for key in link_keys] + [annotations.get("runbook_url", "")]
    return Alert(source=source, dedup_key=_dedup_key(dedup_key), action=action, severity=severity, name=name[:MAX_NAME],
                 summary=summary[:MAX_SUMMARY], service=_identifier(service, f"{path}.labels.{service_label}"),
                 starts_at=starts_at, ends_at=ends_at if action == "resolve" else None,
                 labels=_labels(labels.items()), links=_links(urls),
                 description=annotations.get("description", "")[:MAX_SUMMARY])


def _alertmanager_end(value: object, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            if datetime.fromisoformat(value).year == _ALERTMANAGER_NO_END_YEAR:
                return None
        except ValueError:
            pass  # _time says why
    return _time(value, field)


# --- Datadog --------------------------------------------------------------------------------------------------------

def datadog_webhook(body: Mapping[str, Any]) -> Alert:
    """A Datadog Webhooks integration body made with the template in this module's docstring."""
    body = _object(body, "body")
    transition = _text(body, "transition", "")
    action = DATADOG_TRANSITIONS.get(transition.strip().lower()) or _fail(
        "transition", "must be a Datadog $ALERT_TRANSITION (Triggered, Re-Triggered, Recovered, Warn, Re-Warn, "
        "No Data, Re-No Data, Renotify)")
    alert_id = _identifier(_monitor_id(body.get("alert_id")), "alert_id")
    scope = sorted(part.strip() for part in _text(body, "scope", "", required=False).split(",") if part.strip())
    title = _text(body, "title", "")
    _text(body, "id", "", required=False)  # $ID, the Datadog event: checked, not kept
    tags = [_tag(part.strip()) for part in _text(body, "tags", "", required=False).split(",") if part.strip()]
    hostname = _text(body, "hostname", "", required=False).strip()
    labels = _labels(tags + ([("host", hostname)] if hostname else []))
    service = next((value for key, value in tags + [_tag(part) for part in scope] if key == "service" and value), "")
    moment = _datadog_time(body)
    message = _text(body, "body", "", required=False).replace("%%%", "").strip()
    return Alert(source="datadog", dedup_key=_dedup_key(f"{alert_id}:{','.join(scope)}" if scope else alert_id),
                 action=action, severity=_datadog_severity(body, transition),
                 name=(_TITLE_BRACKETS.sub("", title[:4 * MAX_NAME]) or title)[:MAX_NAME],
                 summary=(message or title)[:MAX_SUMMARY], service=_identifier(service, "tags"),
                 starts_at=moment, ends_at=moment if action == "resolve" else None, labels=labels,
                 links=_links([_text(body, "link", "", required=False)]))


def _monitor_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        _fail("alert_id", "is required: the monitor's $ALERT_ID")
    return value.strip()


def _tag(tag: str) -> tuple[str, str]:
    key, _, value = tag.partition(":")
    return key, value


def _datadog_time(body: Mapping[str, Any]) -> datetime:
    for key in ("date", "last_updated"):
        if body.get(key) not in (None, ""):
            return _epoch_millis(body[key], key)
    _fail("date", "is required: $DATE or $LAST_UPDATED (epoch milliseconds)")


def _datadog_severity(body: Mapping[str, Any], transition: str) -> Severity:
    priority = _text(body, "priority", "", required=False).strip().upper()
    if priority in ("", "NONE", "NULL"):
        return "medium" if transition.strip().lower() in ("warn", "re-warn") else "high"
    return _severity(priority, DATADOG_PRIORITY, "priority")


# --- PagerDuty and opsdesk ------------------------------------------------------------------------------------------

def pagerduty_event(body: Mapping[str, Any], *, received_at: datetime | None = None) -> Alert:
    """A PagerDuty Events API v2 body. `received_at` is starts_at when payload.timestamp is absent (else the
    clock)."""
    body = _object(body, "body")
    routing_key = _identifier(_text(body, "routing_key", ""), "routing_key")
    action = PAGERDUTY_ACTIONS.get(_text(body, "event_action", "")) or _fail(
        "event_action", "must be trigger, acknowledge or resolve")
    triggers = action == "trigger"
    payload = _object(body["payload"], "payload") if body.get("payload") is not None else None
    if payload is None and triggers:
        _fail("payload", "is required to trigger")
    payload = payload or {}
    summary = _text(payload, "summary", "payload", required=triggers)
    origin = _text(payload, "source", "payload", required=triggers)
    severity_word = _text(payload, "severity", "payload", required=triggers).strip().lower()
    severity = _severity(severity_word, PAGERDUTY_SEVERITY, "payload.severity") if severity_word else "info"
    dedup_key = _text(body, "dedup_key", "", required=not triggers) or _digest(f"{routing_key}\n{summary}\n{origin}")
    timestamp = payload.get("timestamp")
    starts_at = (_time(timestamp, "payload.timestamp") if timestamp is not None
                 else _in_range(received_at or utc_now(), "received_at"))
    component = _text(payload, "component", "payload", required=False)
    pairs = [(key, _text(payload, key, "payload", required=False)) for key in ("source", "component", "group", "class")]
    return Alert(source="pagerduty", dedup_key=_dedup_key(dedup_key), action=action, severity=severity,
                 name=summary[:MAX_NAME], summary=summary[:MAX_SUMMARY],
                 service=_identifier(component or origin, "payload.component" if component else "payload.source"),
                 starts_at=starts_at,
                 ends_at=starts_at if action == "resolve" else None,
                 labels=_labels([(key, value) for key, value in pairs if value] + _custom_details(payload)),
                 links=_links(_pagerduty_links(body)), route={"routing_key": routing_key})


def _custom_details(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    details = payload.get("custom_details")
    if details is None:
        return []
    if isinstance(details, str):  # PagerDuty also takes a string: it shows it as the details
        return [("details", details)] if details else []
    pairs: list[tuple[str, str]] = []
    for key, value in _object(details, "payload.custom_details").items():
        if value is None:
            continue
        pairs.append((key, value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))))
    return pairs


def _pagerduty_links(body: Mapping[str, Any]) -> list[str]:
    urls: list[str] = []
    for key in ("links", "images"):
        for index, item in enumerate(_member_list(body, key, "")):
            entry = _object(item, f"{key}[{index}]")
            urls.append(_text(entry, "href", f"{key}[{index}]", required=key == "links"))
    return [*urls, _text(body, "client_url", "", required=False)]


def opsdesk_event(event: Mapping[str, Any], *, received_at: datetime | None = None) -> Alert:
    """An "Alert" event on the opsdesk bus: its detail is a PagerDuty Events v2 body plus an optional
    "integration_id". `received_at` defaults to the event's time."""
    detail = _expect(event, OPSDESK_BUS_SOURCE, "Alert")
    integration_id = _identifier(_text(detail, "integration_id", "detail", required=False), "detail.integration_id")
    body = {key: value for key, value in detail.items() if key != "integration_id"}
    received_at = received_at or _event_time(event)
    try:
        alert = pagerduty_event(body, received_at=received_at)
    except AlertPayloadError as error:
        raise _prefixed("detail", error) from None
    route = {**alert.route, "integration_id": integration_id} if integration_id else dict(alert.route)
    return replace(alert, source="opsdesk", route=route)


# --- deployments ----------------------------------------------------------------------------------------------------

def codedeploy_deployment(event: Mapping[str, Any]) -> ChangeNotice | None:
    """An EventBridge "CodeDeploy Deployment State-change Notification": a notice for START and SUCCESS, None for
    FAILURE, STOP and READY."""
    detail = _expect(event, "aws.codedeploy", "CodeDeploy Deployment State-change Notification")
    origin = _aws_origin(event)
    state = _text(detail, "state", "detail")
    if state not in CODEDEPLOY_STATES:
        _fail("detail.state", f"must be one of {', '.join(CODEDEPLOY_STATES)}")
    application = _identifier(_text(detail, "application", "detail"), "detail.application")
    group = _identifier(_text(detail, "deploymentGroup", "detail"), "detail.deploymentGroup")
    deployment_id = _identifier(_text(detail, "deploymentId", "detail"), "detail.deploymentId")
    at = _time(event.get("time"), "time")
    if state not in CODEDEPLOY_NOTICES:
        return None
    return ChangeNotice(kind="deployment", service=application,
                        summary=f"CodeDeploy deployment {deployment_id} of {application} to {group} "
                                f"{CODEDEPLOY_NOTICES[state]}"[:MAX_SUMMARY],
                        at=at, version=deployment_id, source="codedeploy",
                        route={**origin, "application": application, "deployment_group": group})


def ecs_deployment(event: Mapping[str, Any]) -> ChangeNotice:
    """An EventBridge "ECS Deployment State Change": a notice for in progress, completed and failed alike."""
    detail = _expect(event, "aws.ecs", "ECS Deployment State Change")
    origin = _aws_origin(event)
    event_name = _text(detail, "eventName", "detail")
    if event_name not in ECS_EVENTS:
        _fail("detail.eventName", f"must be one of {', '.join(ECS_EVENTS)}")
    deployment_id = _identifier(_text(detail, "deploymentId", "detail"), "detail.deploymentId")
    parts = _first_resource(event).split(":", 5)[-1].split("/")  # service/<cluster>/<name>, or service/<name>
    if parts[0] != "service" or len(parts) not in (2, 3) or not all(parts):
        _fail("resources[0]", "must be an ECS service ARN")
    service = _identifier(parts[-1], "resources[0]")
    cluster = _identifier(parts[1], "resources[0]") if len(parts) == 3 else ""
    summary = f"ECS deployment {deployment_id} of {service} {ECS_EVENTS[event_name]}"
    reason = _text(detail, "reason", "detail", required=False).strip()
    if reason and not reason.startswith(f"ECS deployment {deployment_id}"):  # ECS's own words for the same
        summary += f" ({reason})"  # a rollback, a circuit breaker
    route = {**origin, "cluster": cluster} if cluster else origin
    return ChangeNotice(kind="deployment", service=service, summary=summary[:MAX_SUMMARY],
                        at=_time(event.get("time"), "time"), version=deployment_id, source="ecs", route=route)


# --- dispatch -------------------------------------------------------------------------------------------------------

def _event_time(event: Mapping[str, Any]) -> datetime | None:
    return _time(event["time"], "time") if event.get("time") is not None else None


def _forwarded_webhook(event: Mapping[str, Any]) -> list[Alert | ChangeNotice]:
    detail = _expect(event, OPSDESK_BUS_SOURCE, "Webhook")
    integration_type = _text(detail, "integration_type", "detail")
    if integration_type not in INTEGRATION_TYPES:
        _fail("detail.integration_type", f"must be one of {', '.join(INTEGRATION_TYPES)}")
    integration_id = _identifier(_text(detail, "integration_id", "detail"), "detail.integration_id")
    payload = _object(detail.get("payload"), "detail.payload")
    received_at = _event_time(event)
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
        raise _prefixed("detail.payload", error) from None
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
    event = _object(event, "body")
    source = _text(event, "source", "")
    by_type = _DISPATCH.get(source) or _fail("source", f"is not an alert source ({source[:80]!r})")
    detail_type = _text(event, "detail-type", "")
    handler = by_type.get(detail_type) or _fail("detail-type", f"is not an alert event of {source} "
                                                                f"({detail_type[:80]!r})")
    return handler(event)
