"""Short-lived WebSocket tokens (the copilot's `GET /auth/ws-token`): what a browser sends in the WebSocket
`connect` message instead of its session, which it cannot read (the cookie is HttpOnly).

An HS256 JWT, signed with a key derived from the platform's key secret (opsdesk.cursors' CURSOR_KEY secret, under
its own label so a cursor can never pass for a token), naming the user, the tenant and the project whose channels
it opens, valid for WS_TOKEN_SECONDS. The WebSocket route function verifies it like a Cognito ID token."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opsdesk.errors import Unauthorized

WS_TOKEN_SECONDS = 120
CLOCK_SKEW_SECONDS = 5
WS_TOKEN_USE = "ws"
WS_AUDIENCE = "opsdesk-websocket"
LABEL = b"opsdesk websocket token v1"


@dataclass(frozen=True)
class WsClaims:
    user_id: str
    tenant_id: str
    project_id: str | None
    groups: frozenset[str]


class WsTokens:
    def __init__(self, key_source: Callable[[], bytes], clock: Callable[[], float] = time.time) -> None:
        self._key_source = key_source
        self._key: bytes | None = None
        self._now = clock

    def issue(self, claims: WsClaims) -> tuple[str, int]:
        """The token and its lifetime in seconds."""
        import jwt  # noqa: PLC0415 - with cryptography ~0.3 x `import boto3`: only the WebSocket token routes use it

        now = int(self._now())
        payload = {"sub": claims.user_id, "custom:tenant_id": claims.tenant_id, "project_id": claims.project_id,
                   "cognito:groups": sorted(claims.groups), "token_use": WS_TOKEN_USE, "aud": WS_AUDIENCE,
                   "iat": now, "exp": now + WS_TOKEN_SECONDS}
        return jwt.encode(payload, self._signing_key(), algorithm="HS256"), WS_TOKEN_SECONDS

    def verify(self, token: str) -> WsClaims:
        import jwt  # noqa: PLC0415 - see issue()

        try:
            # Times are checked below against this class's clock (the one that issued them).
            payload: dict[str, Any] = jwt.decode(token, self._signing_key(), algorithms=["HS256"],
                                                 audience=WS_AUDIENCE, options={
                                                     "require": ["exp", "sub"], "verify_exp": False,
                                                     "verify_iat": False, "verify_nbf": False})
        except jwt.PyJWTError as exc:
            raise Unauthorized("Invalid WebSocket token") from exc
        if not isinstance(payload.get("exp"), int) or payload["exp"] + CLOCK_SKEW_SECONDS < self._now():
            raise Unauthorized("Expired WebSocket token")
        if payload.get("token_use") != WS_TOKEN_USE or not payload.get("custom:tenant_id"):
            raise Unauthorized("Invalid WebSocket token")
        return WsClaims(str(payload["sub"]), str(payload["custom:tenant_id"]),
                        str(payload["project_id"]) if payload.get("project_id") else None,
                        frozenset(str(g) for g in payload.get("cognito:groups") or []))

    def _signing_key(self) -> bytes:
        if self._key is None:
            self._key = hmac.new(self._key_source(), LABEL, hashlib.sha256).digest()
        return self._key


def is_ws_token(token: str) -> bool:
    """Whether a token is ours (HS256) rather than Cognito's (RS256), from its unverified header."""
    import jwt  # noqa: PLC0415 - see WsTokens.issue()

    try:
        return jwt.get_unverified_header(token).get("alg") == "HS256"
    except jwt.PyJWTError:
        return False
