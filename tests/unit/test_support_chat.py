"""POST /chat without AWS: the request's validation, the document's event lines, what each chat records, and the
ASGI app (auth, rate limit, body, streaming) driven the way uvicorn drives it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from opsdesk.ai.provider import (
    ChatMessage,
    Citation,
    ProviderError,
    ProviderEvent,
    TextDelta,
    Tool,
    ToolCall,
    ToolOutput,
    ToolResult,
    UsageReport,
)
from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.apimap import SUPPORT, RateLimit
from opsdesk.auth import Principal
from opsdesk.dialects import support as support_dialect
from opsdesk.errors import RateLimited, ValidationFailed
from opsdesk.search.model import SearchHit
from opsdesk.support.chat import DONE, ChatRequest, ChatService, sse_data, wire_event
from opsdesk.support.chat_app import create_chat_app, quota_taker
from opsdesk.tokens import TokenVerifier
from opsdesk.validation import parse_model
from tests.unit.fakes import FakeClock, InMemorySupportStore, principal

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ChatTest"
CLIENT_ID = "chat-test-client"
CLIENTS = frozenset({CLIENT_ID})
NOW = datetime(2026, 3, 9, 23, 59, 58, tzinfo=UTC)
RESULT = ToolOutput(
    content={"results": [{"title": "Troubleshooting Deployment Stage Timeouts", "url": "https://docs/t", "type":
                          "troubleshooting", "plane": "App CI/CD", "excerpt": "A deployment stage...",
                          "relevance": 0.53}]},
    citations=(Citation("Troubleshooting Deployment Stage Timeouts", "https://docs/t"),),
)
FIRST_TEXT = TextDelta("I understand you're experiencing timeouts.")
SCRIPT: list[ProviderEvent] = [
    FIRST_TEXT,
    ToolCall("c1", "searchDocs", {"query": "deployment timeout"}),
    ToolResult("c1", "searchDocs", RESULT),
    UsageReport("model-x", TokenUsage(100, 10)),
    TextDelta("Based on your description, see the article."),
    UsageReport("model-x", TokenUsage(250, 30)),
]


def body(*messages: tuple[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": [{"role": role, "content": content} for role, content in messages], **extra}


# The request


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "messages"),
    ({"messages": []}, "messages"),
    ({"messages": "hi"}, "messages"),
    (body(("system", "hi")), "messages[0].role"),
    (body(("user", "")), "messages[0].content"),
    (body(("user", "   ")), "messages[0].content"),
    (body(("user", 5)), "messages[0].content"),
    (body(("user", "x" * 8_001)), "messages[0].content"),
    (body(("user", "hi"), ("assistant", "hello")), "messages"),
    (body(*[("user", "hi")] * 51), "messages"),
    (body(*[("user", "x" * 8_000)] * 5), "messages"),
])
def test_an_unanswerable_request_is_refused_naming_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_model(ChatRequest, payload)

    assert field in {d.field for d in refused.value.details}


def test_a_conversation_ending_with_the_user_is_accepted_and_unknown_fields_ignored() -> None:
    request = parse_model(ChatRequest, {
        "messages": [{"role": "assistant", "content": "Hi! How can I help?", "id": "m0"},
                     {"role": "user", "content": "My deployment keeps timing out", "createdAt": "2026-01-01"}],
        "model": "ignored"})

    assert [(m.role, m.content) for m in request.messages] == [
        ("assistant", "Hi! How can I help?"), ("user", "My deployment keeps timing out")]


# The document's event lines


def test_events_are_the_documents_data_lines() -> None:
    assert sse_data(wire_event(TextDelta("I understand you're experiencing..."))) == \
        'data: {"type":"text","content":"I understand you\'re experiencing..."}\n\n'
    assert sse_data(wire_event(ToolCall("c1", "searchDocs", {"query": "deployment timeout"}))) == \
        'data: {"type":"tool_call","name":"searchDocs","args":{"query":"deployment timeout"}}\n\n'
    assert sse_data(wire_event(ToolResult("c1", "searchDocs", RESULT))) == \
        'data: {"type":"tool_result","content":[{"title":"Troubleshooting Deployment Stage Timeouts",' \
        '"url":"https://docs/t"}]}\n\n'
    assert sse_data(wire_event(ToolResult("c1", "searchDocs", None, "failed"))) == \
        'data: {"type":"tool_result","content":[]}\n\n'
    assert sse_data(wire_event(TextDelta("“déjà vu”"))) == 'data: {"type":"text","content":"“déjà vu”"}\n\n'
    assert DONE == "data: [DONE]\n\n"


# The chat service


class ScriptedProvider:
    """A provider that streams the given events, then fails with `error` if one is given."""

    def __init__(self, events: Sequence[ProviderEvent], error: Exception | None = None) -> None:
        self._events = events
        self._error = error
        self.seen: list[tuple[list[ChatMessage], list[str], str]] = []

    @property
    def model_id(self) -> str:
        return "model-x"

    def stream(self, messages: Sequence[ChatMessage], tools: Sequence[Tool], system: str) -> Iterator[ProviderEvent]:
        self.seen.append((list(messages), [t.spec.name for t in tools], system))
        yield from self._events
        if self._error is not None:
            raise self._error


class RecordingAnalytics:
    def __init__(self) -> None:
        self.activities: list[tuple[str, str]] = []
        self.views: list[list[str]] = []

    def record_help_activity(self, principal: Principal, kind: str) -> None:
        self.activities.append((principal.user_id, kind))

    def record_doc_views(self, principal: Principal, hits: Sequence[SearchHit]) -> None:
        self.views.append([hit.url for hit in hits])


def chat_service(provider: ScriptedProvider, store: InMemorySupportStore,
                 analytics: RecordingAnalytics | None = None) -> ChatService:
    return ChatService(provider, [], store, analytics, clock=FakeClock(NOW))


def lines(chunks: list[str]) -> list[Any]:
    return [chunk.removeprefix("data: ").removesuffix("\n\n") for chunk in chunks]


def test_a_chat_streams_text_tool_call_tool_result_text_then_done() -> None:
    service = chat_service(ScriptedProvider(SCRIPT), InMemorySupportStore())
    request = parse_model(ChatRequest, body(("user", "My deployment keeps timing out")))

    chunks = list(service.stream(principal("t1"), request))

    assert [json.loads(line)["type"] for line in lines(chunks)[:-1]] == ["text", "tool_call", "tool_result", "text"]
    assert chunks[-1] == DONE
    assert all(chunk.startswith("data: ") and chunk.endswith("\n\n") for chunk in chunks)


def test_each_chat_records_its_tokens_and_calls_for_the_tenant_and_the_day_it_started() -> None:
    store = InMemorySupportStore()
    service = chat_service(ScriptedProvider(SCRIPT), store)
    request = parse_model(ChatRequest, body(("user", "My deployment keeps timing out")))

    list(service.stream(principal("t1"), request))
    list(service.stream(principal("t1", user_id="someone-else"), request))

    assert store.ai_usage("t1", "2026-03-09", "2026-03-09") == [
        UsageTotals("2026-03-09", "model-x", input_tokens=700, output_tokens=80, calls=4, requests=2)]
    assert store.ai_usage("t2", "2026-01-01", "2026-12-31") == []


@pytest.mark.parametrize(("error", "code"), [
    (ProviderError("Bedrock refused the request (throttlingException)", throttled=True), "RATE_LIMITED"),
    (ProviderError("The model kept calling tools after 3 rounds"), "INTERNAL_ERROR"),
    (RuntimeError("a bug with a secret in its message"), "INTERNAL_ERROR"),
])
def test_a_failure_mid_answer_is_an_error_event_in_the_envelope_then_done(error: Exception, code: str) -> None:
    store = InMemorySupportStore()
    service = chat_service(ScriptedProvider(SCRIPT[:4], error), store)

    chunks = list(service.stream(principal("t1"), parse_model(ChatRequest, body(("user", "hi")))))

    failure = json.loads(lines(chunks)[-2])
    assert failure["type"] == "error"
    assert failure["error"]["code"] == code
    assert set(failure["error"]) == {"code", "message", "details"}
    assert "secret" not in failure["error"]["message"] and "Bedrock" not in failure["error"]["message"]
    assert chunks[-1] == DONE
    # What was used before the failure is recorded
    (usage,) = store.ai_usage("t1", "2026-03-09", "2026-03-09")
    assert (usage.input_tokens, usage.output_tokens, usage.calls, usage.requests) == (100, 10, 1, 1)


def test_usage_is_recorded_when_the_client_leaves_mid_answer() -> None:
    store = InMemorySupportStore()
    stream = chat_service(ScriptedProvider(SCRIPT), store).stream(
        principal("t1"), parse_model(ChatRequest, body(("user", "hi"))))

    for _ in range(4):  # up to the second text: the first model call has reported its usage, the second not yet
        next(stream)
    stream.close()  # what Starlette does when the client disconnects

    (usage,) = store.ai_usage("t1", "2026-03-09", "2026-03-09")
    assert (usage.input_tokens, usage.output_tokens, usage.calls, usage.requests) == (100, 10, 1, 1)


def test_a_chat_counts_as_help_activity_and_its_articles_as_viewed() -> None:
    analytics = RecordingAnalytics()
    service = chat_service(ScriptedProvider(SCRIPT), InMemorySupportStore(), analytics)

    list(service.stream(principal("t1", user_id="u7"), parse_model(ChatRequest, body(("user", "hi")))))

    assert analytics.activities == [("u7", "chat")]
    assert analytics.views == [["https://docs/t"]]


def test_the_provider_gets_the_conversation_the_tools_and_the_system_prompt() -> None:
    provider = ScriptedProvider(SCRIPT)
    service = chat_service(provider, InMemorySupportStore())

    list(service.stream(principal("t1"), parse_model(ChatRequest, body(("user", "a"), ("assistant", "b"),
                                                                          ("user", "c")))))

    ((messages, _, system),) = provider.seen
    assert messages == [ChatMessage("user", "a"), ChatMessage("assistant", "b"), ChatMessage("user", "c")]
    assert "searchDocs" in system and "Never invent" in system


class FailingUsageStore(InMemorySupportStore):
    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None:
        raise RuntimeError("table unavailable")


def test_a_usage_write_that_fails_does_not_break_the_answer() -> None:
    service = chat_service(ScriptedProvider(SCRIPT), FailingUsageStore())

    chunks = list(service.stream(principal("t1"), parse_model(ChatRequest, body(("user", "hi")))))

    assert chunks[-1] == DONE
    assert "error" not in "".join(chunks)


# The ASGI app


@pytest.fixture(scope="module")
def pool_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def id_token(key: rsa.RSAPrivateKey, **overrides: Any) -> str:
    now = int(time.time())
    claims = {"sub": "user-1", "iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "iat": now, "exp": now + 600,
              "custom:tenant_id": "tenant-1", **overrides}
    return jwt.encode(claims, key, algorithm="RS256")


class FakeLimiter:
    """Counts per user; past `per_minute` refuses as opsdesk.ratelimit does."""

    def __init__(self) -> None:
        self.taken: list[tuple[str, str, int]] = []

    def take(self, principal: Principal, bucket: str, per_minute: int) -> Any:
        self.taken.append((principal.user_id, bucket, per_minute))
        count = sum(1 for user, *_ in self.taken if user == principal.user_id)
        headers = {"X-RateLimit-Limit": str(per_minute), "X-RateLimit-Remaining": str(max(0, per_minute - count)),
                   "X-RateLimit-Reset": "1767225600"}
        if count > per_minute:
            raise RateLimited(headers={**headers, "Retry-After": "17"})
        return type("Quota", (), {"headers": lambda self: headers})()


@pytest.fixture
def limiter() -> FakeLimiter:
    return FakeLimiter()


@pytest.fixture
def store() -> InMemorySupportStore:
    return InMemorySupportStore()


@pytest.fixture
def app(pool_key: rsa.RSAPrivateKey, limiter: FakeLimiter, store: InMemorySupportStore) -> Any:
    public = pool_key.public_key()
    verifier = TokenVerifier(issuer=ISSUER, client_ids=CLIENTS, jwks_url="http://unused",
                             key_resolver=lambda _token: public)
    chat_limit = SUPPORT.rate_limit_for("/api/chat")
    assert chat_limit is not None
    return create_chat_app(("/api/chat", "/support/api/chat"), verifier=verifier, accepted_client_ids=CLIENTS,
                           dialect=support_dialect, chat=chat_service(ScriptedProvider(SCRIPT), store),
                           take_quota=quota_taker(limiter, chat_limit), max_body_bytes=4096,
                           allowed_origins=("http://localhost:3001",))


class Reply:
    def __init__(self, status: int, headers: dict[str, str], chunks: list[bytes]) -> None:
        self.status, self.headers, self.chunks = status, headers, chunks

    def json(self) -> Any:
        return json.loads(b"".join(self.chunks))


def post(app: Any, payload: Any, token: str | None = None, *, path: str = "/support/api/chat",
         headers: Mapping[str, str] | None = None) -> Reply:
    """One request through the ASGI interface, as uvicorn makes it; each body message the app sends is kept."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    request_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    if token:
        request_headers.append((b"authorization", f"Bearer {token}".encode()))
    request_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "headers": request_headers,
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 3000), "root_path": ""}
    sent: list[dict[str, Any]] = []

    async def exchange() -> None:
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": raw, "more_body": False}
            await asyncio.Event().wait()  # the client stays connected
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)

    asyncio.run(exchange())
    start = sent[0]
    headers_out = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return Reply(start["status"], headers_out, [m["body"] for m in sent[1:] if m.get("body")])


QUESTION = body(("user", "My deployment keeps timing out"))


def test_the_answer_streams_event_by_event_with_the_rate_limit_headers(app: Any, pool_key: rsa.RSAPrivateKey) -> None:
    reply = post(app, QUESTION, id_token(pool_key))

    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert reply.headers["cache-control"] == "no-cache"
    assert (reply.headers["x-ratelimit-limit"], reply.headers["x-ratelimit-remaining"]) == ("10", "9")
    # Each event leaves as its own body message: the first text is sent before the search has even run
    assert reply.chunks[0] == sse_data(wire_event(FIRST_TEXT)).encode()
    assert len(reply.chunks) == 5
    assert reply.chunks[-1] == DONE.encode()


def test_both_the_resource_path_and_the_base_path_are_served(app: Any, pool_key: rsa.RSAPrivateKey) -> None:
    assert post(app, QUESTION, id_token(pool_key), path="/api/chat").status == 200


@pytest.mark.parametrize("token", [None, "not-a-jwt"])
def test_without_a_valid_token_it_is_a_401_in_the_envelope(app: Any, token: str | None) -> None:
    reply = post(app, QUESTION, token)

    assert reply.status == 401
    assert reply.json()["error"]["code"] == "UNAUTHORIZED"


def test_a_token_of_another_app_client_is_a_401(app: Any, pool_key: rsa.RSAPrivateKey) -> None:
    assert post(app, QUESTION, id_token(pool_key, aud="other-client")).status == 401


def test_a_bad_body_is_a_400_before_anything_streams(app: Any, pool_key: rsa.RSAPrivateKey,
                                                     store: InMemorySupportStore) -> None:
    reply = post(app, body(("assistant", "hi")), id_token(pool_key))

    assert reply.status == 400
    error = reply.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == [{"field": "messages", "message": "the last message must be the user's"}]
    assert store.ai_usage("tenant-1", "2000-01-01", "2100-01-01") == []


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "Request body is required"), (b"{not json", "Request body is not valid JSON"),
    (b"[]", "Request body must be a JSON object"), (b"{" + b" " * 5000 + b"}", "larger than 4096 bytes"),
])
def test_a_body_that_is_not_a_json_object_within_limits_is_a_400(app: Any, pool_key: rsa.RSAPrivateKey, raw: bytes,
                                                                 message: str) -> None:
    reply = post(app, raw, id_token(pool_key))

    assert reply.status == 400
    assert message in reply.json()["error"]["details"][0]["message"]


def test_the_eleventh_chat_of_a_minute_is_a_429_with_retry_after(app: Any, pool_key: rsa.RSAPrivateKey,
                                                                limiter: FakeLimiter) -> None:
    token = id_token(pool_key)
    replies = [post(app, QUESTION, token) for _ in range(11)]

    assert [r.status for r in replies] == [200] * 10 + [429]
    refused = replies[-1]
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert (refused.headers["retry-after"], refused.headers["x-ratelimit-remaining"]) == ("17", "0")
    assert {bucket for _, bucket, _ in limiter.taken} == {"/api/chat"}
    assert {limit for *_, limit in limiter.taken} == {10}


def test_an_allowed_origin_gets_cors_headers_and_another_does_not(app: Any, pool_key: rsa.RSAPrivateKey) -> None:
    allowed = post(app, QUESTION, id_token(pool_key), headers={"Origin": "http://localhost:3001"})
    other = post(app, QUESTION, id_token(pool_key), headers={"Origin": "https://evil.example"})
    refused = post(app, QUESTION, None, headers={"Origin": "http://localhost:3001"})

    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3001"
    assert "access-control-allow-origin" not in other.headers
    assert refused.headers["access-control-allow-origin"] == "http://localhost:3001"


def test_an_unreachable_rate_limit_counter_serves_the_chat_unmetered() -> None:
    class Unreachable:
        """RateLimiter.take when its counter cannot be reached (tests/unit/test_ratelimit.py)."""

        def take(self, principal: Principal, bucket: str, per_minute: int) -> Any:
            return None

    take = quota_taker(Unreachable(), RateLimit("/api/chat", 10))

    assert take(principal("t1")) == {}
