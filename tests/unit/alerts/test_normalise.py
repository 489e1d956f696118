"""The alert normalisers over payloads shaped as each vendor sends them (tests/data/alerts/<source>-<what>.json):
every field of what each good sample becomes, the field each bad sample's AlertPayloadError names, dispatch through
the opsdesk bus, and the limits."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opsdesk.alerts import normalise as n
from opsdesk.alerts.records import Alert, AlertPayloadError, ChangeNotice

DATA = Path(__file__).resolve().parents[2] / "data" / "alerts"
RECEIVED = datetime(2026, 3, 2, 2, 15, tzinfo=UTC)
"""What the PagerDuty samples read directly are received at (their starts_at without a payload.timestamp)."""

ACCOUNT_ROUTE = {"account": "123456789012", "region": "eu-west-1"}
CONSOLE = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/"
PD_KEY = "R01ABCDEF0123456789ABCDEF012345"


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _pagerduty(body: dict[str, Any]) -> Alert:
    return n.pagerduty_event(body, received_at=RECEIVED)


NORMALISERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "cloudwatch": n.cloudwatch_alarm, "alertmanager": n.alertmanager_webhook, "grafana": n.grafana_webhook,
    "datadog": n.datadog_webhook, "pagerduty": _pagerduty, "codedeploy": n.codedeploy_deployment,
    "ecs": n.ecs_deployment, "opsdesk": n.normalise, "eventbridge": n.normalise,
}
"""A sample's source (its name up to the first dash) -> what reads it."""


def source_of(name: str) -> str:
    return name.partition("-")[0]


def read(name: str) -> object:
    return NORMALISERS[source_of(name)](sample(name))


# --- every field of every good sample -------------------------------------------------------------------------------

AM_ERROR = Alert(
    source="alertmanager", dedup_key="3a1f7c2e9b4d8e01", action="trigger", severity="critical", name="HighErrorRate",
    summary="checkout 5xx above 5% for 5 minutes", service="checkout", starts_at=utc("2026-03-02T13:55:12.218"),
    ends_at=None,
    labels={"alertname": "HighErrorRate", "instance": "10.2.4.17:8080", "job": "checkout-api", "namespace": "shop",
            "prometheus": "monitoring/k8s", "service": "checkout", "severity": "critical"},
    links=("http://prometheus.monitoring.svc:9090/graph?g0.expr=sum%28rate%28http_requests_total%7Bcode%3D~%225..%22"
           "%7D%5B5m%5D%29%29&g0.tab=1", "https://runbooks.example.com/checkout/high-error-rate"),
    description="checkout answers 7.3% of requests with 5xx (threshold 5%).")
AM_CRASH = Alert(
    source="alertmanager", dedup_key="b0c41e5f6a7d2c93", action="trigger", severity="medium",
    name="KubePodCrashLooping",
    summary='Pod shop/invoice-renderer-7d9c6b5f4-x2kqp (renderer) is in waiting state (reason: "CrashLoopBackOff").',
    service="kube-state-metrics", starts_at=utc("2026-03-02T13:57:42.001"), ends_at=None,  # its endsAt is an expiry
    labels={"alertname": "KubePodCrashLooping", "container": "renderer", "job": "kube-state-metrics",
            "namespace": "shop", "pod": "invoice-renderer-7d9c6b5f4-x2kqp", "prometheus": "monitoring/k8s",
            "severity": "warning"},
    links=("http://prometheus.monitoring.svc:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_"
           "reason%7Breason%3D%22CrashLoopBackOff%22%7D%5B5m%5D%29+%3E%3D+1&g0.tab=1",
           "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping"),
    description='Pod shop/invoice-renderer-7d9c6b5f4-x2kqp (renderer) is in waiting state (reason: '
                '"CrashLoopBackOff").')
GRAFANA_MEMORY = Alert(
    source="grafana", dedup_key="c6eadffa33fcdf37", action="trigger", severity="high", name="High memory usage",
    summary="payments-worker memory above 90%", service="payments-worker",
    starts_at=utc("2026-03-02T13:03:10"),  # 14:03:10+01:00
    labels={"alertname": "High memory usage", "grafana_folder": "Payments", "service": "payments-worker",
            "severity": "high", "team": "payments", "zone": "eu-west-1a"},
    links=("https://grafana.example.com/alerting/grafana/be2l3tbk1m9kwd/view?orgId=1",
           "https://grafana.example.com/d/payments-overview?from=1772454190000&orgId=1&to=1772457790000",
           "https://grafana.example.com/d/payments-overview?from=1772454190000&orgId=1&to=1772457790000&viewPanel=4",
           "https://runbooks.example.com/payments/memory"),
    description="payments-worker uses 94% of its memory limit")
DATADOG_TRIGGERED = Alert(
    source="datadog", dedup_key="148872315:env:prod,service:checkout", action="trigger", severity="critical",
    name="Checkout 5xx rate above 5%",
    summary="The checkout service answers more than 5% of requests with 5xx.\n\nRunbook: "
            "https://runbooks.example.com/checkout/high-error-rate @webhook-opsdesk\n\nsum(last_5m):sum:trace.http."
            "request.errors{env:prod,service:checkout}.as_count() / sum:trace.http.request.hits{env:prod,service:"
            "checkout}.as_count() > 0.05",
    service="checkout", starts_at=utc("2026-03-02T13:55:23"),
    labels={"env": "prod", "monitor": "", "service": "checkout", "team": "payments"},
    links=("https://app.datadoghq.eu/event/event?id=7593810417823546519",))
PD_TRIGGER = Alert(
    source="pagerduty", dedup_key="checkout/postgres/replication-lag", action="trigger", severity="high",
    name="Replication lag on checkout-db-2 above 30s", summary="Replication lag on checkout-db-2 above 30s",
    service="postgres", starts_at=utc("2026-03-02T14:42:58.315"),
    labels={"class": "replication lag", "component": "postgres", "group": "checkout", "lag seconds": "41.5",
            "paused": "false", "primary": "checkout-db-1", "replica": "checkout-db-2", "slots": '["a","b"]',
            "source": "checkout-db-2.eu-west-1.internal"},
    links=("https://runbooks.example.com/postgres/replication-lag", "https://grafana.example.com/d/pg",
           "https://pg-monitor.example.com/clusters/checkout"),  # the javascript: link is dropped
    route={"routing_key": PD_KEY})
EXPORT_KEY = "2831722a7d234f70575cf12d535d502bf2e6015b0a30bf9bb02c8b5d214ebe95"
"""sha256 of the routing key, summary and source of the triggers without a dedup_key."""
PD_EXPORT = Alert(
    source="pagerduty", dedup_key=EXPORT_KEY, action="trigger", severity="medium",
    name="Nightly invoice export failed", summary="Nightly invoice export failed", service="batch-runner-1",
    starts_at=RECEIVED, labels={"source": "batch-runner-1"}, route={"routing_key": PD_KEY})
PD_RESOLVE = Alert(
    source="pagerduty", dedup_key="checkout/postgres/replication-lag", action="resolve", severity="info", name="",
    summary="", service="", starts_at=RECEIVED, ends_at=RECEIVED, route={"routing_key": PD_KEY})
CODEDEPLOY_ROUTE = {**ACCOUNT_ROUTE, "application": "checkout-api", "deployment_group": "prod"}
ECS_ROUTE = {**ACCOUNT_ROUTE, "cluster": "prod"}
ECS_ID = "ecs-svc/4711094419573026163"
OPSDESK_ROUTE = {"routing_key": "opsdesk-checkout", "integration_id": "int_01HZX4K8Q2W7"}

GOOD: dict[str, object] = {
    "cloudwatch-alarm": Alert(
        source="cloudwatch", dedup_key="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-cpu-high",
        action="trigger", severity="critical", name="checkout-api-cpu-high",
        summary="Threshold Crossed: 2 out of the last 2 datapoints [91.2 (02/03/26 13:53:00), 88.7 (02/03/26 "
                "13:48:00)] were greater than the threshold (85.0) (minimum 2 datapoints for OK -> ALARM transition).",
        service="checkout-api", starts_at=utc("2026-03-02T13:58:41.321"), ends_at=None,
        labels={"ClusterName": "prod", "ServiceName": "checkout-api", "metric_name": "CPUUtilization",
                "namespace": "AWS/ECS"},
        links=(f"{CONSOLE}checkout-api-cpu-high",),
        route={**ACCOUNT_ROUTE, "alarm_name": "checkout-api-cpu-high"},
        description="CPU of the checkout API above 85% for 10 minutes. severity=critical team=payments"),
    "cloudwatch-ok": Alert(
        source="cloudwatch", dedup_key="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-alb-5xx",
        action="resolve", severity="high", name="checkout-alb-5xx",
        summary="Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/03/26 14:20:00)] was not greater than the "
                "threshold (20.0) (minimum 1 datapoint for ALARM -> OK transition).",
        service="checkout-alb", starts_at=utc("2026-03-02T14:21:07.884"), ends_at=utc("2026-03-02T14:21:07.884"),
        labels={"LoadBalancer": "app/checkout-alb/50dc6c495c0c9188", "metric_name": "HTTPCode_ELB_5XX_Count",
                "namespace": "AWS/ApplicationELB"},
        links=(f"{CONSOLE}checkout-alb-5xx",), route={**ACCOUNT_ROUTE, "alarm_name": "checkout-alb-5xx"},
        description="5xx answered by the checkout load balancer"),
    "cloudwatch-insufficient-data": Alert(
        source="cloudwatch", dedup_key="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:invoice-renderer-errors",
        action="acknowledge", severity="medium", name="invoice-renderer-errors",
        summary="Insufficient Data: 1 datapoint was unknown.", service="invoice-renderer",
        starts_at=utc("2026-03-02T15:02:12.207"),
        labels={"FunctionName": "invoice-renderer", "metric_name": "Errors", "namespace": "AWS/Lambda"},
        links=(f"{CONSOLE}invoice-renderer-errors",), route={**ACCOUNT_ROUTE, "alarm_name": "invoice-renderer-errors"},
        description="Invoice renderer Lambda errors. Severity=Warning"),
    "cloudwatch-metric-math": Alert(
        source="cloudwatch", dedup_key="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:TotalNetworkTrafficTooHigh",
        action="trigger", severity="high", name="TotalNetworkTrafficTooHigh",
        summary="Threshold Crossed: 1 out of the last 1 datapoints [45628.0 (02/03/26 17:10:00)] was greater than the "
                "threshold (10000.0) (minimum 1 datapoint for OK -> ALARM transition).",
        service="", starts_at=utc("2026-03-02T17:20:48.554"),
        labels={"InstanceId": "i-12345678901234567", "metric_name": "NetworkIn", "namespace": "AWS/EC2"},
        links=(f"{CONSOLE}TotalNetworkTrafficTooHigh",),
        route={**ACCOUNT_ROUTE, "alarm_name": "TotalNetworkTrafficTooHigh"},
        description="Goes into alarm if total network traffic exceeds 10Kb"),
    "cloudwatch-composite-alarm": Alert(
        source="cloudwatch", dedup_key="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-degraded",
        action="trigger", severity="high", name="checkout-degraded",
        summary="arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-cpu-high transitioned to ALARM at "
                "Monday 02 March, 2026 13:58:41 UTC",
        service="", starts_at=utc("2026-03-02T14:00:01.905"), labels={}, links=(f"{CONSOLE}checkout-degraded",),
        route={**ACCOUNT_ROUTE, "alarm_name": "checkout-degraded"},
        description="Checkout degraded: CPU or 5xx. severity=high"),
    "alertmanager-firing": [AM_ERROR, AM_CRASH],
    "alertmanager-resolved": [Alert(
        source="alertmanager", dedup_key="3a1f7c2e9b4d8e01", action="resolve", severity="critical",
        name="HighErrorRate", summary="checkout 5xx above 5% for 5 minutes", service="checkout",
        starts_at=utc("2026-03-02T13:55:12.218"), ends_at=utc("2026-03-02T14:12:27.218"), labels=AM_ERROR.labels,
        links=AM_ERROR.links, description=AM_ERROR.description)],
    "alertmanager-without-fingerprint": [Alert(
        source="alertmanager", dedup_key="91c485fd91b2078de62a960de2db0c92284e90c5e9f891e404f4bb8ee4ee474a",
        action="trigger", severity="high", name="DiskWillFillIn4Hours", summary="DiskWillFillIn4Hours",
        service="node", starts_at=utc("2026-03-02T13:52:26.739266"),  # 15:52:26.739266876+02:00, to microseconds
        labels={"alertname": "DiskWillFillIn4Hours", "device": "/dev/nvme1n1", "instance": "db-2:9100",
                "job": "node", "mountpoint": "/var/lib/postgresql", "severity": "error"},
        links=("http://prometheus:9090/graph?g0.expr=predict_linear%28node_filesystem_avail_bytes%5B6h%5D%2C+4+%2A"
               "+3600%29+%3C+0&g0.tab=1",))],
    "grafana-firing": [GRAFANA_MEMORY, Alert(
        source="grafana", dedup_key="bc97ff14869b13e3", action="trigger", severity="medium", name="High CPU usage",
        summary="The system has high CPU usage", service="", starts_at=utc("2026-03-02T13:08:10"),
        labels={"alertname": "High CPU usage", "grafana_folder": "Payments", "team": "payments",
                "zone": "eu-west-1b"},
        links=("https://grafana.example.com/alerting/grafana/ce7k1xq2p0v3ab/view?orgId=1",),
        description="The system has high CPU usage")],
    "grafana-resolved": [Alert(
        source="grafana", dedup_key="c6eadffa33fcdf37", action="resolve", severity="high", name="High memory usage",
        summary="payments-worker memory above 90%", service="payments-worker", starts_at=utc("2026-03-02T13:03:10"),
        ends_at=utc("2026-03-02T13:31:10"), labels=GRAFANA_MEMORY.labels, links=GRAFANA_MEMORY.links,
        description=GRAFANA_MEMORY.description)],
    "datadog-triggered": DATADOG_TRIGGERED,
    "datadog-recovered": Alert(
        source="datadog", dedup_key="148872315:env:prod,service:checkout", action="resolve", severity="critical",
        name="Checkout 5xx rate above 5%",
        summary="The checkout service answers more than 5% of requests with 5xx.\n\nRunbook: "
                "https://runbooks.example.com/checkout/high-error-rate @webhook-opsdesk",
        service="checkout", starts_at=utc("2026-03-02T14:06:52.5"), ends_at=utc("2026-03-02T14:06:52.5"),
        labels=DATADOG_TRIGGERED.labels, links=("https://app.datadoghq.eu/event/event?id=7593822094417260014",)),
    "datadog-warn": Alert(
        source="datadog", dedup_key="151002977:host:web-03", action="trigger", severity="medium",
        name="Disk usage above 80% on web-03", summary="[Warn on {host:web-03}] Disk usage above 80% on web-03",
        service="", starts_at=utc("2026-03-02T14:00:01.25"),
        labels={"availability-zone": "eu-west-1a", "env": "prod", "host": "web-03", "role": "web"},
        links=("https://app.datadoghq.eu/event/event?id=7593815528101938201",)),
    "pagerduty-trigger": PD_TRIGGER,
    "pagerduty-trigger-without-dedup-key": PD_EXPORT,
    "pagerduty-acknowledge": Alert(
        source="pagerduty", dedup_key="checkout/postgres/replication-lag", action="acknowledge", severity="info",
        name="", summary="", service="", starts_at=RECEIVED, route={"routing_key": PD_KEY}),
    "pagerduty-resolve": PD_RESOLVE,
    "codedeploy-start": ChangeNotice(
        kind="deployment", service="checkout-api",
        summary="CodeDeploy deployment d-7B2QK9Z4C of checkout-api to prod started", at=utc("2026-03-02T13:41:09"),
        version="d-7B2QK9Z4C", source="codedeploy", route=CODEDEPLOY_ROUTE),
    "codedeploy-success": ChangeNotice(
        kind="deployment", service="checkout-api",
        summary="CodeDeploy deployment d-7B2QK9Z4C of checkout-api to prod succeeded", at=utc("2026-03-02T13:49:55"),
        version="d-7B2QK9Z4C", source="codedeploy", route=CODEDEPLOY_ROUTE),
    "codedeploy-failure": None,
    "ecs-in-progress": ChangeNotice(
        kind="deployment", service="payments-worker", summary=f"ECS deployment {ECS_ID} of payments-worker in progress",
        at=utc("2026-03-02T14:01:14"), version=ECS_ID, source="ecs", route=ECS_ROUTE),
    "ecs-completed": ChangeNotice(
        kind="deployment", service="payments-worker", summary=f"ECS deployment {ECS_ID} of payments-worker completed",
        at=utc("2026-03-02T14:09:47"), version=ECS_ID, source="ecs", route=ECS_ROUTE),
    "ecs-failed": ChangeNotice(
        kind="deployment", service="payments-worker",
        summary=f"ECS deployment {ECS_ID} of payments-worker failed (ECS deployment circuit breaker: tasks failed to "
                "start.)",
        at=utc("2026-03-02T14:12:03"), version=ECS_ID, source="ecs", route=ECS_ROUTE),
    "opsdesk-alert-trigger": [Alert(
        source="opsdesk", dedup_key="checkout-synthetic-login", action="trigger", severity="critical",
        name="Synthetic login check failing from 3 of 3 locations",
        summary="Synthetic login check failing from 3 of 3 locations", service="checkout-web",
        starts_at=utc("2026-03-02T14:20:00"),
        labels={"component": "checkout-web", "http_status": "503", "locations": "eu-west-1,us-east-1,ap-south-1",
                "source": "synthetics"},
        links=("https://synthetics.example.com/checks/checkout-login",), route=OPSDESK_ROUTE)],
    "opsdesk-alert-resolve": [Alert(
        source="opsdesk", dedup_key="checkout-synthetic-login", action="resolve", severity="info", name="",
        summary="", service="", starts_at=utc("2026-03-02T14:34:19"), ends_at=utc("2026-03-02T14:34:19"),
        route=OPSDESK_ROUTE)],
    "opsdesk-webhook-alertmanager": [
        replace(AM_ERROR, route={"integration_id": "int_01HZX5AM9R3T"})],
    "opsdesk-webhook-pagerduty": [replace(
        PD_EXPORT, starts_at=utc("2026-03-02T02:15:40"),  # no payload.timestamp: the event's time
        route={"routing_key": PD_KEY, "integration_id": "int_01HZX6PD2M8K"})],
}

BAD: dict[str, str] = {
    "cloudwatch-bad-state": "detail.state.value",
    "cloudwatch-bad-timestamp-without-zone": "detail.state.timestamp",
    "cloudwatch-bad-severity": "detail.configuration.description",
    "cloudwatch-bad-resources": "resources[0]",
    "cloudwatch-bad-dimension": "detail.configuration.metrics[0].metricStat.metric.dimensions.ServiceName",
    "cloudwatch-bad-region": "region",
    "alertmanager-bad-version": "version",
    "alertmanager-bad-status": "alerts[0].status",
    "alertmanager-bad-severity": "alerts[1].labels.severity",
    "alertmanager-bad-starts-at-without-zone": "alerts[0].startsAt",
    "alertmanager-bad-label-type": "alerts[1].labels.restarts",
    "alertmanager-bad-missing-alertname": "alerts[0].labels.alertname",
    "grafana-bad-ends-at": "alerts[1].endsAt",
    "grafana-bad-alerts": "alerts",
    "datadog-bad-transition": "transition",
    "datadog-bad-priority": "priority",
    "datadog-bad-date": "date",
    "datadog-bad-missing-alert-id": "alert_id",
    "pagerduty-bad-action": "event_action",
    "pagerduty-bad-missing-summary": "payload.summary",
    "pagerduty-bad-severity": "payload.severity",
    "pagerduty-bad-resolve-without-dedup-key": "dedup_key",
    "pagerduty-bad-timestamp-without-zone": "payload.timestamp",
    "pagerduty-bad-links": "links",
    "pagerduty-bad-routing-key": "routing_key",
    "codedeploy-bad-state": "detail.state",
    "codedeploy-bad-time-without-zone": "time",
    "codedeploy-bad-missing-application": "detail.application",
    "ecs-bad-resource": "resources[0]",
    "ecs-bad-event-name": "detail.eventName",
    "opsdesk-bad-integration-type": "detail.integration_type",
    "opsdesk-bad-webhook-payload": "detail.payload.alerts[0].status",
    "opsdesk-bad-alert-without-routing-key": "detail.routing_key",
    "opsdesk-bad-detail-type": "detail-type",
    "eventbridge-bad-unknown-source": "source",
}


@pytest.mark.parametrize(("name", "expected"), list(GOOD.items()), ids=list(GOOD))
def test_a_sample_becomes_exactly_this(name: str, expected: object) -> None:
    assert read(name) == expected


@pytest.mark.parametrize(("name", "field"), list(BAD.items()), ids=list(BAD))
def test_a_bad_sample_is_refused_naming_its_field(name: str, field: str) -> None:
    with pytest.raises(AlertPayloadError) as raised:
        read(name)

    assert raised.value.field == field
    assert raised.value.message and str(raised.value) == f"{field}: {raised.value.message}"


def test_every_sample_file_is_in_a_table_and_every_source_has_two_good_ones() -> None:
    names = {path.stem for path in DATA.glob("*.json")}

    assert names == set(GOOD) | set(BAD)
    assert not set(GOOD) & set(BAD)
    for source in ("cloudwatch", "alertmanager", "grafana", "datadog", "pagerduty", "codedeploy", "ecs", "opsdesk"):
        assert sum(name.startswith(f"{source}-") for name in GOOD) >= 2, source


# --- dispatch --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [name for name in GOOD if source_of(name) in ("cloudwatch", "codedeploy", "ecs")])
def test_normalise_reads_an_aws_event_as_its_normaliser_does(name: str) -> None:
    expected = GOOD[name]

    assert n.normalise(sample(name)) == ([] if expected is None else [expected])


def webhook(integration_type: str, payload: dict[str, Any], time: str = "2026-03-02T02:15:00Z") -> dict[str, Any]:
    return {"version": "0", "id": "0d7e3c4b-8f1a-4b2c-9d3e-5f6a7b8c9d0e", "detail-type": "Webhook",
            "source": "opsdesk.alerts", "account": "123456789012", "time": time, "region": "eu-west-1",
            "resources": [], "detail": {"integration_type": integration_type, "integration_id": "int_7",
                                        "payload": payload}}


@pytest.mark.parametrize("name", [name for name in GOOD if source_of(name) in
                                  ("alertmanager", "grafana", "datadog", "pagerduty")])
def test_a_forwarded_webhook_is_its_vendor_s_alerts_with_the_integration_id(name: str) -> None:
    expected = GOOD[name]
    alerts = [alert for alert in (expected if isinstance(expected, list) else [expected])
              if isinstance(alert, Alert)]
    assert alerts

    normalised = n.normalise(webhook(source_of(name), sample(name)))  # the event's time is RECEIVED

    assert normalised == [replace(alert, route={**alert.route, "integration_id": "int_7"}) for alert in alerts]


@pytest.mark.parametrize(("name", "field"), [(name, field) for name, field in BAD.items()
                                             if source_of(name) in ("alertmanager", "grafana", "datadog",
                                                                       "pagerduty")])
def test_a_bad_forwarded_webhook_names_the_field_from_the_event(name: str, field: str) -> None:
    with pytest.raises(AlertPayloadError) as raised:
        n.normalise(webhook(source_of(name), sample(name)))

    assert raised.value.field == f"detail.payload.{field}"


def test_an_opsdesk_alert_event_is_read_by_opsdesk_event_too() -> None:
    assert [n.opsdesk_event(sample("opsdesk-alert-trigger"))] == GOOD["opsdesk-alert-trigger"]


@pytest.mark.parametrize(("event", "field"), [
    ([], "body"),
    ({"detail-type": "CloudWatch Alarm State Change", "detail": {}}, "source"),
    ({"source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm Configuration Change", "detail": {}},
     "detail-type"),
    ({"source": "aws.ecs", "detail-type": "ECS Task State Change", "detail": {}}, "detail-type"),
    ({"source": "opsdesk.alerts", "detail-type": "Webhook", "detail": {"integration_type": "grafana",
                                                                     "integration_id": "int_7"}}, "detail.payload"),
    ({"source": "opsdesk.alerts", "detail-type": "Webhook", "detail": {"integration_type": "grafana",
                                                                     "payload": {"alerts": []}}},
     "detail.integration_id"),
    ({"source": "opsdesk.alerts", "detail-type": "Webhook", "detail": "{}"}, "detail"),
])
def test_normalise_refuses_what_it_cannot_dispatch(event: Any, field: str) -> None:
    with pytest.raises(AlertPayloadError) as raised:
        n.normalise(event)

    assert raised.value.field == field


@pytest.mark.parametrize(("read_one", "name"), [
    (n.cloudwatch_alarm, "ecs-completed"), (n.codedeploy_deployment, "cloudwatch-alarm"),
    (n.ecs_deployment, "codedeploy-start"), (n.opsdesk_event, "opsdesk-webhook-alertmanager"),
])
def test_an_aws_normaliser_refuses_another_s_event(read_one: Callable[[dict[str, Any]], object], name: str) -> None:
    with pytest.raises(AlertPayloadError) as raised:
        read_one(sample(name))

    assert raised.value.field in ("source", "detail-type")


# --- limits and details ----------------------------------------------------------------------------------------------

def am_alert(**changes: Any) -> dict[str, Any]:
    body = sample("alertmanager-resolved")
    body["alerts"][0].update(changes)
    return body


def test_a_dedup_key_over_255_characters_is_hashed_to_a_stable_shorter_one() -> None:
    long_key = "checkout/" + "x" * 300
    first = n.pagerduty_event({**sample("pagerduty-resolve"), "dedup_key": long_key}, received_at=RECEIVED)
    again = n.pagerduty_event({**sample("pagerduty-resolve"), "dedup_key": long_key}, received_at=RECEIVED)
    other = n.pagerduty_event({**sample("pagerduty-resolve"), "dedup_key": long_key + "y"}, received_at=RECEIVED)
    at_limit = n.pagerduty_event({**sample("pagerduty-resolve"), "dedup_key": "k" * 255}, received_at=RECEIVED)

    assert first.dedup_key == again.dedup_key and first.dedup_key.startswith("sha256:")
    assert len(first.dedup_key) == 71 and other.dedup_key != first.dedup_key
    assert at_limit.dedup_key == "k" * 255


def test_a_long_datadog_scope_is_hashed_into_the_key() -> None:
    scope = ",".join(f"pod_name:checkout-{index:04d}" for index in range(40))

    alert = n.datadog_webhook({**sample("datadog-triggered"), "scope": scope})

    assert alert.dedup_key.startswith("sha256:") and len(alert.dedup_key) == 71


def test_without_a_fingerprint_the_key_is_the_same_whatever_the_order_of_the_labels() -> None:
    body = sample("alertmanager-without-fingerprint")
    reordered = copy.deepcopy(body)
    reordered["alerts"][0]["labels"] = dict(reversed(list(body["alerts"][0]["labels"].items())))
    changed = copy.deepcopy(body)
    changed["alerts"][0]["labels"]["instance"] = "db-3:9100"

    key = n.alertmanager_webhook(body)[0].dedup_key

    assert n.alertmanager_webhook(reordered)[0].dedup_key == key
    assert n.alertmanager_webhook(changed)[0].dedup_key != key


def test_summary_and_name_are_capped_not_refused() -> None:
    labels = {**sample("alertmanager-resolved")["alerts"][0]["labels"], "alertname": "A" * 400}
    alert = n.alertmanager_webhook(am_alert(labels=labels, annotations={"summary": "s" * 5_000}))[0]

    assert alert.summary == "s" * 1_000 and alert.name == "A" * 255
    assert alert.labels["alertname"] == "A" * 255


def test_labels_keep_64_pairs_by_key_with_values_cut_to_255_characters_and_long_keys_dropped() -> None:
    labels = {"alertname": "Many", **{f"l{index:03d}": "v" * 300 for index in range(100)}, "k" * 256: "dropped"}

    alert = n.alertmanager_webhook(am_alert(labels=labels))[0]

    assert list(alert.labels) == sorted(["alertname", *(f"l{index:03d}" for index in range(100))])[:64]
    assert alert.labels["l000"] == "v" * 255


def test_a_pagerduty_custom_details_string_is_one_label() -> None:
    body = copy.deepcopy(sample("pagerduty-trigger-without-dedup-key"))
    body["payload"]["custom_details"] = "exit code 3"

    assert n.pagerduty_event(body, received_at=RECEIVED).labels == {"details": "exit code 3",
                                                                    "source": "batch-runner-1"}


@pytest.mark.parametrize(("body", "field"), [
    (am_alert(labels={"alertname": "X", "service": "s" * 256}), "alerts[0].labels.service"),
    ({**sample("pagerduty-resolve"), "routing_key": "r" * 256}, "routing_key"),
    (webhook("pagerduty", sample("pagerduty-resolve")) | {"detail": {
        "integration_type": "pagerduty", "integration_id": "i" * 256, "payload": sample("pagerduty-resolve")}},
     "detail.integration_id"),
])
def test_identifiers_over_255_characters_are_refused(body: dict[str, Any], field: str) -> None:
    read_one = n.alertmanager_webhook if "alerts" in body else n.normalise if "detail" in body else _pagerduty
    with pytest.raises(AlertPayloadError) as raised:
        read_one(body)

    assert raised.value.field == field


def test_links_keep_at_most_10_http_urls_of_at_most_2048_characters() -> None:
    body = copy.deepcopy(sample("pagerduty-trigger"))
    body["links"] = [{"href": f"https://example.com/{index}"} for index in range(12)] + [
        {"href": "ftp://example.com/file"}, {"href": "https://example.com/" + "x" * 2_100}]
    body["images"] = []

    alert = n.pagerduty_event(body, received_at=RECEIVED)

    assert alert.links == tuple(f"https://example.com/{index}" for index in range(10))


@pytest.mark.parametrize(("starts_at", "message"), [
    ("2026-03-02", "has no time zone"),
    ("not a time", "is not an ISO 8601 date-time"),
    (1772459723, "must be an ISO 8601 date-time string"),
    ("0001-01-01T00:00:00Z", "must be between 1970-01-01 and 9998-12-31"),
    ("0001-01-01T00:00:00+05:00", "is out of range"),
])
def test_a_start_without_a_zone_or_out_of_range_is_refused(starts_at: object, message: str) -> None:
    with pytest.raises(AlertPayloadError) as raised:
        n.alertmanager_webhook(am_alert(startsAt=starts_at))

    assert (raised.value.field, raised.value.message) == ("alerts[0].startsAt", message)


def test_alertmanager_s_zero_end_and_an_empty_one_mean_none() -> None:
    assert n.alertmanager_webhook(am_alert(endsAt="0001-01-01T00:00:00Z"))[0].ends_at is None
    assert n.alertmanager_webhook(am_alert(endsAt=""))[0].ends_at is None


def test_severity_words_are_read_whatever_their_case() -> None:
    labels = {**sample("alertmanager-resolved")["alerts"][0]["labels"], "severity": "Warning"}

    assert n.alertmanager_webhook(am_alert(labels=labels))[0].severity == "medium"


@pytest.mark.parametrize(("transition", "priority", "action", "severity"), [
    ("No Data", "", "trigger", "high"), ("Re-Warn", "", "trigger", "medium"), ("Renotify", "P4", "trigger", "low"),
    ("Re-Triggered", "p5", "trigger", "info"), ("Recovered", "P3", "resolve", "medium"),
])
def test_datadog_transitions_and_priorities(transition: str, priority: str, action: str, severity: str) -> None:
    alert = n.datadog_webhook({**sample("datadog-triggered"), "transition": transition, "priority": priority})

    assert (alert.action, alert.severity) == (action, severity)


def test_a_datadog_alert_without_date_takes_its_last_update() -> None:
    alert = n.datadog_webhook({**sample("datadog-triggered"), "date": "", "last_updated": 1772460000000})

    assert alert.starts_at == utc("2026-03-02T14:00:00")


def test_a_pagerduty_trigger_without_timestamp_or_receipt_time_takes_the_clock() -> None:
    before = datetime.now(UTC)
    alert = n.pagerduty_event(sample("pagerduty-trigger-without-dedup-key"))

    assert before <= alert.starts_at <= datetime.now(UTC)


def test_a_china_region_alarm_links_to_its_console() -> None:
    event = copy.deepcopy(sample("cloudwatch-alarm"))
    event["region"] = "cn-north-1"
    event["resources"] = ["arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:checkout api/cpu"]

    alert = n.cloudwatch_alarm(event)

    assert alert.links == ("https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1"
                           "#alarmsV2:alarm/checkout-api-cpu-high",)
    assert alert.dedup_key == "arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:checkout api/cpu"


def test_an_alarm_name_is_escaped_in_its_console_link() -> None:
    event = copy.deepcopy(sample("cloudwatch-alarm"))
    event["detail"]["alarmName"] = "checkout api/cpu #1"

    assert n.cloudwatch_alarm(event).links == (f"{CONSOLE}checkout%20api%2Fcpu%20%231",)


def test_an_ecs_rollback_says_why_and_an_old_style_arn_names_the_service_without_a_cluster() -> None:
    event = copy.deepcopy(sample("ecs-in-progress"))
    event["detail"]["reason"] = "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1234."
    event["resources"] = ["arn:aws:ecs:eu-west-1:123456789012:service/payments-worker"]

    notice = n.ecs_deployment(event)

    assert notice.summary == (f"ECS deployment {ECS_ID} of payments-worker in progress (ECS deployment circuit "
                              "breaker: rolling back to deploymentId ecs-svc/1234.)")
    assert (notice.service, notice.route) == ("payments-worker", ACCOUNT_ROUTE)


def test_an_alarm_with_a_255_character_name_keeps_it_and_hashes_its_longer_arn() -> None:
    event = copy.deepcopy(sample("cloudwatch-alarm"))
    name = "checkout-" + "n" * 246
    event["detail"]["alarmName"] = name
    event["resources"] = [f"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:{name}"]

    alert = n.cloudwatch_alarm(event)

    assert alert.dedup_key.startswith("sha256:") and len(alert.dedup_key) == 71
    assert alert.name == name and alert.route["alarm_name"] == name


@pytest.mark.parametrize(("change", "field"), [
    ({"configuration": []}, "detail.configuration"),
    ({"configuration": {"metrics": {}}}, "detail.configuration.metrics"),
    ({"configuration": {"metrics": [{"metricStat": "CPUUtilization"}]}}, "detail.configuration.metrics[0].metricStat"),
])
def test_an_alarm_s_configuration_of_the_wrong_shape_is_refused(change: dict[str, Any], field: str) -> None:
    event = copy.deepcopy(sample("cloudwatch-alarm"))
    event["detail"].update(change)

    with pytest.raises(AlertPayloadError) as raised:
        n.cloudwatch_alarm(event)

    assert raised.value.field == field


def test_a_blank_severity_label_is_none() -> None:
    labels = {**sample("alertmanager-resolved")["alerts"][0]["labels"], "severity": " "}

    assert n.alertmanager_webhook(am_alert(labels=labels))[0].severity == "medium"
