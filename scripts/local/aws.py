"""The local AWS: moto in server mode on loopback, provisioned from the same definitions CDK deploys.

Cognito pool and client ids are derived from their names (moto's HASH id strategy), so they are the same on
every start and a restored snapshot's users and tokens keep working."""

from __future__ import annotations

import os
import secrets as secrets_module
import socket
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3

from opsdesk.apimap import MODULES
from opsdesk.apimodel import ApiModule
from opsdesk.identity import (
    CLIENT_READ_ATTRIBUTES,
    CLIENT_WRITE_ATTRIBUTES,
    CUSTOM_ATTRIBUTES_MUTABLE,
    PASSWORD_MIN_LENGTH,
    PASSWORD_REQUIRES,
    PLATFORM_GROUPS,
)
from opsdesk.tables import ALL_TABLES, TableDefinition

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
LOCAL_TABLE_PREFIX = "opsdesk-local"
USER_POOL_NAME = "opsdesk-local-users"
APP_CLIENT_NAME = "opsdesk-local-web"
DOCS_BUCKET = "opsdesk-local-docs"
ATTACHMENTS_BUCKET = "opsdesk-local-attachments"
EXPORTS_BUCKET = "opsdesk-local-exports"
BUCKETS = (ATTACHMENTS_BUCKET, EXPORTS_BUCKET, DOCS_BUCKET)
LOCAL_FRONTEND_ORIGINS = "http://localhost:3001,http://127.0.0.1:3001"
CURSOR_KEY_SECRET_NAME = "opsdesk-local-cursor-key"
INTEGRATION_SECRET_PREFIX = "opsdesk-local/copilot/integrations"
LOCAL_MAIL_FROM = "helpdesk@opsdesk.local"
"""The helpdesk's sender (CSAT survey mails), a verified SES identity in moto; `GET /_local/mail` shows the mails."""

# moto must number pools and clients by hash before it is imported anywhere in this process.
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")


@dataclass
class LocalAws:
    endpoint: str
    region: str
    user_pool_id: str
    app_client_id: str
    table_names: dict[str, str] = field(default_factory=dict)
    """Logical id -> physical name."""
    module_clients: dict[str, str] = field(default_factory=dict)
    """The app clients of modules with their own (the copilot's 15-minute tokens): {their setting
    (ApiModule.own_client_setting): client id}."""
    buckets: tuple[str, ...] = BUCKETS
    mail_from: str = LOCAL_MAIL_FROM
    cursor_key_secret_arn: str = ""
    alerts_bus_name: str = ""
    alerts_queue_url: str = ""
    module_queue_urls: dict[str, str] = field(default_factory=dict)
    """The modules' work queues (scripts/local/queues.py): {their URL setting: URL}."""

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.endpoint}/{self.user_pool_id}/.well-known/jwks.json"

    def function_environment(self) -> dict[str, str]:
        """What every function sees locally: the settings CDK gives it on AWS, pointed at moto."""
        env = {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "COGNITO_USER_POOL_ID": self.user_pool_id,
            "COGNITO_APP_CLIENT_ID": self.app_client_id,
            "COGNITO_MODULE_CLIENT_IDS": ",".join(self.module_clients.values()),
            **self.module_clients,
            "COGNITO_JWKS_URL": self.jwks_url,
            "POWERTOOLS_SERVICE_NAME": "opsdesk",
            "POWERTOOLS_METRICS_NAMESPACE": "opsdesk",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            # The gateway's management API; `make dev` sets it again once the gateway's port is known.
            "WEBSOCKET_MANAGEMENT_URL": os.environ.get("WEBSOCKET_MANAGEMENT_URL", "http://127.0.0.1:3000/_ws"),
            # The embedded documentation index; `make dev` builds it from docs/corpus in its state folder.
            "SEARCH_SQLITE_PATH": os.environ.get("SEARCH_SQLITE_PATH", ":memory:"),
            "DOCS_BUCKET_NAME": DOCS_BUCKET,
            # Helpdesk attachments (presigned PUT) and CSV exports (presigned GET); URLs point at moto.
            "ATTACHMENTS_BUCKET": ATTACHMENTS_BUCKET,
            "EXPORTS_BUCKET": EXPORTS_BUCKET,
            "CURSOR_KEY_SECRET_ARN": self.cursor_key_secret_arn,
            # The helpdesk's cookie login (POST /helpdesk/login) is on locally, off unless set on AWS.
            "HELPDESK_COOKIE_LOGIN": os.environ.get("HELPDESK_COOKIE_LOGIN", "on"),
            # A resolve mails the CSAT survey link through SES (moto keeps the mails); `make dev` sets the public
            # URL again once the gateway's port is known.
            "HELPDESK_MAIL_FROM": self.mail_from,
            "HELPDESK_PUBLIC_URL": os.environ.get("HELPDESK_PUBLIC_URL", "http://127.0.0.1:3000"),
            # Copilot invitations are mailed the same way (the local mailbox shows them).
            "COPILOT_MAIL_FROM": self.mail_from,
            "COPILOT_PUBLIC_URL": os.environ.get("COPILOT_PUBLIC_URL", "http://127.0.0.1:3000"),
            # Monitoring integrations call only https on public addresses unless a host is listed here (a local
            # Prometheus, say): empty by default, as on AWS.
            "OUTBOUND_ALLOWED_HTTP_HOSTS": os.environ.get("OUTBOUND_ALLOWED_HTTP_HOSTS", ""),
            "INTEGRATION_SECRET_PREFIX": INTEGRATION_SECRET_PREFIX,
            # Webhooks put their deliveries on the alerts bus (scripts/local/alerts.py).
            "ALERTS_BUS_NAME": self.alerts_bus_name,
            # An integration made on make dev routes its alerts at once (30 s of route caching on AWS).
            "ALERT_ROUTE_CACHE_SECONDS": os.environ.get("ALERT_ROUTE_CACHE_SECONDS", "0"),
            # An incident is analysed once its events have paused this long (5 s on AWS): quicker to try locally.
            # 2 s, not AWS's 5, so the demo answers soon; not 1: on a busy 2-core machine the gap between two
            # back-to-back batches of one burst (reply, next request, its sign-in check) once passed 1 s
            "RESPONSE_ANALYSIS_QUIET_SECONDS": os.environ.get("RESPONSE_ANALYSIS_QUIET_SECONDS", "2"),
            # A Next.js dev server next to the gateway (which has port 3000).
            "CORS_ALLOWED_ORIGINS": (os.environ.get("ALLOWED_ORIGINS")  # the helpdesk document's name
                                     or os.environ.get("OPSDESK_CORS_ORIGINS", LOCAL_FRONTEND_ORIGINS)),
        }
        env.update(self.module_queue_urls)
        env.update(aura_environment())
        for table in ALL_TABLES:
            env[table.name_env_var] = self.table_names[table.logical_id]
        return env

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "issuer": self.issuer, "jwks_url": self.jwks_url}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def client(service: str, endpoint: str, region: str = REGION) -> Any:
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id="local", aws_secret_access_key="local"
    )


class MotoServer:
    """moto's threaded server, in this process (so a snapshot can read what its API cannot, e.g. passwords)."""

    def __init__(self, port: int = 0) -> None:
        from moto.server import ThreadedMotoServer

        from scripts.local import moto_patches

        moto_patches.install()
        self.port = port or free_port()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MotoServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


def create_table(dynamodb: Any, definition: TableDefinition, name: str) -> None:
    key_schema = [{"AttributeName": definition.partition_key, "KeyType": "HASH"}]
    if definition.sort_key:
        key_schema.append({"AttributeName": definition.sort_key, "KeyType": "RANGE"})
    request: dict[str, Any] = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema,
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in definition.key_attributes()],
    }
    if definition.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
                + ([{"AttributeName": index.sort_key, "KeyType": "RANGE"}] if index.sort_key else []),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in definition.indexes
        ]
    if definition.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    dynamodb.create_table(**request)
    if definition.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": definition.ttl_attribute}
        )


def create_app_client(cognito: Any, pool_id: str, name: str, module: ApiModule | None = None) -> str:
    """An app client as infra/constructs/auth.py makes it: the platform's (moto's one-hour tokens), or that of a
    module whose tokens live otherwise (ID and access tokens for its token lifetime, refresh tokens for its days)."""
    validity: dict[str, Any] = {}
    if module is not None:
        session = module.cookie_session
        minutes = (session.token_lifetime_seconds or 3600) // 60
        validity = {"IdTokenValidity": minutes, "AccessTokenValidity": minutes,
                    "RefreshTokenValidity": session.refresh_token_days,
                    "TokenValidityUnits": {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "days"}}
    return str(cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=name,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=list(CLIENT_READ_ATTRIBUTES),
        WriteAttributes=list(CLIENT_WRITE_ATTRIBUTES),
        **validity,
    )["UserPoolClient"]["ClientId"])


def provision(endpoint: str, region: str = REGION, table_prefix: str = LOCAL_TABLE_PREFIX) -> LocalAws:
    """Create tables, the user pool with its client and groups, the buckets and the mail sender. Idempotent."""
    dynamodb = client("dynamodb", endpoint, region)
    existing = set(dynamodb.list_tables()["TableNames"])
    names = {}
    for definition in ALL_TABLES:
        name = definition.local_name(table_prefix)
        names[definition.logical_id] = name
        if name not in existing:
            create_table(dynamodb, definition, name)

    cognito = client("cognito-idp", endpoint, region)
    pools = {p["Name"]: p["Id"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]}
    pool_id = pools.get(USER_POOL_NAME) or cognito.create_user_pool(
        PoolName=USER_POOL_NAME,
        Policies={"PasswordPolicy": {"MinimumLength": PASSWORD_MIN_LENGTH,
                                     "RequireUppercase": PASSWORD_REQUIRES["uppercase"],
                                     "RequireLowercase": PASSWORD_REQUIRES["lowercase"],
                                     "RequireNumbers": PASSWORD_REQUIRES["digits"],
                                     "RequireSymbols": PASSWORD_REQUIRES["symbols"]}},
        Schema=[{"Name": name, "AttributeDataType": "String", "Mutable": mutable}
                for name, mutable in CUSTOM_ATTRIBUTES_MUTABLE.items()],
        AutoVerifiedAttributes=["email"],
        # As CDK creates it (self_sign_up_enabled=False): only administrators create users.
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]["Id"]
    clients = {c["ClientName"]: c["ClientId"]
               for c in cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]}
    client_id = clients.get(APP_CLIENT_NAME) or create_app_client(cognito, pool_id, APP_CLIENT_NAME)
    module_clients = {
        module.own_client_setting: clients.get(f"{APP_CLIENT_NAME}-{module.name}")
        or create_app_client(cognito, pool_id, f"{APP_CLIENT_NAME}-{module.name}", module)
        for module in MODULES if module.own_client_setting
    }
    groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=pool_id)["Groups"]}
    for group, description in PLATFORM_GROUPS.items():
        if group not in groups:
            cognito.create_group(UserPoolId=pool_id, GroupName=group, Description=description)

    # The key that signs list cursors (opsdesk.cursors), a secret as on AWS; a new one each start is fine (a
    # cursor lives for one walk through a list).
    secrets = client("secretsmanager", endpoint, region)
    try:
        cursor_secret_arn = secrets.describe_secret(SecretId=CURSOR_KEY_SECRET_NAME)["ARN"]
    except secrets.exceptions.ResourceNotFoundException:
        cursor_secret_arn = secrets.create_secret(Name=CURSOR_KEY_SECRET_NAME,
                                                  SecretString=secrets_module.token_urlsafe(48))["ARN"]

    s3 = client("s3", endpoint, region)
    buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in BUCKETS:
        if bucket not in buckets:
            s3.create_bucket(Bucket=bucket)

    # SES sends only from a verified identity (moto checks it as SES does).
    ses = client("sesv2", endpoint, region)
    identities = {i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]}
    if LOCAL_MAIL_FROM not in identities:
        ses.create_email_identity(EmailIdentity=LOCAL_MAIL_FROM)
    aws = LocalAws(endpoint=endpoint, region=region, user_pool_id=pool_id, app_client_id=client_id, table_names=names,
                   cursor_key_secret_arn=cursor_secret_arn, module_clients=module_clients)
    from scripts.local.alerts import provision_alert_path  # noqa: PLC0415 (it builds on this module)

    alert_path = provision_alert_path(aws)
    aws.alerts_bus_name, aws.alerts_queue_url = alert_path.bus_name, alert_path.queue_url
    from scripts.local.queues import provision_module_queues  # noqa: PLC0415 (it builds on this module)

    aws.module_queue_urls = provision_module_queues(aws)
    return aws


def aura_environment() -> dict[str, str]:
    """The aura agent's GitOps target on this machine (docs/decisions.md, Aura): a bare repository and a simulated
    cluster with Argo CD in the state folder (`make dev` sets OPSDESK_STATE_DIR; tests their own folder)."""
    state = os.path.abspath(os.environ.get("OPSDESK_STATE_DIR", ".local"))
    return {
        "AURA_GIT_REMOTE_URL": os.path.join(state, "gitops.git"),
        "AURA_GITOPS": "local",
        "AURA_GITOPS_STATE_DIR": os.path.join(state, "cluster"),
        "AURA_WORKSPACE_DIR": os.path.join(state, "aura-workspaces"),
        "AURA_ENVIRONMENT": "local",
        # Rollouts in the simulated cluster take seconds: check their health often.
        "AURA_OBSERVE_DELAYS": os.environ.get("AURA_OBSERVE_DELAYS", "1,1,2,2,4"),
        # A run whose kick was lost (the stack stopped mid-run) may be started again after a minute.
        "AURA_RUN_LEASE_SECONDS": os.environ.get("AURA_RUN_LEASE_SECONDS", "60"),
    }


def create_user(aws: LocalAws, username: str, password: str, tenant_id: str, groups: tuple[str, ...] = ()) -> None:
    """A confirmed user with a permanent password, as an administrator would set one up."""
    cognito = client("cognito-idp", aws.endpoint, aws.region)
    cognito.admin_create_user(
        UserPoolId=aws.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "custom:tenant_id", "Value": tenant_id},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=aws.user_pool_id, Username=username, Password=password, Permanent=True)
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=aws.user_pool_id, Username=username, GroupName=group)


def sign_in(aws: LocalAws, username: str, password: str) -> dict[str, str]:
    """The ordinary Cognito flow a client uses: InitiateAuth with USER_PASSWORD_AUTH."""
    cognito = client("cognito-idp", aws.endpoint, aws.region)
    result = cognito.initiate_auth(
        ClientId=aws.app_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    return {"id_token": result["IdToken"], "access_token": result["AccessToken"]}
