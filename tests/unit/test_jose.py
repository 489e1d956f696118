"""opsdesk.jose: the JWS compact form, the registered claims, the pool's JWKS served over loopback, and agreement
with PyJWT on tokens either one signed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from opsdesk.errors import Unauthorized
from opsdesk.jose import (
    MAX_TOKEN_CHARS,
    ExpiredToken,
    JwksKeys,
    TokenError,
    check_claims,
    encode_segment,
    sign_hs256,
    split_token,
    verify_hs256,
    verify_rs256,
)

NOW = 1_800_000_000


@pytest.fixture(scope="module")
def pool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def rotated_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256",
            "use": "sig"}


class JwksServer:
    """A JWKS document served over loopback, counting the requests for it."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.requests = 0
        self.status = 200
        self.body: bytes | None = None
        """Served instead of the keys when set."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests += 1
                body = server.body if server.body is not None else json.dumps({"keys": server.keys}).encode()
                self.send_response(server.status)
                if server.status in (301, 302):
                    self.send_header("Location", server.url.replace("/.well-known/", "/elsewhere/"))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/.well-known/jwks.json"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._http.shutdown()
        self._http.server_close()


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def ask_for_made_up_kids(keys: JwksKeys, clock: Clock, *, refused: str) -> None:
    """Three tokens with key ids the JWKS never had, a second apart: each is refused."""
    for made_up in ("x1", "x2", "x3"):
        clock.now += 1
        with pytest.raises(TokenError, match=refused):
            keys.key_for({"kid": made_up})


def rs256(key: rsa.RSAPrivateKey, kid: str, claims: dict[str, Any] | None = None) -> str:
    return jwt.encode(claims or {"sub": "u"}, key, algorithm="RS256", headers={"kid": kid})


# The compact form


def test_a_pyjwt_rs256_token_verifies_with_the_signers_public_key(pool_key: rsa.RSAPrivateKey) -> None:
    token = split_token(rs256(pool_key, "k1", {"sub": "alice", "n": 1}))

    verify_rs256(token, pool_key.public_key())

    assert token.claims == {"sub": "alice", "n": 1}
    assert token.header["kid"] == "k1"


def test_an_rs256_token_does_not_verify_with_another_key(pool_key: rsa.RSAPrivateKey,
                                                          rotated_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(TokenError, match="signature"):
        verify_rs256(split_token(rs256(pool_key, "k1")), rotated_key.public_key())


def test_an_rs256_check_refuses_a_token_whose_header_names_another_algorithm(pool_key: rsa.RSAPrivateKey) -> None:
    head, body, signature = rs256(pool_key, "k1").split(".")
    relabelled = encode_segment(json.dumps({"alg": "RS512", "kid": "k1"}).encode())

    with pytest.raises(TokenError, match="Only RS256"):
        verify_rs256(split_token(f"{relabelled}.{body}.{signature}"), pool_key.public_key())


def test_an_hs256_token_of_ours_is_accepted_by_pyjwt_and_one_of_pyjwt_by_us() -> None:
    key = b"k" * 32
    ours = sign_hs256({"sub": "bob", "exp": NOW}, key)
    theirs = jwt.encode({"sub": "carol"}, key, algorithm="HS256")

    assert jwt.decode(ours, key, algorithms=["HS256"], options={"verify_exp": False})["sub"] == "bob"
    verify_hs256(split_token(theirs), key)


def test_an_hs256_token_does_not_verify_with_another_key() -> None:
    with pytest.raises(TokenError, match="signature"):
        verify_hs256(split_token(sign_hs256({"sub": "bob"}, b"a" * 32)), b"b" * 32)


@pytest.mark.parametrize("token", [
    "", "a.b", "a.b.c.d", "e30.e30", "e30=.e30.", "W10.e30.", "e30.bm90IGpzb24.", "e30.e30.***", "//8.e30.",
])
def test_a_malformed_token_is_a_token_error(token: str) -> None:
    with pytest.raises(TokenError):
        split_token(token)


def test_a_token_with_critical_extensions_is_refused() -> None:
    header = encode_segment(json.dumps({"alg": "HS256", "crit": ["exp"], "exp": 1}).encode())

    with pytest.raises(TokenError, match="critical"):
        split_token(f"{header}.e30.")


# Registered claims


def test_claims_that_hold_pass() -> None:
    check_claims({"exp": NOW + 1, "iat": NOW, "nbf": NOW, "iss": "me", "aud": ["x", "app"], "sub": "u"}, now=NOW,
                 required=("exp", "sub"), issuer="me", audience="app")


@pytest.mark.parametrize(("claims", "leeway", "refused"), [
    ({"exp": NOW}, 0, ExpiredToken),
    ({"exp": NOW - 10}, 9, ExpiredToken),
    ({"exp": NOW - 10}, 11, None),
    ({"nbf": NOW + 5}, 0, TokenError),
    ({"nbf": NOW + 5}, 5, None),
    ({"iat": NOW + 5}, 0, TokenError),
    ({"exp": "1900000000"}, 0, TokenError),
    ({"exp": True}, 0, TokenError),
    ({"exp": 2e9}, 0, None),
])
def test_times_hold_within_the_leeway(claims: dict[str, Any], leeway: int, refused: type[Exception] | None) -> None:
    if refused is None:
        check_claims(claims, now=NOW, leeway=leeway)
        return
    with pytest.raises(refused):
        check_claims(claims, now=NOW, leeway=leeway)


@pytest.mark.parametrize(("claims", "message"), [
    ({"sub": "u"}, "no exp claim"),
    ({"exp": NOW + 9, "sub": "u", "iss": "them", "aud": "app"}, "another issuer"),
    ({"exp": NOW + 9, "sub": "u", "iss": "me", "aud": "other"}, "another audience"),
    ({"exp": NOW + 9, "sub": "u", "iss": "me", "aud": ["other"]}, "another audience"),
    ({"exp": NOW + 9, "sub": "u", "iss": "me"}, "another audience"),
])
def test_missing_or_foreign_claims_are_refused(claims: dict[str, Any], message: str) -> None:
    with pytest.raises(TokenError, match=message):
        check_claims(claims, now=NOW, required=("exp", "sub"), issuer="me", audience="app")


# The pool's JWKS, over loopback


def test_keys_are_fetched_once_for_many_tokens(jwks: JwksServer, pool_key: rsa.RSAPrivateKey) -> None:
    jwks.keys = [jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url)

    for _ in range(5):
        verify_rs256(token := split_token(rs256(pool_key, "k1")), keys.key_for(token.header))

    assert jwks.requests == 1


def test_a_rotated_key_is_fetched_when_a_token_names_it(jwks: JwksServer, pool_key: rsa.RSAPrivateKey,
                                                         rotated_key: rsa.RSAPrivateKey) -> None:
    clock = Clock()
    jwks.keys = [jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url, refetch_seconds=30, clock=clock)
    keys.key_for({"kid": "k1"})
    jwks.keys.append(jwk_of(rotated_key, "k2"))
    clock.now = 31

    token = split_token(rs256(rotated_key, "k2"))
    verify_rs256(token, keys.key_for(token.header))

    assert jwks.requests == 2


def test_unknown_key_ids_refetch_at_most_once_per_interval(jwks: JwksServer, pool_key: rsa.RSAPrivateKey) -> None:
    clock = Clock()
    jwks.keys = [jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url, refetch_seconds=30, clock=clock)
    keys.key_for({"kid": "k1"})

    ask_for_made_up_kids(keys, clock, refused="No signing key")
    assert jwks.requests == 1

    clock.now = 31
    with pytest.raises(TokenError, match="No signing key"):
        keys.key_for({"kid": "x4"})
    assert jwks.requests == 2


@pytest.mark.parametrize(("status", "body"), [
    pytest.param(500, b"oops", id="server-error"),
    pytest.param(200, b"not json", id="not-json"),
    pytest.param(200, b"[1, 2]", id="not-an-object"),
    pytest.param(200, b'{"keys": {}}', id="keys-not-a-list"),
    pytest.param(200, b"[" * 5000, id="nested-too-deep"),
    pytest.param(302, b"", id="redirect"),
])
def test_a_jwks_that_cannot_be_read_is_a_token_error_and_failed_fetches_are_rate_limited(
        jwks: JwksServer, status: int, body: bytes) -> None:
    clock = Clock()
    jwks.status, jwks.body = status, body
    keys = JwksKeys(jwks.url, refetch_seconds=30, clock=clock)

    ask_for_made_up_kids(keys, clock, refused="could not be read|has no keys")

    assert jwks.requests == 1


def test_a_failed_refresh_keeps_the_keys_held(jwks: JwksServer, pool_key: rsa.RSAPrivateKey) -> None:
    clock = Clock()
    jwks.keys = [jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url, lifespan=3600, clock=clock)
    keys.key_for({"kid": "k1"})
    jwks.status, jwks.body = 503, b"down"
    clock.now = 3600

    assert keys.key_for({"kid": "k1"}).public_numbers() == pool_key.public_key().public_numbers()
    assert jwks.requests == 2


def test_keys_are_fetched_again_after_their_lifespan(jwks: JwksServer, pool_key: rsa.RSAPrivateKey) -> None:
    clock = Clock()
    jwks.keys = [jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url, lifespan=3600, clock=clock)
    keys.key_for({"kid": "k1"})
    jwks.keys = []
    clock.now = 3600

    with pytest.raises(TokenError, match="No signing key"):
        keys.key_for({"kid": "k1"})
    assert jwks.requests == 2


def test_keys_for_other_uses_and_malformed_keys_are_left_out(jwks: JwksServer, pool_key: rsa.RSAPrivateKey,
                                                               rotated_key: rsa.RSAPrivateKey) -> None:
    jwks.keys = [{**jwk_of(rotated_key, "enc"), "use": "enc"}, {**jwk_of(rotated_key, "ps"), "alg": "PS256"},
                 {"kty": "RSA", "kid": "broken", "n": "***", "e": "AQAB"}, {"kty": "EC", "kid": "ec"},
                 jwk_of(pool_key, "k1")]
    keys = JwksKeys(jwks.url)

    assert keys.key_for({"kid": "k1"}).public_numbers() == pool_key.public_key().public_numbers()
    for kid in ("enc", "ps", "broken", "ec"):
        with pytest.raises(TokenError):
            keys.key_for({"kid": kid})


def test_a_token_naming_no_key_is_refused_without_a_fetch(jwks: JwksServer) -> None:
    keys = JwksKeys(jwks.url)

    with pytest.raises(TokenError, match="names no signing key"):
        keys.key_for({"alg": "RS256"})
    assert jwks.requests == 0


def test_an_unreachable_jwks_is_a_token_error() -> None:
    server = JwksServer()
    url = server.url
    server.close()

    with pytest.raises(TokenError, match="could not be read"):
        JwksKeys(url, timeout=2).key_for({"kid": "k1"})


# Inputs a caller must see as a TokenError (so as a 401), never as another exception (a 500)


def test_json_nested_thousands_deep_is_a_token_error_and_a_401(pool_key: rsa.RSAPrivateKey) -> None:
    from opsdesk.tokens import TokenVerifier

    deep = f"{encode_segment(b'[' * 2000)}.e30."
    public = pool_key.public_key()
    verifier = TokenVerifier(issuer="i", client_ids=frozenset({"c"}), jwks_url="http://unused",
                             key_resolver=lambda _h: public)

    with pytest.raises(TokenError):
        split_token(deep)
    with pytest.raises(Unauthorized):
        verifier.verify_id_token(deep)


def test_a_token_longer_than_any_pool_issues_is_refused_before_decoding() -> None:
    with pytest.raises(TokenError, match="at most"):
        split_token("e30." + "a" * MAX_TOKEN_CHARS + ".")


@pytest.mark.parametrize("token", [None, 7, b"e30.e30."])
def test_a_token_that_is_not_text_is_a_token_error(token: Any) -> None:
    with pytest.raises(TokenError):
        split_token(token)


def test_a_signature_spelled_with_unused_bits_set_is_refused(pool_key: rsa.RSAPrivateKey) -> None:
    token = rs256(pool_key, "k1")
    head, body, signature = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    respelled = signature[:-1] + alphabet[alphabet.index(signature[-1]) ^ 1]  # the same bytes, another spelling

    verify_rs256(split_token(token), pool_key.public_key())
    with pytest.raises(TokenError, match="canonical"):
        split_token(f"{head}.{body}.{respelled}")


@pytest.mark.parametrize("claims", [
    {"exp": float("nan")}, {"exp": float("inf")}, {"nbf": float("nan")}, {"iat": float("-inf")},
])
def test_times_that_are_not_finite_are_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(TokenError, match="not a number"):
        check_claims(claims, now=NOW)


def test_a_null_required_claim_is_missing_and_a_subject_is_text() -> None:
    with pytest.raises(TokenError, match="no sub claim"):
        check_claims({"sub": None, "exp": NOW + 1}, now=NOW, required=("sub",))
    with pytest.raises(TokenError, match="sub is not a string"):
        check_claims({"sub": 42}, now=NOW)


# Agreement with PyJWT 2.15 on the registered claims (beyond it: non-finite times, null claims, crit headers)


AGREEMENT = [
    ({"exp": NOW + 1}, 0), ({"exp": NOW}, 0), ({"exp": NOW - 5}, 5), ({"exp": NOW - 5}, 6), ({"nbf": NOW + 5}, 5),
    ({"nbf": NOW + 6}, 5), ({"iat": NOW + 1}, 0), ({"iat": NOW}, 0), ({"exp": "soon"}, 0), ({"iss": "other"}, 0),
    ({"aud": ["x", "app"]}, 0), ({"aud": ["x"]}, 0), ({"aud": "app "}, 0), ({"sub": 7}, 0), ({"jti": 7}, 0),
]


@pytest.mark.parametrize(("changes", "leeway"), AGREEMENT)
def test_claims_are_accepted_and_refused_as_pyjwt_does(changes: dict[str, Any], leeway: int) -> None:
    from unittest import mock

    claims = {"iss": "me", "aud": "app", "sub": "u", "exp": NOW + 60, "iat": NOW - 60} | changes
    key = b"k" * 32
    token = jwt.encode(claims, key, algorithm="HS256")

    def ours() -> bool:
        try:
            signed = split_token(token)
            verify_hs256(signed, key)
            check_claims(signed.claims, now=NOW, leeway=leeway, required=("exp", "sub"), issuer="me",
                         audience="app")
        except TokenError:
            return False
        return True

    def pyjwt() -> bool:
        with mock.patch("jwt.api_jwt.datetime") as clock:
            from datetime import UTC, datetime

            clock.now.return_value = datetime.fromtimestamp(NOW, tz=UTC)
            clock.side_effect = datetime
            try:
                jwt.decode(token, key, algorithms=["HS256"], audience="app", issuer="me", leeway=leeway,
                           options={"require": ["exp", "sub"]})
            except jwt.PyJWTError:
                return False
        return True

    assert ours() == pyjwt()


def test_an_rs256_check_needs_an_rsa_public_key(pool_key: rsa.RSAPrivateKey) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = pool_key.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)

    with pytest.raises(TokenError, match="needs an RSA public key"):
        verify_rs256(split_token(rs256(pool_key, "k1")), pem)  # type: ignore[arg-type]  # bytes on purpose
