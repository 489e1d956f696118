"""copilot-auth: the public auth routes of the copilot document: register, login and refresh. Each answers with
the session cookies (opsdesk.copilot.cookies) and the access token in the body."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot.accounts import AccountService, LoginThrottle
from opsdesk.copilot.cookies import ACCESS_SECONDS, REFRESH_READER, session_cookies
from opsdesk.copilot.queries import MISSING_FIELDS
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.views import project_role_view, tenant_view, user_view
from opsdesk.directory import CognitoDirectory
from opsdesk.errors import Unauthorized, ValidationFailed
from opsdesk.http import create_api, json_response, request_body, require_json_content_type
from opsdesk.observability import instrumented
from opsdesk.ratelimit import RateLimiter
from opsdesk.restapi import Response
from opsdesk.revocations import SessionRevocations
from opsdesk.sessions import header
from opsdesk.settings import CopilotAuthSettings, load_settings
from opsdesk.tokens import TokenVerifier

settings = load_settings(CopilotAuthSettings)
app = create_api(COPILOT, settings)
NO_STORE = {"Cache-Control": "no-store"}


@cache
def verifier() -> TokenVerifier:
    """Made on the first login or refresh, the routes that verify an ID token: the JWT library it loads is ~0.3 x
    `import boto3`."""
    return TokenVerifier.from_settings(settings)


@cache
def accounts() -> AccountService:
    """Made on the first request: the Cognito client is ~100 ms of cold start that no import needs."""
    directory = CognitoDirectory.from_settings(settings.aws_region, settings.aws_endpoint_url,
                                               settings.user_pool_id, settings.sign_in_client_id)
    signed_out = None
    if settings.sessions_table_name is not None:  # a refresh of a signed-out session is refused
        signed_out = SessionRevocations.connect(settings.sessions_table_name, settings.aws_region,
                                                settings.aws_endpoint_url)
    return AccountService(CopilotRepository(), directory, lambda token: verifier().verify_id_token(token),
                          throttle=LoginThrottle(RateLimiter(), time.sleep), revocations=signed_out)


SIGN_IN_NEEDS_JSON = "Sign-in must send application/json"
"""Register, login and a refresh with a body set session cookies: a cross-site form (text/plain, urlencoded) could
otherwise sign the victim's browser in to the attacker's account (login CSRF); a JSON type needs a CORS preflight."""


@app.post("/auth/register")
def handle_register() -> Response[str]:
    from opsdesk.copilot.requests import RegisterRequest  # noqa: PLC0415 - pydantic loads with the first body

    require_json_content_type(app, SIGN_IN_NEEDS_JSON)
    request = request_body(app, RegisterRequest, settings.max_body_bytes)
    signed_in = accounts().register(request)
    assert signed_in.tenant is not None
    return json_response(200, {"user": user_view(signed_in.user), "tenant": tenant_view(signed_in.tenant),
                               "access_token": signed_in.tokens.id_token, "token_type": "bearer"},
                         headers=NO_STORE, cookies=session_cookies(signed_in.tokens))


@app.post("/auth/login")
def handle_login() -> Response[str]:
    from opsdesk.copilot.requests import LoginRequest  # noqa: PLC0415 - pydantic loads with the first body

    try:
        require_json_content_type(app, SIGN_IN_NEEDS_JSON)
        request = request_body(app, LoginRequest, settings.max_body_bytes)
    except ValidationFailed as exc:
        # The document answers a sign-in without its fields with 400, not the module's usual 422.
        raise ValidationFailed(exc.message, details=exc.details, code=MISSING_FIELDS) from None
    source = app.current_event.request_context.identity.source_ip
    signed_in = accounts().login(request, source)
    return json_response(200, {"user": user_view(signed_in.user, with_project=True),
                               "projects": [project_role_view(p, r) for p, r in signed_in.projects],
                               "access_token": signed_in.tokens.id_token, "token_type": "bearer"},
                         headers=NO_STORE, cookies=session_cookies(signed_in.tokens))


@app.post("/auth/refresh")
def handle_refresh() -> Response[str]:
    """The refresh token of the cookie, or of the body (`{"refresh_token": "..."}`) for clients without cookies."""
    body_token = None
    if app.current_event.body:
        from opsdesk.copilot.requests import RefreshRequest  # noqa: PLC0415 - pydantic loads with the first body

        require_json_content_type(app, SIGN_IN_NEEDS_JSON)
        body_token = request_body(app, RefreshRequest, settings.max_body_bytes).refresh_token
    token = body_token or REFRESH_READER.read(header(app.current_event.headers, "cookie"))
    if not token:
        raise Unauthorized("Missing refresh token")
    tokens = accounts().refresh(token)
    return json_response(200, {"access_token": tokens.id_token, "token_type": "bearer",
                               "expires_in": min(ACCESS_SECONDS, tokens.expires_in)}, headers=NO_STORE,
                         cookies=session_cookies(tokens))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
