"""JSON Web Tokens as the platform uses them: RS256 ID tokens of the Cognito pool (opsdesk.tokens), checked
against the pool's JWKS, and HS256 tokens of our own (opsdesk.wstokens).

Not PyJWT: importing it loads every algorithm it knows (cryptography's EC, EdDSA, serialization and more), about
30 ms of the cold start of every function that verifies a token on its first request (the streams, the WebSocket
routes). The signature checks are the same as under PyJWT: RS256 by cryptography's RSA PKCS#1 v1.5 verify, HS256 by
`hmac` with a constant-time comparison. What is written here is the JWS compact form (RFC 7515) and the registered
claims (RFC 7519), with one algorithm per token kind: a token is never checked by the algorithm its header names
unless that is the one expected, so `alg: none` and an HS256 token signed with a public key are refused."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from opsdesk.auth import audience_names_one_of
from opsdesk.frozen import frozen

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
MAX_TOKEN_CHARS = 16 * 1024
"""Longer is refused before anything is decoded: a Cognito ID token is 1 to 4 KB, and API Gateway takes headers of
at most 10 KB."""


class TokenError(ValueError):
    """The token is malformed, wrongly signed or its claims do not hold."""


class ExpiredToken(TokenError):
    pass


@frozen
class SignedToken:
    """A JWS in compact form, split and decoded; nothing about it is verified yet."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def split_token(token: str) -> SignedToken:
    """The header, claims and signature of a compact JWS whose header and payload are JSON objects."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise TokenError(f"A token is text of at most {MAX_TOKEN_CHARS} characters")
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenError("A token has three dot-separated parts")
    header, claims = (_json_object(_decode_segment(part)) for part in parts[:2])
    if "crit" in header:  # RFC 7515 4.1.11: extensions we do not know must be refused, and we know none
        raise TokenError("Unsupported critical header parameters")
    return SignedToken(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), _decode_segment(parts[2]))


def encode_segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode_segment(segment: str) -> bytes:
    if not BASE64URL.fullmatch(segment):
        raise TokenError("A token's parts are unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error as exc:
        raise TokenError("A token's parts are unpadded base64url") from exc
    if encode_segment(data) != segment:  # unused low bits set: one token must have one spelling
        raise TokenError("A token's parts are canonical base64url")
    return data


def _json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: arrays nested thousands deep
        raise TokenError("A token's header and payload are JSON") from exc
    if not isinstance(value, dict):
        raise TokenError("A token's header and payload are JSON objects")
    return value


def _expect_algorithm(token: SignedToken, algorithm: str) -> None:
    if token.header.get("alg") != algorithm:
        raise TokenError(f"Only {algorithm} tokens are accepted here")


# RS256: the Cognito pool's ID tokens


def verify_rs256(token: SignedToken, key: RSAPublicKey) -> None:
    """Raise TokenError unless `token` is RS256 and signed by `key` (RSASSA-PKCS1-v1_5 with SHA-256)."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - loaded by the first token checked
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: PLC0415

    _expect_algorithm(token, "RS256")
    if not isinstance(key, rsa.RSAPublicKey):
        raise TokenError("RS256 needs an RSA public key")
    try:
        key.verify(token.signature, token.signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise TokenError("The token's signature does not verify") from exc


def rsa_key_from_jwk(jwk: Mapping[str, Any]) -> RSAPublicKey:
    """The public key of an RSA JWK (`n`, `e`: unsigned big-endian integers in base64url)."""
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415 - see verify_rs256

    if jwk.get("kty") != "RSA":
        raise TokenError("Not an RSA key")
    try:
        modulus, exponent = (int.from_bytes(_decode_segment(str(jwk[name])), "big") for name in ("n", "e"))
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except (KeyError, ValueError) as exc:
        raise TokenError("Not a usable RSA key") from exc


class JwksKeys:
    """The signing keys of a JWKS URL by `kid`: fetched on first use, kept for `lifespan` seconds, and fetched
    again when a token names a `kid` not held (a rotated key). Fetches, failed ones too, happen at most once per
    `refetch_seconds`, so tokens with made-up key ids cannot make every request fetch, nor queue every request
    behind a JWKS that is down; a failed refresh keeps the keys held."""

    def __init__(self, url: str, *, timeout: float = 5, lifespan: float = 3600, refetch_seconds: float = 30,
                 fetch: Callable[[str, float], bytes] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._url = url
        self._timeout = timeout
        self._lifespan = lifespan
        self._refetch_seconds = refetch_seconds
        self._fetch = fetch or _http_get
        self._clock = clock
        self._keys: dict[str, RSAPublicKey] = {}
        self._fetched_at: float | None = None
        """When the keys held were fetched."""
        self._tried_at: float | None = None
        """When a fetch was last tried, whatever came of it."""
        self._lock = threading.Lock()

    def key_for(self, header: Mapping[str, Any]) -> RSAPublicKey:
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenError("The token names no signing key")
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self._lifespan
            may_try = self._tried_at is None or now - self._tried_at >= self._refetch_seconds
            if (stale or kid not in self._keys) and may_try:
                self._tried_at = now
                try:
                    self._keys, self._fetched_at = self._load(), now
                except TokenError:
                    if not self._keys:
                        raise
            key, fetched = self._keys.get(kid), self._fetched_at is not None
        if key is None:
            raise TokenError(f"No signing key {kid!r} in the pool's JWKS" if fetched
                             else f"The JWKS at {self._url} could not be read")
        return key

    def _load(self) -> dict[str, RSAPublicKey]:
        import http.client  # noqa: PLC0415 - its errors, with the fetch

        try:
            document = json.loads(self._fetch(self._url, self._timeout))
        except (OSError, ValueError, RecursionError, http.client.HTTPException) as exc:
            raise TokenError(f"The JWKS at {self._url} could not be read") from exc
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, list):
            raise TokenError(f"The JWKS at {self._url} has no keys")
        usable = {}
        for jwk in keys:
            if (isinstance(jwk, dict) and isinstance(jwk.get("kid"), str) and jwk.get("kty") == "RSA"
                    and jwk.get("use", "sig") == "sig" and jwk.get("alg", "RS256") == "RS256"):
                try:
                    usable[jwk["kid"]] = rsa_key_from_jwk(jwk)
                except TokenError:
                    continue  # one malformed key must not stop the others from verifying
        return usable


def _http_get(url: str, timeout: float) -> bytes:
    """The JWKS document at an http(s) URL, without following redirects (a 3xx is an error: the pool serves its
    keys where its issuer says)."""
    import urllib.request  # noqa: PLC0415 - once an hour, on the first token of a cold start

    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url}")

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirects)
    with opener.open(url, timeout=timeout) as response:
        body: bytes = response.read()
    return body


# HS256: tokens the platform signs itself


def sign_hs256(claims: Mapping[str, Any], key: bytes) -> str:
    header = encode_segment(b'{"alg":"HS256","typ":"JWT"}')
    payload = encode_segment(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{encode_segment(_hmac_sha256(key, signing_input.encode('ascii')))}"


def verify_hs256(token: SignedToken, key: bytes) -> None:
    _expect_algorithm(token, "HS256")
    if not hmac.compare_digest(_hmac_sha256(key, token.signing_input), token.signature):
        raise TokenError("The token's signature does not verify")


def _hmac_sha256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


# Registered claims (RFC 7519 4.1)


def check_claims(claims: Mapping[str, Any], *, now: float, leeway: float = 0, required: Iterable[str] = (),
                 issuer: str | None = None, audience: str | frozenset[str] | None = None,
                 not_before: bool = True) -> None:
    """Raise TokenError (ExpiredToken for `exp`) unless the required claims are present and not null, `sub` and
    `jti` are text, the times are finite numbers that hold at `now` give or take `leeway` seconds (`exp` not
    passed; with `not_before`, `nbf` and `iat` come), `iss` is the one given and `aud` (a string, or a list holding
    one) is the audience given, or one of the set given."""
    missing = [name for name in required if claims.get(name) is None]
    if missing:
        raise TokenError(f"The token has no {', '.join(missing)} claim")
    for name in ("sub", "jti"):
        if name in claims and not isinstance(claims[name], str):
            raise TokenError(f"The token's {name} is not a string")
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)
                               or not math.isfinite(value)):
            raise TokenError(f"The token's {name} is not a number")
    if "exp" in claims and claims["exp"] <= now - leeway:
        raise ExpiredToken("The token has expired")
    for name in ("nbf", "iat") if not_before else ():
        if name in claims and claims[name] > now + leeway:
            raise TokenError("The token is not valid yet")
    if issuer is not None and claims.get("iss") != issuer:
        raise TokenError("The token is of another issuer")
    if audience is not None:
        accepted = frozenset({audience}) if isinstance(audience, str) else audience
        if not audience_names_one_of(claims.get("aud"), accepted):
            raise TokenError("The token is for another audience")
