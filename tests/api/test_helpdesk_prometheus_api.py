"""`GET /helpdesk/metrics` over HTTP against the local stack: Prometheus text with no auth, next to the agent-only
`/metrics/*` reports."""

from __future__ import annotations

import pytest
import requests

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")


def test_prometheus_metrics_need_no_token(stack: RunningStack) -> None:
    reply = requests.get(f"{stack.info['base_url']}/helpdesk/metrics", timeout=10)

    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE opsdesk_build_info gauge" in reply.text
    assert 'opsdesk_build_info{module="helpdesk",version=' in reply.text


def test_the_agent_reports_beside_it_still_need_a_token(stack: RunningStack) -> None:
    assert requests.get(f"{stack.info['base_url']}/helpdesk/metrics/sla", timeout=10).status_code == 401
