"""Posting to WebSocket connections through the API Gateway management API (boto3 apigatewaymanagementapi)."""

from __future__ import annotations

import random
import time
from typing import Any

from botocore.exceptions import ClientError

from opsdesk.awsclients import LazyClient
from opsdesk.realtime import message_bytes

THROTTLED = frozenset({"LimitExceededException", "TooManyRequestsException", "ThrottlingException"})
POST_ATTEMPTS = 5
BACKOFF_SECONDS = 0.05


class ManagementApiPoster:
    """Thread-safe (one boto3 client): the fan-out posts from a pool of threads (opsdesk.realtime.Fanout)."""

    def __init__(self, endpoint_url: str, region: str, *, max_pool_connections: int = 10) -> None:
        """`max_pool_connections`: the posts that may be in flight at once (botocore's default is 10; more threads
        than connections would open and drop a connection per post)."""
        # Made by the first post: a $connect and a fan-out of an event nobody is subscribed to post nothing, so
        # neither function's cold start pays for it.
        self.client = LazyClient("apigatewaymanagementapi", region=region, endpoint_url=endpoint_url,
                                 retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=5,
                                 max_pool_connections=max_pool_connections)

    def post(self, connection_id: str, message: dict[str, Any]) -> bool:
        """True when delivered, False when the connection is gone (410). A throttled post is retried with
        jitter, and raises when it stays throttled, so the caller's batch item is retried rather than dropped."""
        data = message_bytes(message)
        client = self.client()
        for attempt in range(1, POST_ATTEMPTS + 1):
            try:
                client.post_to_connection(ConnectionId=connection_id, Data=data)
                return True
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code == "GoneException" or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 410:
                    return False
                if code in THROTTLED and attempt < POST_ATTEMPTS:
                    time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))
                    continue
                raise
        return False
