"""Verification of Cognito ID tokens against the pool's JWKS: what API Gateway's Cognito authorizer does,
for the local gateway and for the Lambda REQUEST authorizers that also accept a cookie."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from opsdesk.errors import Unauthorized
from opsdesk.settings import TokenSettings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

REQUIRED_CLAIMS = ("exp", "iat", "iss", "sub", "aud")


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        client_ids: frozenset[str],
        jwks_url: str,
        leeway_seconds: int = 0,
        key_resolver: Callable[[Mapping[str, Any]], RSAPublicKey] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`key_resolver` finds the public key for a token's header; by default the pool's JWKS (jose.JwksKeys,
        fetched on the first token)."""
        from opsdesk.jose import JwksKeys  # noqa: PLC0415 - the functions that check no token (most) load none of it

        self._issuer = issuer
        self._client_ids = client_ids
        self._leeway = leeway_seconds
        self._key_for = key_resolver or JwksKeys(jwks_url).key_for
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: TokenSettings) -> TokenVerifier:
        return cls(issuer=settings.issuer, client_ids=settings.accepted_client_ids, jwks_url=settings.jwks_url)

    def verify_id_token(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid ID token of this pool and one of its clients, or raise Unauthorized.

        Checked: RS256 signature by a key of the pool's JWKS, `iss`, `aud` (one of the platform's app clients),
        `exp` (and `nbf`, `iat` not in the future), and `token_use == "id"` (an access token is refused, as API
        Gateway's authorizer refuses it)."""
        from opsdesk.jose import ExpiredToken, TokenError, check_claims, split_token, verify_rs256  # noqa: PLC0415

        try:
            signed = split_token(token)
            verify_rs256(signed, self._key_for(signed.header))
            check_claims(signed.claims, now=self._clock(), leeway=self._leeway, required=REQUIRED_CLAIMS,
                         issuer=self._issuer, audience=self._client_ids)
        except ExpiredToken as exc:
            raise Unauthorized("Token expired") from exc
        except (TokenError, ValueError, KeyError) as exc:
            raise Unauthorized("Invalid token") from exc
        if signed.claims.get("token_use") != "id":
            raise Unauthorized("Not an ID token")
        return signed.claims


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an Authorization header; API Gateway's Cognito authorizer takes it bare or as Bearer."""
    if not authorization_header:
        return None
    value = authorization_header.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        value = rest.strip()
    return value or None
