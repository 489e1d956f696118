"""What the API map (opsdesk.apimap) is made of: a module (ApiModule) with its function groups (FunctionGroup), how
each group authenticates (Auth) and what it uses beyond its tables (Capability), the module's cookie session, rate
limits, and the functions that run on a schedule or are fed by a stream or a queue. The types and their rules only;
the map itself (which modules exist, their paths and groups) is opsdesk.apimap.
"""

from __future__ import annotations

from enum import StrEnum

from opsdesk.frozen import frozen


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
    SEARCH = "search"
    """Reads the documentation search index (opsdesk.search): the collection's endpoint and read access."""
    AI_MODEL = "ai_model"
    """Calls the AI provider (opsdesk.ai): on AWS, Bedrock with invoke permission on the configured model."""
    MAIL = "mail"
    """Sends mail through SES (opsdesk.mail) from the stage's sender, when the stage has one."""
    ATTACHMENTS_BUCKET = "attachments_bucket"
    """Presigns uploads to, and reads and deletes, attachment objects (opsdesk.objects)."""
    EXPORTS_BUCKET = "exports_bucket"
    """Writes export files and presigns their download (opsdesk.objects)."""
    USER_DIRECTORY = "user_directory"
    """Creates, invites, signs in and signs out users of the platform's user pool (Cognito admin APIs)."""
    USER_LOOKUP = "user_lookup"
    """Looks users of the platform's user pool up by id (cognito-idp:ListUsers only; opsdesk.directory)."""
    INTEGRATION_SECRETS = "integration_secrets"
    """Keeps monitoring integrations' credentials in Secrets Manager, under the stage's integration prefix."""
    INTEGRATION_SECRET_CLEANUP = "integration_secret_cleanup"
    """Deletes monitoring integrations' credentials (a project's delete), under the same prefix: DeleteSecret only,
    so a function that only ever removes them can never read one."""
    INTEGRATION_SECRET_READ = "integration_secret_read"
    """Reads monitoring integrations' credentials, under the same prefix: GetSecretValue only (the scheduled check of
    proven AWS accounts), and the platform's account no role may be in."""
    CUSTOMER_ROLES = "customer_roles"
    """Assumes the IAM roles tenants name in their `cloudwatch` integrations (sts:AssumeRole on roles in any account;
    each role's trust policy admits the platform only with the tenant's external ID, opsdesk.copilot.integrations)."""
    ALERTS_BUS = "alerts_bus"
    """Puts events on the opsdesk alerts bus (EventBridge): ALERTS_BUS_NAME and events:PutEvents on that bus."""
    MODULE_QUEUE = "module_queue"
    """Sends to the module's work queue (its QueueConsumer's): the queue's URL in the settings the consumer names
    (`queue_url_setting`) and sqs:SendMessage on that queue."""
    GITOPS = "gitops"
    """Works on the GitOps repository and the cluster (the aura agent): the git remote's credential and the cluster
    tokens (Secrets Manager, under the stage's aura prefix)."""


@frozen
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
    credential_in_path: bool = False
    """A path parameter is a credential (the CSAT survey's token): the API's access log records the route
    (`resourcePath`), never the path (infra/constructs/api.py)."""


@frozen
class CookieSession:
    """How a cookie-session module's browsers authenticate: the cookie holding the Cognito ID token, sent by the
    browser to the module's base path only. The session authorizer reads it for the module whose REST API stage
    names it (the `module` stage variable, MODULE_STAGE_VARIABLE)."""

    cookie: str
    always_on: bool = False
    """False: the stage turns the cookie login on (SessionSettings.cookie_login: the helpdesk document's local
    mode); True: the module's document promises cookies everywhere."""
    token_lifetime_seconds: int | None = None
    """What the module's document says an access token lives. The module gets an app client of its own whose
    tokens live that long (`exp`; infra and the local stack make it, ApiModule.own_client_setting names it), and
    the session authorizer refuses ID tokens issued longer ago, so a token of the platform's client (1 hour) is
    held to it too. Whole minutes, 5 to 1,440 (Cognito's bounds)."""
    refresh_token_days: int = 7
    """The refresh tokens of the module's own client (the copilot document's 7 days)."""

    def __post_init__(self) -> None:
        lifetime = self.token_lifetime_seconds
        if lifetime is not None and (lifetime % 60 or not 5 * 60 <= lifetime <= 24 * 3600):
            raise ValueError("a module's token lifetime is whole minutes from 5 minutes to a day (Cognito's)")


@frozen
class ScheduledJob:
    """A function of the module that runs on a schedule (EventBridge Scheduler on AWS, a thread locally)."""

    group: FunctionGroup
    every_seconds: int
    """Whole minutes on AWS (Scheduler rates); each run must tolerate overlapping the previous one."""
    purpose: str
    """What a run does (the schedule's description)."""
    when_runs_fail: str
    """What is lost while runs fail and how the job catches up: the text of its failure alarm."""

    @property
    def run_seconds(self) -> int:
        """How long a run may take (its function's timeout, on AWS and locally): until shortly before the next one
        starts, so runs rarely overlap, and at most Lambda's longest timeout."""
        return min(self.every_seconds - RUN_MARGIN_SECONDS, LAMBDA_MAX_TIMEOUT_SECONDS)


RUN_MARGIN_SECONDS = 10
LAMBDA_MAX_TIMEOUT_SECONDS = 900


STREAM_CONSUMER_TIMEOUT_SECONDS = 300
"""A stream consumer's function timeout, on AWS (infra/constructs/streams.py) and in the local poller's context."""


@frozen
class StreamConsumer:
    """A function of the module fed by a table's DynamoDB stream (an event-source mapping on AWS, a poller
    locally), given only the records whose new image has one of `event_types` (the event log's `type`)."""

    group: FunctionGroup
    table: str
    event_types: tuple[str, ...]
    purpose: str


@frozen
class QueueConsumer:
    """A function of the module fed by an SQS queue of its own (its groups that declare Capability.MODULE_QUEUE
    send to it): on AWS a queue with a dead-letter queue and an event-source mapping with partial batch failures;
    locally a queue in moto and a poller (scripts/local/queues.py)."""

    group: FunctionGroup
    purpose: str
    queue_url_setting: str
    """The environment variable that carries the queue's URL to the senders and the consumer."""
    batch_size: int = 1
    timeout_seconds: int = 300
    max_receives: int = 5
    """Deliveries of one message before it moves to the dead-letter queue."""


@frozen
class RateLimit:
    path_prefix: str
    """A resource path prefix (`/api/chat`); the longest matching prefix wins."""
    per_minute: int


@frozen
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
    scheduled: tuple[ScheduledJob, ...] = ()
    session: CookieSession | None = None
    """Required when a group takes cookie sessions (Auth.COOKIE_JWT)."""
    rate_limit_reset_seconds: bool = False
    """`X-RateLimit-Reset` as seconds until the window ends (the copilot document's `42`) instead of the epoch
    second it ends at."""
    stream_consumers: tuple[StreamConsumer, ...] = ()
    queue_consumers: tuple[QueueConsumer, ...] = ()

    def __post_init__(self) -> None:
        if self.cookie_sessions and self.session is None:
            raise ValueError(f"module {self.name} has cookie-session routes but declares no session cookie")

    @property
    def own_client_setting(self) -> str | None:
        """The setting naming the module's own app client (`COPILOT_APP_CLIENT_ID`), which its functions sign users
        in with; None when its users sign in with the platform's client."""
        if self.session is None or self.session.token_lifetime_seconds is None:
            return None
        return f"{self.name.upper()}_APP_CLIENT_ID"

    @property
    def cookie_session(self) -> CookieSession:
        """The module's session cookie; a module without one has no use for it (ValueError)."""
        if self.session is None:
            raise ValueError(f"module {self.name} has no cookie sessions")
        return self.session

    @property
    def paths_hold_credentials(self) -> bool:
        return any(group.credential_in_path for group in self.groups)

    def groups_using(self, capability: Capability) -> tuple[FunctionGroup, ...]:
        """The routed and scheduled groups that declare `capability`."""
        every = (*self.groups, *(job.group for job in self.scheduled),
                 *(consumer.group for consumer in self.stream_consumers),
                 *(consumer.group for consumer in self.queue_consumers))
        return tuple(group for group in every if capability in group.capabilities)

    @property
    def cookie_sessions(self) -> bool:
        """Some routes take the session cookie: browsers must be allowed to send credentials."""
        return any(group.auth is Auth.COOKIE_JWT for group in self.groups)

    def rate_limit_for(self, resource_path: str) -> RateLimit | None:
        matching = [limit for limit in self.rate_limits if resource_path.startswith(limit.path_prefix)]
        if matching:
            return max(matching, key=lambda limit: len(limit.path_prefix))
        return RateLimit("", self.default_rate_limit) if self.default_rate_limit else None
