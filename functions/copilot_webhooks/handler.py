"""copilot-webhooks (public at the gateway): `POST /webhooks/{integration_id}` takes an alert source's webhook,
authenticated by the integration's webhook token, and puts it on the alerts bus (opsdesk.alerts.webhooks)."""

from __future__ import annotations

from typing import Any

from opsdesk.alerts.bus import MAX_EVENT_BYTES, EventBridgeAlertBus
from opsdesk.alerts.routes import RouteRepository
from opsdesk.alerts.webhooks import WebhookService
from opsdesk.apimap import COPILOT
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.http import create_api, json_response, raw_body
from opsdesk.jsonbody import parse_json_body
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.secrets import SecretsManagerStore
from opsdesk.settings import WebhookSettings, load_settings

settings = load_settings(WebhookSettings)
app = create_api(COPILOT, settings)
service = WebhookService(
    RouteRepository(settings), CopilotRepository(settings=settings),
    SecretsManagerStore(settings.secret_prefix, region=settings.aws_region, endpoint_url=settings.aws_endpoint_url),
    EventBridgeAlertBus(settings.alerts_bus_name, settings.aws_region, settings.aws_endpoint_url),
)
MAX_WEBHOOK_BYTES = MAX_EVENT_BYTES - 1024
"""What fits in one bus event beside the delivery's envelope."""


def _token() -> str | None:
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    bearer = headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    return headers.get("x-opsdesk-token")


@app.post("/webhooks/<integration_id>")
def handle_webhook(integration_id: str) -> Response[str]:
    token = _token()
    payload = parse_json_body(raw_body(app), MAX_WEBHOOK_BYTES)
    accepted = service.deliver(integration_id, token, payload)
    return json_response(202, {"accepted": accepted.alerts, "event_id": accepted.event_id})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
