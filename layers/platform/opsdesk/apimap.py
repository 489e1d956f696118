"""The API map: modules, their base paths, function groups and the API Gateway resources each group owns.

CDK builds the REST APIs from it and the local gateway routes requests by it, so the two cannot drift.
A resource path is relative to the module's REST API (what API Gateway calls the resource); the module's
base path is the base-path mapping on the custom domain (and the URL prefix locally).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Auth(StrEnum):
    COGNITO = "cognito"
    """API Gateway's Cognito user pool authorizer: a valid ID token in the Authorization header."""
    COOKIE_JWT = "cookie_jwt"
    """A Lambda REQUEST authorizer (functions/session_authorizer, logic in opsdesk.sessions) verifying the same
    Cognito ID token from the Authorization header or the module's session cookie (DESIGN.md §2); the function
    reads the same claims from its context."""
    NONE = "none"


class Capability(StrEnum):
    """What a function uses beyond its tables; infra grants it and sets its settings from this."""

    CURSOR_KEY = "cursor_key"
    """Makes or reads signed list cursors (opsdesk.cursors): CURSOR_KEY_SECRET_ARN and read access to it."""


@dataclass(frozen=True)
class FunctionGroup:
    name: str
    """Folder under functions/ and the stem of the Lambda function's logical id."""
    resources: tuple[str, ...]
    auth: Auth = Auth.COGNITO
    tables: tuple[str, ...] = ()
    """Logical ids of the tables the function reads and writes (ALL_TABLES in opsdesk.tables)."""
    read_only_tables: tuple[str, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    streaming: bool = False
    """An ASGI app (functions/<name>/app.py) streaming its response: on AWS a response-streaming function behind
    the Lambda Web Adapter, locally mounted in the gateway."""


@dataclass(frozen=True)
class RateLimit:
    path_prefix: str
    """A resource path prefix (`/api/chat`); the longest matching prefix wins."""
    per_minute: int


@dataclass(frozen=True)
class ApiModule:
    name: str
    base_path: str
    """URL prefix on the shared origin, e.g. /support: requests to /support/api/issues hit resource /api/issues."""
    dialect: str
    groups: tuple[FunctionGroup, ...]
    rate_limits: tuple[RateLimit, ...] = ()
    default_rate_limit: int | None = None
    """Requests per minute per user on every other route; None: the module's document promises no limit."""

    expose_headers: tuple[str, ...] = ()
    """Response headers a browser script may read cross-origin (beyond the CORS-safelisted ones)."""

    @property
    def cookie_sessions(self) -> bool:
        """Some routes take the session cookie: browsers must be allowed to send credentials."""
        return any(group.auth is Auth.COOKIE_JWT for group in self.groups)

    def rate_limit_for(self, resource_path: str) -> RateLimit | None:
        matching = [limit for limit in self.rate_limits if resource_path.startswith(limit.path_prefix)]
        if matching:
            return max(matching, key=lambda limit: len(limit.path_prefix))
        return RateLimit("", self.default_rate_limit) if self.default_rate_limit else None


SUPPORT = ApiModule(
    name="support",
    base_path="/support",
    dialect="support",
    groups=(
        FunctionGroup(
            name="support_catalog",
            resources=("/api/customers", "/api/customers/{proxy+}", "/api/planes"),
            tables=("RateLimitsTable",),
            read_only_tables=("SupportTable",),
        ),
        FunctionGroup(
            name="support_issues",
            resources=("/api/issues", "/api/issues/{proxy+}"),
            tables=("SupportTable", "EventsTable", "RateLimitsTable"),
        ),
        FunctionGroup(
            name="support_docs",
            resources=("/api/docs/{proxy+}",),
            tables=("SupportTable", "RateLimitsTable"),
        ),
        FunctionGroup(
            name="support_analytics",
            resources=("/api/analytics/{proxy+}",),
            tables=("RateLimitsTable",),
            read_only_tables=("SupportTable",),
        ),
        # POST /chat streams the assistant's answer (SSE); it counts its own rate limit and records token usage.
        FunctionGroup(
            name="support_chat",
            resources=("/api/chat",),
            tables=("SupportTable", "RateLimitsTable"),
            streaming=True,
        ),
        # Beyond the support document: the tenant's issue events as SSE, for live lists in the frontend.
        FunctionGroup(
            name="support_stream",
            resources=("/api/events",),
            read_only_tables=("EventsTable",),
            streaming=True,
        ),
    ),
    # The support document's limits, per user: chat 10, doc search 30, everything else 100 a minute.
    rate_limits=(RateLimit("/api/chat", 10), RateLimit("/api/docs/search", 30)),
    default_rate_limit=100,
)

# The helpdesk document (seeds/helpdesk-api.md) under /helpdesk. Its ticket routes sit on `/tickets/{id}` and
# `/tickets/{id}/{proxy+}` (API Gateway allows one variable part among siblings), with the literal
# `/tickets/{id}/attachments` subtree beside them for the attachments group. The document promises no rate limits.
HELPDESK = ApiModule(
    name="helpdesk",
    base_path="/helpdesk",
    dialect="helpdesk",
    groups=(
        FunctionGroup(
            name="helpdesk_health",
            resources=("/livez", "/readyz", "/healthz"),
            auth=Auth.NONE,
            read_only_tables=("TicketsTable", "EventsTable"),
        ),
        # Cookie sessions: sign in through Cognito (public), or clear the cookie.
        FunctionGroup(name="helpdesk_session", resources=("/login", "/logout"), auth=Auth.NONE),
        FunctionGroup(
            name="helpdesk_people",
            resources=("/me", "/requesters", "/requesters/{id}"),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable",),
        ),
        FunctionGroup(
            name="helpdesk_tickets",
            resources=("/tickets", "/tickets/{id}", "/tickets/{id}/{proxy+}"),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable", "EventsTable"),
            capabilities=(Capability.CURSOR_KEY,),
        ),
        FunctionGroup(
            name="helpdesk_attachments",
            resources=("/tickets/{id}/attachments", "/tickets/{id}/attachments/{proxy+}"),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable",),
        ),
        FunctionGroup(name="helpdesk_csat", resources=("/csat/{token}",), auth=Auth.NONE, tables=("TicketsTable",)),
        FunctionGroup(
            name="helpdesk_exports",
            resources=("/exports/{proxy+}",),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable",),
        ),
        # /metrics/sla, /metrics/resolution, /metrics/tickets from the aggregates kept on write (agent role).
        FunctionGroup(
            name="helpdesk_reports",
            resources=("/metrics/{proxy+}",),
            auth=Auth.COOKIE_JWT,
            read_only_tables=("TicketsTable",),
        ),
        # Prometheus text, no auth.
        FunctionGroup(name="helpdesk_metrics", resources=("/metrics",), auth=Auth.NONE,
                      read_only_tables=("TicketsTable",)),
        FunctionGroup(
            name="helpdesk_events",
            resources=("/events",),
            auth=Auth.COOKIE_JWT,
            read_only_tables=("EventsTable",),
            streaming=True,
        ),
    ),
    # Lists are bare arrays (the document's shape): the next page's cursor travels in this header.
    expose_headers=("X-Next-Cursor",),
)

MODULES: tuple[ApiModule, ...] = (SUPPORT, HELPDESK)
"""The modules CDK deploys (infra/app.py; it builds the REQUEST authorizer of Auth.COOKIE_JWT groups)."""
SERVED_MODULES: tuple[ApiModule, ...] = MODULES
"""Every module the local gateway serves: the same."""


@dataclass(frozen=True)
class WebSocketApi:
    """One WebSocket API for every module (DESIGN.md §1): its route function, and the fan-out function that the
    EventsTable stream feeds."""

    route_function: str = "realtime_ws"
    fanout_function: str = "realtime_fanout"
    tables: tuple[str, ...] = ("ConnectionsTable",)
    read_only_tables: tuple[str, ...] = ("EventsTable",)
    local_paths: tuple[str, ...] = ("/ws",)
    """Where the local gateway accepts WebSocket clients (on AWS: the WebSocket API's own URL)."""
    local_management_path: str = "/_ws"
    """Prefix of the local management API (`POST /_ws/@connections/{id}`), the WEBSOCKET_MANAGEMENT_URL locally."""


REALTIME = WebSocketApi()

