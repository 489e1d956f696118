"""Verification of Cognito ID tokens, with a key made here instead of the pool's JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from opsdesk.errors import Unauthorized
from opsdesk.jose import TokenError
from opsdesk.settings import TokenSettings
from opsdesk.tokens import TokenVerifier, bearer_token

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool"
CLIENT_ID = "test-app-client"
CLIENTS = frozenset({CLIENT_ID})


@pytest.fixture(scope="module")
def pool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def stranger_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def verifier(pool_key: rsa.RSAPrivateKey) -> TokenVerifier:
    public = pool_key.public_key()
    return TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused", key_resolver=lambda _t: public)


def id_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "0f5c9a2e-1111-2222-3333-444455556666",
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "iat": now - 60,
        "exp": now + 3600,
        "cognito:username": "alice@acme.test",
        "custom:tenant_id": "tenant-acme",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def sign(key: rsa.RSAPrivateKey, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "test-kid"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """A token built by hand, for algorithms PyJWT itself refuses to produce with these keys."""
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def test_valid_id_token_is_accepted_and_its_claims_returned(
    verifier: TokenVerifier, pool_key: rsa.RSAPrivateKey
) -> None:
    claims = id_claims()

    verified = verifier.verify_id_token(sign(pool_key, claims))

    assert verified["sub"] == claims["sub"]
    assert verified["custom:tenant_id"] == "tenant-acme"


def test_expired_token_is_refused(verifier: TokenVerifier, pool_key: rsa.RSAPrivateKey) -> None:
    now = int(time.time())
    token = sign(pool_key, id_claims(iat=now - 7200, exp=now - 10))

    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify_id_token(token)


def test_leeway_accepts_a_token_that_expired_within_it(pool_key: rsa.RSAPrivateKey) -> None:
    public = pool_key.public_key()
    lenient = TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused", leeway_seconds=60,
                            key_resolver=lambda _t: public)
    now = int(time.time())

    assert lenient.verify_id_token(sign(pool_key, id_claims(exp=now - 5)))["sub"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool"}, id="wrong-issuer"),
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param({"token_use": "access"}, id="access-token"),
        pytest.param({"token_use": None}, id="no-token-use"),
        pytest.param({"exp": None}, id="no-exp"),
        pytest.param({"iss": None}, id="no-issuer"),
        pytest.param({"aud": None}, id="no-audience"),
        pytest.param({"sub": None}, id="no-subject"),
    ],
)
def test_token_with_wrong_or_missing_claim_is_refused(
    verifier: TokenVerifier, pool_key: rsa.RSAPrivateKey, overrides: dict[str, Any]
) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(sign(pool_key, id_claims(**overrides)))


def test_access_token_is_refused_as_not_an_id_token(verifier: TokenVerifier, pool_key: rsa.RSAPrivateKey) -> None:
    # Cognito access tokens carry client_id instead of aud; even one that passed the aud check is refused.
    with pytest.raises(Unauthorized, match="Not an ID token"):
        verifier.verify_id_token(sign(pool_key, id_claims(token_use="access")))


def test_token_signed_by_another_key_is_refused(verifier: TokenVerifier, stranger_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(sign(stranger_key, id_claims()))


def test_token_with_tampered_claims_is_refused(verifier: TokenVerifier, pool_key: rsa.RSAPrivateKey) -> None:
    head, _, signature = sign(pool_key, id_claims()).split(".")
    tampered = _b64(json.dumps(id_claims(**{"custom:tenant_id": "tenant-globex"})).encode())

    with pytest.raises(Unauthorized):
        verifier.verify_id_token(f"{head}.{tampered}.{signature}")


def test_unsigned_token_alg_none_is_refused(verifier: TokenVerifier) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(forge({"alg": "none", "typ": "JWT"}, id_claims()))


@pytest.mark.parametrize("resolved_as", ["key-object", "pem-bytes"])
def test_hs256_token_signed_with_the_public_key_as_secret_is_refused(
    pool_key: rsa.RSAPrivateKey, resolved_as: str
) -> None:
    # Given an attacker who HMAC-signs a token with the pool's (public) key as the secret
    pem = pool_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header, claims = {"alg": "HS256", "typ": "JWT", "kid": "test-kid"}, id_claims()
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{_b64(signature)}"
    # and a resolver that hands over the key either as an object or as PEM bytes
    key = pool_key.public_key() if resolved_as == "key-object" else pem
    verifier = TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused",
                             key_resolver=lambda _t: key)  # type: ignore[arg-type,return-value]  # PEM on purpose

    # When it is verified, Then it is refused: only RS256 is accepted
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(token)


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30", "....."])
def test_garbage_is_refused(verifier: TokenVerifier, garbage: str) -> None:
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(garbage)


def test_a_key_resolver_that_fails_means_unauthorized(pool_key: rsa.RSAPrivateKey) -> None:
    def unknown_kid(_header: Any) -> Any:
        raise TokenError("No signing key 'other-kid' in the pool's JWKS")

    verifier = TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused", key_resolver=unknown_kid)

    with pytest.raises(Unauthorized):
        verifier.verify_id_token(sign(pool_key, id_claims()))


def test_verifier_from_settings_accepts_the_platform_and_module_clients_of_the_pool_only(
        pool_key: rsa.RSAPrivateKey) -> None:
    settings = TokenSettings.from_environment(
        {"AWS_REGION": "eu-west-1", "COGNITO_USER_POOL_ID": "eu-west-1_TestPool", "COGNITO_APP_CLIENT_ID": CLIENT_ID,
         "COGNITO_MODULE_CLIENT_IDS": "copilot-client"}
    )
    public = pool_key.public_key()
    verifier = TokenVerifier(issuer=settings.issuer, client_ids=settings.accepted_client_ids,
                             jwks_url=settings.jwks_url, key_resolver=lambda _t: public)

    assert TokenVerifier.from_settings(settings)._issuer == ISSUER
    assert verifier.verify_id_token(sign(pool_key, id_claims()))["aud"] == CLIENT_ID
    assert verifier.verify_id_token(sign(pool_key, id_claims(aud="copilot-client")))["aud"] == "copilot-client"
    assert verifier.verify_id_token(sign(pool_key, id_claims(aud=["other", "copilot-client"])))
    for refused in ("another-client", "", ["another-client"], ["copilot-client-2"]):
        with pytest.raises(Unauthorized):
            verifier.verify_id_token(sign(pool_key, id_claims(aud=refused)))


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc.def.ghi", "abc.def.ghi"),
        ("BEARER   abc.def.ghi  ", "abc.def.ghi"),
        ("abc.def.ghi", "abc.def.ghi"),
        ("  abc.def.ghi ", "abc.def.ghi"),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_bearer_token_takes_the_token_bare_or_after_bearer(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


@pytest.mark.parametrize("header", ["Bearer ", "bearer   "])
def test_bearer_scheme_without_a_token_has_no_token(header: str) -> None:
    assert bearer_token(header) is None
