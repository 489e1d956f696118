"""alert_ingest: the alert path's consumer, which writes copilot and response incidents."""

from __future__ import annotations

from pydantic import Field

from opsdesk.settings.copilot import CopilotSettings
from opsdesk.settings.response import ResponseSettings


class AlertIngestSettings(CopilotSettings, ResponseSettings):
    """alert_ingest: the alert path's consumer (the copilot's and the response module's incidents, one table)."""

    route_cache_seconds: float = Field(default=30.0, alias="ALERT_ROUTE_CACHE_SECONDS", ge=0, le=3600)
