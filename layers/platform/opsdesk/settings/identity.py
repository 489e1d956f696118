"""What verifies Cognito ID tokens and serves cookie sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from opsdesk.settings import PlatformSettings, setting

if TYPE_CHECKING:
    from opsdesk.apimodel import CookieSession


class TokenSettings(PlatformSettings):
    """What a verifier of Cognito ID tokens needs. The JWKS URL is its own setting because moto signs with
    the real AWS issuer URL while serving the keys on loopback (DESIGN.md §7)."""

    user_pool_id: str = setting("COGNITO_USER_POOL_ID", min_length=1)
    app_client_id: str = setting("COGNITO_APP_CLIENT_ID", min_length=1)
    issuer_override: str | None = setting("COGNITO_ISSUER", default=None)
    jwks_url_override: str | None = setting("COGNITO_JWKS_URL", default=None)

    @property
    def issuer(self) -> str:
        return self.issuer_override or f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return self.jwks_url_override or f"{self.issuer}/.well-known/jwks.json"


class UserLookupSettings(PlatformSettings):
    """Capability.USER_LOOKUP: the pool in which a function looks users up by id (opsdesk.directory.CognitoTenantUsers:
    the helpdesk's assignees and watchers)."""

    user_pool_id: str = setting("COGNITO_USER_POOL_ID", min_length=1)


class SessionSettings(TokenSettings):
    """Cookie sessions (helpdesk /login, the session authorizer, the helpdesk event stream): whether the cookie
    login of modules whose document makes it optional is on. Off unless set: `make dev` turns it on. The cookie
    itself is the module's (opsdesk.apimap.CookieSession)."""

    cookie_login: Literal["on", "off"] = setting("HELPDESK_COOKIE_LOGIN", default="off")
    sessions_table_name: str | None = setting("SESSIONS_TABLE_NAME", default=None)
    """Signed-out sessions (opsdesk.revocations): their tokens are refused. Unset: none is checked."""
    auth_mode: Literal["local", "oidc"] | None = setting("AUTH_MODE", default=None)
    """The helpdesk document's switch: `AUTH_MODE=local` turns the cookie login on as HELPDESK_COOKIE_LOGIN=on
    does (OIDC bearer tokens are always accepted)."""

    @property
    def cookie_login_enabled(self) -> bool:
        return self.cookie_login == "on" or self.auth_mode == "local"

    def accepts_cookie(self, session: CookieSession | None) -> bool:
        """Whether requests of a module with this session may authenticate by its cookie."""
        return session is not None and (session.always_on or self.cookie_login_enabled)
