"""Short-lived WebSocket tokens (the copilot's `GET /auth/ws-token`): what a browser sends in the WebSocket
`connect` message instead of its session, which it cannot read (the cookie is HttpOnly).

An HS256 JWT, signed with a key derived from the platform's key secret (opsdesk.cursors' CURSOR_KEY secret, under
its own label so a cursor can never pass for a token), naming the user, the tenant and the project whose channels
it opens, valid for WS_TOKEN_SECONDS. The WebSocket route function verifies it like a Cognito ID token.

It also names the signed-in session that asked for it (`sid`: the ID token's `origin_jti`, opsdesk.revocations): a
ws-token of a session signed out since is refused, and so is a subscribe of the connection it opened."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

from opsdesk.errors import Unauthorized
from opsdesk.frozen import frozen
from opsdesk.jose import ExpiredToken, TokenError, check_claims, sign_hs256, split_token, verify_hs256

WS_TOKEN_SECONDS = 120
CLOCK_SKEW_SECONDS = 5
WS_TOKEN_USE = "ws"
WS_AUDIENCE = "opsdesk-websocket"
LABEL = b"opsdesk websocket token v1"


@frozen
class WsClaims:
    user_id: str
    tenant_id: str
    project_id: str | None
    groups: frozenset[str]
    session_id: str | None = None
    """The session (opsdesk.revocations.session_of) of the ID token the ws-token was asked with."""


class WsTokens:
    def __init__(self, key_source: Callable[[], bytes], clock: Callable[[], float] = time.time) -> None:
        self._key_source = key_source
        self._key: bytes | None = None
        self._now = clock

    def issue(self, claims: WsClaims) -> tuple[str, int]:
        """The token and its lifetime in seconds."""
        now = int(self._now())
        payload = {"sub": claims.user_id, "custom:tenant_id": claims.tenant_id, "project_id": claims.project_id,
                   "cognito:groups": sorted(claims.groups), "token_use": WS_TOKEN_USE, "aud": WS_AUDIENCE,
                   "iat": now, "exp": now + WS_TOKEN_SECONDS}
        if claims.session_id is not None:
            payload["sid"] = claims.session_id
        return sign_hs256(payload, self._signing_key()), WS_TOKEN_SECONDS

    def verify(self, token: str) -> WsClaims:
        try:
            signed = split_token(token)
            verify_hs256(signed, self._signing_key())
            # Issued by another function (copilot_session) on another clock: `exp` gets CLOCK_SKEW_SECONDS, and an
            # `iat` ahead of this clock is no reason to refuse a token this short-lived.
            check_claims(signed.claims, now=self._now(), leeway=CLOCK_SKEW_SECONDS, required=("exp", "sub"),
                         audience=WS_AUDIENCE, not_before=False)
        except ExpiredToken as exc:
            raise Unauthorized("Expired WebSocket token") from exc
        except TokenError as exc:
            raise Unauthorized("Invalid WebSocket token") from exc
        payload = signed.claims
        if not isinstance(payload["exp"], int):
            raise Unauthorized("Invalid WebSocket token")
        groups = payload.get("cognito:groups") or []
        session = payload.get("sid")
        if payload.get("token_use") != WS_TOKEN_USE or not payload.get("custom:tenant_id") \
                or not isinstance(groups, list) or not (session is None or isinstance(session, str) and session):
            raise Unauthorized("Invalid WebSocket token")
        return WsClaims(str(payload["sub"]), str(payload["custom:tenant_id"]),
                        str(payload["project_id"]) if payload.get("project_id") else None,
                        frozenset(str(g) for g in groups), session)

    def _signing_key(self) -> bytes:
        if self._key is None:
            self._key = hmac.new(self._key_source(), LABEL, hashlib.sha256).digest()
        return self._key


def is_ws_token(token: str) -> bool:
    """Whether a token is ours (HS256) rather than Cognito's (RS256), from its unverified header."""
    try:
        return split_token(token).header.get("alg") == "HS256"
    except TokenError:
        return False
