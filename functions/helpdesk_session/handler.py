"""helpdesk-session: `POST /login` signs in through Cognito and sets the session cookie, `POST /logout` clears it
and ends the session, so that a copy of the cookie is refused from then on (opsdesk.sessions, opsdesk.revocations).
Both are public routes; with the cookie login off (HELPDESK_COOKIE_LOGIN=off) both are 404."""

from __future__ import annotations

from functools import cache
from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.errors import NotFound, Unauthorized
from opsdesk.http import create_api, json_response, request_body, require_json_content_type
from opsdesk.observability import instrumented, logger
from opsdesk.restapi import Response
from opsdesk.revocations import SessionRevocations
from opsdesk.sessions import PasswordSignIn, SessionCookie, header, seconds_left
from opsdesk.settings import SessionSettings, load_settings
from opsdesk.tokens import TokenVerifier

settings = load_settings(SessionSettings)
app = create_api(HELPDESK, settings)
cookie = SessionCookie(HELPDESK.cookie_session.cookie, HELPDESK.base_path)


@cache
def password_sign_in() -> PasswordSignIn:
    """Made on the first /login: /logout needs none."""
    return PasswordSignIn.from_settings(settings.aws_region, settings.aws_endpoint_url, settings.app_client_id)


@cache
def verifier() -> TokenVerifier:
    """Made on the first request: the JWT library it loads is ~0.3 x `import boto3`."""
    return TokenVerifier.from_settings(settings)


@cache
def revocations() -> SessionRevocations | None:
    if settings.sessions_table_name is None:
        return None
    return SessionRevocations.connect(settings.sessions_table_name, settings.aws_region, settings.aws_endpoint_url)


def _require_cookie_login() -> None:
    if not settings.cookie_login_enabled:
        raise NotFound("Route not found")


@app.post("/login")
def handle_login() -> Response[str]:
    _require_cookie_login()
    # A cross-site form could otherwise sign the victim's browser in to the attacker's account (login CSRF).
    require_json_content_type(app, "Sign-in must send application/json")
    from opsdesk.helpdesk.requests import LoginRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, LoginRequest, settings.max_body_bytes)
    token = password_sign_in().sign_in(request.username, request.password)
    # Verified like any later request will be, and the cookie lives as long as the token does.
    claims = verifier().verify_id_token(token)
    return json_response(200, {"ok": True}, headers={"Set-Cookie": cookie.issue(token, seconds_left(claims)),
                                                     "Cache-Control": "no-store"})


@app.post("/logout")
def handle_logout() -> Response[str]:
    _require_cookie_login()
    end_session(cookie.read(header(app.current_event.headers, "cookie")))
    return json_response(200, {"ok": True}, headers={"Set-Cookie": cookie.clear(), "Cache-Control": "no-store"})


def end_session(token: str | None) -> None:
    """Records the cookie's session as signed out, so the session authorizer refuses a copy of the cookie (a
    stolen one too) until the token would have expired. Only a token that verifies ends a session: a forged one
    must not sign somebody else out. Without a valid cookie there is nothing to end, and logout still answers 200."""
    signed_out = revocations()
    if token is None or signed_out is None:
        return
    try:
        claims = verifier().verify_id_token(token)
    except Unauthorized as refused:  # also when the pool's keys could not be fetched: say which, for the logs
        logger.info("logout of a cookie that does not verify: no session ended", extra={"reason": refused.message})
        return
    signed_out.revoke(claims)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
