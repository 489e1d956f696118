"""One REST API per module of the API map: a function per group, greedy `{proxy+}` resources, the authorizer each
group's `auth` names (API Gateway's Cognito authorizer, or the session authorizer for cookie sessions), CORS
preflights, and gateway responses in the module's own error envelope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.constructs.auth import AppClients
from infra.constructs.functions import STREAMING_TIMEOUT, FunctionBasics, GroupFunction
from infra.nag import acknowledge
from opsdesk.apimap import MODULE_STAGE_VARIABLE, SESSION_AUTHORIZER, ApiModule, Auth, Capability, FunctionGroup
from opsdesk.dialects import DIALECTS, Dialect
from opsdesk.errors import (
    DomainError,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from opsdesk.http import CORS_ALLOWED_HEADERS
from opsdesk.settings import SessionSettings

# Stands for API Gateway's own message in a template; replaced by the JSON-quoted `$context.error.messageString`.
CURSOR_KEY_ENV = "CURSOR_KEY_SECRET_ARN"
GATEWAY_MESSAGE = "__gateway_message__"
JSON_CONTENT = "application/json"
# Preflights allow the request headers the functions' own CORS allows (opsdesk.http), and nothing else: the
# helpdesk document names exactly these three.
CORS_HEADERS = list(CORS_ALLOWED_HEADERS)
"""The function (functions/<this>) of the Lambda REQUEST authorizer of Auth.COOKIE_JWT groups."""
COOKIE_LOGIN_ENV = SessionSettings.variable_name("cookie_login")
"""The variable that switches the cookie login on (SessionSettings.cookie_login)."""


def stage_switched(module: ApiModule) -> bool:
    """Whether the stage's `cookieLogin` decides if the module's session cookie counts (SessionSettings)."""
    return module.cookie_sessions and not module.cookie_session.always_on


@dataclass(frozen=True)
class GatewayErrorSpec:
    """How API Gateway's own error (no function ran) is rendered: as this domain error in the module's dialect.
    With `keep_gateway_status`, API Gateway's status stays (DEFAULT_4XX covers 400, 413, 415 ...)."""

    response_type: apigw.ResponseType
    error: DomainError
    keep_gateway_status: bool = False


GATEWAY_ERRORS: tuple[GatewayErrorSpec, ...] = (
    # The authorizer's rejections: no or bad token (401), a token the API does not accept (403).
    GatewayErrorSpec(apigw.ResponseType.UNAUTHORIZED, Unauthorized()),
    GatewayErrorSpec(apigw.ResponseType.ACCESS_DENIED, Forbidden()),
    GatewayErrorSpec(apigw.ResponseType.THROTTLED, RateLimited()),
    # A REST API answers a path it has no resource for with 403 "Missing Authentication Token"; the documents
    # promise 404 for an unknown route, as the functions' own not-found handler renders it.
    GatewayErrorSpec(apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, NotFound("Route not found")),
    GatewayErrorSpec(apigw.ResponseType.RESOURCE_NOT_FOUND, NotFound("Route not found")),
    # Codes and statuses from the documents' tables only: a WAF block is FORBIDDEN, a quota RATE_LIMITED, a body
    # too large or of the wrong type a VALIDATION_ERROR (400), a timed-out function INTERNAL_ERROR.
    GatewayErrorSpec(apigw.ResponseType.WAF_FILTERED, Forbidden()),
    GatewayErrorSpec(apigw.ResponseType.QUOTA_EXCEEDED, RateLimited()),
    GatewayErrorSpec(apigw.ResponseType.REQUEST_TOO_LARGE, ValidationFailed(GATEWAY_MESSAGE)),
    GatewayErrorSpec(apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE, ValidationFailed(GATEWAY_MESSAGE)),
    GatewayErrorSpec(apigw.ResponseType.INTEGRATION_TIMEOUT, DomainError("The request took too long")),
    GatewayErrorSpec(apigw.ResponseType.DEFAULT_4_XX, ValidationFailed(GATEWAY_MESSAGE), keep_gateway_status=True),
    # Never API Gateway's text for a 5xx: it can name integration internals.
    GatewayErrorSpec(apigw.ResponseType.DEFAULT_5_XX, DomainError(), keep_gateway_status=True),
)


def render_gateway_error(dialect: Dialect, error: DomainError) -> tuple[int, str]:
    """(status, response template) for a gateway response. The template is a Velocity template: the body is
    plain JSON except where GATEWAY_MESSAGE stood, which becomes API Gateway's (already JSON-quoted) message."""
    status, body = dialect(error)
    text = json.dumps(body, separators=(",", ":"))
    template = text.replace(json.dumps(GATEWAY_MESSAGE), "$context.error.messageString")
    if "$" in text or "#" in text:
        raise ValueError(f"gateway error body would be read as Velocity: {text}")
    return status, template


def access_log_format(*, with_path: bool = True) -> apigw.AccessLogFormat:
    """One JSON line per request; the caller's subject lets an operator follow one user's calls. `with_path`
    False: an API whose paths hold credentials (ApiModule.paths_hold_credentials) logs its routes only."""
    fields = {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "requestTime": "$context.requestTime",
        "ip": "$context.identity.sourceIp",
        "userAgent": "$context.identity.userAgent",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integration.latency",
        "integrationStatus": "$context.integration.status",
        "errorMessage": "$context.error.message",
        "authorizerError": "$context.authorizer.error",
        # Access logs take only dotted $context variables, so the `custom:` claims stay in the function logs.
        "sub": "$context.authorizer.claims.sub",
        # The session authorizer hands its claims over as JSON text; its principal id is the caller's `sub`.
        "principalId": "$context.authorizer.principalId",
        "xrayTraceId": "$context.xrayTraceId",
    }
    if with_path:
        fields["path"] = "$context.path"
    return apigw.AccessLogFormat.custom(json.dumps(fields, separators=(",", ":")))


class ApiGatewayCloudWatchRole(Construct):
    """The account's (per region) role that lets API Gateway write execution logs; a stage with a logging level
    cannot deploy without it. Created once, in the platform stack, not by every REST API."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        acknowledge(
            self.role,
            "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-wide API Gateway logging role uses the AWS-managed policy made for it: API Gateway names "
            "its execution log groups itself (API-Gateway-Execution-Logs_<api>/<stage>) and AWS keeps the action "
            "list current.",
        )
        # The account setting outlives this stack (CloudFormation never unsets it): keep the role it points at.
        self.role.apply_removal_policy(RemovalPolicy.RETAIN)
        self.account = apigw.CfnAccount(self, "Account", cloud_watch_role_arn=self.role.role_arn)


class ModuleApi(Construct):
    """The REST API of one module, deployed to one stage."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        module: ApiModule,
        name_prefix: str,
        stage_name: str,
        basics: FunctionBasics,
        user_pool: cognito.IUserPool,
        app_clients: AppClients | None = None,
        lwa_layer_arn: str | None = None,
        cors_allowed_origins: Sequence[str],
        throttling_rate_limit: float,
        throttling_burst_limit: int,
        domain_name: apigw.IDomainName | None = None,
        web_acl_arn: str | None = None,
        cookie_login: bool = False,
        cursor_key: secretsmanager.ISecret | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.module = module
        self.cursor_key = cursor_key
        self.cors_allowed_origins = list(cors_allowed_origins)
        # Every function of a module whose cookie the stage switches on (CookieSession.always_on false: the
        # helpdesk's local mode) agrees on whether the cookie counts: the authorizer, /login, and the streaming
        # functions that verify the token again themselves. A module whose document promises cookies everywhere
        # (the copilot) takes them whatever the setting says, so its functions get no switch to misread.
        module_environment = {COOKIE_LOGIN_ENV: "on" if cookie_login else "off"} if stage_switched(module) else {}
        if app_clients:
            module_environment |= app_clients.sign_in_environment(module)
        self.access_logs = logs.LogGroup(self, "AccessLogs", retention=basics.log_retention,
                                         removal_policy=basics.removal_policy)
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=f"{name_prefix}-{module.name}",
            description=f"opsdesk {module.name} API (served under {module.base_path} on the custom domain)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=stage_name,
                tracing_enabled=True,
                # Which module this stage serves, for functions several modules share (the session authorizer).
                variables={MODULE_STAGE_VARIABLE: module.name},
                logging_level=apigw.MethodLoggingLevel.ERROR,
                # Bodies carry tokens and customer data: never into execution logs.
                data_trace_enabled=False,
                throttling_rate_limit=throttling_rate_limit,
                throttling_burst_limit=throttling_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=access_log_format(with_path=not module.paths_hold_credentials),
            ),
        )
        # Bodies are validated by pydantic in the functions; the validator still rejects requests that miss a
        # parameter a method declares required.
        self.request_validator = self.rest_api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        # Only when a group needs it: CDK rejects an authorizer that no method uses.
        self.authorizer: apigw.CognitoUserPoolsAuthorizer | None = None
        if any(group.auth is Auth.COGNITO for group in module.groups):
            self.authorizer = apigw.CognitoUserPoolsAuthorizer(
                self,
                "CognitoAuthorizer",
                cognito_user_pools=[user_pool],
                authorizer_name=f"{name_prefix}-{module.name}-cognito",
                identity_source=apigw.IdentitySource.header("Authorization"),
            )
        self._add_gateway_responses()

        self._function_options: dict[str, Any] = {
            "basics": basics,
            "service_name": module.name,
            "cors_allowed_origins": self.cors_allowed_origins,
            "app_clients": app_clients,
            "user_pool_id": user_pool.user_pool_id,
            "lwa_layer_arn": lwa_layer_arn,
            "environment": module_environment,
        }
        self.session_authorizer: apigw.RequestAuthorizer | None = None
        self.session_authorizer_function: GroupFunction | None = None
        if module.cookie_sessions:
            self.session_authorizer_function = self.add_function(SESSION_AUTHORIZER)
            self.session_authorizer = self._session_authorizer(name_prefix, self.session_authorizer_function)

        self.functions: dict[str, GroupFunction] = {}
        for group in module.groups:
            function = self.add_function(group)
            self.functions[group.name] = function
            self._route(group, function.function)

        self._protect_stage(web_acl_arn)
        if domain_name is not None:
            apigw.BasePathMapping(
                self,
                "BasePathMapping",
                domain_name=domain_name,
                rest_api=self.rest_api,
                base_path=module.base_path.strip("/"),
                stage=self.rest_api.deployment_stage,
            )

    def add_function(
        self, group: FunctionGroup, *, scope: Construct | None = None, timeout: Duration | None = None
    ) -> GroupFunction:
        """The function of a group of this module: the layer, the module's settings, its tables' names and
        least-privilege access to them. Routed groups get one each; others (the session authorizer, a scheduled
        job) are made here too, so they cannot drift from the routed ones."""
        function = GroupFunction(
            scope or self, _pascal(group.name), group=group, timeout=timeout, **self._function_options
        )
        if Capability.CURSOR_KEY in group.capabilities:
            if self.cursor_key is None:
                raise ValueError(f"function group {group.name} signs cursors: the module API needs the cursor key")
            function.function.add_environment(CURSOR_KEY_ENV, self.cursor_key.secret_arn)
            self.cursor_key.grant_read(function.role)
        return function

    def _session_authorizer(self, name_prefix: str, function: GroupFunction) -> apigw.RequestAuthorizer:
        """The Lambda REQUEST authorizer of Auth.COOKIE_JWT groups: the caller's Cognito ID token comes from the
        Authorization header *or* the session cookie (opsdesk.sessions.SessionAuthorizer).

        No identity sources, and so no result cache: API Gateway answers 401 without invoking the authorizer when
        any identity source is missing, and every identity source is required, so `Authorization, Cookie` would
        refuse a bearer-only client and a cookie-only browser alike. Identity sources are optional only while
        caching is off (a TTL of 0), and a cache keyed on one header alone could hand one caller's decision to
        another who sends the same bearer header with a different cookie or none. The function's answer carries
        the verified claims, which the integration reads; every request is verified (JWKS cached in the warm
        function), so a revoked or expired token stops working at once."""
        authorizer = apigw.RequestAuthorizer(
            self,
            "CookieSessionAuthorizer",
            handler=function.function,
            identity_sources=[],
            results_cache_ttl=Duration.seconds(0),
            authorizer_name=f"{name_prefix}-{self.module.name}-session",
        )
        # CDK renders no identity sources as an empty string; the property is left out instead (optional without
        # caching).
        cfn_authorizer = authorizer.node.default_child
        assert isinstance(cfn_authorizer, apigw.CfnAuthorizer)
        cfn_authorizer.add_property_deletion_override("IdentitySource")
        return authorizer

    def _protect_stage(self, web_acl_arn: str | None) -> None:
        stage = self.rest_api.deployment_stage
        if web_acl_arn:
            wafv2.CfnWebACLAssociation(self, "WebAclAssociation", resource_arn=stage.stage_arn, web_acl_arn=web_acl_arn)
            return
        acknowledge(
            stage,
            "APIG3",
            "No WAF on this stage (setting webFirewall, on by default in prod only): a web ACL costs a monthly fee "
            "per ACL and rule while dev stages carry no real traffic; stage throttling and the authorizer apply.",
        )

    def _route(self, group: FunctionGroup, function: lambda_.IFunction) -> None:
        # One integration per group; its permissions are scoped to each method's ARN.
        integration = apigw.LambdaIntegration(
            function, proxy=True, allow_test_invoke=False,
            # Streaming groups answer incrementally (SSE), up to 15 minutes.
            response_transfer_mode=apigw.ResponseTransferMode.STREAM if group.streaming else None,
            timeout=STREAMING_TIMEOUT if group.streaming else None,
        )
        for path in group.resources:
            resource = self.rest_api.root.resource_for_path(path)
            # Listed origins only (CDK's template answers the request's Origin when listed, else the first one);
            # credentials (the session cookie) only for modules whose routes take it, as the functions' own CORS.
            resource.add_cors_preflight(
                allow_origins=self.cors_allowed_origins,
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=CORS_HEADERS,
                allow_credentials=self.module.cookie_sessions,
                max_age=Duration.hours(1),
            )
            if group.auth is Auth.COGNITO:
                resource.add_method(
                    "ANY",
                    integration,
                    authorizer=self.authorizer,
                    authorization_type=apigw.AuthorizationType.COGNITO,
                    request_validator=self.request_validator,
                )
                continue
            if group.auth is Auth.COOKIE_JWT:
                method = resource.add_method(
                    "ANY",
                    integration,
                    authorizer=self.session_authorizer,
                    authorization_type=apigw.AuthorizationType.CUSTOM,
                    request_validator=self.request_validator,
                )
                acknowledge(
                    method,
                    "COG4",
                    f"{group.name}: {path} takes the session cookie as well as a bearer token, which API Gateway's "
                    "Cognito authorizer cannot read; its Lambda REQUEST authorizer verifies the same Cognito ID "
                    "token (JWKS signature, issuer, audience, token_use, expiry) from either.",
                )
                continue
            method = resource.add_method(
                "ANY",
                integration,
                authorization_type=apigw.AuthorizationType.NONE,
                request_validator=self.request_validator,
            )
            reason = (
                f"Public by its API document ({group.name}: {path}, e.g. health, login, register): the caller "
                "has no token yet. The function applies its own checks and the stage throttles it."
            )
            acknowledge(method, "APIG4", reason)
            acknowledge(method, "COG4", reason)

    def _add_gateway_responses(self) -> None:
        dialect = DIALECTS[self.module.dialect]
        headers = {
            # A gateway response cannot pick among origins; browsers need the first (the frontend's).
            "Access-Control-Allow-Origin": f"'{self.cors_allowed_origins[0]}'",
            "Vary": "'Origin'",
        }
        if self.module.cookie_sessions:
            # A browser sending the session cookie reads the authorizer's 401 only with this header.
            headers["Access-Control-Allow-Credentials"] = "'true'"
        for spec in GATEWAY_ERRORS:
            status, template = render_gateway_error(dialect, spec.error)
            self.rest_api.add_gateway_response(
                _pascal(spec.response_type.response_type.lower()),
                type=spec.response_type,
                status_code=None if spec.keep_gateway_status else str(status),
                response_headers=headers,
                templates={JSON_CONTENT: template},
            )


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.replace("-", "_").split("_"))
