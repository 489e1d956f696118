"""Webhook deliveries (issue #12): sources that cannot put events on a bus (Alertmanager, Grafana, Datadog,
PagerDuty-shaped senders) post to `POST /copilot/api/v1/webhooks/{integration_id}` with the integration's
`webhook_token` credential as a bearer token (or `X-Opsdesk-Token`). The delivery is authenticated (constant-time),
read whole by the integration type's normaliser (a payload it cannot read is a 4xx, and nothing goes on), then put
on the alerts bus unchanged for the one alert path (opsdesk.alerts.consumer)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from opsdesk.alerts.bus import BUS_SOURCE, WEBHOOK_DETAIL_TYPE, AlertBus, webhook_detail
from opsdesk.alerts.normalise import normalise
from opsdesk.alerts.records import Alert, AlertPayloadError
from opsdesk.alerts.routes import WEBHOOK_TYPES, RouteRepository
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.errors import FieldError, Unauthorized, ValidationFailed
from opsdesk.frozen import frozen
from opsdesk.secrets import SecretStore

TOKEN_CREDENTIAL = "webhook_token"
MIN_TOKEN_LENGTH = 16
MAX_WEBHOOK_ALERTS = 100
"""Alerts one delivery may carry. The consumer applies a delivery's alerts in one invocation (60 s, with up to 9
other messages), about 19 DynamoDB calls each, one service's in order: 100 of one service are about 1,900 calls,
some 20 s; the 2,000 that fit the body limit were 6 minutes, so the message timed out on every redelivery until the
dead-letter queue. A source stays under it with smaller groups (Alertmanager's `group_by`)."""


@frozen
class Accepted:
    event_id: str
    alerts: int


class WebhookService:
    def __init__(self, routes: RouteRepository, integrations: CopilotRepository, secrets: SecretStore,
                 bus: AlertBus) -> None:
        self._routes = routes
        self._integrations = integrations
        self._secrets = secrets
        self._bus = bus

    def deliver(self, integration_id: str, token: str | None, payload: Any) -> Accepted:
        integration_type = self._authenticate(integration_id, token)
        kind = WEBHOOK_TYPES.get(integration_type)
        if kind is None:
            raise ValidationFailed(f"A {integration_type} integration receives alarms from EventBridge, not a webhook",
                                   details=[FieldError("integration_id", "not a webhook integration")])
        if not isinstance(payload, dict):
            raise ValidationFailed(details=[FieldError("body", "Request body must be a JSON object")])
        event = {"id": "validation", "source": BUS_SOURCE, "detail-type": WEBHOOK_DETAIL_TYPE,
                 "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "detail": webhook_detail(kind, integration_id, payload)}
        try:
            alerts = [item for item in normalise(event) if isinstance(item, Alert)]
        except AlertPayloadError as exc:
            field = exc.field.removeprefix("detail.payload.").removeprefix("detail.payload") or "body"
            raise ValidationFailed(f"{field}: {exc.message}", details=[FieldError(field, exc.message)]) from exc
        if len(alerts) > MAX_WEBHOOK_ALERTS:
            problem = f"A delivery carries at most {MAX_WEBHOOK_ALERTS} alerts ({len(alerts)} sent)"
            raise ValidationFailed(problem, details=[FieldError("alerts", problem)])
        return Accepted(self._bus.put_webhook(kind, integration_id, payload), len(alerts))

    def _authenticate(self, integration_id: str, token: str | None) -> str:
        """The integration's type, when the token is its webhook token; Unauthorized alike for an unknown
        integration, one without a token and a wrong token (nothing tells them apart)."""
        entry = self._routes.webhook(integration_id) if 0 < len(integration_id) <= 64 else None
        integration = self._integrations.get_integration(entry.tenant_id, entry.project_id, integration_id) \
            if entry else None
        credentials: Mapping[str, str] = {}
        if integration is not None and integration.enabled and integration.secret_ref:
            credentials = self._secrets.get(integration.secret_ref)
        expected = credentials.get(TOKEN_CREDENTIAL, "")
        presented = token or ""
        # Compared even when nothing is expected, so the answer takes as long either way.
        matches = hmac.compare_digest(presented.encode("utf-8"), (expected or "\0" * 32).encode("utf-8"))
        if integration is None or len(expected) < MIN_TOKEN_LENGTH or not matches:
            raise Unauthorized("Invalid webhook token")
        return integration.type
