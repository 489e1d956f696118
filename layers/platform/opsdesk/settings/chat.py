"""The support chat (streaming): tokens, rate limit, search and the AI provider."""

from __future__ import annotations

from typing import Literal

from opsdesk.settings import DEFAULT_BEDROCK_MODEL_ID, setting
from opsdesk.settings.identity import TokenSettings
from opsdesk.settings.platform import RateLimitSettings
from opsdesk.settings.support import SearchSettings, SupportSettings


class ChatSettings(TokenSettings, SupportSettings, RateLimitSettings, SearchSettings):
    """The support chat function (streaming): it verifies tokens, counts its rate limit, searches the docs for
    the assistant and records token usage in the support table."""

    ai_provider: Literal["offline", "bedrock"] = setting("AI_PROVIDER", default="offline")
    """`offline` answers from retrieved docs without a model (the default, and the local stack's); `bedrock` calls
    Amazon Bedrock's Converse API."""
    bedrock_model_id: str = setting("BEDROCK_MODEL_ID", default=DEFAULT_BEDROCK_MODEL_ID, min_length=1)
    bedrock_region: str | None = setting("BEDROCK_REGION", default=None)
    """Where to call Bedrock when the model is not offered in the function's own region (default AWS_REGION)."""
    chat_max_tool_rounds: int = setting("CHAT_MAX_TOOL_ROUNDS", default=3, ge=1, le=8)
    chat_max_output_tokens: int = setting("CHAT_MAX_OUTPUT_TOKENS", default=1024, ge=64, le=8192)
    chat_search_limit: int = setting("CHAT_SEARCH_LIMIT", default=5, ge=1, le=20)
    """Articles one searchDocs call returns."""
    chat_min_relevance: float = setting("CHAT_MIN_RELEVANCE", default=0.25, ge=0, le=1)
    """Beyond the best article (chosen on evidence, opsdesk.ai.offline), the offline provider cites no further
    article scoring below this (embedded backend's 0..1 relevance)."""
