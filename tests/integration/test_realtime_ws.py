"""The WebSocket route function's poster: made when a reply is first posted, so a $connect or a $disconnect (most
of its cold starts) builds no boto3 client."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext


def ws_event(route: str, connection_id: str, body: str | None = None) -> dict[str, Any]:
    return {"requestContext": {"routeKey": route, "connectionId": connection_id, "domainName": "ws.example",
                               "stage": "prod"}, "body": body}


def test_connecting_and_disconnecting_post_nothing_and_the_first_reply_makes_the_poster(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.realtime_ws import handler

    made: list[str] = []
    posted: list[tuple[str, dict[str, Any]]] = []

    class Recording:
        def post(self, connection_id: str, message: dict[str, Any]) -> bool:
            posted.append((connection_id, message))
            return True

    def management_api(endpoint: str) -> Recording:
        made.append(endpoint)
        return Recording()

    monkeypatch.setattr(handler, "management_api", management_api)
    context = LambdaContext("realtime-ws", "us-east-1")
    connection = str(uuid.uuid4())

    assert handler.lambda_handler(ws_event("$connect", connection), context) == {"statusCode": 200}
    assert made == []

    assert handler.lambda_handler(ws_event("$default", connection, '{"type": "ping"}'), context)["statusCode"] == 200
    assert posted == [(connection, {"type": "pong"})]
    assert made == [handler.settings.management_url or "https://ws.example/prod"]

    assert handler.lambda_handler(ws_event("$disconnect", connection), context) == {"statusCode": 200}
    assert len(made) == 1
