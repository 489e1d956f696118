"""The copilot's WebSocket tokens (opsdesk.wstokens) and the messages the fan-out posts (opsdesk.realtime)."""

from __future__ import annotations

import json

import pytest

from opsdesk.errors import Unauthorized
from opsdesk.realtime import event_message
from opsdesk.wstokens import WS_TOKEN_SECONDS, WsClaims, WsTokens, is_ws_token

CLAIMS = WsClaims(user_id="u1", tenant_id="t1", project_id="p1", groups=frozenset({"admin"}))


def tokens(now: float = 1_800_000_000.0, key: bytes = b"platform-key") -> WsTokens:
    return WsTokens(lambda: key, clock=lambda: now)


def test_a_token_carries_the_user_tenant_and_project_it_was_issued_for() -> None:
    token, lifetime = tokens().issue(CLAIMS)

    assert lifetime == WS_TOKEN_SECONDS
    assert is_ws_token(token)
    assert tokens().verify(token) == CLAIMS


def test_an_expired_token_is_refused() -> None:
    token, _ = tokens(now=1_000.0).issue(CLAIMS)

    with pytest.raises(Unauthorized):
        tokens().verify(token)


def test_a_token_signed_with_another_key_is_refused() -> None:
    token, _ = tokens(key=b"someone-else").issue(CLAIMS)

    with pytest.raises(Unauthorized):
        tokens().verify(token)


def test_a_cognito_style_token_is_not_taken_for_a_websocket_token() -> None:
    rs256_header = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"  # {"alg":"RS256","kid":"k1"}
    assert not is_ws_token(f"{rs256_header}.e30.c2ln")
    assert not is_ws_token("not-a-jwt")


def test_a_project_event_message_names_its_channel_and_carries_its_envelope_and_time() -> None:
    image = {"pk": "T#t1#S#hypotheses@p1", "sk": "E#000000000007", "type": "hypothesis.generated",
             "data": json.dumps({"count": 3}), "envelope": json.dumps({"incidentId": "i1"}),
             "createdAt": "2026-01-24T12:01:00Z"}

    assert event_message(image, "hypotheses@p1") == {
        "type": "hypothesis.generated", "id": 7, "channel": "hypotheses", "data": {"count": 3},
        "incidentId": "i1", "timestamp": "2026-01-24T12:01:00Z"}
