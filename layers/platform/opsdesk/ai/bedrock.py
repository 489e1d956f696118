"""Amazon Bedrock's Converse streaming API (`bedrock-runtime` ConverseStream) with tool use.

One answer is a loop of model calls:

    request (conversation, system, toolConfig) -> stream:
        messageStart
        contentBlockDelta {text}                      -> TextDelta, as it arrives
        contentBlockStart {toolUse: id, name}         \
        contentBlockDelta {toolUse: {input: "..."}}*   > one tool call; the input JSON comes in fragments
        contentBlockStop                              /  -> ToolCall once complete
        messageStop {stopReason}
        metadata {usage}                              -> UsageReport
    stopReason tool_use: run the tools, append the assistant's message and a user message of toolResult
    blocks, call again; anything else (end_turn, max_tokens, ...) ends the answer.

At most `max_tool_rounds` rounds of tool calls; a model that still asks for tools after that is a ProviderError
(it is looping). Errors of the call, and exceptions the stream delivers as events, are ProviderErrors too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from opsdesk.ai.provider import (
    ChatMessage,
    ProviderError,
    ProviderEvent,
    TextDelta,
    Tool,
    ToolCall,
    ToolResult,
    UsageReport,
    call_tool,
)
from opsdesk.ai.usage import TokenUsage

THROTTLING_CODES = frozenset({"ThrottlingException", "ServiceQuotaExceededException", "TooManyRequestsException",
                              "throttlingException"})
TOOL_USE = "tool_use"


class ConverseStreamClient(Protocol):
    """The part of boto3's bedrock-runtime client this adapter uses."""

    def converse_stream(self, **params: Any) -> Mapping[str, Any]: ...


class ConverseClient(Protocol):
    """The part of boto3's bedrock-runtime client the non-streaming adapters use (opsdesk.analysis.bedrock,
    opsdesk.aura.bedrock)."""

    def converse(self, **params: Any) -> Mapping[str, Any]: ...


@contextmanager
def bedrock_errors() -> Iterator[None]:
    """Bedrock's errors inside the block as ProviderErrors: `throttled` for its throttling codes."""
    # botocore is imported here, not at module level: the offline default never pays for it.
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    try:
        yield
    except ClientError as exc:  # EventStreamError (an exception event mid-stream) is a ClientError too
        code = exc.response.get("Error", {}).get("Code", "")
        raise ProviderError(f"Bedrock refused the request ({code or 'error'})",
                            throttled=code in THROTTLING_CODES) from exc
    except BotoCoreError as exc:
        raise ProviderError(f"Bedrock could not be reached ({type(exc).__name__})") from exc


@dataclass
class _ToolUse:
    tool_use_id: str
    name: str
    input_json: list[str] = field(default_factory=list)

    def args(self) -> dict[str, Any] | None:
        """The complete input, or None when the model's fragments do not make a JSON object."""
        raw = "".join(self.input_json).strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None


@dataclass
class _Turn:
    """What one model call streamed: its content blocks by index, how it stopped, its usage."""

    blocks: dict[int, str | _ToolUse] = field(default_factory=dict)
    stop_reason: str | None = None
    usage: TokenUsage | None = None

    def text_of(self, index: int) -> str:
        block = self.blocks.get(index, "")
        return block if isinstance(block, str) else ""

    @property
    def tool_uses(self) -> list[_ToolUse]:
        ordered = sorted(self.blocks.items(), key=lambda item: item[0])
        return [block for _, block in ordered if isinstance(block, _ToolUse)]

    def assistant_message(self) -> dict[str, Any]:
        """The model's turn as the next request repeats it: its text and its toolUse blocks, in order."""
        content: list[dict[str, Any]] = []
        for index in sorted(self.blocks):
            block = self.blocks[index]
            if isinstance(block, _ToolUse):
                content.append({"toolUse": {"toolUseId": block.tool_use_id, "name": block.name,
                                            "input": block.args() or {}}})
            elif block.strip():  # Converse refuses blank text blocks
                content.append({"text": block})
        return {"role": "assistant", "content": content}


class BedrockConverseProvider:
    def __init__(
        self,
        client: ConverseStreamClient,
        model_id: str,
        *,
        max_tool_rounds: int = 3,
        max_output_tokens: int = 1024,
        temperature: float = 0.2,
    ) -> None:
        self._client = client
        self._model_id = model_id
        self._max_tool_rounds = max_tool_rounds
        self._max_output_tokens = max_output_tokens
        self._temperature = temperature

    @property
    def model_id(self) -> str:
        return self._model_id

    def stream(self, messages: Sequence[ChatMessage], tools: Sequence[Tool], system: str) -> Iterator[ProviderEvent]:
        conversation = converse_messages(messages)
        for tool_round in range(self._max_tool_rounds + 1):
            turn = _Turn()
            yield from self._call(self.request(conversation, tools, system), turn)
            if turn.stop_reason != TOOL_USE:
                return
            uses = turn.tool_uses
            if not uses:
                raise ProviderError("The model asked for a tool without naming one")
            if tool_round == self._max_tool_rounds:
                raise ProviderError(f"The model kept calling tools after {self._max_tool_rounds} rounds")
            conversation.append(turn.assistant_message())
            results: list[dict[str, Any]] = []
            for use in uses:
                args = use.args()
                call = ToolCall(use.tool_use_id, use.name, args if args is not None else {})
                result = (call_tool(tools, call) if args is not None
                          else ToolResult(use.tool_use_id, use.name, None, "The tool input was not a JSON object"))
                yield result
                results.append(tool_result_block(result))
            conversation.append({"role": "user", "content": results})

    def request(self, conversation: list[dict[str, Any]], tools: Sequence[Tool], system: str) -> dict[str, Any]:
        """The ConverseStream parameters (checked against botocore's service model in the tests)."""
        params: dict[str, Any] = {
            "modelId": self._model_id,
            "messages": conversation,
            "inferenceConfig": {"maxTokens": self._max_output_tokens, "temperature": self._temperature},
        }
        if system:
            params["system"] = [{"text": system}]
        if tools:
            params["toolConfig"] = {"tools": [
                {"toolSpec": {"name": t.spec.name, "description": t.spec.description,
                              "inputSchema": {"json": dict(t.spec.input_schema)}}}
                for t in tools
            ]}
        return params

    def _call(self, params: dict[str, Any], turn: _Turn) -> Iterator[ProviderEvent]:
        with bedrock_errors():
            response = self._client.converse_stream(**params)
            for event in response["stream"]:
                yield from self._on_event(event, turn)
        if turn.usage is not None:
            yield UsageReport(self._model_id, turn.usage)

    @staticmethod
    def _on_event(event: Mapping[str, Any], turn: _Turn) -> Iterator[ProviderEvent]:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            tool_use = start.get("start", {}).get("toolUse")
            if tool_use:
                turn.blocks[start["contentBlockIndex"]] = _ToolUse(tool_use["toolUseId"], tool_use["name"])
        elif "contentBlockDelta" in event:
            delta_event = event["contentBlockDelta"]
            index, delta = delta_event["contentBlockIndex"], delta_event.get("delta", {})
            if "text" in delta:
                turn.blocks[index] = turn.text_of(index) + delta["text"]
                if delta["text"]:
                    yield TextDelta(delta["text"])
            elif "toolUse" in delta:
                block = turn.blocks.get(index)
                if isinstance(block, _ToolUse):
                    block.input_json.append(delta["toolUse"].get("input", ""))
        elif "contentBlockStop" in event:
            block = turn.blocks.get(event["contentBlockStop"]["contentBlockIndex"])
            if isinstance(block, _ToolUse):
                args = block.args()
                yield ToolCall(block.tool_use_id, block.name, args if args is not None else {})
        elif "messageStop" in event:
            turn.stop_reason = event["messageStop"].get("stopReason")
        elif "metadata" in event:
            usage = event["metadata"].get("usage", {})
            turn.usage = TokenUsage(int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0)))


def converse_messages(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """The conversation in Converse's shape. Converse wants it to open with the user and alternate roles, so a
    leading assistant greeting is dropped and consecutive messages of one role become one message."""
    conversation: list[dict[str, Any]] = []
    for message in messages:
        if not conversation and message.role != "user":
            continue
        if conversation and conversation[-1]["role"] == message.role:
            conversation[-1]["content"].append({"text": message.content})
        else:
            conversation.append({"role": message.role, "content": [{"text": message.content}]})
    return conversation


def tool_result_block(result: ToolResult) -> dict[str, Any]:
    if result.output is None:
        return {"toolResult": {"toolUseId": result.call_id, "content": [{"text": result.error or "Tool failed"}],
                               "status": "error"}}
    return {"toolResult": {"toolUseId": result.call_id, "content": [{"json": dict(result.output.content)}],
                           "status": "success"}}
