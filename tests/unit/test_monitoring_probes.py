"""Connection tests per integration type (opsdesk.monitoring) against local servers that answer as the real
systems do; outcomes are results, never exceptions, and never show a credential."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, get_args

import botocore.exceptions
import pytest

from opsdesk.monitoring import HTTP_PROBES, INTEGRATION_TYPES, MAX_REPORTED_TEXT, IntegrationType, ProbeResult, probe
from opsdesk.outbound import GuardedHttpClient, OutboundPolicy

SECRET = "s3cr3t-value-never-shown"
WRONG = "wrong-" + SECRET[::-1]
ROLE = f"arn:aws:iam::123456789012:role/{SECRET}"
ROLE_WITH_ID = {"role_arn": ROLE, "external_id": "opsdesk-tenant-1"}
"""A role and the external ID the platform presents for the tenant (opsdesk.copilot.integrations)."""
BASIC = "Basic " + base64.b64encode(f"admin:{SECRET}".encode()).decode()
PAGERDUTY_ACCEPT = "application/vnd.pagerduty+json;version=2"


class FakeMonitoring(BaseHTTPRequestHandler):
    """Prometheus, Grafana, Datadog and PagerDuty on one port, each checking its credentials the way the real
    service does. A `/list`, `/html` or `/sick` prefix makes every answer a JSON list, a login page or (Grafana)
    a failing database."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        prefix, path = "", self.path
        for variant in ("/list", "/html", "/sick", "/invalid"):
            if path.startswith(variant + "/"):
                prefix, path = variant, path[len(variant):]
        status, body = self._route(path)
        if prefix == "/list" and status == 200:
            body = [body]
        if prefix == "/html":
            status, body = 200, "<html>login</html>"
        if prefix == "/sick" and path == "/api/health":
            body = {"database": "failing", "version": "11.1.0"}
        if prefix == "/invalid" and path == "/api/v1/validate":
            status, body = 200, {"valid": False}
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, path: str) -> tuple[int, Any]:
        auth = self.headers.get("Authorization", "")
        routes: dict[str, tuple[bool, tuple[int, Any], tuple[int, Any]]] = {
            # path: (credentials accepted, the answer then, the answer otherwise)
            "/api/v1/status/buildinfo": (auth in (f"Bearer {SECRET}", BASIC),
                                         (200, {"status": "success", "data": {"version": "2.53.0"}}),
                                         (401, {"error": "unauthorized"})),
            "/api/health": (True, (200, {"database": "ok", "version": "11.1.0", "commit": "abc"}), (500, {})),
            "/api/org": (auth == f"Bearer {SECRET}", (200, {"id": 1, "name": "Main Org."}),
                         (401, {"message": "Invalid API key"})),
            "/api/v1/validate": (self.headers.get("DD-API-KEY") == SECRET, (200, {"valid": True}),
                                 (403, {"errors": ["Forbidden"]})),
            "/abilities": (auth == f"Token token={SECRET}", (200, {"abilities": ["teams", "urgencies"]}),
                           (401, {"error": {"message": "Unauthorized", "code": 2006}})),
        }
        if path == "/abilities" and self.headers.get("Accept") != PAGERDUTY_ACCEPT:
            return 406, {"error": {"message": "Not Acceptable"}}
        good, accepted, rejected = routes.get(path, (False, (404, {}), (404, {"error": "not found"})))
        return accepted if good else rejected

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[tuple[str, GuardedHttpClient]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeMonitoring)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{httpd.server_address[1]}"
    yield f"http://{host}", GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({host})))
    httpd.shutdown()


def no_secret(result: ProbeResult, *secrets: str) -> bool:
    shown = repr(result)
    return not any(secret in shown for secret in (SECRET, WRONG, *secrets))


@pytest.mark.parametrize(("kind", "credentials", "details"), [
    ("prometheus", {"token": SECRET}, {"version": "2.53.0"}),
    ("prometheus", {"username": "admin", "password": SECRET}, {"version": "2.53.0"}),
    ("grafana", {"api_key": SECRET}, {"version": "11.1.0", "database": "ok", "organization": "Main Org."}),
    ("datadog", {"api_key": SECRET, "app_key": SECRET}, {}),
    ("pagerduty", {"token": SECRET}, {"abilities": 2}),
    ("pagerduty", {"api_key": SECRET}, {"abilities": 2}),
])
def test_good_credentials_are_accepted(base: tuple[str, GuardedHttpClient], kind: str,
                                       credentials: dict[str, str], details: dict[str, Any]) -> None:
    url, client = base

    result = probe(kind, {"url": url + "/"}, credentials, client)

    assert (result.ok, result.status_code, result.details) == (True, 200, details), result.message
    assert result.latency_ms >= 0 and no_secret(result)


@pytest.mark.parametrize("kind", ["prometheus", "grafana", "datadog", "pagerduty"])
def test_bad_credentials_are_reported_without_showing_them(base: tuple[str, GuardedHttpClient], kind: str) -> None:
    url, client = base

    result = probe(kind, {"url": url}, {"token": WRONG, "api_key": WRONG}, client)

    assert (result.ok, result.message) == (False, "credentials rejected")
    assert result.status_code == (403 if kind == "datadog" else 401) and no_secret(result)


def test_grafana_without_a_key_checks_health_only(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("grafana", {"url": url}, {}, client)

    assert result.ok and "credentials not tested" in result.message


def test_grafana_with_a_failing_database_is_not_ok(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("grafana", {"url": f"{url}/sick"}, {"api_key": SECRET}, client)

    assert not result.ok and "database" in result.message and result.details["database"] == "failing"


def test_datadog_answering_valid_false_is_rejected(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("datadog", {"url": f"{url}/invalid"}, {"api_key": SECRET}, client)

    assert (result.ok, result.message) == (False, "credentials rejected")


@pytest.mark.parametrize(("kind", "credentials", "expected"), [
    ("prometheus", {"token": SECRET}, "not a Prometheus API"), ("grafana", {}, "not a Grafana API"),
    ("datadog", {"api_key": SECRET}, "not a Datadog API"), ("pagerduty", {"token": SECRET}, "not a PagerDuty API"),
])
@pytest.mark.parametrize("variant", ["/html", "/list"])
def test_a_page_that_is_not_the_system_is_not_taken_for_it(base: tuple[str, GuardedHttpClient], kind: str,
                                                           credentials: dict[str, str], expected: str,
                                                           variant: str) -> None:
    url, client = base

    result = probe(kind, {"url": url + variant}, credentials, client)

    assert not result.ok and expected in result.message, result.message


def test_a_wrong_path_is_an_unexpected_answer(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("prometheus", {"url": f"{url}/nothing-here"}, {"token": SECRET}, client)

    assert (result.ok, result.status_code, result.message) == (False, 404, "unexpected answer: HTTP 404")


@pytest.mark.parametrize(("kind", "config", "credentials", "expected"), [
    ("prometheus", {}, {}, "config.url is required"),
    ("grafana", {"url": "  "}, {}, "config.url is required"),
    ("grafana", {"url": 42}, {}, "config.url must be a string"),
    ("prometheus", {"url": "https://prom.example/?token=x"}, {}, "without query or fragment"),
    ("datadog", {}, {}, "credentials.api_key is required"),
    ("pagerduty", {}, {"username": "someone"}, "credentials.token (or api_key) is required"),
    ("splunk", {"url": "https://splunk.example"}, {}, "unknown integration type"),
    ("cloudwatch", {}, {}, "config.region is required"),
    ("cloudwatch", {"region": "eu-west-1.evil.example"}, {}, "not an AWS region name"),
])
def test_incomplete_settings_are_results_without_a_call(kind: str, config: dict[str, Any],
                                                        credentials: dict[str, str], expected: str) -> None:
    def never(*_: Any, **__: Any) -> Any:
        raise AssertionError("nothing may be called")

    result = probe(kind, config, credentials, GuardedHttpClient(resolver=never), cloudwatch=never)

    assert not result.ok and expected in result.message


def test_a_refused_address_is_a_result_not_an_error() -> None:
    result = probe("prometheus", {"url": "https://169.254.169.254"}, {"token": SECRET}, GuardedHttpClient())

    assert not result.ok and result.message.startswith("refused:") and no_secret(result)


def test_the_default_endpoints_go_through_the_same_guard() -> None:
    def private(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    client = GuardedHttpClient(resolver=private)

    datadog = probe("datadog", {}, {"api_key": SECRET}, client)
    pagerduty = probe("pagerduty", {}, {"token": SECRET}, client)

    assert datadog.message == "refused: api.datadoghq.com leads to a private address"
    assert pagerduty.message == "refused: api.pagerduty.com leads to a private address"


def test_a_credential_with_a_line_break_is_refused_without_being_shown(base: tuple[str, GuardedHttpClient]) -> None:
    url, client = base

    result = probe("datadog", {"url": url}, {"api_key": f"{SECRET}\r\nX-Injected: 1"}, client)

    assert not result.ok and result.message.startswith("refused:") and no_secret(result)


def test_an_unreachable_server_is_a_result() -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        host = f"127.0.0.1:{spare.getsockname()[1]}"
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({host})))

    result = probe("grafana", {"url": f"http://{host}"}, {"api_key": SECRET}, client)

    assert not result.ok and result.message.startswith("unreachable:") and no_secret(result)


# CloudWatch, with a fake in place of boto3.

class ClientError(Exception):
    """Shaped like botocore's: the error's code, its message (which may quote input) and the HTTP status."""

    def __init__(self, code: Any, message: str = f"key {SECRET} not allowed") -> None:
        super().__init__(message)
        self.response = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}


def test_cloudwatch_reports_the_aws_error_code_only() -> None:
    def denied(region: str, credentials: Any) -> None:
        raise ClientError("AccessDenied")

    result = probe("cloudwatch", {"region": "eu-west-1"}, ROLE_WITH_ID, GuardedHttpClient(),
                   cloudwatch=denied)

    assert (result.ok, result.status_code, result.message) == (False, 403, "CloudWatch refused: AccessDenied")
    assert no_secret(result)


def test_cloudwatch_accepted_passes_the_region_and_credentials() -> None:
    seen: list[tuple[str, Any]] = []

    result = probe("cloudwatch", {"region": "eu-west-1"}, ROLE_WITH_ID, GuardedHttpClient(),
                   cloudwatch=lambda region, credentials: seen.append((region, dict(credentials))))

    assert (result.ok, result.status_code, result.details) == (True, 200, {"region": "eu-west-1"})
    assert seen == [("eu-west-1", ROLE_WITH_ID)] and no_secret(result)


@pytest.mark.parametrize("failure", [
    RuntimeError(f"could not connect with {SECRET}"), ClientError(f"Bad {SECRET} code"), ClientError(None),
])
def test_cloudwatch_failures_without_a_clean_code_show_only_their_kind(failure: Exception) -> None:
    def fails(region: str, credentials: Any) -> None:
        raise failure

    result = probe("cloudwatch", {"region": "us-east-1"}, ROLE_WITH_ID, GuardedHttpClient(), cloudwatch=fails)

    assert not result.ok and result.message.startswith("CloudWatch check failed (")
    assert no_secret(result)


@pytest.mark.parametrize(("failure", "expected"), [
    (botocore.exceptions.ParamValidationError(report=f"Invalid length for parameter ExternalId, value: {SECRET}"),
     "AWS refused the settings before calling (region, role_arn or external_id) (ParamValidationError)"),
    (botocore.exceptions.NoCredentialsError(), "no AWS credentials to call CloudWatch with (NoCredentialsError)"),
    (botocore.exceptions.EndpointConnectionError(endpoint_url=f"https://monitoring.eu-west-1.amazonaws.com/{SECRET}"),
     "unreachable: the CloudWatch endpoint did not answer (EndpointConnectionError)"),
    (botocore.exceptions.ReadTimeoutError(endpoint_url="https://monitoring.eu-west-1.amazonaws.com"),
     "unreachable: the CloudWatch endpoint did not answer (ReadTimeoutError)"),
    (botocore.exceptions.ClientError({"Error": {"Code": "InvalidClientTokenId", "Message": SECRET},
                                      "ResponseMetadata": {"HTTPStatusCode": 403}}, "AssumeRole"),
     "CloudWatch refused: InvalidClientTokenId"),
])
def test_botocore_failures_are_told_apart_by_kind_never_by_text(failure: Exception, expected: str) -> None:
    def fails(region: str, credentials: Any) -> None:
        raise failure

    result = probe("cloudwatch", {"region": "eu-west-1"}, ROLE_WITH_ID, GuardedHttpClient(), cloudwatch=fails)

    assert (result.ok, result.message) == (False, expected) and no_secret(result)


@pytest.mark.parametrize(("credentials", "why"), [
    ({}, "credentials.role_arn is required: a role in the account that trusts the platform with the external ID in "
         "details.external_id"),
    ({"role_arn": ROLE}, "no external ID to assume the role with"),
])
def test_cloudwatch_is_never_called_as_the_platforms_own_role_nor_without_an_external_id(
        credentials: dict[str, str], why: str) -> None:
    def never(*_: Any) -> None:
        raise AssertionError("nothing may be called")

    result = probe("cloudwatch", {"region": "eu-west-1"}, credentials, GuardedHttpClient(), cloudwatch=never)

    assert (result.ok, result.message) == (False, why)


@pytest.mark.parametrize("role_arn", ["not-an-arn", "arn:aws:iam::123:role/x", "arn:aws:s3:::bucket", 42])
def test_a_role_arn_that_is_no_iam_role_is_a_result_without_a_call(role_arn: Any) -> None:
    def never(*_: Any) -> None:
        raise AssertionError("nothing may be called")

    result = probe("cloudwatch", {"region": "eu-west-1"}, {"role_arn": role_arn}, GuardedHttpClient(), cloudwatch=never)

    assert (result.ok, result.message) == (False, "credentials.role_arn is not an IAM role ARN")


def test_every_integration_type_of_the_copilot_has_a_probe() -> None:
    from opsdesk.copilot.requests import IntegrationCreateRequest

    offered = set(get_args(IntegrationCreateRequest.model_fields["type"].annotation))

    assert offered == set(get_args(IntegrationType)) == INTEGRATION_TYPES == {*HTTP_PROBES, "cloudwatch"}


class Boastful(BaseHTTPRequestHandler):
    """A Prometheus whose buildinfo reports a 10 kB version with control characters."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        data = json.dumps({"status": "success", "data": {"version": "9.9\x1b[31m" + "v" * 10_000}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass


def test_what_a_system_reports_about_itself_is_shown_short_and_printable() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Boastful)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{httpd.server_address[1]}"
    try:
        result = probe("prometheus", {"url": f"http://{host}"}, {},
                       GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({host}))))
    finally:
        httpd.shutdown()

    version = result.details["version"]
    assert result.ok and len(version) == MAX_REPORTED_TEXT and version.isprintable() and len(result.message) < 100


@pytest.mark.parametrize(("failure", "retryable"), [
    (ClientError("AccessDenied"), False),
    (botocore.exceptions.ClientError({"Error": {"Code": "Throttling", "Message": "slow down"},
                                      "ResponseMetadata": {"HTTPStatusCode": 400}}, "AssumeRole"), True),
    (botocore.exceptions.ClientError({"Error": {"Code": "InternalFailure", "Message": "oops"},
                                      "ResponseMetadata": {"HTTPStatusCode": 500}}, "AssumeRole"), True),
    (botocore.exceptions.ParamValidationError(report="bad"), False),
    (botocore.exceptions.NoCredentialsError(), True),
    (botocore.exceptions.ReadTimeoutError(endpoint_url="https://sts.amazonaws.com"), True),
], ids=["denied", "throttled", "aws-error", "bad-settings", "platform-without-credentials", "timeout"])
def test_a_cloudwatch_failure_says_whether_the_settings_or_the_way_there_failed(
        failure: Exception, retryable: bool) -> None:
    def fails(region: str, credentials: Any) -> None:
        raise failure

    result = probe("cloudwatch", {"region": "eu-west-1"}, ROLE_WITH_ID, GuardedHttpClient(), cloudwatch=fails)

    assert (result.ok, result.retryable) == (False, retryable)
