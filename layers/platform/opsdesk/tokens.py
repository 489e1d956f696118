"""Verification of Cognito ID tokens against the pool's JWKS: what API Gateway's Cognito authorizer does,
for the local gateway and for the Lambda REQUEST authorizers that also accept a cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opsdesk.errors import Unauthorized
from opsdesk.settings import TokenSettings

ALLOWED_ALGORITHMS = ["RS256"]


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        jwks_url: str,
        leeway_seconds: int = 0,
        key_resolver: Callable[[str], Any] | None = None,
    ) -> None:
        self._issuer = issuer
        self._client_id = client_id
        self._leeway = leeway_seconds
        if key_resolver is None:
            import jwt  # noqa: PLC0415 - with cryptography ~0.3 x `import boto3`: loaded by the functions that verify

            jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)
            key_resolver = lambda token: jwks.get_signing_key_from_jwt(token).key  # noqa: E731
        self._key_for = key_resolver

    @classmethod
    def from_settings(cls, settings: TokenSettings) -> TokenVerifier:
        return cls(issuer=settings.issuer, client_id=settings.app_client_id, jwks_url=settings.jwks_url)

    def verify_id_token(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid ID token of this pool and client, or raise Unauthorized.

        Checked: RS256 signature by a key of the pool's JWKS, `iss`, `aud` (the app client), `exp`,
        and `token_use == "id"` (an access token is refused, as API Gateway's authorizer refuses it)."""
        import jwt  # noqa: PLC0415 - see __init__

        try:
            key = self._key_for(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALLOWED_ALGORITHMS,
                audience=self._client_id,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("Token expired") from exc
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise Unauthorized("Invalid token") from exc
        if claims.get("token_use") != "id":
            raise Unauthorized("Not an ID token")
        return claims


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an Authorization header; API Gateway's Cognito authorizer takes it bare or as Bearer."""
    if not authorization_header:
        return None
    value = authorization_header.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        value = rest.strip()
    return value or None
