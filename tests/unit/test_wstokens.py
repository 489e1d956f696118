"""The copilot's WebSocket tokens (opsdesk.wstokens) and the messages the fan-out posts (opsdesk.realtime)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from opsdesk.errors import Unauthorized
from opsdesk.jose import encode_segment, sign_hs256
from opsdesk.realtime import WS_MESSAGE_LIMIT_BYTES, event_message, message_bytes
from opsdesk.wstokens import LABEL, WS_TOKEN_SECONDS, WsClaims, WsTokens, is_ws_token

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

    with pytest.raises(Unauthorized, match="Expired"):
        tokens().verify(token)


def test_a_token_issued_on_a_clock_ahead_of_the_verifiers_is_accepted() -> None:
    # copilot_session issues, realtime_ws verifies: another function, another clock.
    token, _ = tokens(now=1_800_000_030.0).issue(CLAIMS)

    assert tokens().verify(token) == CLAIMS


def _signed(payload: dict[str, Any], key: bytes = b"platform-key") -> str:
    return sign_hs256(payload, hmac.new(key, LABEL, hashlib.sha256).digest())


GOOD = {"sub": "u1", "custom:tenant_id": "t1", "project_id": "p1", "cognito:groups": ["admin"],
        "token_use": "ws", "aud": "opsdesk-websocket", "iat": 1_800_000_000, "exp": 1_800_000_100}


@pytest.mark.parametrize("change", [
    pytest.param({"aud": "another-audience"}, id="audience"),
    pytest.param({"token_use": "id"}, id="token-use"),
    pytest.param({"custom:tenant_id": ""}, id="no-tenant"),
    pytest.param({"sub": None}, id="null-subject"),
    pytest.param({"sub": 7}, id="numeric-subject"),
    pytest.param({"exp": float("inf")}, id="infinite-expiry"),
    pytest.param({"exp": 1_800_000_100.5}, id="fractional-expiry"),
    pytest.param({"cognito:groups": "admin"}, id="groups-not-a-list"),
])
def test_a_signed_token_with_a_wrong_claim_is_refused(change: dict[str, Any]) -> None:
    assert tokens().verify(_signed(GOOD)) == CLAIMS  # the unchanged payload passes

    with pytest.raises(Unauthorized, match="Invalid WebSocket token"):
        tokens().verify(_signed(GOOD | change))


def test_an_unsigned_an_rs256_and_a_tampered_token_are_refused() -> None:
    head, body, signature = _signed(GOOD).split(".")
    forged_body = encode_segment(json.dumps(GOOD | {"custom:tenant_id": "t2"}).encode())
    for header in ({"alg": "none"}, {"alg": "RS256"}):
        with pytest.raises(Unauthorized):
            tokens().verify(f"{encode_segment(json.dumps(header).encode())}.{body}.{signature}")
    with pytest.raises(Unauthorized):
        tokens().verify(f"{head}.{forged_body}.{signature}")


def test_a_token_signed_with_another_key_is_refused() -> None:
    token, _ = tokens(key=b"someone-else").issue(CLAIMS)

    with pytest.raises(Unauthorized):
        tokens().verify(token)


def test_a_cognito_style_token_is_not_taken_for_a_websocket_token() -> None:
    rs256_header = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"  # {"alg":"RS256","kid":"k1"}
    assert not is_ws_token(f"{rs256_header}.e30.c2ln")
    assert not is_ws_token("not-a-jwt")
    assert not is_ws_token(f"{encode_segment(b'[' * 2000)}.e30.")  # nested too deep to parse: not ours either


def test_a_project_event_message_names_its_channel_and_carries_its_envelope_and_time() -> None:
    image = {"pk": "T#t1#S#hypotheses@p1", "sk": "E#000000000007", "type": "hypothesis.generated",
             "data": json.dumps({"count": 3}), "envelope": json.dumps({"incidentId": "i1"}),
             "createdAt": "2026-01-24T12:01:00Z"}

    assert event_message(image, "hypotheses@p1") == {
        "type": "hypothesis.generated", "id": 7, "channel": "hypotheses", "data": {"count": 3},
        "incidentId": "i1", "timestamp": "2026-01-24T12:01:00Z"}


def test_an_event_too_large_for_one_websocket_message_is_posted_as_its_outline() -> None:
    # Given a ticket event whose description and custom fields pass API Gateway's 128 KB message (\u0001 is 6 bytes)
    ticket = {"id": "t1", "description": "\u0001" * 20_000, "custom_json": "x" * 16_000}
    image = {"pk": "T#t1#S#helpdesk", "sk": "E#000000000009", "type": "ticket_created",
             "data": json.dumps(ticket), "envelope": json.dumps({"ticket_id": "t1", "ticket": ticket}),
             "createdAt": "2026-01-24T12:01:00Z"}

    # When its message is built
    message = event_message(image, "helpdesk")

    # Then it is the outline, small enough to post: the client reads the ticket over the API
    assert message == {"type": "ticket_created", "id": 9, "channel": "helpdesk", "ticket_id": "t1",
                       "timestamp": "2026-01-24T12:01:00Z", "data": {"id": "t1"}, "truncated": True}
    assert len(message_bytes(message)) <= WS_MESSAGE_LIMIT_BYTES


def test_a_token_names_the_session_it_was_asked_with() -> None:
    claims = WsClaims("u1", "t1", "p1", frozenset(), session_id="session-1")
    token, _ = tokens().issue(claims)

    assert tokens().verify(token) == claims
