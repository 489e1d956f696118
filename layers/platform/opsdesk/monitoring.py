"""Connection tests of monitoring integrations: each system's own health or credentials endpoint, called through
the guarded outbound client (opsdesk.outbound). An outcome is always a ProbeResult, never an exception, and no
message ever holds a credential."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from opsdesk.outbound import GuardedHttpClient, OutboundFailed, OutboundRefused, OutboundResponse

DATADOG_URL = "https://api.datadoghq.com"
PAGERDUTY_URL = "https://api.pagerduty.com"
CloudWatchCheck = Callable[[str, Mapping[str, str]], None]
"""(region, credentials) -> None, raising with an AWS error code on failure."""


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    status_code: int | None
    message: str
    latency_ms: float
    details: dict[str, Any] = field(default_factory=dict)


def _json(response: OutboundResponse) -> Any:
    try:
        return json.loads(response.body)
    except ValueError:
        return None


def _auth_headers(credentials: Mapping[str, str]) -> dict[str, str]:
    if credentials.get("token"):
        return {"Authorization": f"Bearer {credentials['token']}"}
    if credentials.get("username"):
        pair = f"{credentials['username']}:{credentials.get('password', '')}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}


def _rejected(response: OutboundResponse) -> ProbeResult | None:
    if response.status in (401, 403):
        return ProbeResult(False, response.status, "credentials rejected", response.elapsed_ms)
    if response.status >= 400:
        return ProbeResult(False, response.status, f"unexpected answer: HTTP {response.status}", response.elapsed_ms)
    return None


def _prometheus(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    response = client.request("GET", f"{url}/api/v1/status/buildinfo", headers=_auth_headers(credentials))
    refused = _rejected(response)
    if refused:
        return refused
    body = _json(response)
    if not isinstance(body, dict) or body.get("status") != "success":
        return ProbeResult(False, response.status, "not a Prometheus API (no buildinfo)", response.elapsed_ms)
    version = (body.get("data") or {}).get("version")
    return ProbeResult(True, response.status, f"Prometheus {version or ''} reachable".replace("  ", " "),
                       response.elapsed_ms, {"version": version})


def _grafana(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    health = client.request("GET", f"{url}/api/health")
    refused = _rejected(health)
    if refused:
        return refused
    body = _json(health)
    if not isinstance(body, dict) or "database" not in body:
        return ProbeResult(False, health.status, "not a Grafana API (no /api/health)", health.elapsed_ms)
    details = {"version": body.get("version"), "database": body.get("database")}
    key = credentials.get("api_key") or credentials.get("token")
    if key:
        org = client.request("GET", f"{url}/api/org", headers={"Authorization": f"Bearer {key}"})
        refused = _rejected(org)
        if refused:
            return refused
        details["organization"] = (_json(org) or {}).get("name")
    return ProbeResult(True, health.status, "Grafana reachable" + (", credentials accepted" if key else ""),
                       health.elapsed_ms, details)


def _datadog(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    headers = {"DD-API-KEY": credentials.get("api_key", "")}
    if credentials.get("app_key"):
        headers["DD-APPLICATION-KEY"] = credentials["app_key"]
    response = client.request("GET", f"{url or DATADOG_URL}/api/v1/validate", headers=headers)
    refused = _rejected(response)
    if refused:
        return refused
    valid = (_json(response) or {}).get("valid") is True
    return ProbeResult(valid, response.status, "API key valid" if valid else "API key not valid",
                       response.elapsed_ms)


def _pagerduty(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    token = credentials.get("token") or credentials.get("api_key", "")
    response = client.request("GET", f"{url or PAGERDUTY_URL}/abilities", headers={
        "Authorization": f"Token token={token}", "Accept": "application/vnd.pagerduty+json;version=2"})
    refused = _rejected(response)
    if refused:
        return refused
    abilities = (_json(response) or {}).get("abilities")
    if not isinstance(abilities, list):
        return ProbeResult(False, response.status, "not a PagerDuty API (no abilities)", response.elapsed_ms)
    return ProbeResult(True, response.status, "PagerDuty token accepted", response.elapsed_ms,
                       {"abilities": len(abilities)})


def default_cloudwatch_check(region: str, credentials: Mapping[str, str]) -> None:
    import boto3  # noqa: PLC0415 - only a CloudWatch test pays for the client

    session = boto3.Session()
    if credentials.get("role_arn"):
        assumed = boto3.client("sts").assume_role(
            RoleArn=credentials["role_arn"], RoleSessionName="opsdesk-integration-test",
            **({"ExternalId": credentials["external_id"]} if credentials.get("external_id") else {}))["Credentials"]
        session = boto3.Session(aws_access_key_id=assumed["AccessKeyId"],
                                aws_secret_access_key=assumed["SecretAccessKey"],
                                aws_session_token=assumed["SessionToken"])
    session.client("cloudwatch", region_name=region).describe_alarms(MaxRecords=1)


HTTP_PROBES: dict[str, Callable[[GuardedHttpClient, str, Mapping[str, str]], ProbeResult]] = {
    "prometheus": _prometheus, "grafana": _grafana, "datadog": _datadog, "pagerduty": _pagerduty,
}
NEEDS_URL = frozenset({"prometheus", "grafana"})


def probe(kind: str, config: Mapping[str, Any], credentials: Mapping[str, str], client: GuardedHttpClient,
          cloudwatch: CloudWatchCheck | None = None) -> ProbeResult:
    if kind == "cloudwatch":
        return _cloudwatch(str(config.get("region") or ""), credentials, cloudwatch or default_cloudwatch_check)
    url = str(config.get("url") or "").rstrip("/")
    if kind not in HTTP_PROBES or (kind in NEEDS_URL and not url):
        return ProbeResult(False, None, "config.url is required" if kind in HTTP_PROBES
                           else f"unknown integration type {kind}", 0.0)
    started = time.monotonic()
    try:
        return HTTP_PROBES[kind](client, url, credentials)
    except OutboundRefused as exc:
        return ProbeResult(False, None, f"refused: {exc}", _since(started))
    except OutboundFailed as exc:
        return ProbeResult(False, None, f"unreachable: {exc}", _since(started))


def _cloudwatch(region: str, credentials: Mapping[str, str], check: CloudWatchCheck) -> ProbeResult:
    if not region:
        return ProbeResult(False, None, "config.region is required", 0.0)
    started = time.monotonic()
    try:
        check(region, credentials)
    except Exception as exc:  # noqa: BLE001 - every failure is an outcome to report, by its code only
        code = getattr(exc, "response", {}).get("Error", {}).get("Code") or type(exc).__name__
        return ProbeResult(False, None, f"CloudWatch refused: {code}", _since(started))
    return ProbeResult(True, 200, f"CloudWatch alarms readable in {region}", _since(started))


def _since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
