"""alert_ingest: the alert path's consumer, which writes copilot and response incidents."""

from __future__ import annotations

from opsdesk.settings import setting
from opsdesk.settings.copilot import CopilotSettings
from opsdesk.settings.response import ResponseSettings


class AlertIngestSettings(CopilotSettings, ResponseSettings):
    """alert_ingest: the alert path's consumer (the copilot's and the response module's incidents, one table)."""

    route_cache_seconds: float = setting("ALERT_ROUTE_CACHE_SECONDS", default=30.0, ge=0, le=3600)
