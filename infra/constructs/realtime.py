"""Realtime: the WebSocket API (one for every module), its route function, and the fan-out of the event log.

New EventsTable items reach the fan-out function through the table's stream (an event-source mapping that
filters to inserted events, bisects a failing batch, reports failed records one by one and sends what still fails
to a dead-letter queue); the function posts them to the subscribed connections through the management API, a page
of subscribers per invocation: the pages after an event's first go through the fan-out's own queue of pages
(opsdesk.realtime.FanoutPage), which feeds the same function one page at a time and shares the dead-letter
queue."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.auth import AppClients
from infra.constructs.dead_letters import dead_letter_queue
from infra.constructs.functions import TIMEOUT, FunctionBasics, GroupFunction
from infra.constructs.queues import QUEUE_RETENTION, VISIBILITY_FACTOR, grant_module_queue
from infra.nag import acknowledge
from opsdesk.apimap import FunctionGroup, WebSocketApi
from opsdesk.events import EVENT_SK_PREFIX
from opsdesk.realtime import FANOUT_QUEUE_URL_SETTING
from opsdesk.tables import EVENTS_TABLE

ROUTES = ("$connect", "$disconnect", "$default")
FANOUT_MEMORY_MB = 1769
"""One full vCPU (Lambda gives CPU in proportion to memory; 1,769 MB is one vCPU): the fan-out's posts are bound by
boto3's CPU, about 1.7 ms a post measured (docs/benchmarks.md), so a page of 1,000 takes about 1.7 s at one vCPU and
three times as long at the other functions' 512 MB. More would not help: the posting threads share one GIL."""
PAGE_MAX_RECEIVES = 5
"""Deliveries of one page (or retry page) before it moves to the dead-letter queue, as the stream's 5 retries."""


class Realtime(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_definition: WebSocketApi,
        stage_name: str,
        basics: FunctionBasics,
        user_pool_id: str,
        app_clients: AppClients,
        ws_token_key: secretsmanager.ISecret | None = None,
    ) -> None:
        """`ws_token_key`: the platform secret the copilot's WebSocket tokens are signed with (opsdesk.wstokens),
        which the route function reads to verify them."""
        super().__init__(scope, construct_id)

        def function(name: str, extra_env: dict[str, str], group_tables: tuple[str, ...],
                     read_only_tables: tuple[str, ...] = ()) -> GroupFunction:
            group = FunctionGroup(name=name, resources=(), tables=group_tables, read_only_tables=read_only_tables)
            made = GroupFunction(
                self, name.replace("_", "-").title().replace("-", ""), group=group, basics=basics,
                service_name=api_definition.service_name, app_clients=app_clients,
            )
            for key, value in {"COGNITO_USER_POOL_ID": user_pool_id, **extra_env}.items():
                made.function.add_environment(key, value)
            return made

        routes = function(api_definition.route_function, {}, api_definition.route_tables,
                          api_definition.route_read_only_tables)
        if ws_token_key is not None:
            routes.function.add_environment("CURSOR_KEY_SECRET_ARN", ws_token_key.secret_arn)
            ws_token_key.grant_read(routes.role)
        self.api = apigwv2.WebSocketApi(
            self, "WebSocketApi",
            description="opsdesk realtime: connect with a Cognito ID token, subscribe to channels",
            connect_route_options=apigwv2.WebSocketRouteOptions(
                integration=integrations.WebSocketLambdaIntegration("ConnectIntegration", routes.function)),
            disconnect_route_options=apigwv2.WebSocketRouteOptions(
                integration=integrations.WebSocketLambdaIntegration("DisconnectIntegration", routes.function)),
            default_route_options=apigwv2.WebSocketRouteOptions(
                integration=integrations.WebSocketLambdaIntegration("MessageIntegration", routes.function)),
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=basics.log_retention,
                                    removal_policy=basics.removal_policy)
        self.stage = apigwv2.WebSocketStage(
            self, "Stage", web_socket_api=self.api, stage_name=stage_name, auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=100, burst_limit=200),
        )
        cfn_stage = self.stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format='{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status",'
                   '"connectionId":"$context.connectionId","error":"$context.error.message"}',
        )
        self.api.grant_manage_connections(routes.function)
        for route in self.api.node.children:
            if isinstance(route, apigwv2.WebSocketRoute):
                acknowledge(
                    route, "APIG4",
                    "The route function authorizes: $connect verifies the Cognito ID token of ?token= (signature, "
                    "issuer, audience, expiry), or a connection stays unauthenticated until its first message "
                    "carries one (the copilot document's connect message), which an authorizer cannot express.",
                )

        fanout = function(api_definition.fanout_function, {"WEBSOCKET_MANAGEMENT_URL": self.stage.callback_url},
                          api_definition.fanout_tables, api_definition.fanout_read_only_tables)
        self.api.grant_manage_connections(fanout.function)
        fanout_function = fanout.function.node.default_child
        assert isinstance(fanout_function, lambda_.CfnFunction)
        fanout_function.memory_size = FANOUT_MEMORY_MB
        self.dead_letters = dead_letter_queue(
            self, "FanoutDeadLetters",
            "This queue is itself the dead-letter destination of the fan-out's stream mapping and of its queue of "
            "pages; a dead-letter queue of a dead-letter queue would only move the same records again.",
        )
        # One page of subscribers per message and per invocation (batch size 1): an invocation posts one page.
        self.pages = sqs.Queue(
            self, "FanoutPages", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            visibility_timeout=Duration.seconds(VISIBILITY_FACTOR * TIMEOUT.to_seconds()),
            retention_period=QUEUE_RETENTION,
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dead_letters, max_receive_count=PAGE_MAX_RECEIVES),
        )
        fanout.function.add_event_source(sources.SqsEventSource(
            self.pages, batch_size=1, report_batch_item_failures=True,
        ))
        grant_module_queue(fanout, self.pages, FANOUT_QUEUE_URL_SETTING)
        assert EVENTS_TABLE.stream, "the fan-out reads the event log's stream"
        events = basics.tables[EVENTS_TABLE.logical_id]
        fanout.function.add_event_source(sources.DynamoEventSource(
            events,
            starting_position=lambda_.StartingPosition.LATEST,
            batch_size=100,
            bisect_batch_on_error=True,
            retry_attempts=5,
            report_batch_item_failures=True,
            on_failure=sources.SqsDlq(self.dead_letters),
            filters=[lambda_.FilterCriteria.filter({
                "eventName": lambda_.FilterRule.is_equal("INSERT"),
                "dynamodb": {"NewImage": {"sk": {"S": lambda_.FilterRule.begins_with(EVENT_SK_PREFIX)}}},
            })],
        ))
        self.route_function = routes
        self.fanout_function = fanout
        self._acknowledge_connection_wildcard(routes, fanout)

    def _acknowledge_connection_wildcard(self, *functions: GroupFunction) -> None:
        stack = Stack.of(self)
        api_id = stack.resolve(stack.get_logical_id(self.api.node.default_child))  # type: ignore[arg-type]
        resource = f"arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<{api_id}>/*/*/@connections/*"
        for made in functions:
            acknowledge(
                made.role, f"IAM5[Resource::{resource}]",
                "Posting to a WebSocket client names its connection id, known only at run time: the grant is "
                "ManageConnections on this one API's @connections, nothing wider.",
            )
