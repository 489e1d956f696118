"""Posting to WebSocket connections: gone is reported, throttling is retried, not dropped."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from opsdesk import wsapi
from opsdesk.wsapi import ManagementApiPoster


@pytest.fixture
def poster(monkeypatch: pytest.MonkeyPatch) -> ManagementApiPoster:
    monkeypatch.setattr(wsapi, "BACKOFF_SECONDS", 0)
    return ManagementApiPoster("https://example.execute-api.us-east-1.amazonaws.com/prod", "us-east-1")


def test_a_throttled_post_is_retried_until_it_is_delivered(poster: ManagementApiPoster) -> None:
    with Stubber(poster.client()) as stub:
        for _ in range(2):
            stub.add_client_error("post_to_connection", service_error_code="LimitExceededException",
                                  http_status_code=429)
        stub.add_response("post_to_connection", {}, {"ConnectionId": "c1", "Data": b'{"type":"x"}'})

        assert poster.post("c1", {"type": "x"}) is True
        stub.assert_no_pending_responses()


def test_a_gone_connection_is_reported_not_raised(poster: ManagementApiPoster) -> None:
    with Stubber(poster.client()) as stub:
        stub.add_client_error("post_to_connection", service_error_code="GoneException", http_status_code=410)

        assert poster.post("c1", {"type": "x"}) is False


def test_a_post_that_stays_throttled_raises_so_its_record_is_retried(poster: ManagementApiPoster) -> None:
    with Stubber(poster.client()) as stub:
        for _ in range(wsapi.POST_ATTEMPTS):
            stub.add_client_error("post_to_connection", service_error_code="LimitExceededException",
                                  http_status_code=429)

        with pytest.raises(ClientError):
            poster.post("c1", {"type": "x"})


def test_the_client_is_made_by_the_first_post_once_however_many_threads_post_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    made: list[str] = []
    real_client = boto3.client

    def counting_client(*args: object, **kwargs: object) -> object:
        made.append(str(args[0]))
        return real_client(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boto3, "client", counting_client)
    poster = ManagementApiPoster("https://example.execute-api.us-east-1.amazonaws.com/prod", "us-east-1")
    assert made == []

    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(lambda _: poster.client(), range(16)))
    assert made == ["apigatewaymanagementapi"]
    assert all(client is clients[0] for client in clients)


def test_non_ascii_text_is_posted_as_utf8_not_escaped() -> None:
    from opsdesk.wsapi import message_bytes

    # A title of 500 emoji, as a 64 KiB body may carry: escaped, a room message of such views passed 128 KB
    message = {"type": "incident_created", "data": {"title": "\U0001F525" * 500, "note": "café"}}

    data = message_bytes(message)

    assert json.loads(data) == message
    assert len(data) < 500 * 4 + 100  # 4 bytes an emoji, not a 12-byte escape pair
    assert json.loads(message_bytes({"text": "\ud800"})) == {"text": "\ud800"}  # no Unicode text: escaped
