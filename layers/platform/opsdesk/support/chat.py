"""`POST /chat`: the request, the event stream the support document shows, and what every chat records.

The stream is server-sent events, one `data:` line per event and a blank line after each (so both EventSource
and line-reading clients parse it), JSON without spaces as the document prints it:

    data: {"type":"text","content":"..."}                          text as the assistant writes it
    data: {"type":"tool_call","name":"searchDocs","args":{...}}    the assistant searches the docs
    data: {"type":"tool_result","content":[{"title","url"}]}      the articles it found (empty: none or failed)
    data: {"type":"error","error":{"code","message","details"}}    the answer broke off (see below)
    data: [DONE]                                                   always last

Once the stream has started its status (200) cannot change, so a provider failure mid-answer is an `error`
event in the support envelope (`RATE_LIMITED` when the model is throttled, otherwise `INTERNAL_ERROR`), then
`[DONE]`. Everything before it stands.

Every chat records its token usage for the tenant and day (whatever the provider reported, also when it failed
or the client left), counts as help activity (self-resolution analytics), and counts the articles shown as
views."""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from aws_lambda_powertools import Logger
from pydantic import ConfigDict, Field, StrictStr, StringConstraints, field_validator

from opsdesk.ai.provider import (
    ChatMessage,
    ChatProvider,
    ProviderError,
    TextDelta,
    Tool,
    ToolCall,
    ToolResult,
    UsageReport,
)
from opsdesk.ai.tools import DocResult, doc_results
from opsdesk.ai.usage import TokenUsage
from opsdesk.auth import Principal
from opsdesk.clock import utc_now
from opsdesk.dialects import support as support_envelope
from opsdesk.errors import DomainError, RateLimited
from opsdesk.search.model import SearchHit
from opsdesk.validation import RequestBody

logger = Logger()

MAX_MESSAGES = 50
MAX_MESSAGE_CHARS = 8_000
MAX_CONVERSATION_CHARS = 32_000
DONE = "data: [DONE]\n\n"
HELP_ACTIVITY = "chat"

SYSTEM_PROMPT = """You are the support assistant of the HappyCloud platform. People ask you about problems with \
their pipelines, infrastructure, data platform, identity and access, and observability.

- Search the documentation with the searchDocs tool before you answer a technical question, and answer from what \
it returns. Prefer troubleshooting articles for problems and how-to guides for tasks.
- Cite the articles you used by their title and URL. Never invent an article, a URL, a command or a setting.
- If the documentation has nothing relevant, say so plainly and suggest filing an issue with the error message \
and the steps that fail.
- Be brief: a few short paragraphs or steps."""


class ChatMessageIn(RequestBody):
    # Chat UIs send more per message (ids, timestamps): those are ignored, never stored.
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant"]
    content: Annotated[StrictStr, StringConstraints(max_length=MAX_MESSAGE_CHARS)]

    @field_validator("content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class ChatRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    messages: list[ChatMessageIn] = Field(min_length=1, max_length=MAX_MESSAGES)

    @field_validator("messages")
    @classmethod
    def _answerable(cls, messages: list[ChatMessageIn]) -> list[ChatMessageIn]:
        if messages[-1].role != "user":
            raise ValueError("the last message must be the user's")
        if sum(len(m.content) for m in messages) > MAX_CONVERSATION_CHARS:
            raise ValueError(f"the conversation must not exceed {MAX_CONVERSATION_CHARS} characters")
        return messages


class UsageStore(Protocol):
    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None: ...


class HelpAnalytics(Protocol):
    """What SupportService keeps for analytics (best effort: it never raises for a lost count)."""

    def record_help_activity(self, principal: Principal, kind: str) -> None: ...

    def record_doc_views(self, principal: Principal, hits: Sequence[SearchHit]) -> None: ...


def sse_data(payload: Any) -> str:
    return "data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n\n"


def wire_event(event: TextDelta | ToolCall | ToolResult) -> dict[str, Any]:
    """A provider event as the document's stream shows it."""
    if isinstance(event, TextDelta):
        return {"type": "text", "content": event.text}
    if isinstance(event, ToolCall):
        return {"type": "tool_call", "name": event.name, "args": dict(event.args)}
    return {"type": "tool_result", "content": [{"title": c.title, "url": c.url} for c in event.citations]}


def error_event(error: DomainError) -> dict[str, Any]:
    _, envelope = support_envelope(error)
    return {"type": "error", **envelope}


class ChatService:
    def __init__(
        self,
        provider: ChatProvider,
        tools: Sequence[Tool],
        usage: UsageStore,
        analytics: HelpAnalytics | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        system_prompt: str = SYSTEM_PROMPT,
    ) -> None:
        self._provider = provider
        self._tools = tools
        self._usage = usage
        self._analytics = analytics
        self._clock = clock
        self._system = system_prompt

    def stream(self, principal: Principal, request: ChatRequest) -> Generator[str, None, None]:
        """The answer as SSE lines, ending with [DONE]. The request has been validated and rate-limited.

        The bookkeeping (usage, help activity, views) runs after [DONE] is sent, so it never delays the answer,
        and also when the client leaves mid-answer (the tokens were spent)."""
        started = self._clock()
        messages = [ChatMessage(m.role, m.content) for m in request.messages]
        reports: list[UsageReport] = []
        shown: dict[str, DocResult] = {}
        try:
            try:
                for event in self._provider.stream(messages, self._tools, self._system):
                    if isinstance(event, UsageReport):
                        reports.append(event)
                        continue
                    if isinstance(event, ToolResult) and event.output is not None:
                        shown.update((doc.url, doc) for doc in doc_results(event.output))
                    yield sse_data(wire_event(event))
            except ProviderError as exc:
                logger.warning("chat answer broke off", extra={"reason": exc.message, "throttled": exc.throttled})
                failure = (RateLimited("The assistant is busy right now; try again in a moment") if exc.throttled
                           else DomainError("The assistant could not finish this answer; try again"))
                yield sse_data(error_event(failure))
            except Exception:  # noqa: BLE001 - the status is already sent: end in the envelope, log the cause
                logger.exception("chat provider failed")
                yield sse_data(error_event(DomainError("The assistant could not finish this answer; try again")))
            yield DONE
        finally:
            self._record(principal, started, reports, list(shown.values()))

    def _record(self, principal: Principal, started: datetime, reports: list[UsageReport],
                shown: list[DocResult]) -> None:
        usage = sum((r.usage for r in reports), TokenUsage())
        model_id = reports[-1].model_id if reports else self._provider.model_id
        try:
            self._usage.record_ai_usage(principal.tenant_id, started.date().isoformat(), model_id, usage,
                                        len(reports))
        except Exception:  # noqa: BLE001 - bookkeeping must not break the answer; the log keeps the numbers
            logger.exception("could not record AI usage", extra={
                "tenant_id": principal.tenant_id, "model_id": model_id, "input_tokens": usage.input_tokens,
                "output_tokens": usage.output_tokens, "calls": len(reports)})
        if self._analytics is not None:
            self._analytics.record_help_activity(principal, HELP_ACTIVITY)
            if shown:
                self._analytics.record_doc_views(principal, [_as_hit(doc) for doc in shown])


def _as_hit(doc: DocResult) -> SearchHit:
    return SearchHit(title=doc.title, type=doc.type, excerpt=doc.excerpt, url=doc.url,
                     relevance=min(1.0, max(0.0, doc.relevance)), plane=doc.plane)
