"""Webhook deliveries without AWS: who may deliver (the integration's webhook token, compared whole), what is read
before anything goes on the bus, and what is put there."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opsdesk.alerts.routes import RouteEntry, webhook_key
from opsdesk.alerts.webhooks import WebhookService
from opsdesk.copilot.records import Integration
from opsdesk.errors import Unauthorized, ValidationFailed

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "alerts"
TOKEN = "a-webhook-token-of-some-length"
NOW = datetime(2026, 3, 2, tzinfo=UTC)


class Routes:
    def __init__(self, entries: dict[str, RouteEntry]) -> None:
        self.entries = entries

    def webhook(self, integration_id: str) -> RouteEntry | None:
        return self.entries.get(integration_id)


class Integrations:
    def __init__(self, integrations: dict[str, Integration]) -> None:
        self.integrations = integrations

    def get_integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration | None:
        return self.integrations.get(integration_id)


class Secrets:
    def get(self, reference: str) -> dict[str, str]:
        return {"webhook_token": TOKEN} if reference == "with-token" else {"token": "other"}


class Bus:
    def __init__(self) -> None:
        self.put: list[tuple[str, str, Any]] = []

    def put_webhook(self, integration_type: str, integration_id: str, payload: Any) -> str:
        self.put.append((integration_type, integration_id, payload))
        return f"event-{len(self.put)}"


def integration(integration_id: str, kind: str = "prometheus", *, secret: str | None = "with-token",
                enabled: bool = True) -> Integration:
    return Integration(integration_id, "p1", kind, integration_id, {}, secret, (), enabled, NOW, NOW)


@pytest.fixture
def bus() -> Bus:
    return Bus()


@pytest.fixture
def service(bus: Bus) -> WebhookService:
    made = {"prom": integration("prom"), "grafana": integration("grafana", "grafana"),
            "cw": integration("cw", "cloudwatch"), "off": integration("off", enabled=False),
            "tokenless": integration("tokenless", secret="without-token")}
    routes = {i: RouteEntry(webhook_key(i), "t1", "p1", i, made[i].type) for i in made}
    return WebhookService(Routes(routes), Integrations(made), Secrets(), bus)  # type: ignore[arg-type]


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def test_a_delivery_with_the_token_is_read_and_put_on_the_bus_unchanged(service: WebhookService, bus: Bus) -> None:
    body = sample("alertmanager-firing.json")

    accepted = service.deliver("prom", TOKEN, body)

    assert accepted.alerts == 2 and accepted.event_id == "event-1"
    assert bus.put == [("alertmanager", "prom", body)]


@pytest.mark.parametrize(("integration_id", "token"), [
    ("prom", TOKEN[:-1]), ("prom", TOKEN + "x"), ("prom", None), ("prom", ""), ("unknown", TOKEN),
    ("off", TOKEN), ("tokenless", "other"), ("x" * 65, TOKEN),
])
def test_anything_but_the_integration_s_own_token_is_the_same_401(service: WebhookService, bus: Bus,
                                                                  integration_id: str, token: str | None) -> None:
    with pytest.raises(Unauthorized) as refused:
        service.deliver(integration_id, token, sample("alertmanager-firing.json"))

    assert refused.value.message == "Invalid webhook token" and bus.put == []


def test_a_payload_its_normaliser_cannot_read_names_the_field_and_puts_nothing(service: WebhookService,
                                                                             bus: Bus) -> None:
    body = sample("alertmanager-firing.json")
    body["alerts"][1]["status"] = "exploded"

    with pytest.raises(ValidationFailed) as refused:
        service.deliver("prom", TOKEN, body)

    assert refused.value.details[0].field == "alerts[1].status" and bus.put == []


def test_a_cloudwatch_integration_takes_no_webhook_and_a_body_must_be_an_object(service: WebhookService) -> None:
    with pytest.raises(ValidationFailed):
        service.deliver("cw", TOKEN, sample("alertmanager-firing.json"))
    with pytest.raises(ValidationFailed):
        service.deliver("prom", TOKEN, [sample("alertmanager-firing.json")])


def test_each_integration_type_reads_its_own_system_s_payload(service: WebhookService, bus: Bus) -> None:
    assert service.deliver("grafana", TOKEN, sample("grafana-firing.json")).alerts >= 1
    with pytest.raises(ValidationFailed):
        service.deliver("grafana", TOKEN, {"routing_key": "x", "event_action": "trigger"})
    assert [kind for kind, _, _ in bus.put] == ["grafana"]


def test_a_delivery_of_more_alerts_than_the_consumer_can_apply_in_one_invocation_is_refused_before_the_bus(
        service: WebhookService, bus: Bus) -> None:
    from opsdesk.alerts.webhooks import MAX_WEBHOOK_ALERTS

    def delivery(count: int) -> Any:
        body = sample("alertmanager-firing.json")
        body["alerts"] = [{**body["alerts"][0], "fingerprint": f"fp-{n}"} for n in range(count)]
        return body

    with pytest.raises(ValidationFailed) as refused:
        service.deliver("prom", TOKEN, delivery(MAX_WEBHOOK_ALERTS + 1))

    assert refused.value.details[0].field == "alerts" and bus.put == []
    assert service.deliver("prom", TOKEN, delivery(MAX_WEBHOOK_ALERTS)).alerts == MAX_WEBHOOK_ALERTS
