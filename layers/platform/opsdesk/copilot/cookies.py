"""The copilot's session cookies (seeds/sre-copilot-api.md, Authentication): `access_token` (the Cognito ID token,
15 minutes) on every route of the module, and `refresh_token` (7 days) only on its auth routes, so the long-lived
token never travels with ordinary requests. Both HttpOnly, Secure, SameSite=Strict (as opsdesk.sessions)."""

from __future__ import annotations

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

from opsdesk.apimap import COPILOT
from opsdesk.directory import Tokens
from opsdesk.sessions import SessionCookie

ACCESS_COOKIE = COPILOT.cookie_session.cookie
REFRESH_COOKIE = "refresh_token"
ACCESS_SECONDS = COPILOT.cookie_session.token_lifetime_seconds or 15 * 60
"""What the access token lives (the session authorizer refuses it after that, opsdesk.apimap)."""
REFRESH_SECONDS = 7 * 24 * 60 * 60
ACCESS_PATH = COPILOT.base_path
REFRESH_PATH = f"{COPILOT.base_path}/auth"
REFRESH_READER = SessionCookie(REFRESH_COOKIE, REFRESH_PATH)


def _cookie(name: str, value: str, path: str, max_age: int) -> Cookie:
    return Cookie(name, value, path=path, secure=True, http_only=True, max_age=max_age, same_site=SameSite.STRICT_MODE)


def session_cookies(tokens: Tokens) -> list[Cookie]:
    """Set both cookies (the refresh cookie only when there is a refresh token: a refresh keeps the old one)."""
    cookies = [_cookie(ACCESS_COOKIE, tokens.id_token, ACCESS_PATH, min(ACCESS_SECONDS, tokens.expires_in))]
    if tokens.refresh_token:
        cookies.append(_cookie(REFRESH_COOKIE, tokens.refresh_token, REFRESH_PATH, REFRESH_SECONDS))
    return cookies


def cleared_cookies() -> list[Cookie]:
    return [_cookie(ACCESS_COOKIE, "", ACCESS_PATH, 0), _cookie(REFRESH_COOKIE, "", REFRESH_PATH, 0)]
