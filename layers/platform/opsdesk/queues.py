"""Messages to an SQS queue of the platform (the aura agent's kicks): a small JSON body, optionally delayed. The
client is built on the first send (most requests never send one)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opsdesk.awsclients import LazyClient
from opsdesk.errors import ServiceUnavailable

MAX_DELAY_SECONDS = 900
"""SQS's longest delivery delay."""


class SqsSender:
    def __init__(self, queue_url: str, *, region: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self._queue_url = queue_url
        self._sqs = LazyClient("sqs", region=region, endpoint_url=endpoint_url, client=client)

    def send(self, body: Mapping[str, Any], delay_seconds: int = 0) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            self._sqs().send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(dict(body)),
                                     DelaySeconds=max(0, min(int(delay_seconds), MAX_DELAY_SECONDS)))
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable("The agent's queue could not be reached; retry shortly") from exc


class QueueKicks:
    """opsdesk.aura.service.AgentKicks over a queue: `{"tenantId","ticketId","runId"}` messages."""

    def __init__(self, sender: SqsSender) -> None:
        self._sender = sender

    def kick(self, tenant_id: str, ticket_id: str, run_id: str, delay_seconds: int = 0) -> None:
        self._sender.send({"tenantId": tenant_id, "ticketId": ticket_id, "runId": run_id}, delay_seconds)
