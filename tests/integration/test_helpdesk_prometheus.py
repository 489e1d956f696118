"""`GET /helpdesk/metrics` through the helpdesk_metrics handler on moto: Prometheus text, no auth, nothing of
any tenant."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext
from tests.integration.helpdesk import BASE, helpdesk_event

SAMPLE = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? \S+$")


@pytest.fixture(scope="module")
def metrics(local_aws: Any) -> ModuleType:
    from functions.helpdesk_metrics import handler

    return handler


def scrape(metrics: ModuleType) -> tuple[int, str, dict[str, str]]:
    event = helpdesk_event("GET", f"{BASE}/metrics", claims=None, headers={"accept": "text/plain"})
    result = metrics.lambda_handler(event, LambdaContext("test", "us-east-1"))
    headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    headers.update({name.lower(): str(values[-1]) for name, values in (result.get("multiValueHeaders") or {}).items()})
    return result["statusCode"], result.get("body") or "", headers


def test_metrics_answer_prometheus_text_without_auth(metrics: ModuleType) -> None:
    status, text, headers = scrape(metrics)

    assert status == 200
    assert headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert text.endswith("\n")
    lines = text.splitlines()
    assert all(line.startswith("# HELP ") or line.startswith("# TYPE ") or SAMPLE.match(line) for line in lines)
    assert any(line.startswith('opsdesk_build_info{module="helpdesk"') for line in lines)
    assert any(line.startswith("process_cpu_seconds_total ") for line in lines)


def test_scrapes_are_counted_by_the_process(metrics: ModuleType) -> None:
    def scrapes() -> int:
        line = next(x for x in scrape(metrics)[1].splitlines() if x.startswith("opsdesk_metrics_scrapes_total "))
        return int(line.split()[1])

    first = scrapes()

    assert scrapes() == first + 1


def test_the_sla_check_record_is_reported_after_a_run(local_aws: Any, metrics: ModuleType) -> None:
    from functions.helpdesk_sla_check import handler as check

    check.check_now()
    text = scrape(metrics)[1]

    assert re.search(r"^opsdesk_helpdesk_sla_check_runs_total [1-9]\d*$", text, re.MULTILINE)
    assert re.search(r'^opsdesk_helpdesk_sla_breaches_recorded_total\{kind="first_response"\} \d+$', text,
                     re.MULTILINE)
    assert "tenant" not in re.sub(r"^# HELP .*$", "", text, flags=re.MULTILINE)
