"""Cookie sessions: the cookie's attributes, where a request's token is found, the REQUEST authorizer's answer and
the claims functions read from it; the same Principal whichever way the caller came."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from opsdesk.auth import principal_from_claims
from opsdesk.errors import Unauthorized
from opsdesk.sessions import (
    SessionAuthorizer,
    SessionCookie,
    api_wide_resource,
    channel_from_context,
    claims_from_context,
    request_token,
    seconds_left,
)
from opsdesk.tokens import TokenVerifier
from tests.unit.test_tokens import CLIENTS, ISSUER, id_claims, sign

COOKIE = SessionCookie("helpdesk_session", "/helpdesk")
METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/tickets/42"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def verifier(key: rsa.RSAPrivateKey) -> TokenVerifier:
    public = key.public_key()
    return TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused", key_resolver=lambda _t: public)


@pytest.fixture
def token(key: rsa.RSAPrivateKey) -> str:
    return sign(key, id_claims(**{"cognito:groups": ["agent"]}))


def test_the_session_cookie_is_http_only_secure_strict_and_scoped_to_the_module() -> None:
    issued = COOKIE.issue("abc.def.ghi", 3599)

    assert issued.startswith("helpdesk_session=abc.def.ghi; Max-Age=3599; ")
    assert {"Path=/helpdesk", "HttpOnly", "Secure", "SameSite=Strict"} <= set(issued.split("; "))


def test_clearing_expires_the_same_cookie() -> None:
    cleared = COOKIE.clear()

    assert cleared.startswith("helpdesk_session=; Max-Age=0; ")
    assert "Path=/helpdesk" in cleared


def test_the_cookie_is_read_among_others_and_garbage_is_no_cookie() -> None:
    assert COOKIE.read("theme=dark; helpdesk_session=abc.def.ghi; lang=en") == "abc.def.ghi"
    assert COOKIE.read("theme=dark") is None
    assert COOKIE.read('helpdesk_session="unterminated') is None
    assert COOKIE.read(None) is None


def test_a_bearer_header_wins_over_the_cookie_and_cookies_count_only_when_on() -> None:
    both = {"Authorization": "Bearer from-header", "Cookie": "helpdesk_session=from-cookie"}
    cookie_only = {"cookie": "helpdesk_session=from-cookie"}

    assert request_token(both, COOKIE) == ("from-header", "bearer")
    assert request_token(cookie_only, COOKIE) == ("from-cookie", "cookie")
    assert request_token(cookie_only, None) is None


def test_the_authorizer_allows_the_whole_api_with_the_claims_in_the_context(verifier: TokenVerifier,
                                                                           token: str) -> None:
    answer = SessionAuthorizer(verifier, COOKIE).authorize(
        {"methodArn": METHOD_ARN, "headers": {"Cookie": f"helpdesk_session={token}"}})

    statement = answer["policyDocument"]["Statement"][0]
    assert (statement["Effect"], statement["Resource"]) == ("Allow", "arn:aws:execute-api:eu-west-1:123456789012:"
                                                                     "abc123/prod/*")
    assert answer["principalId"] == id_claims()["sub"]
    assert channel_from_context(answer["context"]) == "cookie"
    assert all(isinstance(value, str) for value in answer["context"].values())  # API Gateway's rule


def test_the_function_builds_the_same_principal_from_either_authorizer(verifier: TokenVerifier,
                                                                       token: str) -> None:
    by_cookie = SessionAuthorizer(verifier, COOKIE).authorize(
        {"methodArn": METHOD_ARN, "headers": {"Cookie": f"helpdesk_session={token}"}})["context"]
    by_bearer = SessionAuthorizer(verifier, COOKIE).authorize(
        {"methodArn": METHOD_ARN, "headers": {"Authorization": f"Bearer {token}"}})["context"]
    cognito_authorizer = {"claims": {**id_claims(), "cognito:groups": "[agent]"}}

    principals = {principal_from_claims(claims_from_context(context), CLIENTS)
                  for context in (by_cookie, by_bearer, cognito_authorizer)}

    assert len(principals) == 1
    assert next(iter(principals)).groups == frozenset({"agent"})


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="nothing"),
    pytest.param({"Authorization": "Bearer not-a-jwt", "Cookie": "helpdesk_session=ok"}, id="bad-bearer-good-cookie"),
    pytest.param({"Authorization": "Bearer "}, id="empty-bearer"),
    pytest.param({"Cookie": "helpdesk_session=not-a-jwt"}, id="bad-cookie"),
])
def test_the_authorizer_refuses_without_a_valid_token(verifier: TokenVerifier, headers: dict[str, str],
                                                      token: str) -> None:
    headers = {name: value.replace("=ok", f"={token}") for name, value in headers.items()}

    with pytest.raises(Unauthorized):
        SessionAuthorizer(verifier, COOKIE).authorize({"methodArn": METHOD_ARN, "headers": headers})


def test_with_the_cookie_login_off_a_valid_cookie_is_ignored(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(Unauthorized):
        SessionAuthorizer(verifier, None).authorize(
            {"methodArn": METHOD_ARN, "headers": {"Cookie": f"helpdesk_session={token}"}})


def test_an_expired_cookie_is_refused(verifier: TokenVerifier, key: rsa.RSAPrivateKey) -> None:
    expired = sign(key, id_claims(exp=int(time.time()) - 5))

    with pytest.raises(Unauthorized):
        SessionAuthorizer(verifier, COOKIE).verify({"Cookie": f"helpdesk_session={expired}"})


def test_a_module_with_a_shorter_token_lifetime_refuses_older_tokens_the_pool_still_accepts(
        verifier: TokenVerifier, key: rsa.RSAPrivateKey) -> None:
    now = time.time()
    fresh = sign(key, id_claims(iat=int(now) - 14 * 60))
    old = sign(key, id_claims(iat=int(now) - 16 * 60, exp=int(now) + 44 * 60))  # valid for the pool another 44 min
    fifteen_minutes = SessionAuthorizer(verifier, COOKIE, token_lifetime_seconds=15 * 60, clock=lambda: now)

    assert fifteen_minutes.verify({"Authorization": f"Bearer {fresh}"})[0]["iat"] == int(now) - 14 * 60
    with pytest.raises(Unauthorized, match="expired"):
        fifteen_minutes.verify({"Authorization": f"Bearer {old}"})
    with pytest.raises(Unauthorized, match="expired"):
        fifteen_minutes.verify({"Cookie": f"helpdesk_session={old}"})
    assert SessionAuthorizer(verifier, COOKIE).verify({"Authorization": f"Bearer {old}"})[0]["sub"]


class SignedOut:
    """The revocation list (opsdesk.revocations.SessionRevocations) over a set of sessions."""

    def __init__(self, *sessions: str) -> None:
        self.sessions = set(sessions)

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        return claims.get("origin_jti") in self.sessions


def test_every_token_of_a_signed_out_session_is_refused_and_other_sessions_are_not(verifier: TokenVerifier,
                                                                                  key: rsa.RSAPrivateKey) -> None:
    ended, refreshed, other = (sign(key, id_claims(origin_jti=session, jti=jti)) for session, jti in
                               (("session-1", "a"), ("session-1", "b"), ("session-2", "c")))
    authorizer = SessionAuthorizer(verifier, COOKIE, revocations=SignedOut("session-1"))

    for token in (ended, refreshed):
        with pytest.raises(Unauthorized, match="Signed out"):
            authorizer.verify({"Authorization": f"Bearer {token}"})
    assert authorizer.verify({"Cookie": f"helpdesk_session={other}"})[0]["origin_jti"] == "session-2"


def test_claims_come_from_a_json_context_or_a_claims_object() -> None:
    claims: dict[str, Any] = {"sub": "u1", "custom:tenant_id": "t1"}

    assert claims_from_context({"claims": json.dumps(claims)}) == claims
    assert claims_from_context({"claims": claims}) == claims
    assert claims_from_context({"claims": "not json"}) is None
    assert claims_from_context(None) is None


def test_the_cookie_lives_as_long_as_the_token() -> None:
    assert seconds_left({"exp": 1_003_600}, now=1_000_000) == 3600
    assert seconds_left({"exp": 10}, now=20) == 0


def test_an_arn_without_a_stage_is_left_as_is() -> None:
    assert api_wide_resource("arn") == "arn"
