"""The chat provider the settings name: `AI_PROVIDER=offline` (default) or `bedrock` (`BEDROCK_MODEL_ID`)."""

from __future__ import annotations

from typing import Any

from opsdesk.ai.provider import ChatProvider
from opsdesk.settings import ChatSettings

# Between two stream events Bedrock may think for a while (a long answer, a tool round); connections are quick.
BEDROCK_CONNECT_TIMEOUT_SECONDS = 5
BEDROCK_READ_TIMEOUT_SECONDS = 60
BEDROCK_MAX_ATTEMPTS = 3


def chat_provider(settings: ChatSettings) -> ChatProvider:
    if settings.ai_provider == "bedrock":
        # Imported only where Bedrock answers: boto3's client creation is cold-start time the offline default
        # does not need.
        from opsdesk.ai.bedrock import BedrockConverseProvider  # noqa: PLC0415

        client = bedrock_runtime_client(settings.bedrock_region or settings.aws_region)
        return BedrockConverseProvider(client, settings.bedrock_model_id, max_tool_rounds=settings.chat_max_tool_rounds,
                                       max_output_tokens=settings.chat_max_output_tokens)
    # Imported only where it answers: a Bedrock deployment never loads the offline engine's tables and patterns.
    from opsdesk.ai.offline import OfflineDocsProvider, Selection  # noqa: PLC0415

    return OfflineDocsProvider(Selection(min_relevance=settings.chat_min_relevance))


def bedrock_runtime_client(region: str) -> Any:
    """The one way a function builds its Bedrock client (chat, hypotheses, the aura agent), with the timeouts and
    retries every caller wants. Imported only where Bedrock answers: boto3's client creation is cold-start time the
    offline defaults do not need."""
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client(
        "bedrock-runtime", region_name=region,
        config=Config(connect_timeout=BEDROCK_CONNECT_TIMEOUT_SECONDS, read_timeout=BEDROCK_READ_TIMEOUT_SECONDS,
                      retries={"max_attempts": BEDROCK_MAX_ATTEMPTS, "mode": "standard"}),
    )
