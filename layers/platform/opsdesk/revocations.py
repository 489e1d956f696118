"""Signed-out sessions. Cognito cannot take back an ID token it issued: after a logout the token stays valid until
its `exp`. So a logout records the session here, and the session authorizer refuses every token of it.

A session is what one sign-in started: Cognito gives every token it issues from that sign-in (and from refreshes of
its refresh token) the same `origin_jti` claim, so one item ends them all. The item lives (TTL) as long as the
session's refresh token could: a logout that did not carry the refresh token (a bearer header alone) cannot revoke
it, and a refresh then finds the session here and is refused (opsdesk.copilot.accounts).

    pk SESSION#<origin_jti>   sk REVOKED   expiresAt (epoch seconds, TTL)

Plain boto3 rather than pynamodb: the session authorizer runs before every request of a cookie module, and its
cold start is kept small."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

SORT_KEY = "REVOKED"
REFRESH_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600
"""The longest a refresh token of the pool lives (the app clients' validity, infra/constructs/auth.py); no ID token
of the session is issued after it."""
CLOCK_SKEW_SECONDS = 300


def session_of(claims: Mapping[str, Any]) -> str | None:
    """The session an ID token belongs to: its `origin_jti` (every Cognito token has one), else its own `jti`."""
    session = claims.get("origin_jti") or claims.get("jti")
    return str(session) if session else None


class SessionRevocations:
    def __init__(self, table_name: str, client: Any) -> None:
        self._table = table_name
        self._client = client

    @classmethod
    def connect(cls, table_name: str, region: str, endpoint_url: str | None) -> SessionRevocations:
        import boto3  # noqa: PLC0415 - made on the first request that needs it

        return cls(table_name, boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url))

    def revoke(self, claims: Mapping[str, Any], now: float | None = None) -> None:
        session = session_of(claims)
        if session is None:
            return
        until = int(now if now is not None else time.time()) + REFRESH_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS
        self._client.put_item(TableName=self._table, Item={
            "pk": {"S": _pk(session)}, "sk": {"S": SORT_KEY}, "expiresAt": {"N": str(until)}})

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        session = session_of(claims)
        return session is not None and self.is_session_revoked(session)

    def is_session_revoked(self, session: str) -> bool:
        """Whether the session (session_of an ID token) was signed out: one consistent GetItem."""
        found = self._client.get_item(TableName=self._table, Key={"pk": {"S": _pk(session)}, "sk": {"S": SORT_KEY}},
                                      ConsistentRead=True, ProjectionExpression="pk")
        return "Item" in found


def _pk(session: str) -> str:
    return f"SESSION#{session}"
