"""realtime-ws: the WebSocket API's $connect, $disconnect and $default routes (connect, subscribe, unsubscribe), and
the response module's incident rooms (`?incident_id=`: opsdesk.response.rooms)."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from opsdesk.apimap import COPILOT
from opsdesk.auth import Principal, principal_from_claims
from opsdesk.clock import utc_now
from opsdesk.connections import ConnectionRegistry
from opsdesk.cursors import secret_key_source
from opsdesk.errors import DomainError, Unauthorized
from opsdesk.eventlog import EventLog
from opsdesk.observability import logger
from opsdesk.realtime import Rooms
from opsdesk.response.rooms import ROOM_QUERY_PARAMETER
from opsdesk.revocations import SessionRevocations, session_of
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


class IncidentRoomsOnFirstUse:
    """The response module's incident rooms, made when a connection first joins one: most connections are other
    modules', and the response store is ~15 ms of every cold import."""

    @cached_property
    def _rooms(self) -> Rooms:
        from opsdesk.response.repository import ResponseRepository  # noqa: PLC0415 - first room only
        from opsdesk.response.rooms import IncidentRooms  # noqa: PLC0415
        from opsdesk.response.service import ResponseService  # noqa: PLC0415

        return IncidentRooms(ResponseService(ResponseRepository(EventLog(), load_settings(ResponseSettings))))

    def stream_for(self, principal: Principal, room: str) -> str:
        return self._rooms.stream_for(principal, room)

    def post(self, principal: Principal, room: str, message: dict[str, Any]) -> None:
        self._rooms.post(principal, room, message)


rooms = IncidentRoomsOnFirstUse()


def authenticate(token: str) -> Principal:
    """A Cognito ID token, or the copilot's WebSocket token (opsdesk.wstokens), which names a project. Either way
    the caller carries the session (a signed-out one is refused)."""
    if is_ws_token(token):
        claims = ws_tokens.verify(token)
        if claims.session_id is not None:
            refuse_signed_out(claims.session_id)
        return Principal(user_id=claims.user_id, tenant_id=claims.tenant_id, username=claims.user_id,
                         groups=claims.groups, project_id=claims.project_id, session_id=claims.session_id)
    verified = verifier.verify_id_token(token)
    session = session_of(verified)
    if session is not None:
        refuse_signed_out(session)
    principal = principal_from_claims(verified, settings.accepted_client_ids)
    return replace(principal, project_id=copilot_project(principal, time.time() - float(verified.get("iat", 0))),
                   session_id=session)


def refuse_signed_out(session: str) -> None:
    """A logout ends the session's tokens (and ws-tokens asked with them) here too, not only at the REST APIs."""
    signed_out = revocations()
    if signed_out is not None and signed_out.is_session_revoked(session):
        raise Unauthorized("Signed out")


def copilot_project(principal: Principal, token_age_seconds: float) -> str | None:
    """The copilot document connects with its access token (the Cognito ID token): such a connection follows the
    user's current project, as a ws-token of theirs would name it (opsdesk.copilot.records.connection_project).
    Not a copilot user, or the read failed: no project, and subscribing to a project channel says how to get one."""
    from opsdesk.copilot.records import connection_project  # noqa: PLC0415 - first connect only, as the store

    assert COPILOT.session is not None and COPILOT.session.token_lifetime_seconds is not None
    try:
        user = copilot_accounts().get_user(principal.tenant_id, principal.user_id)
    except DomainError as exc:  # throttled: the connection stands, without project channels
        logger.warning("copilot user not read", extra={"reason": exc.message})
        return None
    return connection_project(user, token_age_seconds, COPILOT.session.token_lifetime_seconds)


@cache
def revocations() -> SessionRevocations | None:
    """Made on the first connect with a Cognito token (its boto3 client is not needed before)."""
    if settings.sessions_table_name is None:
        return None
    return SessionRevocations.connect(settings.sessions_table_name, settings.aws_region, settings.aws_endpoint_url)


@cache
def copilot_accounts() -> AccountRepository:
    """Made on the first connect with a Cognito token or subscription to a project channel."""
    from opsdesk.copilot.account_repository import AccountRepository  # noqa: PLC0415 - first use only

    return AccountRepository(settings=copilot_settings)


class ProjectMembers:
    """Who may follow a project's channels, asked when a connection subscribes to them (its token may predate a
    removal from the project)."""

    def following(self, tenant_id: str, project_id: str, user_ids: Collection[str]) -> frozenset[str]:
        return copilot_accounts().following(tenant_id, project_id, user_ids)


project_members = ProjectMembers()


class SignedOutOnFirstUse:
    """The signed-out sessions, read when a connection with a session subscribes (revocations() makes its client
    then: a $connect without a token and a $disconnect need none)."""

    def is_session_revoked(self, session: str) -> bool:
        signed_out = revocations()
        return signed_out is not None and signed_out.is_session_revoked(session)


signed_out_sessions = SignedOutOnFirstUse()


@cache
def management_api(endpoint: str) -> ManagementApiPoster:
    """One poster per endpoint; it builds its boto3 client on its first post, so a $connect (most cold starts) and a
    $disconnect, which post nothing, do not."""
    return ManagementApiPoster(endpoint, settings.aws_region)


def poster_for(request_context: dict[str, Any]) -> ManagementApiPoster:
    return management_api(
        settings.management_url or f"https://{request_context['domainName']}/{request_context['stage']}")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request_context = event["requestContext"]
    route, connection_id = request_context["routeKey"], request_context["connectionId"]
    session = WebSocketSession(registry, poster_for(request_context), authenticate, rooms, project_members,
                               signed_out_sessions)
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
