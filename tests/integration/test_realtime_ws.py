"""The WebSocket route function's poster builds its boto3 client when a reply is first posted, so a $connect or a
$disconnect (most of its cold starts) builds none."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext


def ws_event(route: str, connection_id: str, body: str | None = None) -> dict[str, Any]:
    return {"requestContext": {"routeKey": route, "connectionId": connection_id, "domainName": "ws.example",
                               "stage": "prod"}, "body": body}


def test_connecting_and_disconnecting_post_nothing_and_the_first_reply_makes_the_client(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from functions.realtime_ws import handler

    made: list[str] = []
    posted: list[tuple[str, bytes]] = []

    class RecordingClient:
        def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:  # noqa: N803 - boto3's names
            posted.append((ConnectionId, Data))

    def client(service: str, **kwargs: Any) -> RecordingClient:
        made.append(str(kwargs["endpoint_url"]))
        return RecordingClient()

    monkeypatch.setattr(boto3, "client", client)
    handler.management_api.cache_clear()
    context = LambdaContext("realtime-ws", "us-east-1")
    connection = str(uuid.uuid4())

    assert handler.lambda_handler(ws_event("$connect", connection), context) == {"statusCode": 200}
    assert made == []

    assert handler.lambda_handler(ws_event("$default", connection, '{"type": "ping"}'), context)["statusCode"] == 200
    assert posted == [(connection, b'{"type":"pong"}')]
    assert made == [handler.settings.management_url or "https://ws.example/prod"]

    assert handler.lambda_handler(ws_event("$disconnect", connection), context) == {"statusCode": 200}
    assert len(made) == 1


class RecordingPoster:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        self.sent.append((connection_id, message))
        return True


def signed_in(local_aws: Any) -> tuple[str, dict[str, Any]]:
    """A user of a new tenant signed in on moto's Cognito: their ID token and its claims."""
    import jwt

    from scripts.local.aws import create_user, sign_in

    email = f"eve-{uuid.uuid4().hex[:8]}@example.test"
    create_user(local_aws, email, "Passw0rd!Passw0rd", str(uuid.uuid4()))
    token = str(sign_in(local_aws, email, "Passw0rd!Passw0rd")["id_token"])
    return token, dict(jwt.decode(token, options={"verify_signature": False}))


def test_a_connection_opened_before_a_logout_subscribes_to_nothing_after_it_and_its_ws_token_opens_none(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.realtime_ws import handler
    from opsdesk.revocations import SessionRevocations, session_of
    from opsdesk.wstokens import WsClaims

    poster = RecordingPoster()
    monkeypatch.setattr(handler, "management_api", lambda endpoint: poster)
    context = LambdaContext("realtime-ws", "us-east-1")
    token, claims = signed_in(local_aws)
    ws_token, _ = handler.ws_tokens.issue(WsClaims(claims["sub"], claims["custom:tenant_id"], None, frozenset(),
                                                   session_of(claims)))
    connection = str(uuid.uuid4())

    # Given a connection opened with the ID token, and a ws-token asked with it, both before the logout
    assert handler.lambda_handler(ws_event("$connect", connection) | {"queryStringParameters": {"token": token}},
                                  context) == {"statusCode": 200}
    SessionRevocations.connect(local_aws.function_environment()["SESSIONS_TABLE_NAME"], "us-east-1",
                               local_aws.endpoint).revoke(claims)  # POST /logout

    # When the connection subscribes, and the ws-token opens another
    handler.lambda_handler(ws_event("$default", connection, '{"type": "subscribe", "channels": ["helpdesk"]}'),
                           context)
    with_ws_token = handler.lambda_handler(
        ws_event("$connect", str(uuid.uuid4())) | {"queryStringParameters": {"token": ws_token}}, context)

    # Then nothing is subscribed and the ws-token is refused
    assert poster.sent == [(connection, {"type": "error", "message": "Signed out: sign in and connect again"})]
    opened = handler.registry.get(connection)
    assert opened is not None and opened.streams == frozenset()
    assert with_ws_token == {"statusCode": 401, "body": "Unauthorized"}

