"""The agent's brain the settings choose (DESIGN.md §6): the offline planner and executor (the default and the local
stack's), or a model on Amazon Bedrock with tool use (`AI_PROVIDER=bedrock`). Each is imported only when chosen."""

from __future__ import annotations

from opsdesk.aura.brain import AgentBrain
from opsdesk.settings import AuraSettings


def agent_brain(settings: AuraSettings) -> AgentBrain:
    if settings.ai_provider == "bedrock":
        from opsdesk.ai.factory import bedrock_runtime_client  # noqa: PLC0415
        from opsdesk.aura.bedrock import BedrockAgentBrain  # noqa: PLC0415

        client = bedrock_runtime_client(settings.bedrock_region or settings.aws_region)
        return BedrockAgentBrain(client, settings.bedrock_model_id)
    from opsdesk.aura.planner import OfflineBrain  # noqa: PLC0415

    return OfflineBrain()

