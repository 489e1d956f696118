"""The local gateway keeps Lambda's and API Gateway's quotas, so a list that would fail on AWS fails here too."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from opsdesk.apimap import HELPDESK
from scripts.local.gateway import MAX_FUNCTION_RESPONSE_BYTES, LocalGateway


def served_by(body: str) -> LocalGateway:
    """A gateway whose every function answers 200 with `body` (the helpdesk's health route needs no token)."""
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}

    return LocalGateway(verifier=None, region="us-east-1", modules=(HELPDESK,),  # type: ignore[arg-type]
                        import_handler=lambda group: SimpleNamespace(lambda_handler=lambda_handler))  # type: ignore[arg-type,return-value]


def get(gateway: LocalGateway, path: str) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=gateway.app())
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            return await client.get(path)

    return asyncio.run(call())


@pytest.mark.parametrize(("characters", "status"), [
    (MAX_FUNCTION_RESPONSE_BYTES - 1_000, 200),
    (MAX_FUNCTION_RESPONSE_BYTES + 1, 502),
])
def test_a_function_answer_over_lambdas_6_mb_is_api_gateways_502(characters: int, status: int) -> None:
    reply = get(served_by(json.dumps({"text": "x" * characters})), "/helpdesk/livez")

    assert reply.status_code == status
    if status == 502:
        assert reply.json() == {"error": "Internal server error"}


def test_the_quota_counts_the_answer_as_the_python311_runtime_writes_it() -> None:
    """Lambda escapes every non-ASCII character of the answer (python3.11): 1.1 M CJK characters are 3.3 MB as UTF-8
    and 6.6 MB as the runtime sends them, over the quota."""
    reply = get(served_by(json.dumps({"text": "数" * 1_100_000}, ensure_ascii=False)), "/helpdesk/livez")

    assert reply.status_code == 502
