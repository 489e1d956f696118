"""The copilot's functions: the IncidentsTable, sign-in, integrations, hypotheses, webhooks."""

from __future__ import annotations

from typing import Literal

from opsdesk.settings import (
    DEFAULT_BEDROCK_MODEL_ID,
    MAIL_ADDRESS_PATTERN,
    PUBLIC_URL_PATTERN,
    PlatformSettings,
    empty_is_unset,
    setting,
)
from opsdesk.settings.identity import SessionSettings


class CopilotSettings(PlatformSettings):
    """The copilot's functions: the IncidentsTable (copilot and response incidents, opsdesk.tables)."""

    incidents_table_name: str = setting("INCIDENTS_TABLE_NAME", min_length=3)


class CopilotAuthSettings(CopilotSettings, SessionSettings):
    """copilot_auth and copilot_session: sign-in through Cognito, the session cookies, the WebSocket token, and
    the invitation mail of members added by email."""

    copilot_client_id: str | None = setting("COPILOT_APP_CLIENT_ID", default=None)
    """The copilot's own app client, whose ID tokens live the document's 15 minutes (infra: one client per module
    with CookieSession.token_lifetime_seconds); unset: users sign in with the platform's client."""
    ws_token_secret_arn: str | None = setting("CURSOR_KEY_SECRET_ARN", default=None)
    """The platform key (opsdesk.cursors' secret) that WebSocket tokens are signed with, under their own label."""
    mail_from: str | None = setting("COPILOT_MAIL_FROM", default=None, pattern=MAIL_ADDRESS_PATTERN, max_length=254,
                                    before=empty_is_unset)
    public_url: str | None = setting("COPILOT_PUBLIC_URL", default=None, pattern=PUBLIC_URL_PATTERN, max_length=512,
                                    before=empty_is_unset)

    @property
    def sign_in_client_id(self) -> str:
        return self.copilot_client_id or self.app_client_id

    @property
    def accepted_client_ids(self) -> frozenset[str]:
        """Its own sign-in client's tokens are accepted whatever COGNITO_MODULE_CLIENT_IDS lists."""
        return super().accepted_client_ids | {self.sign_in_client_id}


class IntegrationSecretSettings(CopilotSettings):
    """The functions of Capability.INTEGRATION_SECRETS and INTEGRATION_SECRET_CLEANUP: the Secrets Manager prefix of
    integrations' credentials."""

    secret_prefix: str = setting("INTEGRATION_SECRET_PREFIX", default="opsdesk/copilot/integrations",
                               min_length=1)


class CopilotProjectsSettings(CopilotAuthSettings, IntegrationSecretSettings):
    """copilot_projects: members (invitations by mail) and, when a project is deleted, its integrations'
    credentials."""


class CopilotIntegrationSettings(IntegrationSecretSettings):
    """copilot_monitoring: credentials in Secrets Manager, and the outbound guard's allow-list."""

    platform_account_id: str | None = setting("PLATFORM_AWS_ACCOUNT_ID", default=None, before=empty_is_unset)
    """The platform's own AWS account (infra: the deploying account): its alarms reach the default bus as the
    operator's, so no tenant's cloudwatch integration may name it. Unset locally, where the local account plays a
    customer's."""

    outbound_allowed_http_hosts: str = setting("OUTBOUND_ALLOWED_HTTP_HOSTS", default="")
    """Comma-separated host[:port] that may be called over plain http and on private addresses (local only)."""

    @property
    def allowed_http_hosts(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.outbound_allowed_http_hosts.split(",") if h.strip())


class HypothesisSettings(CopilotSettings):
    """copilot_hypotheses (fed by the event log's stream): the AI provider that ranks hypotheses."""

    ai_provider: Literal["offline", "bedrock"] = setting("AI_PROVIDER", default="offline")
    bedrock_model_id: str = setting("BEDROCK_MODEL_ID", default=DEFAULT_BEDROCK_MODEL_ID, min_length=1)
    bedrock_region: str | None = setting("BEDROCK_REGION", default=None)


class WebhookSettings(CopilotIntegrationSettings):
    """copilot_webhooks: integrations' webhook tokens (Secrets Manager) and the alerts bus."""

    alerts_bus_name: str = setting("ALERTS_BUS_NAME", min_length=1)
