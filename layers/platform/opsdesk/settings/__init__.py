"""Settings read from the environment and validated once, at cold start.

One pydantic model per function family; domain code receives values, never reads os.environ. The families live in
this package's modules and are declared when first named (`from opsdesk.settings import SupportSettings`): a
function declares its own family and the ones it builds on, not all 31 (each declaration is ~0.7 ms of a cold
start, docs/benchmarks.md)."""

from __future__ import annotations

import importlib
import os
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:  # the families, for type checkers; at run time __getattr__ imports each when named
    from opsdesk.settings.alerts import AlertIngestSettings
    from opsdesk.settings.aura import AuraAgentSettings, AuraSettings
    from opsdesk.settings.chat import ChatSettings
    from opsdesk.settings.copilot import (
        CopilotAuthSettings,
        CopilotIntegrationSettings,
        CopilotSettings,
        HypothesisSettings,
        WebhookSettings,
    )
    from opsdesk.settings.helpdesk import (
        HelpdeskAttachmentSettings,
        HelpdeskExportSettings,
        HelpdeskMailSettings,
        HelpdeskMetricsSettings,
        HelpdeskSettings,
        HelpdeskSlaCheckSettings,
    )
    from opsdesk.settings.identity import SessionSettings, TokenSettings
    from opsdesk.settings.platform import ConnectionSettings, EventLogSettings, RateLimitSettings
    from opsdesk.settings.response import ResponseAnalysisSettings, ResponseSettings
    from opsdesk.settings.streams import (
        AuraStreamSettings,
        EventStreamSettings,
        HelpdeskStreamSettings,
        RealtimeSettings,
    )
    from opsdesk.settings.support import DocsSettings, SearchSettings, SupportSettings

__all__ = [
    "AlertIngestSettings",
    "AuraAgentSettings",
    "AuraSettings",
    "AuraStreamSettings",
    "ChatSettings",
    "ConnectionSettings",
    "CopilotAuthSettings",
    "CopilotIntegrationSettings",
    "CopilotSettings",
    "DEFAULT_BEDROCK_MODEL_ID",
    "DocsSettings",
    "EventLogSettings",
    "EventStreamSettings",
    "FAMILY_MODULES",
    "HelpdeskAttachmentSettings",
    "HelpdeskExportSettings",
    "HelpdeskMailSettings",
    "HelpdeskMetricsSettings",
    "HelpdeskSettings",
    "HelpdeskSlaCheckSettings",
    "HelpdeskStreamSettings",
    "HypothesisSettings",
    "MAIL_ADDRESS_PATTERN",
    "PUBLIC_URL_PATTERN",
    "PlatformSettings",
    "RateLimitSettings",
    "RealtimeSettings",
    "ResponseAnalysisSettings",
    "ResponseSettings",
    "SearchSettings",
    "SessionSettings",
    "SettingsError",
    "SupportSettings",
    "TokenSettings",
    "WebhookSettings",
    "load_settings",
]

DEFAULT_BEDROCK_MODEL_ID = "amazon.nova-lite-v1:0"
"""On-demand in the regions the platform targets, with Converse streaming and tool use."""
MAIL_ADDRESS_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
PUBLIC_URL_PATTERN = r"^https?://[^/\s?#]+(?:/[^\s?#]*)?$"


class PlatformSettings(BaseModel):
    # defer_build: a function validates one of these models; the others are not built (~3 ms each at import).
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True, defer_build=True)

    aws_region: str = Field(alias="AWS_REGION", min_length=1)
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")
    """Set locally (moto server); unset on AWS."""
    service_name: str = Field(default="opsdesk", alias="POWERTOOLS_SERVICE_NAME")
    max_body_bytes: int = Field(default=262_144, alias="MAX_BODY_BYTES", gt=0)
    expected_client_id: str | None = Field(default=None, alias="COGNITO_APP_CLIENT_ID")
    """The app client whose tokens the API accepts. API Gateway's Cognito authorizer checks the pool and the
    signature but not the audience, so the function checks `aud` itself."""
    cors_allowed_origins: str = Field(
        default="", validation_alias=AliasChoices("CORS_ALLOWED_ORIGINS", "ALLOWED_ORIGINS")
    )
    """Comma-separated origins the browser may call from; empty means no CORS headers. `ALLOWED_ORIGINS` is the
    helpdesk document's name for it. Never `*`: the cookie modules send credentials, and an allow-list is the
    platform's rule (docs/decisions.md, CORS)."""

    @field_validator("cors_allowed_origins")
    @classmethod
    def _no_wildcard(cls, value: str) -> str:
        if any(origin.strip() == "*" for origin in value.split(",")):
            raise ValueError("list the origins; '*' is not allowed")
        return value

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_allowed_origins.split(",") if origin.strip()]



FAMILY_MODULES = {
    "EventLogSettings": "platform",
    "ConnectionSettings": "platform",
    "RateLimitSettings": "platform",
    "TokenSettings": "identity",
    "SessionSettings": "identity",
    "SupportSettings": "support",
    "SearchSettings": "support",
    "DocsSettings": "support",
    "ChatSettings": "chat",
    "HelpdeskSettings": "helpdesk",
    "HelpdeskMailSettings": "helpdesk",
    "HelpdeskAttachmentSettings": "helpdesk",
    "HelpdeskExportSettings": "helpdesk",
    "HelpdeskSlaCheckSettings": "helpdesk",
    "HelpdeskMetricsSettings": "helpdesk",
    "CopilotSettings": "copilot",
    "CopilotAuthSettings": "copilot",
    "CopilotIntegrationSettings": "copilot",
    "HypothesisSettings": "copilot",
    "WebhookSettings": "copilot",
    "ResponseSettings": "response",
    "ResponseAnalysisSettings": "response",
    "AlertIngestSettings": "alerts",
    "AuraSettings": "aura",
    "AuraAgentSettings": "aura",
    "EventStreamSettings": "streams",
    "RealtimeSettings": "streams",
    "HelpdeskStreamSettings": "streams",
    "AuraStreamSettings": "streams",
}
"""Which module of this package declares each settings model."""


def __getattr__(name: str) -> Any:
    module = FAMILY_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


class SettingsError(RuntimeError):
    pass


SettingsT = TypeVar("SettingsT", bound=PlatformSettings)


@cache
def load_settings(model: type[SettingsT]) -> SettingsT:
    """Validate the environment against `model`; a missing or bad variable stops the cold start loudly."""
    try:
        return model.model_validate(dict(os.environ))
    except ValidationError as exc:
        problems = ", ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid configuration for {model.__name__}: {problems}") from exc
