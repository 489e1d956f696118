"""copilot-session: the signed-in auth routes: logout, me, switch-project and the WebSocket token."""

from __future__ import annotations

from functools import cache
from typing import Any

from opsdesk.apimap import COPILOT
from opsdesk.copilot.accounts import AccountService
from opsdesk.copilot.cookies import REFRESH_READER, cleared_cookies
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.views import project_role_view, project_view, user_view
from opsdesk.cursors import secret_key_source
from opsdesk.directory import CognitoDirectory
from opsdesk.http import create_api, current_claims, current_principal, json_response, request_body
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.revocations import SessionRevocations
from opsdesk.sessions import header
from opsdesk.settings import CopilotAuthSettings, load_settings
from opsdesk.tokens import TokenVerifier
from opsdesk.wstokens import WsTokens

settings = load_settings(CopilotAuthSettings)
app = create_api(COPILOT, settings)
NO_STORE = {"Cache-Control": "no-store"}


@cache
def verifier() -> TokenVerifier:
    """Made when an ID token is verified, which none of these routes does (the API's authorizer did): the JWT
    library it loads is ~0.3 x `import boto3`."""
    return TokenVerifier.from_settings(settings)


@cache
def accounts() -> AccountService:
    directory = CognitoDirectory.from_settings(settings.aws_region, settings.aws_endpoint_url,
                                               settings.user_pool_id, settings.sign_in_client_id)
    ws_tokens = WsTokens(secret_key_source(settings.ws_token_secret_arn, settings.aws_region,
                                           settings.aws_endpoint_url))
    revocations = None
    if settings.sessions_table_name is not None:
        revocations = SessionRevocations.connect(settings.sessions_table_name, settings.aws_region,
                                                 settings.aws_endpoint_url)
    return AccountService(CopilotRepository(), directory, lambda token: verifier().verify_id_token(token),
                          ws_tokens=ws_tokens, revocations=revocations)


@app.post("/auth/logout")
def handle_logout() -> Response[str]:
    """Revokes the refresh token (cookie or body) and clears both cookies."""
    body_token = None
    if app.current_event.body:
        from opsdesk.copilot.requests import RefreshRequest  # noqa: PLC0415 - pydantic loads with the first body

        body_token = request_body(app, RefreshRequest, settings.max_body_bytes).refresh_token
    accounts().logout(body_token or REFRESH_READER.read(header(app.current_event.headers, "cookie")),
                      current_claims(app))
    return json_response(200, {"message": "Logged out"}, headers=NO_STORE, cookies=cleared_cookies())


@app.get("/auth/me")
def handle_me() -> dict[str, Any]:
    user, projects = accounts().me(current_principal(app))
    return {**user_view(user, with_project=True), "projects": [project_role_view(p, r) for p, r in projects]}


@app.post("/auth/switch-project")
def handle_switch_project() -> dict[str, Any]:
    from opsdesk.copilot.requests import SwitchProjectRequest  # noqa: PLC0415 - pydantic loads with the first body

    request = request_body(app, SwitchProjectRequest, settings.max_body_bytes)
    user, project, role = accounts().switch_project(current_principal(app), request.project_id)
    return {"user": user_view(user, with_project=True), "project": project_view(project, role)}


@app.get("/auth/ws-token")
def handle_ws_token() -> Response[str]:
    token, seconds = accounts().ws_token(current_principal(app), current_claims(app))
    return json_response(200, {"token": token, "expires_in": seconds}, headers=NO_STORE)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
