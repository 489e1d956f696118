"""One Lambda function per function group (DESIGN.md §2), with a role that can do only what the group needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.constructs.auth import AppClients
from infra.constructs.layer import LAYER_ARCHITECTURE, LAYER_RUNTIME
from infra.nag import acknowledge
from opsdesk.apimap import FunctionGroup
from opsdesk.tables import TableDefinition

HANDLER = "handler.lambda_handler"
STREAMING_HANDLER = "run.sh"
# AWS publishes the Lambda Web Adapter as a layer in every region under this account; the version is pinned.
LWA_LAYER_ARN_TEMPLATE = "arn:aws:lambda:{region}:753240598075:layer:LambdaAdapterLayerArm64:25"
STREAMING_PORT = "8080"
METRICS_NAMESPACE = "opsdesk"
MEMORY_MB = 512
# API Gateway gives up on an integration after 29 s; the function should time out first, with a logged error.
TIMEOUT = Duration.seconds(25)
# A streamed response may last 15 minutes behind a REST API (STREAM transfer mode, integration timeout raised to
# match); SSE streams end before it (SSE_MAX_SECONDS, 840 s) and a chat answer must not be cut at 25 s.
STREAMING_TIMEOUT = Duration.minutes(15)
CODE_EXCLUDES = ["__pycache__", "**/__pycache__", "*.pyc"]

# No Scan: every list is a Query on a key or an index (DESIGN.md §4), and the role enforces it.
READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
WRITE_ACTIONS = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem")


@dataclass(frozen=True)
class FunctionBasics:
    """What every function of a stack is built from (the stack's `function_basics()`): the code, the platform
    layer, the tables a group may name, logging, and what happens to its log group when the stack goes."""

    functions_root: Path
    layer: lambda_.ILayerVersion
    tables: Mapping[str, dynamodb.ITable]
    table_definitions: Mapping[str, TableDefinition]
    log_level: str
    log_retention: logs.RetentionDays
    removal_policy: RemovalPolicy


class GroupFunction(Construct):
    """The function of one group: code from functions/<group>/, the platform layer, its tables' names in the
    environment, X-Ray tracing, a log group with retention, and a role scoped to its log group and tables."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        group: FunctionGroup,
        basics: FunctionBasics,
        service_name: str,
        cors_allowed_origins: Sequence[str] = (),
        app_clients: AppClients | None = None,
        user_pool_id: str | None = None,
        lwa_layer_arn: str | None = None,
        timeout: Duration | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        code_dir = basics.functions_root / group.name
        tables = basics.tables
        entry = "run.sh" if group.streaming else "handler.py"
        if not (code_dir / entry).is_file():
            raise FileNotFoundError(f"function group {group.name}: {code_dir}/{entry} is missing")
        unknown = set(group.tables) | set(group.read_only_tables)
        unknown -= set(tables)
        if unknown:
            raise KeyError(f"function group {group.name} names tables that ALL_TABLES lacks: {sorted(unknown)}")

        self.log_group = logs.LogGroup(self, "Logs", retention=basics.log_retention,
                                       removal_policy=basics.removal_policy)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"opsdesk {group.name}: its log group, its tables, X-Ray",
        )
        self.log_group.grant_write(self.role)

        variables = {
            "POWERTOOLS_SERVICE_NAME": service_name,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": basics.log_level,
        }
        if app_clients:
            # API Gateway's Cognito authorizer does not check `aud`; the function does (opsdesk.auth).
            variables |= app_clients.verifier_environment()
        if user_pool_id:
            # Functions that verify tokens themselves (streaming groups, the session authorizer, a cookie login)
            # derive the issuer and the JWKS URL from it (opsdesk.settings.TokenSettings).
            variables["COGNITO_USER_POOL_ID"] = user_pool_id
        if cors_allowed_origins:
            # The function answers CORS on its own responses; API Gateway answers the preflight.
            variables["CORS_ALLOWED_ORIGINS"] = ",".join(cors_allowed_origins)
        layers = [basics.layer]
        handler = HANDLER
        if group.streaming:
            # An ASGI app behind the Lambda Web Adapter, streaming its response; it verifies tokens itself too.
            handler = STREAMING_HANDLER
            layers.append(lambda_.LayerVersion.from_layer_version_arn(
                self, "WebAdapter", lwa_layer_arn or LWA_LAYER_ARN_TEMPLATE.format(region=Aws.REGION)
            ))
            variables |= {
                "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
                "AWS_LWA_INVOKE_MODE": "response_stream",
                "PORT": STREAMING_PORT,
            }
        # Settings of the module or of this one function (the cookie login, a bucket ...).
        variables |= dict(environment or {})
        read_write = dict.fromkeys(group.tables, True) | {
            logical_id: False for logical_id in group.read_only_tables if logical_id not in group.tables
        }
        for logical_id, writes in read_write.items():
            table, definition = tables[logical_id], basics.table_definitions[logical_id]
            variables[definition.name_env_var] = table.table_name
            self.role.add_to_policy(_table_statement(table, definition, writes))

        self.function = lambda_.Function(
            self,
            "Function",
            runtime=LAYER_RUNTIME,
            architecture=LAYER_ARCHITECTURE,
            handler=handler,
            code=lambda_.Code.from_asset(str(code_dir), exclude=CODE_EXCLUDES),
            layers=layers,
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            memory_size=MEMORY_MB,
            timeout=timeout or (STREAMING_TIMEOUT if group.streaming else TIMEOUT),
            environment=variables,
            description=f"opsdesk {group.name}",
        )
        acknowledge(
            self.function,
            "L1",
            "Python 3.11 on purpose: the code and the layer's compiled wheels and bytecode target CPython 3.11 "
            "(pyproject requires-python <3.12); moving runtime is a deliberate, tested change.",
        )
        acknowledge(
            self.role,
            "IAM5[Resource::*]",
            "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, and a function fed by a "
            "DynamoDB stream dynamodb:ListStreams, none of which supports resource-level permissions; every other "
            "statement of this role names its resources.",
        )


def _table_statement(table: dynamodb.ITable, definition: TableDefinition, writes: bool) -> iam.PolicyStatement:
    """The table and each of its indexes by name (no `index/*` wildcard)."""
    resources = [table.table_arn, *(f"{table.table_arn}/index/{index.name}" for index in definition.indexes)]
    actions = [*READ_ACTIONS, *WRITE_ACTIONS] if writes else list(READ_ACTIONS)
    return iam.PolicyStatement(actions=actions, resources=resources)
