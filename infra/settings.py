"""Deployment settings: CDK context (`-c key=value` or cdk.json) first, then OPSDESK_* environment variables,
then defaults that depend on the stage. docs/infra.md lists every one."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aws_cdk import aws_logs as logs
from constructs import Node

from opsdesk.settings import MAIL_ADDRESS_PATTERN

PRODUCTION_STAGE = "prod"
DEFAULT_DEV_ORIGIN = "http://localhost:3000"

# CloudWatch Logs accepts only these retention periods.
RETENTION_BY_DAYS: dict[int, logs.RetentionDays] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}

STAGE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
# A Bedrock model id ("amazon.nova-lite-v1:0") or a system inference profile id ("eu.amazon.nova-lite-v1:0").
BEDROCK_MODEL_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9](:[a-z0-9]+)*$")
# The chat's default model: Amazon Nova Lite (Converse streaming with tool use, no use-case form to file) through
# the cross-region inference profile of the stack's geography; in-region on-demand is not offered everywhere.
DEFAULT_CHAT_MODEL = "amazon.nova-lite-v1:0"
PROFILE_GEOGRAPHY_BY_REGION_PREFIX = {"eu-": "eu", "ap-": "apac"}
DEFAULT_PROFILE_GEOGRAPHY = "us"
IAM_PRINCIPAL_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+$")
# The stage's mail sender: what opsdesk.settings accepts as <MODULE>_MAIL_FROM (HELPDESK_MAIL_FROM, COPILOT_MAIL_FROM).
MAIL_FROM_PATTERN = re.compile(MAIL_ADDRESS_PATTERN)
# Where alarm notifications are mailed (alarmEmail).
ALARM_EMAIL_PATTERN = re.compile(MAIL_ADDRESS_PATTERN)


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class InfraSettings:
    stage: str
    account: str | None
    region: str | None
    deletion_protection: bool
    cors_allowed_origins: tuple[str, ...]
    log_retention_days: int
    throttling_rate_limit: float
    throttling_burst_limit: int
    threat_protection: bool
    """Cognito Plus feature plan with threat protection enforced (billed per active user)."""
    log_level: str
    web_firewall: bool
    """AWS WAF web ACL (managed rules, per-IP rate limit) on every stage."""
    domain_name: str | None = None
    certificate_arn: str | None = None
    lwa_layer_arn: str | None = None
    """The AWS Lambda Web Adapter layer (arm64) for streaming functions; default: AWS's published layer in the
    stack's region (infra/constructs/functions.py)."""
    bedrock_model_id: str = f"{DEFAULT_PROFILE_GEOGRAPHY}.{DEFAULT_CHAT_MODEL}"
    """The chat's Bedrock model: a foundation model id, or a system inference profile id (`us.`, `eu.`, `apac.`,
    `global.` ...), which the chat's role may invoke and nothing else (infra/constructs/ai.py)."""
    search_standby_replicas: bool = False
    """OpenSearch Serverless standby replicas (a second AZ; twice the minimum OCUs). On in prod."""
    search_operator_arns: tuple[str, ...] = ()
    """IAM roles or users that may also create and write the docs index (scripts.reindex_docs from a shell)."""
    cookie_login: bool = False
    """The cookie-session login (helpdesk `POST /login`) and the session cookie as a credential. Off unless set: the
    helpdesk document calls it local mode (bearer tokens are the way in on AWS), and the cookie (`Path=/helpdesk`,
    `SameSite=Strict`) only comes back through the custom domain on the frontend's site."""
    mail_from: str | None = None
    """The stage's mail sender (a verified SES identity: the address or its domain), for every group that declares
    Capability.MAIL (the helpdesk's CSAT survey, the copilot's invitations; infra/constructs/mail.py). Unset: no
    mail, and no SES permission anywhere. Needs the custom domain, where the links in the mails point."""
    alarm_email: str | None = None
    """An address subscribed to the stage's alarm topic (infra/constructs/alarms.py). Unset: the topic has no
    subscriber; subscribe one outside CDK (the platform stack's AlarmTopicArn output)."""
    aura_git_remote_url: str = "https://git.example.invalid/gitops.git"
    """The aura agent's GitOps remote (https). The default names no real host: a stage sets its own
    (`-c auraGitRemoteUrl=...`) and fills the `<prefix>/aura/git` secret (docs/infra.md, Aura)."""
    aura_argocd_url: str = "https://argocd.example.invalid"
    """The Argo CD API the aura agent syncs and reads applications through (`-c auraArgocdUrl=...`); its token is
    the `argocd` key of the `<prefix>/aura/cluster` secret."""
    aura_kubernetes_url: str = "https://kubernetes.example.invalid"
    """The Kubernetes API the aura agent reads the cluster from (`-c auraKubernetesUrl=...`); its token is the
    `kubernetes` key of the `<prefix>/aura/cluster` secret."""

    @property
    def public_url(self) -> str | None:
        """Where the modules are served to the public: the custom domain (the stage URL has no module base path)."""
        return f"https://{self.domain_name}" if self.domain_name else None

    @property
    def is_production(self) -> bool:
        return self.stage == PRODUCTION_STAGE

    @property
    def log_retention(self) -> logs.RetentionDays:
        return RETENTION_BY_DAYS[self.log_retention_days]

    @property
    def resource_prefix(self) -> str:
        return f"opsdesk-{self.stage}"

    @classmethod
    def from_context(cls, node: Node, environ: dict[str, str] | None = None) -> InfraSettings:
        source = _SettingSource(node, dict(os.environ) if environ is None else environ)
        stage = source.text("stage", "OPSDESK_STAGE") or "dev"
        if not STAGE_PATTERN.match(stage):
            raise SettingsError(f"stage {stage!r}: lower-case letters, digits and '-', at most 16 characters")
        production = stage == PRODUCTION_STAGE
        origins = source.text_list("corsAllowedOrigins", "OPSDESK_CORS_ALLOWED_ORIGINS")
        if not origins:
            if production:
                raise SettingsError("stage prod needs corsAllowedOrigins (the frontend's origin); no default")
            origins = (DEFAULT_DEV_ORIGIN,)
        if "*" in origins:
            raise SettingsError("corsAllowedOrigins: list the origins; '*' is not allowed (the cookie modules send "
                                "credentials)")
        retention = source.integer("logRetentionDays", "OPSDESK_LOG_RETENTION_DAYS") or (365 if production else 14)
        if retention not in RETENTION_BY_DAYS:
            raise SettingsError(f"logRetentionDays {retention}: one of {sorted(RETENTION_BY_DAYS)}")
        domain_name = source.text("domainName", "OPSDESK_DOMAIN_NAME")
        certificate_arn = source.text("certificateArn", "OPSDESK_CERTIFICATE_ARN")
        if bool(domain_name) != bool(certificate_arn):
            raise SettingsError("domainName and certificateArn go together (the certificate must cover the domain)")
        region = source.text(None, "OPSDESK_REGION") or os.environ.get("CDK_DEFAULT_REGION")
        mail_from = source.text("mailFrom", "OPSDESK_MAIL_FROM")
        if mail_from is not None and not MAIL_FROM_PATTERN.match(mail_from):
            raise SettingsError(f"mailFrom {mail_from!r}: an email address (helpdesk@example.com)")
        if mail_from is not None and not domain_name:
            raise SettingsError("mailFrom needs domainName: the links in the mails point at the custom domain")
        alarm_email = source.text("alarmEmail", "OPSDESK_ALARM_EMAIL")
        if alarm_email is not None and not ALARM_EMAIL_PATTERN.match(alarm_email):
            raise SettingsError(f"alarmEmail {alarm_email!r}: an email address (oncall@example.com)")
        return cls(
            stage=stage,
            account=source.text(None, "OPSDESK_ACCOUNT") or os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=region,
            deletion_protection=source.boolean("deletionProtection", "OPSDESK_DELETION_PROTECTION", production),
            cors_allowed_origins=origins,
            log_retention_days=retention,
            throttling_rate_limit=source.number("throttlingRateLimit", "OPSDESK_THROTTLING_RATE_LIMIT") or 50.0,
            throttling_burst_limit=int(source.number("throttlingBurstLimit", "OPSDESK_THROTTLING_BURST_LIMIT") or 100),
            threat_protection=source.boolean("threatProtection", "OPSDESK_THREAT_PROTECTION", production),
            log_level=(source.text("logLevel", "OPSDESK_LOG_LEVEL") or "INFO").upper(),
            web_firewall=source.boolean("webFirewall", "OPSDESK_WEB_FIREWALL", production),
            domain_name=domain_name,
            certificate_arn=certificate_arn,
            lwa_layer_arn=source.text("lwaLayerArn", "OPSDESK_LWA_LAYER_ARN"),
            bedrock_model_id=_bedrock_model_id(source.text("bedrockModelId", "OPSDESK_BEDROCK_MODEL_ID"), region),
            search_standby_replicas=source.boolean(
                "searchStandbyReplicas", "OPSDESK_SEARCH_STANDBY_REPLICAS", production
            ),
            search_operator_arns=_iam_principals(
                source.text_list("searchOperatorArns", "OPSDESK_SEARCH_OPERATOR_ARNS")
            ),
            cookie_login=source.boolean("cookieLogin", "OPSDESK_COOKIE_LOGIN", False),
            mail_from=mail_from,
            alarm_email=alarm_email,
            **_aura_urls(source),
        )


def _bedrock_model_id(configured: str | None, region: str | None) -> str:
    """The configured model, else Nova Lite through the inference profile of the region's geography (`us.` when
    the stack is environment-agnostic)."""
    if configured is None:
        geography = next(
            (geo for prefix, geo in PROFILE_GEOGRAPHY_BY_REGION_PREFIX.items() if region and region.startswith(prefix)),
            DEFAULT_PROFILE_GEOGRAPHY,
        )
        return f"{geography}.{DEFAULT_CHAT_MODEL}"
    if not BEDROCK_MODEL_PATTERN.match(configured):
        raise SettingsError(f"bedrockModelId {configured!r}: a model or inference profile id ({DEFAULT_CHAT_MODEL})")
    return configured


def _iam_principals(arns: tuple[str, ...]) -> tuple[str, ...]:
    malformed = [arn for arn in arns if not IAM_PRINCIPAL_PATTERN.match(arn)]
    if malformed:
        raise SettingsError(f"searchOperatorArns: IAM role or user ARNs, got {malformed}")
    return arns


@dataclass(frozen=True)
class _SettingSource:
    """Context values from cdk.json keep their JSON type; from `-c key=value` and the environment they are text."""

    node: Node
    environ: dict[str, str]

    def raw(self, context_key: str | None, env_var: str) -> Any:
        value = self.node.try_get_context(context_key) if context_key else None
        if value is None or value == "":
            value = self.environ.get(env_var) or None
        return value

    def text(self, context_key: str | None, env_var: str) -> str | None:
        value = self.raw(context_key, env_var)
        return None if value is None else str(value).strip() or None

    def text_list(self, context_key: str, env_var: str) -> tuple[str, ...]:
        value = self.raw(context_key, env_var)
        if value is None:
            return ()
        if isinstance(value, str):
            value = json.loads(value) if value.lstrip().startswith("[") else value.split(",")
        return tuple(str(item).strip().rstrip("/") for item in value if str(item).strip())

    def boolean(self, context_key: str, env_var: str, default: bool) -> bool:
        value = self.raw(context_key, env_var)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in {"true", "false", "1", "0", "yes", "no"}:
            raise SettingsError(f"{context_key}: expected true or false, got {value!r}")
        return text in {"true", "1", "yes"}

    def number(self, context_key: str, env_var: str) -> float | None:
        value = self.raw(context_key, env_var)
        if value is None:
            return None
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"{context_key}: expected a number, got {value!r}") from exc
        if number <= 0:
            raise SettingsError(f"{context_key}: must be positive, got {value!r}")
        return number

    def integer(self, context_key: str, env_var: str) -> int | None:
        number = self.number(context_key, env_var)
        return None if number is None else int(number)


def _aura_urls(source: _SettingSource) -> dict[str, str]:
    """The aura agent's GitOps remote, Argo CD and Kubernetes API: https URLs with a host (the defaults name no real
    host: `*.example.invalid`)."""
    found: dict[str, str] = {}
    for field, context_key, variable in (
        ("aura_git_remote_url", "auraGitRemoteUrl", "OPSDESK_AURA_GIT_REMOTE_URL"),
        ("aura_argocd_url", "auraArgocdUrl", "OPSDESK_AURA_ARGOCD_URL"),
        ("aura_kubernetes_url", "auraKubernetesUrl", "OPSDESK_AURA_KUBERNETES_URL"),
    ):
        value = source.text(context_key, variable)
        if value is None:
            continue
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in value) or parts.password:
            raise SettingsError(f"{context_key} {value!r}: an https URL with a host and no credentials in it "
                                "(the credential goes in the stack's secret)")
        found[field] = value
    return found
