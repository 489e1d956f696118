"""The AI provider interface shared by every module that talks to a model (DESIGN.md §6).

A provider takes a conversation, a system prompt and the tools it may call, and streams what happens as it
happens: text as it is written, each tool call and its result, and the tokens each model call used. Providers
run the tools themselves (the Converse tool-use loop, or the offline provider's own retrieval), so callers see
one event sequence whichever provider answers.

    TextDelta*  (ToolCall ToolResult)*  TextDelta*  ...  UsageReport+      (in the order they happen)

A failure that ends the answer early is a ProviderError; what was streamed and reported before it stands.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol

from opsdesk.ai.usage import TokenUsage
from opsdesk.frozen import frozen

Role = Literal["user", "assistant"]
LOG = logging.getLogger(__name__)


@frozen
class ChatMessage:
    role: Role
    content: str


@frozen
class ToolSpec:
    name: str
    description: str
    input_schema: Mapping[str, Any]
    """JSON Schema of the tool's arguments (an object)."""


@frozen
class Citation:
    """A source a tool result points the user to."""

    title: str
    url: str


@frozen
class ToolOutput:
    content: Mapping[str, Any]
    """What the model reads: a JSON object."""
    citations: tuple[Citation, ...] = ()
    """What the user is shown of it."""


class ToolError(Exception):
    """A tool could not run with these arguments, or failed: the model is told (with this message) instead of
    the conversation failing."""


class Tool(Protocol):
    @property
    def spec(self) -> ToolSpec: ...

    def run(self, args: Mapping[str, Any]) -> ToolOutput:
        """Raise ToolError when the arguments are unusable or the tool fails."""
        ...


@frozen
class TextDelta:
    text: str


@frozen
class ToolCall:
    call_id: str
    name: str
    args: Mapping[str, Any]


@frozen
class ToolResult:
    call_id: str
    name: str
    output: ToolOutput | None
    """None when the tool failed (`error` says why)."""
    error: str | None = None

    @property
    def citations(self) -> tuple[Citation, ...]:
        return self.output.citations if self.output else ()


@frozen
class UsageReport:
    """The tokens of one model call (a Converse request, or the offline provider's answer)."""

    model_id: str
    usage: TokenUsage


ProviderEvent = TextDelta | ToolCall | ToolResult | UsageReport


class ProviderError(Exception):
    """The model could not answer (refused, throttled, unreachable, or it kept calling tools)."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.throttled = throttled
        """Too many requests for the model right now: the same question may work a little later."""


class ChatProvider(Protocol):
    @property
    def model_id(self) -> str: ...

    def stream(self, messages: Sequence[ChatMessage], tools: Sequence[Tool], system: str) -> Iterator[ProviderEvent]:
        """Answer the conversation (its last message is the user's), calling `tools` as needed."""
        ...


def call_tool(tools: Sequence[Tool], call: ToolCall) -> ToolResult:
    """Run the tool a model asked for. An unknown tool, unusable arguments or a failing tool become an error
    result (the model can recover from it); the conversation goes on."""
    tool = next((t for t in tools if t.spec.name == call.name), None)
    if tool is None:
        return ToolResult(call.call_id, call.name, None, f"Unknown tool {call.name!r}")
    try:
        return ToolResult(call.call_id, call.name, tool.run(call.args))
    except ToolError as exc:
        return ToolResult(call.call_id, call.name, None, str(exc))
    except Exception:  # noqa: BLE001 - a broken tool must not end the answer; the log has the cause
        LOG.exception("tool %s failed", call.name)
        return ToolResult(call.call_id, call.name, None, f"{call.name} is unavailable right now")


def tool_result_text(result: ToolResult) -> str:
    """The result as the model reads it (and as token estimates count it)."""
    if result.output is None:
        return json.dumps({"error": result.error}, separators=(",", ":"))
    return json.dumps(result.output.content, separators=(",", ":"), ensure_ascii=False)
