"""The agent's brain the settings choose (DESIGN.md §6): the offline planner and executor (the default and the local
stack's), or a model on Amazon Bedrock with tool use (`AI_PROVIDER=bedrock`). Each is imported only when chosen."""

from __future__ import annotations

from typing import Any

from opsdesk.aura.brain import AgentBrain
from opsdesk.settings import AuraSettings


def agent_brain(settings: AuraSettings) -> AgentBrain:
    if settings.ai_provider == "bedrock":
        from opsdesk.aura.bedrock import BedrockAgentBrain  # noqa: PLC0415

        return BedrockAgentBrain(_bedrock_client(settings), settings.bedrock_model_id)
    from opsdesk.aura.planner import OfflineBrain  # noqa: PLC0415

    return OfflineBrain()


def _bedrock_client(settings: AuraSettings) -> Any:
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client("bedrock-runtime", region_name=settings.bedrock_region or settings.aws_region,
                        config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}))
