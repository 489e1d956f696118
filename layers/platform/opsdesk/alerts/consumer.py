"""The one alert path's consumer (functions/alert_ingest): every EventBridge event the alert rules deliver (a
CloudWatch alarm, a deployment, a webhook on the opsdesk bus) is normalised (opsdesk.alerts.normalise), routed to
the projects whose integrations take it (opsdesk.alerts.routes) and applied there: alerts by opsdesk.alerts.ingest,
deployments stored as the copilot's change evidence. Idempotent per event id: a redelivery writes nothing twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from opsdesk.alerts.ingest import AlertIngest, Target, stable_id
from opsdesk.alerts.normalise import normalise
from opsdesk.alerts.records import Alert, ChangeNotice
from opsdesk.alerts.routes import RouteRepository
from opsdesk.copilot.records import ChangeEvent
from opsdesk.copilot.repository import CopilotRepository

PARALLEL_KEYS = 8
"""Services (or dedup keys) of one event applied at once: I/O waits, so eight threads keep one vCPU busy."""


class AlertConsumer:
    def __init__(self, routes: RouteRepository, ingest: AlertIngest, copilot: CopilotRepository) -> None:
        self._routes = routes
        self._ingest = ingest
        self._copilot = copilot

    def handle(self, event: Mapping[str, Any]) -> Counter[str]:
        """Applies one EventBridge event; AlertPayloadError when it cannot be read (the caller drops it: a payload
        that cannot be read never becomes readable by retrying). Returns what happened, counted.

        A webhook may carry hundreds of alerts, each about 18 DynamoDB calls: one after another, 300 to 500 of them
        outlast the function's 60 s, and every redelivery again, until the dead-letter queue takes them during the
        outage they announce. So the alerts of different services are applied side by side (each decision is a
        conditional transaction, as for concurrent deliveries), and those of one service (or, without one, of one
        dedup key) in their order, as they group into one incident."""
        event_id = str(event.get("id") or "")
        by_key: dict[str, list[tuple[str, Alert | ChangeNotice]]] = {}
        for index, item in enumerate(normalise(event)):
            key = (f"service:{item.service.lower()}" if item.service else f"key:{item.dedup_key}") \
                if isinstance(item, Alert) else f"change:{index}"
            by_key.setdefault(key, []).append((f"{event_id}:{index}", item))
        if len(by_key) <= 1:
            return sum((self._apply_in_order(items) for items in by_key.values()), Counter())
        with ThreadPoolExecutor(min(PARALLEL_KEYS, len(by_key))) as pool:
            return sum(pool.map(self._apply_in_order, by_key.values()), Counter())

    def _apply_in_order(self, items: list[tuple[str, Alert | ChangeNotice]]) -> Counter[str]:
        happened: Counter[str] = Counter()
        for delivery, item in items:
            targets = self._routes.targets(item)
            if not targets:
                happened["unrouted"] += 1
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
