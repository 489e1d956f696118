"""Opaque, signed page cursors: the last key a Query read, handed to the client and taken back unchanged.

A cursor is `<payload>.<tag>`: the key as compact JSON in base64url, and an HMAC-SHA256 over the list's scope
(its partition: tenant and access pattern) and the payload. A cursor that was altered, made up, or made for
another list or tenant fails the tag and is a 400 naming `cursor`; so a client can neither crash a Query with a
malformed key nor steer it to keys of its choosing, even inside its own tenant (docs/decisions.md, Cursors).

The key is 32+ random bytes kept in Secrets Manager (CDK creates it; the local stack creates it in moto) and read
once per container, on the first cursor made or read: requests without one never pay for the read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

from opsdesk.errors import ValidationFailed

MAX_CURSOR_LENGTH = 1024
"""Longer than any cursor this codec makes (a few keys of at most ~200 characters each)."""
MAX_KEY_ATTRIBUTES = 4
"""A table key and one index key: the most a DynamoDB LastEvaluatedKey holds."""
_TAG_BYTES = 16
MIN_SIGNING_KEY_BYTES = 32

KeySource = Callable[[], bytes]


class CursorCodec:
    def __init__(self, signing_key: bytes | KeySource) -> None:
        self._source: KeySource = (lambda: signing_key) if isinstance(signing_key, bytes) else signing_key
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def encode(self, last_key: Mapping[str, Any], scope: str) -> str:
        """A cursor for a DynamoDB key (`{"pk": {"S": "..."}, ...}`) of the list `scope`."""
        payload = _b64encode(json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{payload}.{_b64encode(self._tag(scope, payload))}"

    def decode(self, cursor: str | None, scope: str) -> dict[str, Any] | None:
        """The key a cursor of `scope` holds; None for no cursor; ValidationFailed on anything else."""
        if not cursor:
            return None
        payload, dot, tag = cursor.partition(".")
        if len(cursor) > MAX_CURSOR_LENGTH or not dot:
            raise _not_a_cursor()
        try:
            presented = _b64decode(tag)
        except (binascii.Error, ValueError):
            raise _not_a_cursor() from None
        if not hmac.compare_digest(presented, self._tag(scope, payload)):
            raise _not_a_cursor()
        # Signed by us, so well-formed; checked all the same, as the one place a client's text becomes a key.
        try:
            key = json.loads(_b64decode(payload))
        except (binascii.Error, ValueError):
            raise _not_a_cursor() from None
        if not (isinstance(key, dict) and 0 < len(key) <= MAX_KEY_ATTRIBUTES
                and all(isinstance(v, dict) and len(v) == 1 and isinstance(next(iter(v.values())), str)
                        for v in key.values())):
            raise _not_a_cursor()
        return key

    def _tag(self, scope: str, payload: str) -> bytes:
        message = scope.encode("utf-8") + b"\n" + payload.encode("ascii", "replace")
        return hmac.new(self._signing_key(), message, hashlib.sha256).digest()[:_TAG_BYTES]

    def _signing_key(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    key = self._source()
                    if len(key) < MIN_SIGNING_KEY_BYTES:
                        raise RuntimeError(f"the cursor signing key must be at least {MIN_SIGNING_KEY_BYTES} bytes")
                    self._key = key
        return self._key


def secret_key_source(secret_id: str | None, region: str, endpoint_url: str | None) -> KeySource:
    """Reads the signing key from a Secrets Manager secret (its ARN or name) when first needed."""

    def read() -> bytes:
        if not secret_id:
            raise RuntimeError("CURSOR_KEY_SECRET_ARN is not set: this function's group must declare the "
                               "cursor key capability (opsdesk.apimap)")
        import boto3  # noqa: PLC0415 - only a request that makes or reads a cursor pays for the client

        client = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint_url)
        return str(client.get_secret_value(SecretId=secret_id)["SecretString"]).encode("utf-8")

    return read


def _not_a_cursor() -> ValidationFailed:
    return ValidationFailed.on_field("cursor", "Not a cursor of this list")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
