"""Connection tests per integration type (opsdesk.monitoring) against local servers that answer as the real
systems do; outcomes are results, never exceptions, and never show a credential."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from opsdesk.monitoring import probe
from opsdesk.outbound import GuardedHttpClient, OutboundPolicy

SECRET = "s3cr3t-value-never-shown"


class FakeMonitoring(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        auth = self.headers.get("Authorization", "") + self.headers.get("DD-API-KEY", "")
        good = SECRET in auth
        answers: dict[str, tuple[int, Any]] = {
            "/api/v1/status/buildinfo": (200, {"status": "success", "data": {"version": "2.53.0"}}) if good
            else (401, {"error": "unauthorized"}),
            "/api/health": (200, {"database": "ok", "version": "11.1.0"}),
            "/api/org": (200, {"name": "Main Org."}) if good else (401, {"message": "Invalid API key"}),
            "/api/v1/validate": (200, {"valid": True}) if good else (403, {"errors": ["Forbidden"]}),
            "/abilities": (200, {"abilities": ["teams", "urgencies"]}) if good else (401, {"error": {}}),
            "/html/api/v1/status/buildinfo": (200, "<html>login</html>"),
        }
        status, body = answers.get(self.path, (404, {"error": "not found"}))
        data = (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[tuple[str, GuardedHttpClient]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeMonitoring)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{httpd.server_address[1]}"
    yield f"http://{host}", GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({host})))
    httpd.shutdown()


@pytest.mark.parametrize(("kind", "credentials"), [
    ("prometheus", {"token": SECRET}), ("grafana", {"api_key": SECRET}), ("datadog", {"api_key": SECRET}),
    ("pagerduty", {"token": SECRET}),
])
def test_good_credentials_are_accepted(base: tuple[str, GuardedHttpClient], kind: str,
                                       credentials: dict[str, str]) -> None:
    url, client = base

    result = probe(kind, {"url": url}, credentials, client)

    assert result.ok and result.status_code == 200, result.message


@pytest.mark.parametrize("kind", ["prometheus", "grafana", "datadog", "pagerduty"])
def test_bad_credentials_are_reported_without_showing_them(base: tuple[str, GuardedHttpClient], kind: str) -> None:
    url, client = base

    result = probe(kind, {"url": url}, {"token": "wrong-" + SECRET[::-1], "api_key": "wrong"}, client)

    assert not result.ok and result.message == "credentials rejected"
    assert SECRET[::-1] not in str(result)


def test_a_page_that_is_not_the_system_is_not_taken_for_it(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("prometheus", {"url": f"{url}/html"}, {}, client)

    assert not result.ok and "not a Prometheus API" in result.message


def test_a_refused_address_is_a_result_not_an_error() -> None:
    result = probe("prometheus", {"url": "https://169.254.169.254"}, {"token": SECRET}, GuardedHttpClient())

    assert not result.ok and result.message.startswith("refused:") and SECRET not in result.message


def test_cloudwatch_reports_the_aws_error_code_only() -> None:
    class Denied(Exception):
        response = {"Error": {"Code": "AccessDenied", "Message": f"key {SECRET} not allowed"}}

    def denied(region: str, credentials: Any) -> None:
        raise Denied()

    refused = probe("cloudwatch", {"region": "eu-west-1"}, {}, GuardedHttpClient(), cloudwatch=denied)
    accepted = probe("cloudwatch", {"region": "eu-west-1"}, {}, GuardedHttpClient(), cloudwatch=lambda *_: None)

    assert (refused.ok, refused.message) == (False, "CloudWatch refused: AccessDenied")
    assert accepted.ok
