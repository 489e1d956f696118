"""Readiness probes: can this function reach what its requests need? Each raises on failure."""

from __future__ import annotations

import json
import urllib.request

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
