"""`make dev` keeps its data (tables, objects, users, secrets) across a restart, and Ctrl-C stops everything
it started."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from opsdesk.apimap import COPILOT
from scripts.local.seed_copilot import DEMO_WEBHOOK_TOKEN, production_prometheus_id
from tests.api.conftest import start_stack
from tests.api.test_support_api import ALICE, new_issue_body

pytestmark = pytest.mark.xdist_group("local-stack-lifecycle")


def port_open(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((parts.hostname or "127.0.0.1", parts.port or 80)) == 0


def test_data_and_users_survive_a_restart_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    # Given a stack with an issue created over HTTP
    first = start_stack(tmp_path / "state", tmp_path / "stack.log")
    issue = requests.post(f"{first.support}/issues", json=new_issue_body(first, ALICE), headers=first.headers(ALICE),
                          timeout=10).json()["issue"]

    # When it is stopped with Ctrl-C
    assert first.stop() == 0

    # Then nothing it started still listens
    assert not port_open(first.info["base_url"])
    assert not port_open(first.info["aws_endpoint"])

    # And after a restart the same user signs in with the same password and finds the issue
    second = start_stack(tmp_path / "state", tmp_path / "stack.log")
    try:
        assert second.info["user_pool_id"] == first.info["user_pool_id"]
        reply = requests.get(f"{second.support}/issues/{issue['id']}", headers=second.headers(ALICE), timeout=10)
        assert reply.status_code == 200
        assert reply.json()["issue"]["displayId"] == issue["displayId"]
        again = requests.post(f"{second.support}/issues", json=new_issue_body(second, ALICE),
                              headers=second.headers(ALICE), timeout=10).json()["issue"]
        assert int(again["displayId"].rsplit("-", 1)[1]) > int(issue["displayId"].rsplit("-", 1)[1])
        # and an integration's credentials (Secrets Manager) came back under the ARN its item keeps
        webhook = requests.post(f"{second.info['base_url']}{COPILOT.base_path}/webhooks/{production_prometheus_id()}",
                                json={"version": "4", "status": "firing", "alerts": []},
                                headers={"Authorization": f"Bearer {DEMO_WEBHOOK_TOKEN}"},
                                timeout=10)
        assert webhook.status_code == 202, webhook.text
    finally:
        second.stop()
