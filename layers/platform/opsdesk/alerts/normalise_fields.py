"""What every alert normaliser shares (opsdesk.alerts.normalise): readers of a payload's JSON that raise
AlertPayloadError naming the field as a JSON path, the caps on what an Alert keeps, and the checks of an EventBridge
envelope. Separate so that each source's module holds only its own mapping.

Limits
------
Display text is capped, never refused (a vendor's own limit is higher: PagerDuty's summary is 1,024 characters,
CloudWatch's reason 1,023, an Alertmanager description has none): summary MAX_SUMMARY characters, name MAX_NAME,
labels MAX_LABELS pairs (the first by key; keys over MAX_LABEL characters are dropped, values cut to it). Dedup
keys over MAX_DEDUP_KEY characters become `sha256:<hex>` of the key. Identifiers are refused when longer than
MAX_IDENTIFIER (service, route values, integration ids, versions), as are times without a zone or outside
1970..9998. Links keep http(s) URLs of at most MAX_LINK characters, at most MAX_LINKS of them, and drop the rest.
All times are returned in UTC.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NoReturn

from opsdesk.alerts.records import AlertPayloadError, Severity
from opsdesk.clock import EARLIEST_MOMENT, LATEST_MOMENT

MAX_SUMMARY: Final = 1_000
MAX_NAME: Final = 255
MAX_LABELS: Final = 64
MAX_LABEL: Final = 255
MAX_DEDUP_KEY: Final = 255
MAX_IDENTIFIER: Final = 255
MAX_ARN: Final = 2_048
MAX_LINK: Final = 2_048
MAX_LINKS: Final = 10

PROMETHEUS_SEVERITY: Final[Mapping[str, Severity]] = {
    "critical": "critical", "error": "high", "high": "high", "warning": "medium", "medium": "medium",
    "low": "low", "info": "info", "none": "medium",
}
"""A `severity` label (Alertmanager, Grafana) or a CloudWatch description's `severity=<word>`, lower-cased."""

_ACCOUNT = re.compile(r"[0-9]{12}")
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
_EPOCH_DIGITS = re.compile(r"[0-9]{1,16}")


# --- reading JSON -------------------------------------------------------------------------------------------------

def fail(field: str, message: str) -> NoReturn:
    raise AlertPayloadError(field, message)


def member_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def as_object(value: object, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        fail(field, "must be an object")
    return value


def as_list(value: object, field: str) -> list[Any]:
    if not isinstance(value, list):
        fail(field, "must be a list")
    return value


def member_object(obj: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    """An optional object member: absent or null reads as {}."""
    value = obj.get(key)
    return {} if value is None else as_object(value, member_path(path, key))


def member_list(obj: Mapping[str, Any], key: str, path: str) -> list[Any]:
    """An optional list member: absent or null reads as []."""
    value = obj.get(key)
    return [] if value is None else as_list(value, member_path(path, key))


def text(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
    """A string member; a required one must not be blank, an optional one absent or null reads as ""."""
    field = member_path(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            fail(field, "is required")
        return ""
    if not isinstance(value, str):
        fail(field, "must be a string")
    if required and not value.strip():
        fail(field, "must not be empty")
    return value


def identifier(value: str, field: str) -> str:
    if len(value) > MAX_IDENTIFIER:
        fail(field, f"must be at most {MAX_IDENTIFIER} characters")
    return value


def string_map(obj: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> dict[str, str]:
    field = member_path(path, key)
    value = obj.get(key)
    if value is None:
        if required:
            fail(field, "is required")
        return {}
    for name, item in as_object(value, field).items():
        if not isinstance(item, str):
            fail(f"{field}.{name[:MAX_LABEL]}", "must be a string")
    return dict(value)


def iso_time(value: object, field: str) -> datetime:
    """An ISO 8601 date-time with a zone (`Z`, `+02:00`, `+0000`), in UTC."""
    if not isinstance(value, str):
        fail(field, "must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.strip()) if len(value) <= 64 else None
    except ValueError:
        moment = None
    if moment is None:
        fail(field, "is not an ISO 8601 date-time")
    if moment.utcoffset() is None:
        fail(field, "has no time zone")
    return in_range(moment, field)


def in_range(moment: datetime, field: str) -> datetime:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        fail(field, "is out of range")
    if not EARLIEST_MOMENT <= moment < LATEST_MOMENT:
        fail(field, "must be between 1970-01-01 and 9998-12-31")
    return moment


def epoch_millis(value: object, field: str) -> datetime:
    if isinstance(value, str) and _EPOCH_DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        fail(field, "must be epoch milliseconds")
    seconds, millis = divmod(value, 1000)
    if not 0 <= seconds < LATEST_MOMENT.timestamp():
        fail(field, "must be between 1970-01-01 and 9998-12-31")
    return datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=millis)


# --- shaping the result -------------------------------------------------------------------------------------------

def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def capped_dedup_key(key: str) -> str:
    """Keys over MAX_DEDUP_KEY characters become `sha256:<hex>`: stable, and 71 characters."""
    return key if len(key) <= MAX_DEDUP_KEY else f"sha256:{digest(key)}"


def capped_labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The first value of each key, at most MAX_LABELS pairs (the first by key), keys over MAX_LABEL characters
    dropped and values cut to it."""
    first: dict[str, str] = {}
    for key, value in pairs:
        if key and len(key) <= MAX_LABEL and key not in first:
            first[key] = value[:MAX_LABEL]
    return {key: first[key] for key in sorted(first)[:MAX_LABELS]}


def kept_links(urls: Iterable[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for url in urls:
        if len(url) <= MAX_LINK and url[:8].lower().startswith(("https://", "http://")) and url not in kept:
            kept.append(url)
    return tuple(kept[:MAX_LINKS])


def severity_of(word: str, table: Mapping[str, Severity], field: str) -> Severity:
    severity = table.get(word)
    if severity is None:
        fail(field, f"must be one of {', '.join(table)} (was {word[:40]!r})")
    return severity


def prefixed(prefix: str, error: AlertPayloadError) -> AlertPayloadError:
    return AlertPayloadError(f"{prefix}.{error.field}", error.message)


# --- EventBridge envelopes ----------------------------------------------------------------------------------------

def expect(event: Mapping[str, Any], source: str, detail_type: str) -> Mapping[str, Any]:
    """The event's detail, after checking the event is `detail_type` from `source`."""
    event = as_object(event, "body")
    if text(event, "source", "") != source:
        fail("source", f"must be {source!r}")
    if text(event, "detail-type", "") != detail_type:
        fail("detail-type", f"must be {detail_type!r}")
    return as_object(event.get("detail"), "detail")


def aws_origin(event: Mapping[str, Any]) -> dict[str, str]:
    account = text(event, "account", "")
    if not _ACCOUNT.fullmatch(account):
        fail("account", "must be a 12-digit AWS account id")
    region = text(event, "region", "")
    if not _REGION.fullmatch(region):
        fail("region", "must be an AWS region name")
    return {"account": account, "region": region}


def first_resource(event: Mapping[str, Any]) -> str:
    resources = as_list(event.get("resources"), "resources")
    if not resources or not isinstance(resources[0], str) or not resources[0].startswith("arn:") \
            or len(resources[0]) > MAX_ARN:
        fail("resources[0]", "must be an ARN")
    return resources[0]


def event_time(event: Mapping[str, Any]) -> datetime | None:
    return iso_time(event["time"], "time") if event.get("time") is not None else None

