"""The copilot's functions: the IncidentsTable, sign-in, integrations, hypotheses, webhooks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from opsdesk.settings import DEFAULT_BEDROCK_MODEL_ID, MAIL_ADDRESS_PATTERN, PUBLIC_URL_PATTERN, PlatformSettings
from opsdesk.settings.identity import SessionSettings


class CopilotSettings(PlatformSettings):
    """The copilot's functions: the IncidentsTable (copilot and response incidents, opsdesk.tables)."""

    incidents_table_name: str = Field(alias="INCIDENTS_TABLE_NAME", min_length=3)


class CopilotAuthSettings(CopilotSettings, SessionSettings):
    """copilot_auth and copilot_session: sign-in through Cognito, the session cookies, the WebSocket token, and
    the invitation mail of members added by email."""

    ws_token_secret_arn: str | None = Field(default=None, alias="CURSOR_KEY_SECRET_ARN")
    """The platform key (opsdesk.cursors' secret) that WebSocket tokens are signed with, under their own label."""
    mail_from: str | None = Field(default=None, alias="COPILOT_MAIL_FROM", pattern=MAIL_ADDRESS_PATTERN,
                                  max_length=254)
    public_url: str | None = Field(default=None, alias="COPILOT_PUBLIC_URL", pattern=PUBLIC_URL_PATTERN,
                                   max_length=512)

    @field_validator("mail_from", "public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().rstrip("/") or None
        return value


class CopilotIntegrationSettings(CopilotSettings):
    """copilot_monitoring: credentials in Secrets Manager, and the outbound guard's allow-list."""

    secret_prefix: str = Field(default="opsdesk/copilot/integrations", alias="INTEGRATION_SECRET_PREFIX",
                               min_length=1)
    outbound_allowed_http_hosts: str = Field(default="", alias="OUTBOUND_ALLOWED_HTTP_HOSTS")
    """Comma-separated host[:port] that may be called over plain http and on private addresses (local only)."""

    @property
    def allowed_http_hosts(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.outbound_allowed_http_hosts.split(",") if h.strip())


class HypothesisSettings(CopilotSettings):
    """copilot_hypotheses (fed by the event log's stream): the AI provider that ranks hypotheses."""

    ai_provider: Literal["offline", "bedrock"] = Field(default="offline", alias="AI_PROVIDER")
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID", min_length=1)
    bedrock_region: str | None = Field(default=None, alias="BEDROCK_REGION")


class WebhookSettings(CopilotIntegrationSettings):
    """copilot_webhooks: integrations' webhook tokens (Secrets Manager) and the alerts bus."""

    alerts_bus_name: str = Field(alias="ALERTS_BUS_NAME", min_length=1)
