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
