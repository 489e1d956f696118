"""The Bedrock Converse adapter at its boundary: a real bedrock-runtime client whose responses are recorded
ConverseStream events (converse_wire), so every request passes botocore's validation and serialization and every
event botocore's event-stream parser."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ParamValidationError

from opsdesk.ai.bedrock import BedrockConverseProvider, converse_messages
from opsdesk.ai.provider import (
    ChatMessage,
    ProviderError,
    ProviderEvent,
    TextDelta,
    ToolCall,
    ToolResult,
    UsageReport,
)
from opsdesk.ai.tools import SearchDocsTool
from opsdesk.ai.usage import TokenUsage
from tests.unit.ai.converse_wire import (
    RECORDED,
    RecordedConverse,
    input_shape,
    recorded,
    shape_problems,
    stream_shape,
)

MODEL = "amazon.nova-lite-v1:0"
SYSTEM = "You are the support assistant."
QUESTION = [ChatMessage("user", "My deployment keeps timing out")]
DEPLOYMENT_TIMEOUTS = "https://happycloud.com/docs/app-cicd/troubleshooting/deployment-timeout"


def run(bedrock: RecordedConverse, tools: list[SearchDocsTool], messages: list[ChatMessage] = QUESTION,
        **options: Any) -> list[ProviderEvent]:
    provider = BedrockConverseProvider(bedrock.client, MODEL, **options)
    return list(provider.stream(messages, tools, SYSTEM))


@pytest.mark.parametrize("name", sorted(p.stem for p in RECORDED.glob("*.json")))
def test_every_recorded_event_fits_the_converse_stream_service_model(name: str) -> None:
    shape = stream_shape()

    problems = [problem for call in recorded(name) for event in call for problem in shape_problems(event, shape)]

    assert problems == []


def test_a_text_answer_streams_its_deltas_in_order_and_reports_the_usage_bedrock_measured(
    search_docs: SearchDocsTool,
) -> None:
    bedrock = RecordedConverse(recorded("text_answer"))

    events = run(bedrock, [search_docs])

    assert [e.text for e in events if isinstance(e, TextDelta)] == [
        "Happy to help", " — what error does the", " deployment step print?"]
    assert events[-1] == UsageReport(MODEL, TokenUsage(412, 17))
    assert bedrock.paths == [f"https://bedrock-runtime.us-east-1.amazonaws.com/model/{MODEL.replace(':', '%3A')}"
                             "/converse-stream"]


def test_the_request_carries_the_conversation_system_prompt_and_the_search_docs_tool(
    search_docs: SearchDocsTool,
) -> None:
    bedrock = RecordedConverse(recorded("text_answer"))

    run(bedrock, [search_docs], max_output_tokens=700)

    (request,) = bedrock.requests
    assert request["messages"] == [{"role": "user", "content": [{"text": "My deployment keeps timing out"}]}]
    assert request["system"] == [{"text": SYSTEM}]
    assert request["inferenceConfig"]["maxTokens"] == 700
    (tool,) = request["toolConfig"]["tools"]
    assert tool["toolSpec"]["name"] == "searchDocs"
    schema = tool["toolSpec"]["inputSchema"]["json"]
    assert "required" not in schema  # planeSlug alone lists an area's articles
    assert set(schema["properties"]) == {"query", "planeSlug"}


def test_a_tool_use_round_assembles_the_input_runs_the_search_and_sends_the_result_back(
    search_docs: SearchDocsTool, corpus_titles: dict[str, str],
) -> None:
    bedrock = RecordedConverse(recorded("tool_use_round"))

    events = run(bedrock, [search_docs])

    # The call, assembled from three input fragments, then the articles the real search found
    call = next(e for e in events if isinstance(e, ToolCall))
    assert (call.call_id, call.name, dict(call.args)) == (
        "tooluse_Xk2v9QmRT1eAyJE5GIl7Qw", "searchDocs", {"query": "deployment timeout", "planeSlug": "app-cicd"})
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.citations
    assert all(corpus_titles[c.url] == c.title for c in result.citations)
    assert DEPLOYMENT_TIMEOUTS in {c.url for c in result.citations}
    # The order a client sees: text, the call, its result, the answer
    kinds = [type(e).__name__ for e in events if not isinstance(e, UsageReport)]
    assert kinds == ["TextDelta", "TextDelta", "ToolCall", "ToolResult", "TextDelta", "TextDelta", "TextDelta"]
    # The second request repeats the assistant's turn and answers its toolUse with the search results
    first, second = bedrock.requests
    assert second["messages"][:1] == first["messages"]
    assistant, tool_turn = second["messages"][1], second["messages"][2]
    assert assistant == {"role": "assistant", "content": [
        {"text": "I understand your deployments are timing out. Let me check the docs."},
        {"toolUse": {"toolUseId": "tooluse_Xk2v9QmRT1eAyJE5GIl7Qw", "name": "searchDocs",
                     "input": {"query": "deployment timeout", "planeSlug": "app-cicd"}}},
    ]}
    (block,) = tool_turn["content"]
    assert tool_turn["role"] == "user"
    assert block["toolResult"]["toolUseId"] == "tooluse_Xk2v9QmRT1eAyJE5GIl7Qw"
    assert block["toolResult"]["status"] == "success"
    sent = block["toolResult"]["content"][0]["json"]["results"]
    assert [r["url"] for r in sent] == [c.url for c in result.citations]
    assert all(r["excerpt"] and r["plane"] == "App CI/CD" for r in sent)


def test_usage_of_every_model_call_is_reported(search_docs: SearchDocsTool) -> None:
    bedrock = RecordedConverse(recorded("tool_use_round"))

    reports = [e for e in run(bedrock, [search_docs]) if isinstance(e, UsageReport)]

    assert [r.usage for r in reports] == [TokenUsage(903, 71), TokenUsage(1688, 96)]
    assert sum((r.usage for r in reports), TokenUsage()) == TokenUsage(2591, 167)


def test_a_model_that_keeps_calling_tools_is_stopped_after_the_round_limit(search_docs: SearchDocsTool) -> None:
    bedrock = RecordedConverse(recorded("tool_use_loop"))
    provider = BedrockConverseProvider(bedrock.client, MODEL, max_tool_rounds=1)
    seen: list[ProviderEvent] = []

    with pytest.raises(ProviderError, match="kept calling tools"):
        seen.extend(provider.stream(QUESTION, [search_docs], SYSTEM))

    assert len(bedrock.requests) == 2
    assert [type(e).__name__ for e in seen if not isinstance(e, UsageReport)] == ["ToolCall", "ToolResult", "ToolCall"]
    assert sum(isinstance(e, UsageReport) for e in seen) == 2


def test_throttling_mid_stream_is_a_throttled_provider_error_after_the_text_already_streamed(
    search_docs: SearchDocsTool,
) -> None:
    bedrock = RecordedConverse(recorded("throttled_mid_stream"))
    provider = BedrockConverseProvider(bedrock.client, MODEL)
    seen: list[ProviderEvent] = []

    with pytest.raises(ProviderError) as raised:
        seen.extend(provider.stream(QUESTION, [search_docs], SYSTEM))

    assert raised.value.throttled
    assert seen == [TextDelta("Let me look")]


def test_tool_input_that_is_not_json_is_answered_with_an_error_result(search_docs: SearchDocsTool) -> None:
    bedrock = RecordedConverse(recorded("bad_tool_input"))

    events = run(bedrock, [search_docs])

    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.output is None
    assert result.citations == ()
    block = bedrock.requests[1]["messages"][-1]["content"][0]["toolResult"]
    assert block["status"] == "error"
    assert block["content"] == [{"text": "The tool input was not a JSON object"}]
    assert bedrock.requests[1]["messages"][1]["content"][0]["toolUse"]["input"] == {}


def test_a_conversation_is_sent_opening_with_the_user_and_alternating(search_docs: SearchDocsTool) -> None:
    messages = [ChatMessage("assistant", "Hi! How can I help?"), ChatMessage("user", "Deploys time out"),
                ChatMessage("user", "since this morning"), ChatMessage("assistant", "Which environment?"),
                ChatMessage("user", "production")]
    bedrock = RecordedConverse(recorded("text_answer"))

    run(bedrock, [search_docs], messages)

    assert bedrock.requests[0]["messages"] == converse_messages(messages) == [
        {"role": "user", "content": [{"text": "Deploys time out"}, {"text": "since this morning"}]},
        {"role": "assistant", "content": [{"text": "Which environment?"}]},
        {"role": "user", "content": [{"text": "production"}]},
    ]


def test_the_client_refuses_a_request_the_service_model_refuses() -> None:
    # The boundary is live: a malformed block would never reach Bedrock, and would fail these tests.
    bedrock = RecordedConverse(recorded("text_answer"))

    with pytest.raises(ParamValidationError, match="toolResult"):
        bedrock.client.converse_stream(modelId=MODEL, messages=[
            {"role": "user", "content": [{"toolResult": {"content": [{"json": {}}]}}]}])
    assert input_shape().name == "ConverseStreamRequest"
