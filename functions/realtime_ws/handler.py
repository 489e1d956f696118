"""realtime-ws: the WebSocket API's $connect, $disconnect and $default routes (connect, subscribe, unsubscribe), and
the response module's incident rooms (`?incident_id=`: opsdesk.response.rooms)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal, principal_from_claims
from opsdesk.clock import utc_now
from opsdesk.connections import ConnectionRegistry
from opsdesk.cursors import secret_key_source
from opsdesk.errors import DomainError, Unauthorized
from opsdesk.eventlog import EventLog
from opsdesk.observability import logger
from opsdesk.response.repository import ResponseRepository
from opsdesk.response.rooms import ROOM_QUERY_PARAMETER, IncidentRooms
from opsdesk.response.service import ResponseService
from opsdesk.settings import CopilotSettings, RealtimeSettings, ResponseSettings, load_settings
from opsdesk.tokens import TokenVerifier
from opsdesk.wsapi import ManagementApiPoster
from opsdesk.wssession import WebSocketSession
from opsdesk.wstokens import WsTokens, is_ws_token

if TYPE_CHECKING:
    from opsdesk.copilot.account_repository import AccountRepository

settings = load_settings(RealtimeSettings)
copilot_settings = load_settings(CopilotSettings)
verifier = TokenVerifier.from_settings(settings)
registry = ConnectionRegistry()
ws_tokens = WsTokens(secret_key_source(settings.cursor_key_secret_arn, settings.aws_region, settings.aws_endpoint_url))
rooms = IncidentRooms(ResponseService(ResponseRepository(EventLog(), load_settings(ResponseSettings))))
_posters: dict[str, ManagementApiPoster] = {}


def authenticate(token: str) -> Principal:
    """A Cognito ID token, or the copilot's WebSocket token (opsdesk.wstokens), which names a project."""
    if is_ws_token(token):
        claims = ws_tokens.verify(token)
        return Principal(user_id=claims.user_id, tenant_id=claims.tenant_id, username=claims.user_id,
                         groups=claims.groups, project_id=claims.project_id)
    principal = principal_from_claims(verifier.verify_id_token(token), settings.app_client_id)
    # The copilot document connects with its access token (the Cognito ID token): the connection follows the
    # user's current project, as a ws-token of theirs would name it. Not a copilot user: no project.
    user = copilot_accounts().get_user(principal.tenant_id, principal.user_id)
    return replace(principal, project_id=user.active_project_id if user else None)


@cache
def copilot_accounts() -> AccountRepository:
    """Made on the first connect with a Cognito token (a ws-token names its project itself)."""
    from opsdesk.copilot.account_repository import AccountRepository  # noqa: PLC0415 - first use only

    return AccountRepository(settings=copilot_settings)


def poster_for(request_context: dict[str, Any]) -> ManagementApiPoster:
    endpoint = settings.management_url or f"https://{request_context['domainName']}/{request_context['stage']}"
    if endpoint not in _posters:
        _posters[endpoint] = ManagementApiPoster(endpoint, settings.aws_region)
    return _posters[endpoint]


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request_context = event["requestContext"]
    route, connection_id = request_context["routeKey"], request_context["connectionId"]
    session = WebSocketSession(registry, poster_for(request_context), authenticate, rooms)
    if route == "$connect":
        query = event.get("queryStringParameters") or {}
        try:
            session.on_connect(connection_id, query.get("token"), utc_now(), room=query.get(ROOM_QUERY_PARAMETER))
        except Unauthorized:
            return {"statusCode": 401, "body": "Unauthorized"}
        except DomainError:  # a room that is none of the user's: refused as if it did not exist
            return {"statusCode": 403, "body": "Forbidden"}
    elif route == "$disconnect":
        session.on_disconnect(connection_id)
    else:
        session.on_message(connection_id, event.get("body"), utc_now())
    return {"statusCode": 200}
