"""The one alert path's consumer (functions/alert_ingest): every EventBridge event the alert rules deliver (a
CloudWatch alarm, a deployment, a webhook on the opsdesk bus) is normalised (opsdesk.alerts.normalise), routed to
the projects whose integrations take it (opsdesk.alerts.routes) and applied there: alerts by opsdesk.alerts.ingest,
deployments stored as the copilot's change evidence. Idempotent per event id: a redelivery writes nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from opsdesk.alerts.ingest import AlertIngest, Target, stable_id
from opsdesk.alerts.normalise import normalise
from opsdesk.alerts.records import Alert, ChangeNotice
from opsdesk.alerts.routes import RouteRepository
from opsdesk.copilot.records import ChangeEvent
from opsdesk.copilot.repository import CopilotRepository


class AlertConsumer:
    def __init__(self, routes: RouteRepository, ingest: AlertIngest, copilot: CopilotRepository) -> None:
        self._routes = routes
        self._ingest = ingest
        self._copilot = copilot

    def handle(self, event: Mapping[str, Any]) -> Counter[str]:
        """Applies one EventBridge event; AlertPayloadError when it cannot be read (the caller drops it: a payload
        that cannot be read never becomes readable by retrying). Returns what happened, counted."""
        event_id = str(event.get("id") or "")
        happened: Counter[str] = Counter()
        for index, item in enumerate(normalise(event)):
            targets = self._routes.targets(item)
            if not targets:
                happened["unrouted"] += 1
            delivery = f"{event_id}:{index}"
            for entry in targets:
                target = Target(entry.tenant_id, entry.project_id, entry.integration_id)
                if isinstance(item, Alert):
                    happened[self._ingest.apply(target, item, delivery).value] += 1
                else:
                    self._change(target, item, delivery)
                    happened["change"] += 1
        return happened

    def _change(self, target: Target, change: ChangeNotice, delivery: str) -> None:
        self._copilot.save_change(target.tenant_id, ChangeEvent(
            id=stable_id("change", delivery, target.project_id), project_id=target.project_id, kind=change.kind,
            service=change.service, summary=change.summary, at=change.at, version=change.version))
