"""The response module's functions: the IncidentsTable (its response items) and the AI analysis."""

from __future__ import annotations

from typing import Literal

from opsdesk.settings import DEFAULT_BEDROCK_MODEL_ID, PlatformSettings, setting


class ResponseSettings(PlatformSettings):
    """The response module's functions: the IncidentsTable (its response items) and signed list cursors."""

    incidents_table_name: str = setting("INCIDENTS_TABLE_NAME", min_length=3)
    cursor_key_secret_arn: str | None = setting("CURSOR_KEY_SECRET_ARN", default=None)
    analysis_stale_seconds: int = setting("RESPONSE_ANALYSIS_STALE_SECONDS", default=900, gt=0)
    """A pending analysis older than this is taken as lost (its function failed for good): new events request
    another."""


class ResponseAnalysisSettings(ResponseSettings):
    """response_analysis (fed by the IncidentsTable's stream): the AI provider and the debounce."""

    ai_provider: Literal["offline", "bedrock"] = setting("AI_PROVIDER", default="offline")
    bedrock_model_id: str = setting("BEDROCK_MODEL_ID", default=DEFAULT_BEDROCK_MODEL_ID, min_length=1)
    bedrock_region: str | None = setting("BEDROCK_REGION", default=None)
    quiet_seconds: float = setting("RESPONSE_ANALYSIS_QUIET_SECONDS", default=5.0, ge=0, le=60)
    """An analysis waits until no event has arrived for this long (a burst is analysed once, when it ends)..."""
    max_wait_seconds: float = setting("RESPONSE_ANALYSIS_MAX_WAIT_SECONDS", default=60.0, ge=0, le=600)
    """...but no longer than this after it was requested (a steady stream is still analysed)."""
