"""Cookie sessions (DESIGN.md §2): the helpdesk document promises `POST /login` setting an HttpOnly cookie that
authenticates later requests, next to the ordinary bearer token.

- The cookie holds the user's Cognito ID token, so a request carrying it is verified exactly like a bearer token
  (JWKS signature, `iss`, `aud`, `token_use`, `exp`: opsdesk.tokens) and nothing is stored server-side.
  `HttpOnly; Secure; SameSite=Strict; Path=<module base path>`; Max-Age is what is left of the token's lifetime.
  Strict rather than Lax: only the frontend's own requests (fetch, EventSource) need the cookie, never a
  navigation from another site, and Strict also keeps it off cross-site top-level GETs.
- A Lambda REQUEST authorizer (functions/session_authorizer) runs `SessionAuthorizer` in front of the module's
  routes: a bearer token if the request has an Authorization header (a bad one is a 401, never a fallback to the
  cookie), else the cookie when the cookie login is on. It answers an IAM policy and a context holding the claims
  (as JSON) and the channel (`bearer` or `cookie`); opsdesk.http reads that context like the Cognito authorizer's
  claims, so the function builds the same Principal either way. The local gateway runs the same handler.
- `PasswordSignIn` is the Cognito InitiateAuth (USER_PASSWORD_AUTH) behind `/login`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any, Literal, Protocol

from opsdesk.errors import DomainError, RateLimited, Unauthorized
from opsdesk.frozen import frozen
from opsdesk.tokens import TokenVerifier, bearer_token

Channel = Literal["bearer", "cookie"]
CLAIMS_CONTEXT_KEY = "claims"
CHANNEL_CONTEXT_KEY = "channel"
SAME_SITE = "Strict"
INVALID_CREDENTIALS = "Invalid username or password"


@frozen
class SessionCookie:
    name: str
    path: str
    """The module's base path: the browser sends the cookie to that module only."""

    def issue(self, token: str, max_age_seconds: int) -> str:
        """The Set-Cookie header value that starts a session."""
        return f"{self.name}={token}; Max-Age={max(0, max_age_seconds)}; {self._attributes()}"

    def clear(self) -> str:
        """The Set-Cookie header value that ends it (an expired, empty cookie of the same name and path)."""
        return f"{self.name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; {self._attributes()}"

    def read(self, cookie_header: str | None) -> str | None:
        if not cookie_header:
            return None
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            return None
        morsel = jar.get(self.name)
        return morsel.value if morsel is not None and morsel.value else None

    def _attributes(self) -> str:
        return f"Path={self.path}; HttpOnly; Secure; SameSite={SAME_SITE}"


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A header's value whatever its case (API Gateway keeps the case the client sent)."""
    wanted = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == wanted and value is not None:
            return str(value)
    return None


def request_token(headers: Mapping[str, Any] | None, cookie: SessionCookie | None) -> tuple[str, Channel] | None:
    """The ID token a request authenticates with: the Authorization header's if present (even a malformed one:
    a client that sends a token means that token), else the session cookie's when cookies are accepted."""
    authorization = header(headers, "authorization")
    if authorization is not None:
        token = bearer_token(authorization)
        return (token, "bearer") if token else ("", "bearer")
    if cookie is not None:
        value = cookie.read(header(headers, "cookie"))
        if value:
            return value, "cookie"
    return None


class SignedOutSessions(Protocol):
    """The sessions people signed out of (opsdesk.revocations.SessionRevocations)."""

    def is_revoked(self, claims: Mapping[str, Any]) -> bool: ...


class SessionAuthorizer:
    """What the Lambda REQUEST authorizer decides; `cookie` None means the cookie login is off (cookies ignored)."""

    def __init__(self, verifier: TokenVerifier, cookie: SessionCookie | None, *,
                 token_lifetime_seconds: int | None = None, revocations: SignedOutSessions | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._verifier = verifier
        self._cookie = cookie
        self._lifetime = token_lifetime_seconds
        self._revocations = revocations
        self._clock = clock

    def verify(self, headers: Mapping[str, Any] | None) -> tuple[dict[str, Any], Channel]:
        """The verified claims and how they came, or Unauthorized: also for a token older than the module's
        token lifetime, and for one of a session its user signed out of."""
        found = request_token(headers, self._cookie)
        if found is None or not found[0]:
            raise Unauthorized()
        token, channel = found
        claims = self._verifier.verify_id_token(token)
        if self._lifetime is not None and self._clock() - float(claims.get("iat", 0)) > self._lifetime:
            raise Unauthorized("Token expired")
        if self._revocations is not None and self._revocations.is_revoked(claims):
            raise Unauthorized("Signed out")
        return claims, channel

    def authorize(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """The authorizer's answer to API Gateway: allow the API's methods for this caller, with the claims in
        the context. Unauthorized propagates (the handler turns it into API Gateway's 401)."""
        claims, channel = self.verify(event.get("headers"))
        return {
            "principalId": str(claims["sub"]),
            "policyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                               "Resource": api_wide_resource(str(event.get("methodArn", "")))}],
            },
            "context": {CLAIMS_CONTEXT_KEY: json.dumps(claims, separators=(",", ":")), CHANNEL_CONTEXT_KEY: channel},
        }


def api_wide_resource(method_arn: str) -> str:
    """`arn:...:<api>/<stage>/<VERB>/<path>` -> `arn:...:<api>/<stage>/*`: the decision is about the caller, not
    the route, so it stays right if API Gateway caches it for another method of the same API."""
    parts = method_arn.split("/")
    return "/".join(parts[:2] + ["*"]) if len(parts) >= 2 else method_arn


def claims_from_context(authorizer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The claims an authorizer handed to the function: the Cognito authorizer's `claims` object, or the session
    authorizer's JSON text under the same key."""
    if not authorizer:
        return None
    raw = authorizer.get(CLAIMS_CONTEXT_KEY)
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return dict(raw) if isinstance(raw, Mapping) else None


def channel_from_context(authorizer: Mapping[str, Any] | None) -> Channel:
    """How the caller authenticated; the Cognito authorizer only takes bearer tokens."""
    return "cookie" if (authorizer or {}).get(CHANNEL_CONTEXT_KEY) == "cookie" else "bearer"


def seconds_left(claims: Mapping[str, Any], now: float | None = None) -> int:
    """What is left of a token's lifetime: the session cookie's Max-Age."""
    return max(0, int(claims.get("exp", 0)) - int(now if now is not None else time.time()))


class PasswordSignIn:
    """Cognito's InitiateAuth with USER_PASSWORD_AUTH for a public app client (no secret)."""

    def __init__(self, cognito: Any, client_id: str) -> None:
        self._cognito = cognito
        self._client_id = client_id

    @classmethod
    def from_settings(cls, region: str, endpoint_url: str | None, client_id: str) -> PasswordSignIn:
        """With its own Cognito client. Build it on the first sign-in, not at cold start: a boto3 client costs
        ~100 ms, and the session authorizer, which imports this module, never signs anyone in."""
        import boto3  # noqa: PLC0415 - see above

        return cls(boto3.client("cognito-idp", region_name=region, endpoint_url=endpoint_url), client_id)

    def sign_in(self, username: str, password: str) -> str:
        """The ID token of a user who signed in, or Unauthorized (wrong password, unknown or unconfirmed user, a
        challenge such as a required new password), RateLimited when Cognito throttles; other failures raise."""
        from botocore.exceptions import ClientError  # noqa: PLC0415 - botocore is loaded by boto3 already

        try:
            result = self._cognito.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in {"NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException",
                        "PasswordResetRequiredException"}:
                raise Unauthorized(INVALID_CREDENTIALS) from exc
            if code in {"TooManyRequestsException", "LimitExceededException"}:
                raise RateLimited("Too many sign-in attempts; retry shortly", headers={"Retry-After": "1"}) from exc
            raise DomainError() from exc
        tokens = result.get("AuthenticationResult") or {}
        if "IdToken" not in tokens:
            # A challenge (new password, MFA) cannot be answered through this endpoint.
            raise Unauthorized("Sign-in needs a step this endpoint cannot complete")
        return str(tokens["IdToken"])
