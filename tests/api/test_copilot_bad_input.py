"""Every copilot write route refuses every bad body (tests/bad_input.py) in the copilot's envelope (`{"detail"}`),
and nothing of a refused request is stored."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from scripts.local.seed_copilot import DEMO_WEBHOOK_TOKEN
from tests.api.conftest import RunningStack
from tests.api.test_copilot_api import ALICE, base, bearer
from tests.bad_input import WriteRoute, probe_write_routes

pytestmark = pytest.mark.xdist_group("local-stack")
DAVE = "dave@acme.test"
ALERT_SAMPLES = Path(__file__).resolve().parents[1] / "data" / "alerts"


def test_every_copilot_write_route_refuses_every_probe_and_stores_nothing(stack: RunningStack) -> None:
    owner, admin = bearer(stack, ALICE), bearer(stack, DAVE)
    root = base(stack)
    me = requests.get(f"{root}/auth/me", headers=owner, timeout=10).json()
    project = f"{root}/projects/{me['project_id']}"
    incidents_before = requests.get(f"{root}/incidents?limit=100", headers=admin, timeout=10).json()
    incident = incidents_before[0]
    hypothesis = requests.get(f"{root}/incidents/{incident['id']}/hypotheses", headers=admin, timeout=10).json()[0]
    integrations = f"{project}/monitoring/integrations"
    integration = requests.get(integrations, headers=admin, timeout=10).json()[0]
    members_before = requests.get(f"{project}/members", headers=owner, timeout=10).json()

    public = [
        WriteRoute("POST", f"{root}/auth/register", {"email": "probe@example.test", "password": "x" * 16,
                                                     "full_name": "P", "tenant_name": "T"}, "full_name"),
        WriteRoute("POST", f"{root}/auth/login", {"email": ALICE, "password": "x" * 16}, "password"),
    ]
    as_owner = [
        WriteRoute("POST", f"{root}/auth/switch-project", {"project_id": me["project_id"]}, "project_id"),
        WriteRoute("POST", f"{root}/projects", {"name": "Probe"}, "name"),
        WriteRoute("PATCH", project, {"name": "Probe"}, "name"),
        WriteRoute("POST", f"{project}/members", {"email": "probe@example.test", "role": "viewer"}, "role"),
        WriteRoute("PATCH", f"{project}/members/{members_before[-1]['user_id']}", {"role": "member"}, "role"),
    ]
    as_admin = [
        WriteRoute("POST", f"{root}/incidents", {"title": "P", "service_name": "s", "severity": "low"}, "severity"),
        WriteRoute("PATCH", f"{root}/incidents/{incident['id']}/state", {"state": "investigating"}, "state"),
        WriteRoute("POST", f"{root}/incidents/{incident['id']}/hypotheses/{hypothesis['id']}/feedback",
                   {"feedback": "confirmed"}, "feedback"),
        WriteRoute("POST", integrations, {"type": "prometheus", "name": "P", "config": {}}, "config"),
        WriteRoute("PATCH", f"{integrations}/{integration['id']}", {"name": "P"}, "name"),
    ]

    probe_write_routes(public, {}, "copilot")
    # The alert webhook (public at the gateway, the seeded Prometheus integration's token): nothing reaches the bus.
    alerts_before = requests.get(f"{project}/monitoring/alerts?limit=100", headers=admin, timeout=10).json()
    webhook = WriteRoute("POST", f"{root}/webhooks/{stack.info['alerts']['prometheus_integration']}",
                         json.loads((ALERT_SAMPLES / "alertmanager-firing.json").read_text()), "receiver")
    probe_write_routes([webhook], {"Authorization": f"Bearer {DEMO_WEBHOOK_TOKEN}"}, "copilot")
    probe_write_routes(as_owner, owner, "copilot")
    probe_write_routes(as_admin, admin, "copilot")

    assert requests.get(f"{root}/incidents?limit=100", headers=admin, timeout=10).json() == incidents_before
    assert requests.get(f"{project}/members", headers=owner, timeout=10).json() == members_before
    assert requests.get(f"{integrations}/{integration['id']}", headers=admin, timeout=10).json() == integration
    time.sleep(2)  # what a probe had put on the bus would have reached the alert list by now
    assert requests.get(f"{project}/monitoring/alerts?limit=100", headers=admin, timeout=10).json() == alerts_before
