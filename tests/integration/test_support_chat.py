"""POST /support/api/chat in-process against moto: a real Cognito token, the shared rate-limit counter, and what
each chat writes to the support table (token usage per tenant and day, help sessions, article views)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest

from opsdesk.ai.usage import UsageTotals

QUESTION = {"messages": [{"role": "user", "content": "My deployment keeps timing out"}]}
PATH = "/support/api/chat"


@pytest.fixture(scope="module")
def chat_app(local_aws: Any) -> ModuleType:
    from functions.support_chat import app

    return app


@pytest.fixture
def user(local_aws: Any, tenant: dict[str, Any]) -> Iterator[dict[str, str]]:
    """A Cognito user of the test's tenant, signed in: their ID token and subject."""
    from scripts.local.aws import create_user, sign_in

    username = f"chat-{uuid.uuid4().hex[:10]}@example.test"
    create_user(local_aws, username, "Chat-test-2026!", tenant["id"])
    token = sign_in(local_aws, username, "Chat-test-2026!")["id_token"]
    yield {"token": token, "tenant": tenant["id"]}


def post(chat_app: ModuleType, token: str | None, payload: Any = QUESTION) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=chat_app.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://chat.local") as client:
            return await client.post(PATH, json=payload, headers=headers)

    return asyncio.run(send())


def events(reply: httpx.Response) -> list[str]:
    return [line.removeprefix("data: ") for line in reply.text.split("\n\n") if line]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_each_chat_adds_its_tokens_and_calls_to_the_tenants_usage_of_the_day(
    chat_app: ModuleType, user: dict[str, str],
) -> None:
    from opsdesk.support.repository import SupportRepository

    repository = SupportRepository()
    started = today()

    def usage() -> tuple[int, int, int, int]:
        # Summed over the days since the test began: a run that crosses midnight UTC splits its usage in two days
        rows = repository.ai_usage(user["tenant"], started, today())
        assert {row.model_id for row in rows} == {"offline-docs"}
        return (sum(r.input_tokens for r in rows), sum(r.output_tokens for r in rows), sum(r.calls for r in rows),
                sum(r.requests for r in rows))

    first = post(chat_app, user["token"])
    once = usage()
    second = post(chat_app, user["token"])
    twice = usage()

    assert (first.status_code, second.status_code) == (200, 200)
    assert events(first)[-1] == "[DONE]"
    assert once[2:] == (1, 1) and once[0] > 0 and once[1] > 0
    # The same question makes the same answer, so the totals double
    assert twice == (2 * once[0], 2 * once[1], 2, 2)
    assert isinstance(repository.ai_usage(user["tenant"], started, today())[0], UsageTotals)


def test_usage_is_kept_per_tenant(chat_app: ModuleType, user: dict[str, str]) -> None:
    from opsdesk.support.repository import SupportRepository

    post(chat_app, user["token"])

    assert SupportRepository().ai_usage(str(uuid.uuid4()), today(), today()) == []


def test_the_eleventh_chat_of_a_minute_is_refused_on_the_shared_counter(
    chat_app: ModuleType, user: dict[str, str], local_aws: Any,
) -> None:
    import boto3
    import jwt

    seconds_into_window = time.time() % 60
    if seconds_into_window > 50:  # keep the burst inside one one-minute window
        time.sleep(60 - seconds_into_window + 0.5)

    replies = [post(chat_app, user["token"]) for _ in range(11)]

    assert [r.status_code for r in replies] == [200] * 10 + [429]
    assert replies[-1].json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(replies[-1].headers["Retry-After"]) <= 60
    # The counter is the REST middleware's: one item per user, route prefix and window in the RateLimitsTable
    claims = jwt.decode(user["token"], options={"verify_signature": False})
    table = boto3.resource("dynamodb", endpoint_url=local_aws.endpoint, region_name=local_aws.region,
                           aws_access_key_id="local", aws_secret_access_key="local").Table(
        local_aws.table_names["RateLimitsTable"])
    counted = table.query(KeyConditionExpression="pk = :pk", ExpressionAttributeValues={
        ":pk": f"RL#{claims['custom:tenant_id']}#{claims['sub']}#/api/chat"})["Items"]
    assert sum(int(str(item["n"])) for item in counted) == 11


def test_a_refused_chat_writes_nothing(chat_app: ModuleType, user: dict[str, str]) -> None:
    from opsdesk.support.repository import SupportRepository

    bad = post(chat_app, user["token"], {"messages": []})
    anonymous = post(chat_app, None)

    assert (bad.status_code, anonymous.status_code) == (400, 401)
    assert SupportRepository().ai_usage(user["tenant"], today(), today()) == []


def test_a_chat_is_help_activity_and_its_articles_count_as_views(chat_app: ModuleType, user: dict[str, str]) -> None:
    from opsdesk.support.analytics import day_range
    from opsdesk.support.repository import SupportRepository

    repository = SupportRepository()
    reply = post(chat_app, user["token"])

    assert reply.status_code == 200
    assert repository.help_totals(user["tenant"], day_range(None, None))["sessions"] == 1
    viewed = {doc.url for doc in repository.doc_stats(user["tenant"], None) if doc.views}
    assert "https://happycloud.com/docs/app-cicd/troubleshooting/deployment-timeout" in viewed
