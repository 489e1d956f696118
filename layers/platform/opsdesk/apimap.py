"""The API map: modules, their base paths, function groups and the API Gateway resources each group owns.

CDK builds the REST APIs from it and the local gateway routes requests by it, so the two cannot drift.
A resource path is relative to the module's REST API (what API Gateway calls the resource); the module's
base path is the base-path mapping on the custom domain (and the URL prefix locally).
"""

from __future__ import annotations

# The map's types live in opsdesk.apimodel; the map re-exports them, as most of its users need both.
from opsdesk.apimodel import ApiModule as ApiModule  # noqa: PLC0414
from opsdesk.apimodel import Auth as Auth  # noqa: PLC0414
from opsdesk.apimodel import Capability as Capability  # noqa: PLC0414
from opsdesk.apimodel import CookieSession as CookieSession  # noqa: PLC0414
from opsdesk.apimodel import FunctionGroup as FunctionGroup  # noqa: PLC0414
from opsdesk.apimodel import QueueConsumer as QueueConsumer  # noqa: PLC0414
from opsdesk.apimodel import RateLimit as RateLimit  # noqa: PLC0414
from opsdesk.apimodel import ScheduledJob as ScheduledJob  # noqa: PLC0414
from opsdesk.apimodel import StreamConsumer as StreamConsumer  # noqa: PLC0414
from opsdesk.frozen import frozen

SESSION_AUTHORIZER = FunctionGroup(name="session_authorizer", resources=(), read_only_tables=("SessionsTable",))
"""The Lambda REQUEST authorizer every cookie-session module's REST API has (functions/session_authorizer): it
reads the signed-out sessions (opsdesk.revocations)."""

MODULE_STAGE_VARIABLE = "module"
"""Every module's REST API stage carries its module's name in this stage variable (CDK and the local gateway), so
a function shared by several modules (the session authorizer) knows which one a request is for."""


def api_docs_group(module_name: str) -> FunctionGroup:
    """A module's interactive docs (opsdesk.apidocs): Swagger UI, ReDoc and the OpenAPI document they read, public
    like the committed documents under docs/api/."""
    return FunctionGroup(name=f"{module_name}_api_docs", resources=("/docs", "/redoc", "/openapi.json"),
                         auth=Auth.NONE)


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
            capabilities=(Capability.SEARCH,),
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
            capabilities=(Capability.SEARCH, Capability.AI_MODEL),
            streaming=True,
        ),
        # Beyond the support document: the tenant's issue events as SSE, for live lists in the frontend.
        FunctionGroup(
            name="support_stream",
            resources=("/api/events",),
            read_only_tables=("EventsTable",),
            streaming=True,
        ),
        api_docs_group("support"),
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
        # Cookie sessions: sign in through Cognito (public), or sign out (the cookie cleared, its session ended).
        FunctionGroup(name="helpdesk_session", resources=("/login", "/logout"), auth=Auth.NONE,
                      tables=("SessionsTable",)),
        api_docs_group("helpdesk"),
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
            # A resolve mails the requester the CSAT survey; an assignee or a watcher is looked up in the pool.
            capabilities=(Capability.CURSOR_KEY, Capability.MAIL, Capability.USER_LOOKUP),
        ),
        FunctionGroup(
            name="helpdesk_attachments",
            resources=("/tickets/{id}/attachments", "/tickets/{id}/attachments/{proxy+}"),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable",),
            capabilities=(Capability.ATTACHMENTS_BUCKET,),
        ),
        FunctionGroup(name="helpdesk_csat", resources=("/csat/{token}",), auth=Auth.NONE, tables=("TicketsTable",),
                      credential_in_path=True),
        FunctionGroup(
            name="helpdesk_exports",
            resources=("/exports/{proxy+}",),
            auth=Auth.COOKIE_JWT,
            tables=("TicketsTable",),
            capabilities=(Capability.EXPORTS_BUCKET,),
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
    # The document's cookie login exists in its local mode only: off unless the stage turns it on.
    session=CookieSession(cookie="helpdesk_session"),
    # Marks tickets whose SLA clock ran out (TicketsTable's ticketsByDue Query; the marks publish ticket_updated).
    scheduled=(ScheduledJob(
        FunctionGroup(name="helpdesk_sla_check", resources=(), tables=("TicketsTable", "EventsTable")),
        every_seconds=60,
        purpose="record SLA breaches as they happen (ticketsByDue)",
        when_runs_fail="SLA breaches are recorded late until a run succeeds. Nothing to replay: each run looks back "
                       "24 hours, so once the cause is fixed the next run catches up; then purge the queue to clear "
                       "the alarm.",
    ),),
)

# The copilot document (seeds/sre-copilot-api.md) under /copilot/api/v1. Every route but register, login and
# refresh takes the bearer token or the `access_token` cookie (the document promises both, always). Projects own
# `/projects/{id}` and its members; monitoring integrations and alerts are `/projects/{id}/monitoring/...`.
COPILOT_TABLES = ("IncidentsTable", "EventsTable", "RateLimitsTable")
COPILOT = ApiModule(
    name="copilot",
    base_path="/copilot/api/v1",
    dialect="copilot",
    groups=(
        FunctionGroup(
            name="copilot_auth",
            resources=("/auth/register", "/auth/login", "/auth/refresh"),
            auth=Auth.NONE,
            tables=("IncidentsTable", "RateLimitsTable", "SessionsTable"),  # a signed-out session refreshes no more
            capabilities=(Capability.USER_DIRECTORY,),
        ),
        FunctionGroup(
            name="copilot_session",
            resources=("/auth/logout", "/auth/me", "/auth/switch-project", "/auth/ws-token"),
            auth=Auth.COOKIE_JWT,
            tables=("IncidentsTable", "RateLimitsTable", "SessionsTable"),
            capabilities=(Capability.USER_DIRECTORY, Capability.CURSOR_KEY),
        ),
        FunctionGroup(
            name="copilot_projects",
            resources=("/projects", "/projects/{id}", "/projects/{id}/members", "/projects/{id}/members/{proxy+}"),
            auth=Auth.COOKIE_JWT,
            tables=("IncidentsTable", "RateLimitsTable"),
            # Adding a member by email invites them: a Cognito user of the tenant and a mail. Deleting a project
            # deletes its integrations' credentials.
            capabilities=(Capability.USER_DIRECTORY, Capability.MAIL, Capability.INTEGRATION_SECRET_CLEANUP),
        ),
        FunctionGroup(
            name="copilot_monitoring",
            resources=("/projects/{id}/monitoring/{proxy+}",),
            auth=Auth.COOKIE_JWT,
            tables=("IncidentsTable", "RateLimitsTable"),
            capabilities=(Capability.INTEGRATION_SECRETS, Capability.CUSTOMER_ROLES),
        ),
        FunctionGroup(
            name="copilot_incidents",
            resources=("/incidents", "/incidents/{proxy+}"),
            auth=Auth.COOKIE_JWT,
            tables=COPILOT_TABLES,
        ),
        api_docs_group("copilot"),
        # Alert webhooks (Alertmanager, Grafana, Datadog, PagerDuty-shaped): public at the gateway, each delivery
        # authenticated by its integration's webhook token, then put on the alerts bus (ALERTS).
        FunctionGroup(
            name="copilot_webhooks",
            resources=("/webhooks/{integration_id}",),
            auth=Auth.NONE,
            read_only_tables=("IncidentsTable",),
            capabilities=(Capability.INTEGRATION_SECRETS, Capability.ALERTS_BUS),
        ),
        FunctionGroup(
            name="copilot_analytics",
            resources=("/analytics/{proxy+}",),
            auth=Auth.COOKIE_JWT,
            tables=("RateLimitsTable",),
            read_only_tables=("IncidentsTable",),
        ),
    ),
    default_rate_limit=100,
    rate_limit_reset_seconds=True,
    session=CookieSession(cookie="access_token", always_on=True, token_lifetime_seconds=15 * 60),
    stream_consumers=(StreamConsumer(
        FunctionGroup(name="copilot_hypotheses", resources=(), tables=("IncidentsTable", "EventsTable"),
                      capabilities=(Capability.AI_MODEL,)),
        table="EventsTable",
        event_types=("incident.created", "hypotheses.requested"),
        purpose="rank AI hypotheses for each new copilot incident, and again when an alert joins it, from the "
                "evidence the project holds",
    ),),
    scheduled=(ScheduledJob(
        FunctionGroup(name="copilot_purge", resources=(), tables=("IncidentsTable", "EventsTable")),
        every_seconds=300,
        purpose="delete what deleted projects left: incidents, hypotheses, alerts, changes, usage, alert groups, "
                "event streams",
        when_runs_fail="Deleted projects' items stay (unreadable: every read goes through a membership) until a run "
                       "succeeds. Nothing to replay: each project's purge marker stays until its items are gone, so "
                       "once the cause is fixed the next runs catch up; then purge the queue to clear the alarm.",
    ), ScheduledJob(
        FunctionGroup(name="copilot_account_checks", resources=(), tables=("IncidentsTable",),
                      capabilities=(Capability.INTEGRATION_SECRET_READ, Capability.CUSTOMER_ROLES)),
        every_seconds=3600,
        purpose="prove again, a day after, the AWS accounts cloudwatch integrations proved (routes taken away when "
                "the tenant's role refuses the platform)",
        when_runs_fail="Proofs past their day keep routing until a run succeeds (each stays due); then purge the "
                       "queue. Mostly refused: check the platform's STS grants; if real, invoke with "
                       '{"believeRefusals": true}.',

    ),),
)

# The incident-response document (seeds/incident-response-api.md) under /response: signed-in users (the Cognito
# bearer, as the support module), each seeing their tenant's incidents. The document's paths end in a slash
# (`/api/incidents/`); both spellings are served. Health and Prometheus metrics are public and name no tenant.
RESPONSE = ApiModule(
    name="response",
    base_path="/response",
    dialect="response",
    groups=(
        FunctionGroup(
            name="response_incidents",
            resources=("/api/incidents", "/api/incidents/{proxy+}"),
            tables=("IncidentsTable", "EventsTable"),
            capabilities=(Capability.CURSOR_KEY,),
        ),
        FunctionGroup(
            name="response_ingest",
            resources=("/api/ingest/{proxy+}",),
            tables=("IncidentsTable", "EventsTable"),  # the rooms' `events` messages
            capabilities=(Capability.CURSOR_KEY,),
        ),
        api_docs_group("response"),
        FunctionGroup(name="response_health", resources=("/health", "/metrics"), auth=Auth.NONE,
                      read_only_tables=("IncidentsTable",)),
    ),
    stream_consumers=(StreamConsumer(
        FunctionGroup(name="response_analysis", resources=(), tables=("IncidentsTable", "EventsTable"),
                      capabilities=(Capability.AI_MODEL,)),
        table="IncidentsTable",
        event_types=("response.analysis_requested",),
        purpose="analyse an incident once a burst of its events has ended: summary, root cause, suggested actions",
    ),),
    # Lists are bare arrays (the document's shape): the next page's cursor travels in this header.
    expose_headers=("X-Next-Cursor",),
)

# The aura document (seeds/aura-api.md) under /aura/api: signed-in users (the Cognito bearer, as the support
# module; the document's "authentication is not yet implemented" is not a promise to keep), each seeing their
# tenant's tickets. The ticket routes sit on `/api/tickets/{id}` and `/api/tickets/{id}/{proxy+}` with the literal
# `/api/tickets/{id}/stream` beside them for the streaming function. `/api/health` is public (it names no tenant).
# People's actions kick the agent's queue; the agent (aura_agent) takes turns from it.
AURA_TABLES = ("TicketsTable", "EventsTable")
AURA_AGENT_QUEUE_SETTING = "AURA_AGENT_QUEUE_URL"
AURA = ApiModule(
    name="aura",
    base_path="/aura/api",
    dialect="aura",
    groups=(
        FunctionGroup(
            name="aura_tickets",
            resources=("/tickets", "/tickets/{id}", "/tickets/{id}/{proxy+}", "/audit"),
            tables=AURA_TABLES,
            capabilities=(Capability.MODULE_QUEUE,),
        ),
        FunctionGroup(name="aura_status", resources=("/info", "/stats"), read_only_tables=("TicketsTable",)),
        api_docs_group("aura"),
        FunctionGroup(name="aura_health", resources=("/health",), auth=Auth.NONE,
                      read_only_tables=("TicketsTable",)),
        FunctionGroup(
            name="aura_stream",
            resources=("/stream", "/tickets/{id}/stream"),
            read_only_tables=("EventsTable", "TicketsTable"),
            streaming=True,
        ),
    ),
    queue_consumers=(QueueConsumer(
        FunctionGroup(name="aura_agent", resources=(), tables=AURA_TABLES,
                      capabilities=(Capability.MODULE_QUEUE, Capability.AI_MODEL, Capability.GITOPS)),
        purpose="work a ticket's run: one checkpointed turn after another until it waits for a person or ends",
        queue_url_setting=AURA_AGENT_QUEUE_SETTING,
    ),),
)

MODULES: tuple[ApiModule, ...] = (SUPPORT, HELPDESK, COPILOT, RESPONSE, AURA)
MODULES_BY_NAME: dict[str, ApiModule] = {module.name: module for module in MODULES}
"""The modules CDK deploys (infra/app.py; it builds the REQUEST authorizer of Auth.COOKIE_JWT groups)."""
SERVED_MODULES: tuple[ApiModule, ...] = MODULES
"""Every module the local gateway serves: the same."""


@frozen
class AlertPath:
    """The one way alerts come in (DESIGN.md §6b, issue #12): the opsdesk alerts bus (webhooks put their deliveries
    there) and, from the account's default bus, CloudWatch alarm state changes and deployments, all through one
    queue to one consumer (opsdesk.alerts.consumer), which opens and joins incidents in the copilot and the response
    module."""

    consumer: FunctionGroup = FunctionGroup(name="alert_ingest", resources=(),
                                            tables=("IncidentsTable", "EventsTable"))
    default_bus_events: tuple[tuple[str, str], ...] = (
        ("aws.cloudwatch", "CloudWatch Alarm State Change"),
        ("aws.codedeploy", "CodeDeploy Deployment State-change Notification"),
        ("aws.ecs", "ECS Deployment State Change"),
    )
    """(source, detail-type) of the default bus's events the path takes."""
    bus_sources: tuple[str, ...] = ("opsdesk.alerts",)
    """Sources of the opsdesk bus's events the path takes (opsdesk.alerts.bus)."""
    batch_size: int = 10
    """Messages per consumer invocation (each a whole EventBridge event)."""
    service_name: str = "alerts"
    """POWERTOOLS_SERVICE_NAME of the consumer: it serves the copilot and the response module alike."""


ALERTS = AlertPath()


@frozen
class WebSocketApi:
    """One WebSocket API for every module (DESIGN.md §1): its route function, and the fan-out function that the
    EventsTable stream feeds."""

    route_function: str = "realtime_ws"
    fanout_function: str = "realtime_fanout"
    route_tables: tuple[str, ...] = ("ConnectionsTable", "IncidentsTable", "EventsTable")
    """The route function's: connections, and for the response module's rooms the incidents table and the event
    log (a room message is a comment on the incident's timeline, published to the room)."""
    route_read_only_tables: tuple[str, ...] = ("SessionsTable",)
    """Signed-out sessions (opsdesk.revocations): their tokens are refused here as at the REST APIs."""
    fanout_tables: tuple[str, ...] = ("ConnectionsTable",)
    fanout_read_only_tables: tuple[str, ...] = ("EventsTable", "IncidentsTable")
    """The event log's items, and the copilot's project members: a project stream's events reach them only."""
    local_paths: tuple[str, ...] = ("/ws", "/response/ws/incidents/{incident_id}")
    """Where the local gateway accepts WebSocket clients (on AWS: the WebSocket API's own URL, a room as
    `?incident_id=`); a path parameter reaches the route function as a query parameter, as on AWS."""
    local_management_path: str = "/_ws"
    """Prefix of the local management API (`POST /_ws/@connections/{id}`), the WEBSOCKET_MANAGEMENT_URL locally."""
    service_name: str = "realtime"
    """POWERTOOLS_SERVICE_NAME of its two functions."""


REALTIME = WebSocketApi()


def service_name(function: str) -> str:
    """The POWERTOOLS_SERVICE_NAME a function logs under (infra sets it per function; the local stack, whose
    functions share one process and one Logger, per invocation): its module's name, or the alert path's or the
    WebSocket API's."""
    if function == ALERTS.consumer.name:
        return ALERTS.service_name
    if function in (REALTIME.route_function, REALTIME.fanout_function):
        return REALTIME.service_name
    for module in MODULES:
        if function.startswith(f"{module.name}_"):
            return module.name
    raise KeyError(f"{function} is no function of the API map")
