"""Settings read from the environment and validated once, at cold start.

One pydantic model per function family; domain code receives values, never reads os.environ."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from opsdesk.apimodel import CookieSession


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
    helpdesk document's name for it."""

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_allowed_origins.split(",") if origin.strip()]


class EventLogSettings(PlatformSettings):
    events_table_name: str = Field(alias="EVENTS_TABLE_NAME", min_length=3)
    event_retention_hours: int = Field(default=72, alias="EVENT_RETENTION_HOURS", gt=0)
    """How long an event can be replayed (SSE Last-Event-ID); DynamoDB's TTL deletes it afterwards."""


class ConnectionSettings(PlatformSettings):
    connections_table_name: str = Field(alias="CONNECTIONS_TABLE_NAME", min_length=3)
    connection_ttl_hours: int = Field(default=2, alias="CONNECTION_TTL_HOURS", gt=0)
    """API Gateway closes a WebSocket after 2 hours; a connection item that outlives it is deleted by TTL."""


class RateLimitSettings(PlatformSettings):
    rate_limits_table_name: str = Field(alias="RATE_LIMITS_TABLE_NAME", min_length=3)


class SupportSettings(PlatformSettings):
    support_table_name: str = Field(alias="SUPPORT_TABLE_NAME", min_length=3)


class SearchSettings(PlatformSettings):
    """Where documentation search runs, and where the articles are kept."""

    docs_bucket_name: str | None = Field(default=None, alias="DOCS_BUCKET_NAME")
    search_backend: Literal["sqlite", "opensearch"] = Field(default="sqlite", alias="SEARCH_BACKEND")
    search_sqlite_path: str = Field(default=":memory:", alias="SEARCH_SQLITE_PATH")
    """The embedded index (locally `.local/search.sqlite`, built by `make dev` from docs/corpus)."""
    opensearch_endpoint: str | None = Field(default=None, alias="OPENSEARCH_ENDPOINT")
    opensearch_index: str = Field(default="docs", alias="OPENSEARCH_INDEX")
    opensearch_service: Literal["es", "aoss"] | None = Field(default=None, alias="OPENSEARCH_SERVICE")
    """The SigV4 service name: ``aoss`` for an OpenSearch Serverless collection (what CDK deploys), ``es`` for a
    domain. Unset: taken from the endpoint's host (``*.aoss.amazonaws.com`` is Serverless)."""


class DocsSettings(SupportSettings, SearchSettings):
    """The support docs function: search and feedback."""


class TokenSettings(PlatformSettings):
    """What a verifier of Cognito ID tokens needs. The JWKS URL is its own setting because moto signs with
    the real AWS issuer URL while serving the keys on loopback (DESIGN.md §7)."""

    user_pool_id: str = Field(alias="COGNITO_USER_POOL_ID", min_length=1)
    app_client_id: str = Field(alias="COGNITO_APP_CLIENT_ID", min_length=1)
    issuer_override: str | None = Field(default=None, alias="COGNITO_ISSUER")
    jwks_url_override: str | None = Field(default=None, alias="COGNITO_JWKS_URL")

    @property
    def issuer(self) -> str:
        return self.issuer_override or f"https://cognito-idp.{self.aws_region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return self.jwks_url_override or f"{self.issuer}/.well-known/jwks.json"


class EventStreamSettings(TokenSettings, EventLogSettings):
    """A streaming function: it verifies tokens itself and reads the event log."""

    sse_poll_seconds: float = Field(default=0.5, alias="SSE_POLL_SECONDS", gt=0)
    sse_heartbeat_seconds: float = Field(default=30.0, alias="SSE_HEARTBEAT_SECONDS", gt=0)
    sse_max_seconds: float = Field(default=840.0, alias="SSE_MAX_SECONDS", gt=0)
    """End the stream before the function's limit (15 minutes) so the client reconnects."""


class RealtimeSettings(TokenSettings, ConnectionSettings, EventLogSettings):
    """The WebSocket functions: they verify tokens, keep connections, read events and post to connections."""

    management_url: str | None = Field(default=None, alias="WEBSOCKET_MANAGEMENT_URL")
    """The API Gateway management API; default https://<domainName>/<stage> of the request."""
    cursor_key_secret_arn: str | None = Field(default=None, alias="CURSOR_KEY_SECRET_ARN")
    """The platform key the copilot's WebSocket tokens are signed with (opsdesk.wstokens); read on the first."""
    fanout_queue_url: str | None = Field(default=None, alias="REALTIME_FANOUT_QUEUE_URL")
    """The fan-out's queue of pages (opsdesk.realtime.FanoutPage): the fan-out sends the pages of an audience beyond
    its first to it and consumes them; required by the fan-out, unused by the route function."""


DEFAULT_BEDROCK_MODEL_ID = "amazon.nova-lite-v1:0"
"""On-demand in the regions the platform targets, with Converse streaming and tool use."""


class ChatSettings(TokenSettings, SupportSettings, RateLimitSettings, SearchSettings):
    """The support chat function (streaming): it verifies tokens, counts its rate limit, searches the docs for
    the assistant and records token usage in the support table."""

    ai_provider: Literal["offline", "bedrock"] = Field(default="offline", alias="AI_PROVIDER")
    """`offline` answers from retrieved docs without a model (the default, and the local stack's); `bedrock` calls
    Amazon Bedrock's Converse API."""
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID", min_length=1)
    bedrock_region: str | None = Field(default=None, alias="BEDROCK_REGION")
    """Where to call Bedrock when the model is not offered in the function's own region (default AWS_REGION)."""
    chat_max_tool_rounds: int = Field(default=3, alias="CHAT_MAX_TOOL_ROUNDS", ge=1, le=8)
    chat_max_output_tokens: int = Field(default=1024, alias="CHAT_MAX_OUTPUT_TOKENS", ge=64, le=8192)
    chat_search_limit: int = Field(default=5, alias="CHAT_SEARCH_LIMIT", ge=1, le=20)
    """Articles one searchDocs call returns."""
    chat_min_relevance: float = Field(default=0.25, alias="CHAT_MIN_RELEVANCE", ge=0, le=1)
    """Beyond the best article (chosen on evidence, opsdesk.ai.offline), the offline provider cites no further
    article scoring below this (embedded backend's 0..1 relevance)."""


class HelpdeskSettings(PlatformSettings):
    """The helpdesk functions: the TicketsTable. Those that publish events also load EventLogSettings (through
    opsdesk.eventlog), so a function without the event log's table still starts."""

    tickets_table_name: str = Field(alias="TICKETS_TABLE_NAME", min_length=3)
    cursor_key_secret_arn: str | None = Field(default=None, alias="CURSOR_KEY_SECRET_ARN")
    """The secret holding the key that signs list cursors (opsdesk.cursors); read on the first cursor."""


MAIL_ADDRESS_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
PUBLIC_URL_PATTERN = r"^https?://[^/\s?#]+(?:/[^\s?#]*)?$"


class HelpdeskMailSettings(HelpdeskSettings):
    """helpdesk_tickets: the CSAT survey mail a resolve sends to the requester (opsdesk.helpdesk.mail). Without
    either variable no mail is sent (a warning at cold start) and tickets still resolve."""

    mail_from: str | None = Field(default=None, alias="HELPDESK_MAIL_FROM", pattern=MAIL_ADDRESS_PATTERN,
                                  max_length=254)
    """The sender address: a verified SES identity (the address or its domain)."""
    public_url: str | None = Field(default=None, alias="HELPDESK_PUBLIC_URL", pattern=PUBLIC_URL_PATTERN,
                                   max_length=512)
    """Where the modules are served (the custom domain; locally the gateway): the survey link is
    `<HELPDESK_PUBLIC_URL>/helpdesk/csat/<token>`."""

    @field_validator("mail_from", "public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """An empty variable is an unset one (a stage turns mail off with `HELPDESK_MAIL_FROM=`); a trailing `/`
        of the URL is dropped so the link has no `//`."""
        if isinstance(value, str):
            return value.strip().rstrip("/") or None
        return value


class HelpdeskAttachmentSettings(HelpdeskSettings):
    """helpdesk_attachments: the bucket uploads go to (presigned PUT), and the limits of an upload."""

    attachments_bucket: str = Field(alias="ATTACHMENTS_BUCKET", min_length=3)
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, alias="ATTACHMENT_MAX_BYTES", gt=0,
                                      le=5 * 1024**3)
    """Largest file accepted (25 MiB); a single PUT takes at most 5 GiB."""
    attachment_upload_seconds: int = Field(default=900, alias="ATTACHMENT_UPLOAD_URL_SECONDS", ge=60, le=3600)


class HelpdeskExportSettings(HelpdeskSettings):
    """helpdesk_exports: the bucket CSV exports go to (objects expire by a lifecycle rule), and how long the
    download link lives."""

    exports_bucket: str = Field(alias="EXPORTS_BUCKET", min_length=3)
    export_url_seconds: int = Field(default=300, alias="EXPORT_URL_SECONDS", ge=30, le=3600)


class HelpdeskSlaCheckSettings(HelpdeskSettings):
    """helpdesk_sla_check (scheduled): how far back it looks for due tickets, so runs missed during an outage
    are caught up."""

    sla_check_lookback_hours: int = Field(default=24, alias="SLA_CHECK_LOOKBACK_HOURS", ge=1, le=168)


class HelpdeskMetricsSettings(HelpdeskSettings):
    """helpdesk_metrics (public Prometheus text): the build it reports."""

    build_version: str = Field(default="", alias="OPSDESK_BUILD_VERSION", max_length=64)


class SessionSettings(TokenSettings):
    """Cookie sessions (helpdesk /login, the session authorizer, the helpdesk event stream): whether the cookie
    login of modules whose document makes it optional is on. Off unless set: `make dev` turns it on. The cookie
    itself is the module's (opsdesk.apimap.CookieSession)."""

    cookie_login: Literal["on", "off"] = Field(default="off", alias="HELPDESK_COOKIE_LOGIN")
    sessions_table_name: str | None = Field(default=None, alias="SESSIONS_TABLE_NAME")
    """Signed-out sessions (opsdesk.revocations): their tokens are refused. Unset: none is checked."""
    auth_mode: Literal["local", "oidc"] | None = Field(default=None, alias="AUTH_MODE")
    """The helpdesk document's switch: `AUTH_MODE=local` turns the cookie login on as HELPDESK_COOKIE_LOGIN=on
    does (OIDC bearer tokens are always accepted)."""

    @property
    def cookie_login_enabled(self) -> bool:
        return self.cookie_login == "on" or self.auth_mode == "local"

    def accepts_cookie(self, session: CookieSession | None) -> bool:
        """Whether requests of a module with this session may authenticate by its cookie."""
        return session is not None and (session.always_on or self.cookie_login_enabled)


class HelpdeskStreamSettings(EventStreamSettings, SessionSettings):
    """The helpdesk event stream: a streaming function that accepts the session cookie as well."""


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


class ResponseSettings(PlatformSettings):
    """The response module's functions: the IncidentsTable (its response items) and signed list cursors."""

    incidents_table_name: str = Field(alias="INCIDENTS_TABLE_NAME", min_length=3)
    cursor_key_secret_arn: str | None = Field(default=None, alias="CURSOR_KEY_SECRET_ARN")
    analysis_stale_seconds: int = Field(default=900, alias="RESPONSE_ANALYSIS_STALE_SECONDS", gt=0)
    """A pending analysis older than this is taken as lost (its function failed for good): new events request
    another."""


class AlertIngestSettings(CopilotSettings, ResponseSettings):
    """alert_ingest: the alert path's consumer (the copilot's and the response module's incidents, one table)."""

    route_cache_seconds: float = Field(default=30.0, alias="ALERT_ROUTE_CACHE_SECONDS", ge=0, le=3600)


class ResponseAnalysisSettings(ResponseSettings):
    """response_analysis (fed by the IncidentsTable's stream): the AI provider and the debounce."""

    ai_provider: Literal["offline", "bedrock"] = Field(default="offline", alias="AI_PROVIDER")
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID", min_length=1)
    bedrock_region: str | None = Field(default=None, alias="BEDROCK_REGION")
    quiet_seconds: float = Field(default=5.0, alias="RESPONSE_ANALYSIS_QUIET_SECONDS", ge=0, le=60)
    """An analysis waits until no event has arrived for this long (a burst is analysed once, when it ends)..."""
    max_wait_seconds: float = Field(default=60.0, alias="RESPONSE_ANALYSIS_MAX_WAIT_SECONDS", ge=0, le=600)
    """...but no longer than this after it was requested (a steady stream is still analysed)."""


class AuraSettings(PlatformSettings):
    """The aura module's functions: the TicketsTable (its aura items) and the agent's queue."""

    tickets_table_name: str = Field(alias="TICKETS_TABLE_NAME", min_length=3)
    agent_queue_url: str | None = Field(default=None, alias="AURA_AGENT_QUEUE_URL")
    """Where runs are kicked (opsdesk.apimap AURA.queue_consumers); the REST functions and the agent send."""
    plan_approval_required: bool = Field(default=True, alias="AURA_PLAN_APPROVAL_REQUIRED")
    run_lease_seconds: int = Field(default=900, alias="AURA_RUN_LEASE_SECONDS", ge=30, le=86_400)
    """A run that has not checkpointed for this long is taken as dead: `POST /run` may start another."""
    environment: str = Field(default="production", alias="AURA_ENVIRONMENT", min_length=1, max_length=40)
    git_remote_url: str | None = Field(default=None, alias="AURA_GIT_REMOTE_URL")
    """The GitOps repository the agent pushes to: locally a bare repository in the stack's state; on AWS an https
    remote (its credential in Secrets Manager). Health reports `git` from it."""
    ai_provider: Literal["offline", "bedrock"] = Field(default="offline", alias="AI_PROVIDER")
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID", min_length=1)
    bedrock_region: str | None = Field(default=None, alias="BEDROCK_REGION")


class AuraAgentSettings(AuraSettings):
    """aura_agent (the queue's consumer): where the GitOps repository, the cluster and Argo CD are."""

    git_credential_secret_arn: str | None = Field(default=None, alias="AURA_GIT_CREDENTIAL_SECRET_ARN")
    workspace_dir: str = Field(default="/tmp/aura-workspaces", alias="AURA_WORKSPACE_DIR")
    gitops: Literal["local", "argocd"] = Field(default="argocd", alias="AURA_GITOPS")
    """`local`: the local stack's simulated cluster and Argo CD (opsdesk.aura.cluster.LocalGitOps)."""
    gitops_state_dir: str | None = Field(default=None, alias="AURA_GITOPS_STATE_DIR")
    argocd_url: str | None = Field(default=None, alias="AURA_ARGOCD_URL")
    kubernetes_url: str | None = Field(default=None, alias="AURA_KUBERNETES_URL")
    cluster_token_secret_arn: str | None = Field(default=None, alias="AURA_CLUSTER_TOKEN_SECRET_ARN")
    """A JSON secret {"argocd": <token>, "kubernetes": <token>}."""
    allowed_http_hosts: str = Field(default="", alias="AURA_ALLOWED_HTTP_HOSTS")
    turn_time_budget_seconds: float = Field(default=60.0, alias="AURA_TURN_TIME_BUDGET_SECONDS", gt=0, le=600)
    observe_delays: str = Field(default="2,4,8,15,30,60", alias="AURA_OBSERVE_DELAYS")


class AuraStreamSettings(EventStreamSettings, AuraSettings):
    """aura_stream: the tickets' live events (SSE); it reads a ticket to answer 404 for another tenant's."""


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
