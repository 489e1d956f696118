"""POST /support/api/chat on the local stack, read by a real streaming HTTP client over loopback."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from opsdesk.search.model import load_articles
from opsdesk.support.docs import DEMO_PLANE_NAMES
from tests.api.conftest import RunningStack
from tests.api.test_support_api import ALICE, BOB

pytestmark = pytest.mark.xdist_group("local-stack")

CORPUS = Path(__file__).resolve().parents[2] / "docs" / "corpus"
QUESTION = {"messages": [{"role": "user", "content": "My deployment keeps timing out"}]}
CHAT_LIMIT = 10


@dataclass
class ChatStream:
    status: int
    headers: httpx.Headers
    events: list[tuple[float, Any]] = field(default_factory=list)
    """(seconds since the request was sent, the data line's JSON or "[DONE]"), in arrival order."""
    pieces: list[int] = field(default_factory=list)
    """For each event, which piece of the HTTP body it arrived in (the transfer's chunks as the client decoded
    them): a server or gateway that buffered the answer would deliver it in one piece."""
    error: Any = None

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [e for _, e in self.events if isinstance(e, dict) and e["type"] == kind]

    def arrival(self, predicate: Any) -> float:
        return next(at for at, e in self.events if predicate(e))


def chat(stack: RunningStack, headers: dict[str, str], payload: Any) -> ChatStream:
    """Send a chat and read its answer line by line as the bytes arrive, timing each `data:` line."""
    started = time.monotonic()
    with httpx.Client(timeout=httpx.Timeout(10, read=30)) as client, \
            client.stream("POST", f"{stack.support}/chat", json=payload, headers=headers) as reply:
        stream = ChatStream(reply.status_code, reply.headers)
        if reply.status_code != 200:
            reply.read()
            stream.error = reply.json()
            return stream
        pending = ""
        for piece, chunk in enumerate(reply.iter_raw()):
            pending += chunk.decode("utf-8")
            *lines, pending = pending.split("\n")
            for line in lines:
                if line.startswith("data: "):
                    raw = line.removeprefix("data: ")
                    stream.events.append((time.monotonic() - started, raw if raw == "[DONE]" else json.loads(raw)))
                    stream.pieces.append(piece)
                else:
                    assert line == "", f"not an SSE data line: {line!r}"
        assert pending == ""
    return stream


def corpus_titles() -> dict[str, str]:
    return {a.url: a.title for a in load_articles(CORPUS, DEMO_PLANE_NAMES)}


def test_the_first_text_event_arrives_before_the_stream_ends(stack: RunningStack) -> None:
    answer = chat(stack, stack.headers(ALICE), QUESTION)

    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    first_text = answer.arrival(lambda e: isinstance(e, dict) and e["type"] == "text")
    done = answer.arrival(lambda e: e == "[DONE]")
    print(f"\nchat over loopback: first text after {first_text * 1000:.1f} ms, [DONE] after {done * 1000:.1f} ms, "
          f"{len(answer.events)} events")
    assert first_text < done
    # and really before it: in an earlier piece of the chunked body than [DONE], not in one buffered block
    assert answer.headers.get("transfer-encoding") == "chunked" and "content-length" not in answer.headers
    assert answer.pieces[0] < answer.pieces[-1]
    assert len(set(answer.pieces)) >= 3
    assert answer.events[0][1]["type"] == "text"
    assert answer.events[-1][1] == "[DONE]"
    # Every event is one of the document's shapes, exactly
    for _, event in answer.events[:-1]:
        assert set(event) == {"text": {"type", "content"}, "tool_call": {"type", "name", "args"},
                              "tool_result": {"type", "content"}}[event["type"]]
    assert len(answer.of_type("text")) >= 3


def test_the_tool_call_and_result_name_real_articles_of_the_corpus(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    answer = chat(stack, headers, QUESTION)

    (call,) = answer.of_type("tool_call")
    (result,) = answer.of_type("tool_result")
    assert call["name"] == "searchDocs"
    assert call["args"]["query"]
    titles = corpus_titles()
    assert result["content"]
    assert all(set(doc) == {"title", "url"} and titles[doc["url"]] == doc["title"] for doc in result["content"])
    # The same articles, in the same order, as documentation search returns for the query the assistant made
    searched = requests.post(f"{stack.support}/docs/search", json={"query": call["args"]["query"]},
                             headers=headers, timeout=10).json()["results"]
    assert [(d["title"], d["url"]) for d in result["content"]] == [(r["title"], r["url"]) for r in searched]
    # The answer cites the best of them by title and URL
    text = "".join(e["content"] for e in answer.of_type("text"))
    best = result["content"][0]
    assert best["url"] in text and best["title"] in text


@pytest.mark.parametrize(("payload", "field_name"), [
    ({}, "messages"),
    ({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}, "messages"),
    ({"messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
    ({"messages": [{"role": "user", "content": ""}]}, "messages[0].content"),
])
def test_a_bad_body_is_a_400_in_the_support_envelope(stack: RunningStack, payload: Any, field_name: str) -> None:
    reply = chat(stack, stack.headers(BOB), payload)

    assert reply.status == 400
    assert reply.error["error"]["code"] == "VALIDATION_ERROR"
    assert field_name in {d["field"] for d in reply.error["error"]["details"]}
    assert reply.events == []


def test_a_chat_without_a_token_is_a_401_in_the_support_envelope(stack: RunningStack) -> None:
    reply = chat(stack, {}, QUESTION)
    with_access_token = chat(stack, {"Authorization": f"Bearer {stack.sign_in(BOB)['access']}"}, QUESTION)

    assert (reply.status, with_access_token.status) == (401, 401)
    assert reply.error["error"]["code"] == "UNAUTHORIZED"


def test_the_eleventh_chat_of_a_minute_is_rate_limited_with_retry_after(stack: RunningStack) -> None:
    # Given a user of their own (the counter is per user), and a whole window ahead
    username = f"chatty-{uuid.uuid4().hex[:8]}@acme.test"
    headers = {"Authorization": f"Bearer {new_user(stack, username)}"}
    seconds_into_window = time.time() % 60
    if seconds_into_window > 45:
        time.sleep(60 - seconds_into_window + 0.5)

    # When they chat ten times, and once more
    answers = [chat(stack, headers, QUESTION) for _ in range(CHAT_LIMIT)]
    refused = chat(stack, headers, QUESTION)

    # Then ten answers streamed, counting down, and the eleventh is a 429 saying when to come back
    assert [a.status for a in answers] == [200] * CHAT_LIMIT
    assert all(a.events[-1][1] == "[DONE]" for a in answers)
    assert [a.headers["X-RateLimit-Limit"] for a in answers] == ["10"] * CHAT_LIMIT
    assert [int(a.headers["X-RateLimit-Remaining"]) for a in answers] == list(range(9, -1, -1))
    assert refused.status == 429
    assert refused.error["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # while another user of the same tenant still chats
    assert chat(stack, stack.headers(BOB), QUESTION).status == 200


def new_user(stack: RunningStack, username: str) -> str:
    """A user of Acme's tenant, created as an administrator would; returns their ID token."""
    acme = next(u for u in stack.info["users"] if u["username"] == ALICE)
    password = "Chat-test-2026!"
    cognito = stack.cognito()
    cognito.admin_create_user(UserPoolId=stack.info["user_pool_id"], Username=username, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": username},
                                              {"Name": "custom:tenant_id", "Value": acme["tenant_id"]}])
    cognito.admin_set_user_password(UserPoolId=stack.info["user_pool_id"], Username=username, Password=password,
                                    Permanent=True)
    return stack.sign_in(username, password)["id"]
