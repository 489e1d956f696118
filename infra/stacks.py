"""The stacks: one platform stack for what is stateful or shared (tables, user pool, the account's API Gateway
logging role, the custom domain), one for documentation search (collection, docs bucket, indexer), and one stack
per API module, so each stays far from the 500-resource limit and deploys on its own (DESIGN.md §1), and one for
the alert path (its bus, queue and consumer), whose bus the module stacks with ALERTS_BUS groups import. The
platform stack's alarm topic is passed to every stack that owns a dead-letter queue, which alarms on it there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CfnOutput, Environment, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_events as events
from constructs import Construct

from infra.constructs.ai import BedrockModel, ChatModelAccess
from infra.constructs.alarms import AlarmTopic, AsyncFailureAlarms
from infra.constructs.alerts import AlertPathResources, grant_alerts_bus
from infra.constructs.api import ApiGatewayCloudWatchRole, ModuleApi
from infra.constructs.auth import Auth
from infra.constructs.cursors import CursorKey
from infra.constructs.firewall import ApiFirewall
from infra.constructs.functions import FunctionBasics, GroupFunction
from infra.constructs.gitops import GitOpsSecrets, grant_gitops, set_git_remote
from infra.constructs.helpdesk import Helpdesk
from infra.constructs.identity import grant_user_directory, grant_user_lookup
from infra.constructs.integrations import (
    grant_customer_roles,
    grant_integration_secret_cleanup,
    grant_integration_secret_read,
    grant_integration_secrets,
)
from infra.constructs.layer import PlatformLayer
from infra.constructs.mail import grant_module_mail
from infra.constructs.queues import QueueConsumerFunction, dead_letter_texts, grant_module_queue
from infra.constructs.realtime import Realtime
from infra.constructs.schedules import ScheduledFunction
from infra.constructs.search import (
    INDEXER_FUNCTION,
    DocsSearch,
    SearchReaders,
    aoss_name,
)
from infra.constructs.streams import StreamConsumerFunction
from infra.constructs.tables import Tables
from infra.settings import InfraSettings
from opsdesk.apimap import ALERTS, REALTIME, AlertPath, ApiModule, Capability
from opsdesk.tables import ALL_TABLES


def _environment(settings: InfraSettings) -> Environment | None:
    if settings.account or settings.region:
        return Environment(account=settings.account, region=settings.region)
    return None


def _removal_policy(settings: InfraSettings) -> RemovalPolicy:
    return RemovalPolicy.RETAIN if settings.is_production else RemovalPolicy.DESTROY


class PlatformStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: InfraSettings,
                 modules: Sequence[ApiModule] = ()) -> None:
        """`modules`: the deployed modules, for the app clients some of them have of their own."""
        super().__init__(
            scope,
            construct_id,
            env=_environment(settings),
            description=f"opsdesk {settings.stage}: tables, user pool, API Gateway logging role, WAF, alarm topic",
            termination_protection=settings.is_production,
            analytics_reporting=False,
        )
        removal_policy = _removal_policy(settings)
        self.auth = Auth(
            self,
            "Auth",
            name_prefix=settings.resource_prefix,
            threat_protection=settings.threat_protection,
            deletion_protection=settings.deletion_protection,
            removal_policy=removal_policy,
            modules=modules,
        )
        self.tables = Tables(
            self,
            "Tables",
            definitions=ALL_TABLES,
            deletion_protection=settings.deletion_protection,
            removal_policy=removal_policy,
        )
        self.api_logging = ApiGatewayCloudWatchRole(self, "ApiGatewayLogging")
        self.cursor_key = CursorKey(self, "CursorKey", removal_policy=removal_policy)
        self.alarms = AlarmTopic(
            self, "Alarms", name_prefix=settings.resource_prefix, email=settings.alarm_email,
            removal_policy=removal_policy,
        )
        self.firewall: ApiFirewall | None = None
        if settings.web_firewall:
            self.firewall = ApiFirewall(self, "Firewall", name_prefix=settings.resource_prefix)
        self.domain_name: apigw.DomainName | None = None
        if settings.domain_name and settings.certificate_arn:
            self.domain_name = apigw.DomainName(
                self,
                "DomainName",
                domain_name=settings.domain_name,
                certificate=acm.Certificate.from_certificate_arn(self, "Certificate", settings.certificate_arn),
                endpoint_type=apigw.EndpointType.REGIONAL,
                security_policy=apigw.SecurityPolicy.TLS_1_2,
            )
            CfnOutput(self, "DomainTarget", value=self.domain_name.domain_name_alias_domain_name,
                      description="Point the domain's DNS alias (A/AAAA) here")

        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "AppClientId", value=self.auth.app_client.user_pool_client_id)
        for setting, client in self.auth.module_clients.items():
            CfnOutput(self, setting.title().replace("_", ""), value=client.user_pool_client_id)
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn,
                  description="Every alarm notifies this topic: subscribe on-call endpoints here")
        for logical_id, table in self.tables.tables.items():
            CfnOutput(self, f"{logical_id}Name", value=table.table_name)


@dataclass(frozen=True)
class StackInputs:
    """What every stack with functions is built from: the platform stack (tables, user pool, alarm topic), the
    settings, the functions' code and the platform layer's archive."""

    platform: PlatformStack
    settings: InfraSettings
    functions_root: Path
    layer_archive: Path
    layer_hash: str


class _FunctionStack(Stack):
    """A stack with functions: its own platform layer version (sharing one across stacks would export its ARN,
    and CloudFormation refuses to change an export another stack imports, so every layer change would deadlock)
    and the options every function construct takes from the platform and the settings."""

    def __init__(self, scope: Construct, construct_id: str, *, inputs: StackInputs, description: str,
                 termination_protection: bool = False) -> None:
        super().__init__(scope, construct_id, env=_environment(inputs.settings), description=description,
                         termination_protection=termination_protection, analytics_reporting=False)
        self.inputs = inputs
        self.layer = PlatformLayer(self, "PlatformLayer", archive=inputs.layer_archive,
                                   content_hash=inputs.layer_hash)

    def function_basics(self, *, with_tables: bool = True) -> FunctionBasics:
        """Code, layer, the platform's tables (none for functions that use no table), logging and removal."""
        platform, settings = self.inputs.platform, self.inputs.settings
        return FunctionBasics(
            functions_root=self.inputs.functions_root,
            layer=self.layer.layer_version,
            tables=platform.tables.tables if with_tables else {},
            table_definitions=platform.tables.definitions if with_tables else {},
            log_level=settings.log_level,
            log_retention=settings.log_retention,
            removal_policy=_removal_policy(settings),
        )


class ModuleApiStack(_FunctionStack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        module: ApiModule,
        inputs: StackInputs,
        search: DocsSearch | None = None,
        alerts_bus: events.IEventBus | None = None,
    ) -> None:
        """`alerts_bus`: the alert path's bus (AlertsStack), for the groups that declare Capability.ALERTS_BUS."""
        platform, settings = inputs.platform, inputs.settings
        super().__init__(scope, construct_id, inputs=inputs,
                         description=f"opsdesk {settings.stage}: the {module.name} REST API and its functions")
        self.api = ModuleApi(
            self,
            "Api",
            module=module,
            name_prefix=settings.resource_prefix,
            stage_name=settings.stage,
            basics=self.function_basics(),
            user_pool=platform.auth.user_pool,
            app_clients=platform.auth.app_clients,
            lwa_layer_arn=settings.lwa_layer_arn,
            cors_allowed_origins=settings.cors_allowed_origins,
            throttling_rate_limit=settings.throttling_rate_limit,
            throttling_burst_limit=settings.throttling_burst_limit,
            domain_name=platform.domain_name,
            web_acl_arn=platform.firewall.web_acl.attr_arn if platform.firewall else None,
            cookie_login=settings.cookie_login,
            cursor_key=platform.cursor_key.secret,
        )
        # Execution logging needs the account's logging role in place before the stage deploys.
        self.api.rest_api.deployment_stage.node.add_dependency(platform.api_logging.account)
        CfnOutput(self, "ApiUrl", value=self.api.rest_api.url, description=f"{module.name} stage URL")

        readers = [self.api.functions[group.name] for group in module.groups_using(Capability.SEARCH)]
        if search is not None and readers:
            SearchReaders(
                self, "DocsSearchReaders", search=search, functions=readers,
                policy_name=aoss_name(settings.resource_prefix, module.name, "search"),
            )
        self._add_stream_consumers(module, platform, settings)
        self._add_queue_consumers(module, platform, settings)
        self.helpdesk: Helpdesk | None = None
        if any(module.groups_using(c) for c in (Capability.ATTACHMENTS_BUCKET, Capability.EXPORTS_BUCKET)):
            self.helpdesk = Helpdesk(
                self, "Helpdesk", api=self.api, name_prefix=settings.resource_prefix,
                cors_allowed_origins=settings.cors_allowed_origins, log_retention_days=settings.log_retention_days,
                removal_policy=_removal_policy(settings),
            )
            CfnOutput(self, "AttachmentsBucketName", value=self.helpdesk.storage.attachments.bucket_name)
            CfnOutput(self, "ExportsBucketName", value=self.helpdesk.storage.exports.bucket_name)
        self.schedules: dict[str, ScheduledFunction] = {}
        for job in module.scheduled:
            short = _short(module, job.group.name)
            scheduled = ScheduledFunction(self.helpdesk or self, short, api=self.api, job=job,
                                          name_prefix=settings.resource_prefix)
            self.schedules[job.group.name] = scheduled
            CfnOutput(self, f"{short}DeadLetterQueueUrl", value=scheduled.dead_letters.queue_url,
                      description=f"Scheduled {job.group.name} runs that could not be delivered or failed")
            AsyncFailureAlarms(
                self, f"{short}Alarms", name_prefix=settings.resource_prefix, function_name=job.group.name,
                function=scheduled.function, dead_letters=scheduled.dead_letters, topic=platform.alarms.topic,
                lost=f"scheduled {job.group.name} runs that could not be delivered or failed, after their retries",
                remedy=job.when_runs_fail,
            )
        functions = {**self.api.functions, **{name: made.function for name, made in self.consumers.items()},
                     **{name: made.function for name, made in self.queues.items()},
                     **{name: made.function for name, made in self.schedules.items()}}
        self._grant_capabilities(module, platform, settings, functions, alerts_bus)

    def _add_stream_consumers(self, module: ApiModule, platform: PlatformStack, settings: InfraSettings) -> None:
        self.consumers: dict[str, StreamConsumerFunction] = {}
        for consumer in module.stream_consumers:
            made = StreamConsumerFunction(self, _short(module, consumer.group.name), api=self.api, consumer=consumer,
                                          table=platform.tables.tables[consumer.table])
            self.consumers[consumer.group.name] = made
            CfnOutput(self, f"{_short(module, consumer.group.name)}DeadLetterQueueUrl",
                      value=made.dead_letters.queue_url,
                      description=f"{consumer.table} stream batches {consumer.group.name} failed on after its retries")
            AsyncFailureAlarms(
                self, f"{_short(module, consumer.group.name)}Alarms", name_prefix=settings.resource_prefix,
                function_name=consumer.group.name, function=made.function, dead_letters=made.dead_letters,
                topic=platform.alarms.topic,
                lost=f"{consumer.table} stream batches {consumer.group.name} failed on after its retries",
                remedy="Each message names the stream shard and sequence numbers of a failed batch (the stream keeps "
                       f"records 24 hours): {consumer.purpose} again for those records, then purge the queue.",
            )

    def _add_queue_consumers(self, module: ApiModule, platform: PlatformStack, settings: InfraSettings) -> None:
        self.queues: dict[str, QueueConsumerFunction] = {}
        for queue_consumer in module.queue_consumers:
            short = _short(module, queue_consumer.group.name)
            worker = QueueConsumerFunction(self, short, api=self.api, consumer=queue_consumer)
            self.queues[queue_consumer.group.name] = worker
            CfnOutput(self, f"{short}DeadLetterQueueUrl", value=worker.dead_letters.queue_url,
                      description=f"Messages {queue_consumer.group.name} failed on after its retries")
            lost, remedy = dead_letter_texts(queue_consumer)
            AsyncFailureAlarms(
                self, f"{short}Alarms", name_prefix=settings.resource_prefix,
                function_name=queue_consumer.group.name, function=worker.function,
                dead_letters=worker.dead_letters, topic=platform.alarms.topic, lost=lost, remedy=remedy,
            )

    def _grant_capabilities(self, module: ApiModule, platform: PlatformStack, settings: InfraSettings,
                            functions: dict[str, GroupFunction], alerts_bus: events.IEventBus | None) -> None:
        """What each group's capabilities need beyond its tables (opsdesk.apimap.Capability)."""
        self._grant_module_queue(module, functions)
        self._grant_gitops(module, settings, functions)
        for group in module.groups_using(Capability.AI_MODEL):
            ChatModelAccess(
                self, f"{group.name.title().replace('_', '')}Model", function=functions[group.name],
                model=BedrockModel(settings.bedrock_model_id),
            )
        if settings.mail_from and settings.public_url:
            # Mail is on when the stage has a sender and a public URL (the custom domain); else nothing is sent.
            for group in module.groups_using(Capability.MAIL):
                grant_module_mail(functions[group.name], module, mail_from=settings.mail_from,
                                  public_url=settings.public_url)
        for group in module.groups_using(Capability.USER_DIRECTORY):
            grant_user_directory(functions[group.name], platform.auth.user_pool)
        for group in module.groups_using(Capability.USER_LOOKUP):
            grant_user_lookup(functions[group.name], platform.auth.user_pool)
        integration_prefix = f"{settings.resource_prefix}/{module.name}/integrations"
        for group in module.groups_using(Capability.INTEGRATION_SECRETS):
            grant_integration_secrets(functions[group.name], integration_prefix)
        for group in module.groups_using(Capability.INTEGRATION_SECRET_CLEANUP):
            grant_integration_secret_cleanup(functions[group.name], integration_prefix)
        for group in module.groups_using(Capability.INTEGRATION_SECRET_READ):
            grant_integration_secret_read(functions[group.name], integration_prefix)
        for group in module.groups_using(Capability.CUSTOMER_ROLES):
            grant_customer_roles(functions[group.name])
        for group in module.groups_using(Capability.ALERTS_BUS):
            if alerts_bus is None:
                raise ValueError(f"function group {group.name} puts events on the alerts bus: the {module.name} "
                                 "stack needs the alert path's bus")
            grant_alerts_bus(functions[group.name], alerts_bus)

    def _grant_module_queue(self, module: ApiModule, functions: dict[str, GroupFunction]) -> None:
        """Capability.MODULE_QUEUE: every group that declares it (routed groups and consumers alike) may send to the
        module's one queue."""
        senders = module.groups_using(Capability.MODULE_QUEUE)
        if not senders:
            return
        if len(self.queues) != 1:
            raise ValueError(f"function groups {[group.name for group in senders]} send to their module's queue: the "
                             f"{module.name} module must declare exactly one queue consumer")
        (worker,) = self.queues.values()
        for group in senders:
            grant_module_queue(functions[group.name], worker.queue, worker.consumer.queue_url_setting)

    def _grant_gitops(self, module: ApiModule, settings: InfraSettings, functions: dict[str, GroupFunction]) -> None:
        """Capability.GITOPS: the module's two secrets, read by the groups that declare it; the remote's URL on every
        function of the module (health reports `git` from it)."""
        self.gitops: GitOpsSecrets | None = None
        gitops_groups = module.groups_using(Capability.GITOPS)
        if not gitops_groups:
            return
        self.gitops = GitOpsSecrets(self, "GitOpsSecrets", name_prefix=settings.resource_prefix,
                                    module_name=module.name, removal_policy=_removal_policy(settings))
        for function in functions.values():
            set_git_remote(function, settings.aura_git_remote_url, settings.stage)
        for group in gitops_groups:
            grant_gitops(functions[group.name], self.gitops, remote_url=settings.aura_git_remote_url,
                         argocd_url=settings.aura_argocd_url, kubernetes_url=settings.aura_kubernetes_url)


def _short(module: ApiModule, group_name: str) -> str:
    """`helpdesk_sla_check` of the helpdesk -> `SlaCheck`: a construct id inside the module's stack."""
    return "".join(part.title() for part in group_name.removeprefix(f"{module.name}_").split("_"))


class SearchStack(_FunctionStack):
    """Documentation search, shared by the functions that search: an OpenSearch Serverless collection, the docs
    bucket (the articles' source of truth) and the indexer that keeps the one in step with the other."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        inputs: StackInputs,
    ) -> None:
        platform, settings = inputs.platform, inputs.settings
        super().__init__(scope, construct_id, inputs=inputs,
                         description=f"opsdesk {settings.stage}: documentation search collection, docs bucket and "
                                     "indexer",
                         termination_protection=settings.is_production)
        self.search = DocsSearch(
            self,
            "DocsSearch",
            name_prefix=settings.resource_prefix,
            standby_replicas=settings.search_standby_replicas,
            deletion_protection=settings.deletion_protection,
            operator_arns=settings.search_operator_arns,
            basics=self.function_basics(with_tables=False),
            log_retention_days=settings.log_retention_days,
        )
        CfnOutput(self, "DocsBucketName", value=self.search.bucket.bucket_name,
                  description="Upload Markdown articles here (<plane>/<type>/<slug>.md); the indexer picks them up")
        CfnOutput(self, "SearchCollectionEndpoint", value=self.search.collection_endpoint)
        CfnOutput(self, "IndexerDeadLetterQueueUrl", value=self.search.dead_letters.queue_url,
                  description="S3 events the indexer failed on after its retries")
        AsyncFailureAlarms(
            self, "IndexerAlarms", name_prefix=settings.resource_prefix, function_name=INDEXER_FUNCTION,
            function=self.search.indexer, dead_letters=self.search.dead_letters, topic=platform.alarms.topic,
            lost="docs bucket events the indexer could not apply after its retries (those articles are missing "
                 "from, or stale in, the search index)",
            remedy="Replay: re-upload the object keys the messages name, or run a full re-index (docs/infra.md, "
                   "Documentation search); then purge the queue.",
        )


class AlertsStack(_FunctionStack):
    """The alert path (opsdesk.apimap.ALERTS): the opsdesk alerts bus, the rules on it and on the default bus, the
    queue they deliver to, its consumer and its dead-letter queue. Its own stack because the path serves the copilot
    and the response module alike and any module's groups may put on the bus (Capability.ALERTS_BUS): each such
    module stack imports the bus's name and ARN from here, and this stack imports only from the platform stack, so
    no module stack depends on another and no reference runs back."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        inputs: StackInputs,
        path: AlertPath = ALERTS,
    ) -> None:
        platform, settings = inputs.platform, inputs.settings
        super().__init__(scope, construct_id, inputs=inputs,
                         description=f"opsdesk {settings.stage}: the alerts bus, its rules, queue and consumer")
        self.alerts = AlertPathResources(
            self, "Alerts", path=path, name_prefix=settings.resource_prefix,
            basics=self.function_basics(),
        )
        consumer = path.consumer.name
        CfnOutput(self, "AlertsBusName", value=self.alerts.bus.event_bus_name,
                  description="Put alert events here (source opsdesk.alerts); the copilot's webhooks do")
        CfnOutput(self, "AlertsQueueUrl", value=self.alerts.queue.queue_url,
                  description=f"Alert events waiting for {consumer}")
        CfnOutput(self, "AlertsDeadLetterQueueUrl", value=self.alerts.dead_letters.queue_url,
                  description=f"Alert events {consumer} failed on after its retries, or EventBridge could not queue")
        AsyncFailureAlarms(
            self, "AlertIngestAlarms", name_prefix=settings.resource_prefix, function_name=consumer,
            function=self.alerts.function, dead_letters=self.alerts.dead_letters, topic=platform.alarms.topic,
            lost="alert events (alarms, deployments, webhook deliveries) it failed on 5 times, or that EventBridge "
                 "could not queue: no incident has them",
            remedy="Each message is the whole event. Fix the cause, then move the messages to the alerts queue "
                   "(aws sqs start-message-move-task --destination-arn <its ARN>; check events older than 2 days "
                   "first): docs/infra.md, Alerts.",
        )


class RealtimeStack(_FunctionStack):
    """The WebSocket API and the fan-out of the event log, shared by every module."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        inputs: StackInputs,
    ) -> None:
        platform, settings = inputs.platform, inputs.settings
        super().__init__(scope, construct_id, inputs=inputs,
                         description=f"opsdesk {settings.stage}: WebSocket API and event fan-out")
        self.realtime = Realtime(
            self,
            "Realtime",
            api_definition=REALTIME,
            stage_name=settings.stage,
            basics=self.function_basics(),
            user_pool_id=platform.auth.user_pool.user_pool_id,
            app_clients=platform.auth.app_clients,
            ws_token_key=platform.cursor_key.secret,
        )
        CfnOutput(self, "WebSocketUrl", value=self.realtime.stage.url, description="wss:// URL of the WebSocket API")
        AsyncFailureAlarms(
            self, "FanoutAlarms", name_prefix=settings.resource_prefix, function_name=REALTIME.fanout_function,
            function=self.realtime.fanout_function, dead_letters=self.realtime.dead_letters,
            topic=platform.alarms.topic,
            lost="event-log stream batches, or pages of an event's subscribers, the fan-out failed on after its "
                 "retries (those events reached no WebSocket client, or not all; SSE reads them from the event log)",
            remedy="A message names a failed batch's stream shard and sequence numbers (kept 24 hours), or is a "
                   "page. WebSocket has no replay: once the cause is fixed, purge the queue.",
        )
