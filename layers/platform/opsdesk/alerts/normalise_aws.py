"""Normalisers of AWS's own EventBridge events (opsdesk.alerts.normalise dispatches to them): a CloudWatch alarm
becomes an Alert, a CodeDeploy or ECS deployment a ChangeNotice. Separate from the webhook payloads
(opsdesk.alerts.normalise_webhooks): these come from AWS, with an account, a region and a resource ARN.

- `cloudwatch_alarm`: EventBridge "CloudWatch Alarm State Change" (aws.cloudwatch). ALARM triggers, OK resolves,
  INSUFFICIENT_DATA acknowledges (no status change). The dedup key is the alarm ARN (resources[0]); the summary the
  state's reason; starts_at the state's timestamp (an OK's ends_at too); severity comes from `severity=<word>` in
  the alarm description (a word of PROMETHEUS_SEVERITY, any case), else high whatever the state (a property of the
  alarm, so its OK matches its ALARM); the service from the first of SERVICE_DIMENSIONS any metric of the alarm
  has (a load balancer's or target group's name out of `app/<name>/<id>`), else "". Labels: the first metric's
  namespace and name (metric_name) and every metric's dimensions. Route: account, region, alarm_name. Link: the
  alarm in the CloudWatch console of the ARN's partition.
- `codedeploy_deployment`: EventBridge "CodeDeploy Deployment State-change Notification": a ChangeNotice
  (deployment, service = application, at = the event's time, version = deploymentId) for START and SUCCESS, and
  None for FAILURE, STOP and READY (the event is still read whole: a malformed one raises). A failed deployment
  is rolled back by a deployment that sends its own START.
- `ecs_deployment`: EventBridge "ECS Deployment State Change": a ChangeNotice for each of
  SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED and _FAILED (the summary says which, with ECS's reason when it says
  more: a rollback, a circuit breaker), the service named by the ARN in resources[0] (route: account, region,
  cluster), version = deploymentId, at = the event's time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from opsdesk.alerts.normalise_fields import (
    MAX_NAME,
    MAX_SUMMARY,
    PROMETHEUS_SEVERITY,
    as_object,
    aws_origin,
    capped_dedup_key,
    capped_labels,
    expect,
    fail,
    first_resource,
    identifier,
    iso_time,
    kept_links,
    member_list,
    member_object,
    severity_of,
    string_map,
    text,
)
from opsdesk.alerts.records import Alert, AlertAction, ChangeNotice

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

_CONSOLE_HOSTS: Final[Mapping[str, str]] = {
    "aws": "console.aws.amazon.com", "aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com",
}
_SEVERITY_TAG = re.compile(r"\bseverity=([A-Za-z]+)", re.IGNORECASE)


# --- CloudWatch -----------------------------------------------------------------------------------------------------

def cloudwatch_alarm(event: Mapping[str, Any]) -> Alert:
    """An EventBridge "CloudWatch Alarm State Change" event."""
    detail = expect(event, "aws.cloudwatch", "CloudWatch Alarm State Change")
    origin = aws_origin(event)
    arn = first_resource(event)
    alarm_name = identifier(text(detail, "alarmName", "detail"), "detail.alarmName")
    state = as_object(detail.get("state"), "detail.state")
    value = text(state, "value", "detail.state")
    action = CLOUDWATCH_STATES.get(value) or fail("detail.state.value",
                                                   f"must be one of {', '.join(CLOUDWATCH_STATES)}")
    moment = iso_time(state.get("timestamp"), "detail.state.timestamp")
    configuration = member_object(detail, "configuration", "detail")
    description = text(configuration, "description", "detail.configuration", required=False)
    tag = _SEVERITY_TAG.search(description)
    severity = (severity_of(tag.group(1).lower(), PROMETHEUS_SEVERITY, "detail.configuration.description")
                if tag else "high")
    metric_labels, service = _alarm_metrics(configuration)
    host = _CONSOLE_HOSTS.get(arn.split(":")[1])
    region = origin["region"]
    link = f"https://{region}.{host}/cloudwatch/home?region={region}#alarmsV2:alarm/{quote(alarm_name, safe='')}"
    return Alert(source="cloudwatch", dedup_key=capped_dedup_key(arn), action=action, severity=severity,
                 name=alarm_name[:MAX_NAME], summary=text(state, "reason", "detail.state")[:MAX_SUMMARY],
                 service=service, starts_at=moment, ends_at=moment if action == "resolve" else None,
                 labels=metric_labels, links=kept_links([link] if host else []),
                 route={**origin, "alarm_name": alarm_name}, description=description[:MAX_SUMMARY])


def _alarm_metrics(configuration: Mapping[str, Any]) -> tuple[dict[str, str], str]:
    """(labels: namespace, metric_name and the dimensions of the alarm's metrics; the service they name)."""
    pairs: list[tuple[str, str]] = []
    dimensions: dict[str, str] = {}
    for index, item in enumerate(member_list(configuration, "metrics", "detail.configuration")):
        path = f"detail.configuration.metrics[{index}]"
        stat = member_object(as_object(item, path), "metricStat", path)
        metric = member_object(stat, "metric", f"{path}.metricStat")
        path = f"{path}.metricStat.metric"
        pairs += [("namespace", text(metric, "namespace", path, required=False)),
                  ("metric_name", text(metric, "name", path, required=False))]
        for key, value in string_map(metric, "dimensions", path).items():
            dimensions.setdefault(key, value)
    chosen = next((key for key in SERVICE_DIMENSIONS if dimensions.get(key)), None)
    service = dimensions[chosen] if chosen else ""
    if chosen in ("LoadBalancer", "TargetGroup") and len(parts := service.split("/")) >= 3:
        service = parts[1]  # app/<name>/<id>, targetgroup/<name>/<id>
    labels = capped_labels([(key, value) for key, value in pairs if value] + list(dimensions.items()))
    return labels, identifier(service, "detail.configuration.metrics")


# --- deployments ----------------------------------------------------------------------------------------------------

def codedeploy_deployment(event: Mapping[str, Any]) -> ChangeNotice | None:
    """An EventBridge "CodeDeploy Deployment State-change Notification": a notice for START and SUCCESS, None for
    FAILURE, STOP and READY."""
    detail = expect(event, "aws.codedeploy", "CodeDeploy Deployment State-change Notification")
    origin = aws_origin(event)
    state = text(detail, "state", "detail")
    if state not in CODEDEPLOY_STATES:
        fail("detail.state", f"must be one of {', '.join(CODEDEPLOY_STATES)}")
    application = identifier(text(detail, "application", "detail"), "detail.application")
    group = identifier(text(detail, "deploymentGroup", "detail"), "detail.deploymentGroup")
    deployment_id = identifier(text(detail, "deploymentId", "detail"), "detail.deploymentId")
    at = iso_time(event.get("time"), "time")
    if state not in CODEDEPLOY_NOTICES:
        return None
    return ChangeNotice(kind="deployment", service=application,
                        summary=f"CodeDeploy deployment {deployment_id} of {application} to {group} "
                                f"{CODEDEPLOY_NOTICES[state]}"[:MAX_SUMMARY],
                        at=at, version=deployment_id, source="codedeploy",
                        route={**origin, "application": application, "deployment_group": group})


def ecs_deployment(event: Mapping[str, Any]) -> ChangeNotice:
    """An EventBridge "ECS Deployment State Change": a notice for in progress, completed and failed alike."""
    detail = expect(event, "aws.ecs", "ECS Deployment State Change")
    origin = aws_origin(event)
    event_name = text(detail, "eventName", "detail")
    if event_name not in ECS_EVENTS:
        fail("detail.eventName", f"must be one of {', '.join(ECS_EVENTS)}")
    deployment_id = identifier(text(detail, "deploymentId", "detail"), "detail.deploymentId")
    parts = first_resource(event).split(":", 5)[-1].split("/")  # service/<cluster>/<name>, or service/<name>
    if parts[0] != "service" or len(parts) not in (2, 3) or not all(parts):
        fail("resources[0]", "must be an ECS service ARN")
    service = identifier(parts[-1], "resources[0]")
    cluster = identifier(parts[1], "resources[0]") if len(parts) == 3 else ""
    summary = f"ECS deployment {deployment_id} of {service} {ECS_EVENTS[event_name]}"
    reason = text(detail, "reason", "detail", required=False).strip()
    if reason and not reason.startswith(f"ECS deployment {deployment_id}"):  # ECS's own words for the same
        summary += f" ({reason})"  # a rollback, a circuit breaker
    route = {**origin, "cluster": cluster} if cluster else origin
    return ChangeNotice(kind="deployment", service=service, summary=summary[:MAX_SUMMARY],
                        at=iso_time(event.get("time"), "time"), version=deployment_id, source="ecs", route=route)


