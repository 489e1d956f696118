"""One alert model for every source (issue #12): what the normalisers (opsdesk.alerts.normalise) make of a
CloudWatch alarm, an Alertmanager or Grafana webhook, a Datadog webhook or a PagerDuty Events v2 body, and of the
deployment events that become change evidence. Plain records; no AWS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime
from typing import Literal

from opsdesk.frozen import frozen

AlertSource = Literal["cloudwatch", "alertmanager", "grafana", "datadog", "pagerduty", "opsdesk"]
AlertAction = Literal["trigger", "acknowledge", "resolve"]
"""PagerDuty Events v2 semantics: a firing alert triggers, a resolved one resolves; acknowledge changes no status."""
Severity = Literal["critical", "high", "medium", "low", "info"]
ChangeKind = Literal["deployment", "config_change", "feature_flag", "infrastructure", "scaling", "dependency_update"]


class AlertPayloadError(ValueError):
    """A payload the normaliser cannot read: `field` names where (a JSON path like `alerts[2].labels`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@frozen
class Alert:
    source: AlertSource
    dedup_key: str
    """Alerts with one key are one alert over time (Alertmanager's fingerprint, PagerDuty's dedup_key, the alarm's
    ARN, ...): at most 255 characters."""
    action: AlertAction
    severity: Severity
    name: str
    """The alert's name as its source shows it (alertname, the alarm name, the monitor name)."""
    summary: str
    service: str
    """The service it is about ("" when the payload names none)."""
    starts_at: datetime
    ends_at: datetime | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    route: Mapping[str, str] = field(default_factory=dict)
    """What routing to a project matches on: CloudWatch `account`, `region`, `alarm_name`; a webhook's
    `integration_id`; PagerDuty's `routing_key`."""
    description: str = ""
    """The longer text when the source has one beside its summary (the `description` annotation of Alertmanager
    and Grafana, a CloudWatch alarm's description); "" when the summary is all there is."""

    @property
    def status(self) -> Literal["firing", "resolved"]:
        return "resolved" if self.action == "resolve" else "firing"


@frozen
class ChangeNotice:
    """A change a deploy tool reported (CodeDeploy, ECS): stored as evidence the hypothesis engine cites."""

    kind: ChangeKind
    service: str
    summary: str
    at: datetime
    version: str | None = None
    source: str = ""
    """The tool (`codedeploy`, `ecs`, ...)."""
    route: Mapping[str, str] = field(default_factory=dict)
