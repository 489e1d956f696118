"""Connection tests of monitoring integrations: each system's own health or credentials endpoint, called through
the guarded outbound client (opsdesk.outbound). An outcome is always a ProbeResult, never an exception, and no
message ever holds a credential (messages name hosts, HTTP statuses and AWS error codes only)."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import field
from typing import Any, Literal, get_args

from opsdesk.frozen import frozen
from opsdesk.outbound import GuardedHttpClient, OutboundFailed, OutboundRefused, OutboundResponse

IntegrationType = Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
INTEGRATION_TYPES: frozenset[str] = frozenset(get_args(IntegrationType))
DATADOG_URL = "https://api.datadoghq.com"
PAGERDUTY_URL = "https://api.pagerduty.com"
PAGERDUTY_ACCEPT = "application/vnd.pagerduty+json;version=2"
AWS_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
AWS_ERROR_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")
IAM_ROLE_ARN = re.compile(r"arn:aws(?:-[a-z]+)*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
AWS_RETRYABLE_CODES = frozenset({
    "Throttling", "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure",
    "InternalError", "RequestTimeout", "RequestTimeoutException",
    # the platform's own credentials, clock or region, never the tenant's role
    "ExpiredToken", "ExpiredTokenException", "RequestExpired", "SignatureDoesNotMatch", "UnrecognizedClientException",
    "InvalidClientTokenId", "RegionDisabledException", "IncompleteSignature", "InvalidSignatureException",
    "MissingAuthenticationToken", "MissingAuthenticationTokenException",
})
"""AWS error codes that say nothing about the tenant's settings: the call may pass when retried, or once the
platform's side is mended."""
AWS_SETTINGS_FAILURES = frozenset({"ParamValidationError"})
"""botocore failures without an AWS error code that are the settings' (the others are the platform's or the way's)."""
AWS_FAILURES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"ParamValidationError"}), "AWS refused the settings before calling (region, role_arn or external_id)"),
    (frozenset({"NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError"}),
     "no AWS credentials to call CloudWatch with"),
    (frozenset({"ConnectionError", "HTTPClientError"}), "unreachable: the CloudWatch endpoint did not answer"),
)
"""botocore failures other than ClientError, by class (or base class) name, so that botocore stays unimported."""
MAX_REPORTED_TEXT = 64
"""A version or organization name the remote system reports is shown up to this many characters."""
CloudWatchCheck = Callable[[str, Mapping[str, str]], None]
"""(region, credentials) -> None, raising (a botocore ClientError, or any error) on failure."""


@frozen
class ProbeResult:
    ok: bool
    status_code: int | None
    message: str
    latency_ms: float
    details: dict[str, Any] = field(default_factory=dict)
    retryable: bool = False
    """The failure is the service's or the way there (throttled, unavailable, unreachable), not the settings'."""


def _object(response: OutboundResponse) -> dict[str, Any]:
    """The body as a JSON object; {} for anything else (HTML, a list, a truncated body)."""
    body = response.json()
    return body if isinstance(body, dict) else {}


def _reported(value: Any) -> str | None:
    """A short text the remote system reports about itself (its version, its organization), or None: never a
    whole body, never a non-string shown as one."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = "".join(c if c.isprintable() else "?" for c in value.strip())
    return text if len(text) <= MAX_REPORTED_TEXT else text[:MAX_REPORTED_TEXT - 1] + "\u2026"


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
    if response.status >= 300:
        return ProbeResult(False, response.status, f"unexpected answer: HTTP {response.status}", response.elapsed_ms)
    return None


def _prometheus(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    response = client.request("GET", f"{url}/api/v1/status/buildinfo",
                              headers={"Accept": "application/json", **_auth_headers(credentials)})
    refused = _rejected(response)
    if refused:
        return refused
    body = _object(response)
    if body.get("status") != "success":
        return ProbeResult(False, response.status, "not a Prometheus API (no buildinfo)", response.elapsed_ms)
    data = body.get("data")
    version = _reported(data.get("version")) if isinstance(data, dict) else None
    return ProbeResult(True, response.status, f"Prometheus {version} reachable" if version else "Prometheus reachable",
                       response.elapsed_ms, {"version": version})


def _grafana(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    health = client.request("GET", f"{url}/api/health", headers={"Accept": "application/json"})
    refused = _rejected(health)
    if refused:
        return refused
    body = _object(health)
    if "database" not in body:
        return ProbeResult(False, health.status, "not a Grafana API (no /api/health)", health.elapsed_ms)
    details: dict[str, Any] = {"version": _reported(body.get("version")), "database": _reported(body.get("database"))}
    if body.get("database") != "ok":
        return ProbeResult(False, health.status, "Grafana reachable but its database is not ok", health.elapsed_ms,
                           details)
    key = credentials.get("api_key") or credentials.get("token")
    if not key:
        return ProbeResult(True, health.status, "Grafana reachable (no api_key: credentials not tested)",
                           health.elapsed_ms, details)
    return _grafana_org(client, url, key, health, details)


def _grafana_org(client: GuardedHttpClient, url: str, key: str, health: OutboundResponse,
                 details: dict[str, Any]) -> ProbeResult:
    org = client.request("GET", f"{url}/api/org",
                         headers={"Accept": "application/json", "Authorization": f"Bearer {key}"})
    refused = _rejected(org)
    if refused:
        return refused
    name = _reported(_object(org).get("name"))
    if name is None:
        return ProbeResult(False, org.status, "not a Grafana API (no organization)", org.elapsed_ms, details)
    return ProbeResult(True, org.status, "Grafana reachable, credentials accepted", health.elapsed_ms + org.elapsed_ms,
                       {**details, "organization": name})


def _datadog(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    if not credentials.get("api_key"):
        return ProbeResult(False, None, "credentials.api_key is required", 0.0)
    headers = {"Accept": "application/json", "DD-API-KEY": credentials["api_key"]}
    if credentials.get("app_key"):
        headers["DD-APPLICATION-KEY"] = credentials["app_key"]
    response = client.request("GET", f"{url or DATADOG_URL}/api/v1/validate", headers=headers)
    refused = _rejected(response)
    if refused:
        return refused
    valid = _object(response).get("valid")
    if not isinstance(valid, bool):
        return ProbeResult(False, response.status, "not a Datadog API (no validate answer)", response.elapsed_ms)
    return ProbeResult(valid, response.status, "API key valid" if valid else "credentials rejected",
                       response.elapsed_ms)


def _pagerduty(client: GuardedHttpClient, url: str, credentials: Mapping[str, str]) -> ProbeResult:
    token = credentials.get("token") or credentials.get("api_key")
    if not token:
        return ProbeResult(False, None, "credentials.token (or api_key) is required", 0.0)
    response = client.request("GET", f"{url or PAGERDUTY_URL}/abilities", headers={
        "Authorization": f"Token token={token}", "Accept": PAGERDUTY_ACCEPT})
    refused = _rejected(response)
    if refused:
        return refused
    abilities = _object(response).get("abilities")
    if not isinstance(abilities, list):
        return ProbeResult(False, response.status, "not a PagerDuty API (no abilities)", response.elapsed_ms)
    return ProbeResult(True, response.status, "PagerDuty token accepted", response.elapsed_ms,
                       {"abilities": len(abilities)})


def role_account(role_arn: object) -> str | None:
    """The AWS account of an IAM role ARN (`arn:aws:iam::<account>:role/<name>`), or None for anything else."""
    if not isinstance(role_arn, str) or not IAM_ROLE_ARN.fullmatch(role_arn):
        return None
    return role_arn.split(":")[4]


class ExternalIdNotRequired(Exception):
    """The role's trust policy admits the platform without the tenant's external ID."""


class UnknownRegion(Exception):
    """No partition AWS's SDK knows has a CloudWatch endpoint in the region, and no name server knows the endpoint
    the SDK would call there (a region newer than the SDK still resolves, so it is tested)."""


def default_cloudwatch_check(region: str, credentials: Mapping[str, str]) -> None:
    """DescribeAlarms (one record) in `region`, as the role in credentials.role_arn, assumed with
    credentials.external_id (the platform's for the tenant, opsdesk.copilot.integrations). Never as the function's
    own role: its alarms are the platform's."""
    import uuid  # noqa: PLC0415

    import boto3  # noqa: PLC0415 - only a CloudWatch test pays for the client
    import botocore.exceptions  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    platform = boto3.Session()
    config = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 1})
    if not any(region in platform.get_available_regions("cloudwatch", partition_name=partition)
               for partition in platform.get_available_partitions()) and not _endpoint_resolves(platform, region):
        raise UnknownRegion  # else the endpoint that does not exist is "unreachable", a retry for ever
    sts = platform.client("sts", region_name=region, config=config)
    session_name = "opsdesk-integration-test"
    assumed = sts.assume_role(RoleArn=credentials["role_arn"], RoleSessionName=session_name,
                              ExternalId=credentials["external_id"])["Credentials"]
    # A role that lets the platform in with another external ID (or none, or any) would let any tenant in: it proves
    # nothing. The same call with an ID no tenant has must be refused.
    try:
        sts.assume_role(RoleArn=credentials["role_arn"], RoleSessionName=session_name,
                        ExternalId=f"opsdesk-check-{uuid.uuid4()}")
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("AccessDenied", "AccessDeniedException"):
            raise
    else:
        raise ExternalIdNotRequired
    session = boto3.Session(aws_access_key_id=assumed["AccessKeyId"], aws_secret_access_key=assumed["SecretAccessKey"],
                            aws_session_token=assumed["SessionToken"])
    session.client("cloudwatch", region_name=region, config=config).describe_alarms(MaxRecords=1)


def _endpoint_resolves(platform: Any, region: str) -> bool:
    """Whether a name server knows AWS's own CloudWatch endpoint in `region` (a local endpoint override left out):
    how a region launched after this SDK was built is told from a misspelt one."""
    import socket  # noqa: PLC0415
    from urllib.parse import urlsplit  # noqa: PLC0415

    from botocore.config import Config  # noqa: PLC0415

    aws_own = Config(ignore_configured_endpoint_urls=True)  # type: ignore[call-arg]  # the stubs predate it
    endpoint = platform.client("cloudwatch", region_name=region, config=aws_own).meta.endpoint_url
    try:
        socket.getaddrinfo(urlsplit(endpoint).hostname, 443, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return True


HTTP_PROBES: dict[str, Callable[[GuardedHttpClient, str, Mapping[str, str]], ProbeResult]] = {
    "prometheus": _prometheus, "grafana": _grafana, "datadog": _datadog, "pagerduty": _pagerduty,
}
NEEDS_URL = frozenset({"prometheus", "grafana"})


def probe(kind: IntegrationType | str, config: Mapping[str, Any], credentials: Mapping[str, str],
          client: GuardedHttpClient, cloudwatch: CloudWatchCheck | None = None) -> ProbeResult:
    """The connection test of one integration: ok, or why not (refused by the outbound guard, unreachable,
    credentials rejected, not the system it claims to be). `kind` is one of IntegrationType; any other string (the
    caller's input) is a result saying so, not an exception."""
    if kind == "cloudwatch":
        return _cloudwatch(config.get("region"), credentials, cloudwatch or default_cloudwatch_check)
    url = _base_url(kind, config)
    if isinstance(url, ProbeResult):
        return url
    started = time.monotonic()
    try:
        return HTTP_PROBES[kind](client, url, credentials)
    except OutboundRefused as exc:
        return ProbeResult(False, None, f"refused: {exc}", _since(started))
    except OutboundFailed as exc:
        return ProbeResult(False, None, f"unreachable: {exc}", _since(started))


def _base_url(kind: str, config: Mapping[str, Any]) -> str | ProbeResult:
    """The integration's base URL without a trailing slash ("" for a service's default), or why it cannot be used."""
    url = config.get("url") or ""
    problem = None
    if kind not in HTTP_PROBES:
        problem = "unknown integration type"
    elif not isinstance(url, str):
        problem = "config.url must be a string"
    elif kind in NEEDS_URL and not url.strip():
        problem = "config.url is required"
    elif "?" in url or "#" in url:
        problem = "config.url must be the base URL, without query or fragment"
    return ProbeResult(False, None, problem, 0.0) if problem else str(url).strip().rstrip("/")


def _cloudwatch(region: Any, credentials: Mapping[str, str], check: CloudWatchCheck) -> ProbeResult:
    problem = _cloudwatch_settings_problem(region, credentials)
    if problem:
        return ProbeResult(False, None, problem, 0.0)
    started = time.monotonic()
    try:
        check(region, credentials)
    except Exception as exc:  # noqa: BLE001 - every failure is an outcome to report, by its code only
        if isinstance(exc, ExternalIdNotRequired):
            return ProbeResult(False, None, "the role's trust policy lets the platform in without the external ID: "
                                            "add the condition sts:ExternalId = details.external_id",
                               _since(started))
        if isinstance(exc, UnknownRegion):
            return ProbeResult(False, None, "config.region is not a region CloudWatch serves", _since(started))
        code, status = _aws_error(exc)
        if code:
            return ProbeResult(False, status, f"CloudWatch refused: {code}", _since(started),
                               retryable=code in AWS_RETRYABLE_CODES or (status or 0) >= 500)
        names = {cls.__name__ for cls in type(exc).__mro__}
        return ProbeResult(False, None, _aws_failure(exc), _since(started),
                           retryable=not names & AWS_SETTINGS_FAILURES)
    return ProbeResult(True, 200, f"CloudWatch alarms readable in {region}", _since(started), {"region": region})


def _cloudwatch_settings_problem(region: Any, credentials: Mapping[str, str]) -> str | None:
    """Why a CloudWatch test cannot call AWS with these settings, or None."""
    if not region:
        return "config.region is required"
    if not isinstance(region, str) or not AWS_REGION.fullmatch(region):
        return "config.region is not an AWS region name"
    if not credentials.get("role_arn"):
        return ("credentials.role_arn is required: a role in the account that trusts the platform with the external "
                "ID in details.external_id")
    if role_account(credentials["role_arn"]) is None:
        return "credentials.role_arn is not an IAM role ARN"
    if not credentials.get("external_id"):
        return "no external ID to assume the role with"
    return None


def _aws_error(exc: Exception) -> tuple[str | None, int | None]:
    """The AWS error code and HTTP status of a botocore ClientError (never its message, which may quote input)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None, None
    error = response.get("Error")
    code = error.get("Code") if isinstance(error, dict) else None
    metadata = response.get("ResponseMetadata")
    status = metadata.get("HTTPStatusCode") if isinstance(metadata, dict) else None
    clean = code if isinstance(code, str) and AWS_ERROR_CODE.fullmatch(code) else None
    return clean, status if isinstance(status, int) else None


def _aws_failure(exc: Exception) -> str:
    """What a failure without an AWS error code means, by its class name only (its text may quote input)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    meaning = next((text for classes, text in AWS_FAILURES if classes & names), None)
    return f"{meaning} ({type(exc).__name__})" if meaning else f"CloudWatch check failed ({type(exc).__name__})"


def _since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
