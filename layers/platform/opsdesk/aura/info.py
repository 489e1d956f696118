"""`GET /info` and the parts of `GET /health` that describe the deployment rather than a tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsdesk.settings import AuraSettings

API_VERSION = "1.0.0"
OFFLINE_MODEL = "opsdesk-offline-planner"


def info_view(settings: AuraSettings) -> dict[str, Any]:
    bedrock = settings.ai_provider == "bedrock"
    return {
        "version": API_VERSION,
        "environment": settings.environment,
        "llm": {"model": settings.bedrock_model_id if bedrock else OFFLINE_MODEL,
                "provider": "bedrock" if bedrock else "offline"},
        "features": {
            "planApprovalRequired": settings.plan_approval_required,
            # Destructive actions always wait for a person: the policy is code, not a setting.
            "destructiveActionApproval": True,
            # The working branch is left for a person to merge (docs/decisions.md, Aura).
            "autoMergeOnResolution": False,
        },
    }


def git_status(remote_url: str | None) -> str:
    if not remote_url:
        return "unavailable"
    if "://" not in remote_url:  # a local bare repository
        return "available" if (Path(remote_url) / "HEAD").exists() else "unavailable"
    return "available"
