"""Readiness probes: can this function reach what its requests need? Each raises on failure."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Sequence

from pynamodb.connection import Connection

PROBE_TIMEOUT_SECONDS = 2.0


def signing_keys_reachable(jwks_url: str, timeout_seconds: float = PROBE_TIMEOUT_SECONDS) -> None:
    """The user pool's JWKS answers with at least one key: without it no token can be verified, so no
    signed-in request can be served."""
    if not jwks_url.startswith(("https://", "http://")):
        raise ValueError(f"not a JWKS URL: {jwks_url!r}")
    with urllib.request.urlopen(jwks_url, timeout=timeout_seconds) as reply:  # noqa: S310 - scheme checked above
        keys = json.load(reply).get("keys")
    if not keys:
        raise RuntimeError("the JWKS holds no keys")


def tables_readable(
    table_names: Sequence[str], region: str, endpoint_url: str | None, timeout_seconds: float = PROBE_TIMEOUT_SECONDS
) -> None:
    """Each table answers a read (of an absent item), failing fast: no retries, short timeouts."""
    probe = Connection(region=region, host=endpoint_url, connect_timeout_seconds=timeout_seconds,
                       read_timeout_seconds=timeout_seconds, max_retry_attempts=0)
    for name in table_names:
        probe.dispatch("GetItem", {"TableName": name, "Key": {"pk": {"S": "HEALTH"}, "sk": {"S": "HEALTH"}}})
