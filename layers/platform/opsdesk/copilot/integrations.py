"""Monitoring integrations of a project (seeds/sre-copilot-api.md, Monitoring Integrations): CRUD for admins,
credentials in Secrets Manager (opsdesk.secrets) and never returned or logged, and connection tests that call
the monitoring system's real health/auth endpoint through the guarded outbound client (opsdesk.outbound,
opsdesk.monitoring)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339, utc_now
from opsdesk.copilot import keys
from opsdesk.copilot.credentials import CREDENTIAL_NAMES, credentials_in, urls_with_userinfo
from opsdesk.copilot.proofs import STALE_AFTER, DueProof, ProofCheck, Recheck, proof_due
from opsdesk.copilot.records import Integration, Role
from opsdesk.copilot.service import CopilotService
from opsdesk.copilot.store import CopilotStore
from opsdesk.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from opsdesk.monitoring import ProbeResult, role_account
from opsdesk.secrets import SecretStore

if TYPE_CHECKING:  # request bodies load pydantic, which the routes that validate one load (opsdesk.http)
    from opsdesk.copilot.requests import IntegrationCreateRequest, IntegrationUpdateRequest, TestConnectionRequest
    from opsdesk.settings import CopilotIntegrationSettings

LOG = logging.getLogger(__name__)

SENT_TO_URL = frozenset({"api_key", "app_key", "token", "username", "password"})
"""The credentials a connection test sends to the integration's `config.url` (opsdesk.monitoring). Stored ones go
only where they were saved for: a change of url must send them again, or an admin could point an owner's
integration at a server of their own and have the test hand it the token."""
WEBHOOK_TOKEN_MIN_LENGTH = 16
"""The webhook verifier refuses shorter tokens (opsdesk.alerts.webhooks.MIN_TOKEN_LENGTH; a unit test keeps the two
equal), so an integration may not be given one: every delivery would be a 401."""
MAX_CONFIG_KEYS = 32
CLOUDWATCH_ROUTE_FIELDS = {
    "account_id": (re.compile(r"\d{12}"), "an AWS account id (12 digits)"),
    "region": (re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}"), "an AWS region such as us-east-1"),
    "alarm_name_prefix": (re.compile(r"[^\x00-\x1f]{1,255}"), "at most 255 characters, none of them a control one"),
}
"""What a CloudWatch integration routes alarms by (opsdesk.alerts.routes): the account and region are a route
item's partition key, which an unchecked value could push past DynamoDB's key limits (a 500)."""
Probe = Callable[[str, Mapping[str, Any], Mapping[str, str]], Any]
"""(type, config, credentials) -> a ProbeResult (opsdesk.monitoring): ok, status_code, message, latency_ms."""


def _check_config(config: Mapping[str, Any], kind: str,
                  reserved_accounts: frozenset[str] = frozenset()) -> dict[str, Any]:
    if len(config) > MAX_CONFIG_KEYS:
        raise ValidationFailed.on_field("config", f"config may hold at most {MAX_CONFIG_KEYS} keys")
    secret_looking = sorted(path.removeprefix("config.") for path in credentials_in(config, "config"))
    if secret_looking:
        # A credential in the config would be returned by every GET: it belongs in `credentials`.
        raise ValidationFailed.on_field("config", f"put {', '.join(secret_looking)} in credentials, not config")
    url = config.get("url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("https://", "http://"))
                            or len(url) > 2048):
        raise ValidationFailed.on_field("config.url", "url must be an http(s) URL of at most 2048 characters")
    with_userinfo = sorted(urls_with_userinfo(config, "config"))
    if with_userinfo:
        # A user and password in a URL would be returned by every GET, and the outbound client refuses such a URL.
        raise ValidationFailed.on_field(with_userinfo[0], "a URL in config may not carry a user or password "
                                                          "(user:password@): put them in credentials")
    for name, (pattern, what) in CLOUDWATCH_ROUTE_FIELDS.items() if kind == "cloudwatch" else ():
        value = config.get(name)
        if value not in (None, "") and not (isinstance(value, str) and pattern.fullmatch(value)):
            raise ValidationFailed.on_field(f"config.{name}", f"{name} must be {what}")
    _check_account(config, kind, reserved_accounts)
    return dict(config)


def _check_account(config: Mapping[str, Any], kind: str, reserved_accounts: frozenset[str]) -> None:
    if kind == "cloudwatch" and config.get("account_id") in reserved_accounts:
        raise ValidationFailed.on_field("config.account_id", "account_id is the platform's own AWS account")


def _url_of(config: Mapping[str, Any]) -> str:
    """Where a connection test of `config` goes, as opsdesk.monitoring reads it."""
    url = config.get("url")
    return url.strip().rstrip("/") if isinstance(url, str) else ""


def aws_external_id(tenant_id: str) -> str:
    """The external ID the platform presents when it assumes a tenant's role (sts:ExternalId). The platform fixes
    it per tenant, never the caller: a tenant that names another's role cannot present the ID that role trusts (the
    confused deputy), so a role that requires it and that the platform could assume proves the account the
    tenant's (a role trusting the platform without the condition proves nothing: docs/decisions.md)."""
    return f"opsdesk-{tenant_id}"


def _check_credentials(credentials: Mapping[str, str], tenant_id: str) -> dict[str, str]:
    unknown = sorted(set(credentials) - CREDENTIAL_NAMES)
    if unknown:
        raise ValidationFailed.on_field("credentials", f"unknown credential names: {', '.join(unknown)}; use "
                                                       f"{', '.join(sorted(CREDENTIAL_NAMES))}")
    if credentials.get("external_id"):
        raise ValidationFailed.on_field("credentials.external_id", "the platform sets the external ID: "
                                                                   f"{aws_external_id(tenant_id)}; leave it out")
    token = credentials.get("webhook_token")
    if token and len(token) < WEBHOOK_TOKEN_MIN_LENGTH:
        raise ValidationFailed.on_field("credentials.webhook_token",
                                        f"webhook_token must be at least {WEBHOOK_TOKEN_MIN_LENGTH} characters")
    return {k: v for k, v in credentials.items() if v}


class IntegrationService:
    def __init__(self, store: CopilotStore, secrets: SecretStore, probe: Probe, *,
                 reserved_accounts: frozenset[str] = frozenset()) -> None:
        """`reserved_accounts`: AWS accounts no cloudwatch integration may name (the platform's own)."""
        self._store = store
        self._secrets = secrets
        self._probe = probe
        self._reserved_accounts = reserved_accounts
        self._copilot = CopilotService(store)

    def list(self, principal: Principal, project_id: str) -> list[Integration]:
        context, _ = self._copilot.project_context(principal, project_id)
        return self._store.list_integrations(context.tenant_id, project_id)

    def get(self, principal: Principal, project_id: str, integration_id: str) -> Integration:
        context, _ = self._copilot.project_context(principal, project_id)
        return self._integration(context.tenant_id, project_id, integration_id)

    def create(self, principal: Principal, project_id: str, request: IntegrationCreateRequest) -> Integration:
        context, _ = self._copilot.project_context(principal, project_id)
        context.require(Role.ADMIN, "Adding integrations")
        config = _check_config(request.config, request.type, self._reserved_accounts)
        credentials = _check_credentials(request.credentials, context.tenant_id)
        verified = self._proven_account(context.tenant_id, request.type, config, credentials, request.enabled)
        now = utc_now()
        integration = Integration(id=str(uuid.uuid4()), project_id=project_id, type=request.type, name=request.name,
                                  config=config, secret_ref=None, credential_keys=(), enabled=request.enabled,
                                  created_at=now, updated_at=now, verified_account=verified,
                                  verified_at=now if verified else None)
        return self._save(context.tenant_id, integration, credentials or None, read=None)

    def update(self, principal: Principal, project_id: str, integration_id: str,
               request: IntegrationUpdateRequest) -> Integration:
        context, _ = self._copilot.project_context(principal, project_id)
        context.require(Role.ADMIN, "Changing integrations")
        integration = self._integration(context.tenant_id, project_id, integration_id)
        changes: dict[str, Any] = {}
        if request.name is not None:
            changes["name"] = request.name
        if request.enabled is not None:
            changes["enabled"] = request.enabled
        if request.config is not None:
            changes["config"] = _check_config(request.config, integration.type, self._reserved_accounts)
        if changes.get("enabled", integration.enabled):  # one made before the platform's account was refused is
            # not switched or kept on by a rename; checked before new credentials are stored
            _check_account(changes.get("config", integration.config), integration.type, self._reserved_accounts)
        # The credentials sent replace the stored ones as a whole (a masked value is never sent back).
        credentials = None if request.credentials is None else _check_credentials(request.credentials,
                                                                                   context.tenant_id)
        if not changes and credentials is None:
            raise ValidationFailed.on_field("body", "Nothing to change: send name, config, credentials or enabled")
        if (credentials is None and "config" in changes and SENT_TO_URL & set(integration.credential_keys)
                and _url_of(changes["config"]) != _url_of(integration.config)):
            raise ValidationFailed.on_field("credentials", "a new config.url needs its credentials sent with it: "
                                                           "the stored ones go only to the url they were saved for")
        if integration.type == "cloudwatch" and (credentials is not None or any(
                name in changes and changes[name] != getattr(integration, name) for name in ("config", "enabled"))):
            # What it routes may change: proven again, before anything is stored (a form sent back as it was is not)
            changes["verified_account"] = self._proven_account(
                context.tenant_id, integration.type, changes.get("config", integration.config),
                self._stored(integration) if credentials is None else credentials,
                changes.get("enabled", integration.enabled))
            changes["verified_at"] = utc_now() if changes["verified_account"] else None
        return self._save(context.tenant_id, replace(integration, **changes, updated_at=utc_now()), credentials,
                          read=integration)

    def _save(self, tenant_id: str, integration: Integration, credentials: dict[str, str] | None, *,
              read: Integration | None) -> Integration:
        """Saves the integration (a create when `read` is None) and the credentials sent, if any, stored first (the
        item names their secret). A save refused (409) leaves the credentials as they were: a refused create's are
        deleted, a refused update's put back (emptied when it had none: a secret deleted keeps its name for days,
        and the next update writes it). A save of unknown outcome may have committed: left as it is."""
        if credentials is None:
            self._store.save_integration(tenant_id, integration, create=read is None, read=read)
            return integration
        before = None if read is None else self._stored(read)
        reference = self._secrets.put(tenant_id, integration.id, credentials, kind=integration.type)
        integration = replace(integration, secret_ref=reference, credential_keys=tuple(sorted(credentials)))
        try:
            self._store.save_integration(tenant_id, integration, create=read is None, read=read)
        except Conflict:
            if before is None:
                self._secrets.delete(reference)
            else:
                self._secrets.put(tenant_id, integration.id, before, kind=integration.type)
            raise
        return integration

    def delete(self, principal: Principal, project_id: str, integration_id: str) -> None:
        context, _ = self._copilot.project_context(principal, project_id)
        context.require(Role.ADMIN, "Deleting integrations")
        integration = self._integration(context.tenant_id, project_id, integration_id)
        self._store.delete_integration(context.tenant_id, integration)
        if integration.secret_ref:
            self._secrets.delete(integration.secret_ref)

    def test_connection(self, principal: Principal, project_id: str, request: TestConnectionRequest) -> dict[str, Any]:
        """A connection test of settings not saved yet (the form before saving)."""
        context, _ = self._copilot.project_context(principal, project_id)
        context.require(Role.MEMBER, "Testing connections")
        return self._run(context.tenant_id, request.type, _check_config(request.config, request.type),
                         _check_credentials(request.credentials, context.tenant_id))

    def test_existing(self, principal: Principal, project_id: str, integration_id: str) -> dict[str, Any]:
        """The test of a saved integration, kept as its `last_test`. A `cloudwatch` one that passes proves its
        account (the role was assumed with the tenant's external ID): from then on it routes the account's alarms,
        as a save with the role would; a failed test takes nothing away (AWS may only have been slow)."""
        context, _ = self._copilot.project_context(principal, project_id)
        context.require(Role.MEMBER, "Testing connections")
        integration = self._integration(context.tenant_id, project_id, integration_id)
        credentials = self._stored(integration)
        result = self._run(context.tenant_id, integration.type, integration.config, credentials)
        proven = self._proven_by(integration.config, credentials) \
            if result["success"] and integration.type == "cloudwatch" and integration.enabled else None
        after = replace(integration, last_test=result)
        if proven is not None:
            after = replace(after, verified_account=proven, verified_at=utc_now())
        self._store.save_integration(context.tenant_id, after, create=False,
                                     read=integration)  # a change made while the probe ran wins
        return result

    def check_proof(self, proof: DueProof, now: datetime) -> ProofCheck:
        """The scheduled check of a proven account (opsdesk.copilot.proofs): the connection test again, with the
        stored role. Kept for another day when it passes, taken away (routes, hold and proof) when the role refuses
        the platform or is no longer in the account, left due when AWS does not answer (overdue once that has
        lasted STALE_AFTER past its due time). Nothing is written until the run applies it."""
        integration = self._store.get_integration(proof.tenant_id, proof.project_id, proof.integration_id)
        due = proof_due(integration) if integration is not None else None
        if integration is None or due is None or \
                keys.proof_sk(due, proof.tenant_id, proof.project_id, proof.integration_id) != proof.marker:
            return ProofCheck(proof, Recheck.GONE)
        credentials = self._stored(integration)
        view, extra = self._outcome(proof.tenant_id, integration.type, integration.config, credentials)
        result = self._result(view, extra)
        if view.get("ok") and self._proven_by(integration.config, credentials) == integration.verified_account:
            outcome, after = Recheck.KEPT, replace(integration, last_test=result, verified_at=now)
        elif view.get("retryable"):
            return ProofCheck(proof, Recheck.RETRY, overdue=now - due >= STALE_AFTER)
        else:  # refused, or its stored role is in another account now (a save of unknown outcome stored it)
            outcome = Recheck.REVOKED
            after = replace(integration, last_test=result, verified_account=None, verified_at=None)

        def apply() -> Recheck:
            try:
                self._store.save_integration(proof.tenant_id, after, create=False, read=integration)
            except Conflict:  # changed meanwhile: whatever it is now, its own save has (re)placed its proof
                return Recheck.RETRY
            if outcome is Recheck.REVOKED:
                LOG.warning("AWS account %s of integration %s is no longer proven: %s",
                            integration.verified_account, integration.id, result["message"])
            return outcome

        return ProofCheck(proof, outcome, apply)

    def _proven_account(self, tenant_id: str, kind: str, config: Mapping[str, Any], credentials: Mapping[str, str],
                        enabled: bool) -> str | None:
        """The AWS account a `cloudwatch` integration may route: its `config.account_id` once the platform has
        assumed `credentials.role_arn`, a role in that account, with the tenant's external ID and read its alarms.
        None while it names no account, is off or has no role (it is saved and routes nothing); a role elsewhere,
        or one the platform cannot assume, is a 422 and nothing is stored."""
        account = config.get("account_id")
        if kind != "cloudwatch" or not account or not enabled or not credentials.get("role_arn"):
            return None
        if self._proven_by(config, credentials) is None:
            raise ValidationFailed.on_field("credentials.role_arn", f"role_arn must be a role in account {account} "
                                                                    "(config.account_id)")
        outcome, _ = self._outcome(tenant_id, kind, config, credentials)
        if not outcome.get("ok"):
            if outcome.get("retryable"):
                raise ServiceUnavailable("AWS did not answer the role check; retry")
            raise ValidationFailed.on_field(
                "credentials.role_arn", f"the platform could not use the role with external ID "
                                        f"{aws_external_id(tenant_id)}: {outcome.get('message', '')}")
        return str(account)

    @staticmethod
    def _proven_by(config: Mapping[str, Any], credentials: Mapping[str, str]) -> str | None:
        """`config.account_id` when `credentials.role_arn` is a role in it, else None."""
        account = config.get("account_id")
        return str(account) if account and role_account(credentials.get("role_arn")) == account else None

    def _stored(self, integration: Integration) -> dict[str, str]:
        return self._secrets.get(integration.secret_ref) if integration.secret_ref else {}

    def _run(self, tenant_id: str, kind: str, config: Mapping[str, Any],
             credentials: Mapping[str, str]) -> dict[str, Any]:
        """The test's result as the API shows it."""
        return self._result(*self._outcome(tenant_id, kind, config, credentials))

    @staticmethod
    def _result(view: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        return {"success": bool(view.get("ok")), "status_code": view.get("status_code"),
                "message": view.get("message", ""), "latency_ms": view.get("latency_ms"),
                "details": {**(view.get("details") or {}), **extra}, "tested_at": to_rfc3339(utc_now())}

    def _outcome(self, tenant_id: str, kind: str, config: Mapping[str, Any],
                 credentials: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The probe's outcome (a ProbeResult's fields), and the details the platform adds: for a `cloudwatch`
        test, the tenant's external ID, which the probe is given whatever was stored before."""
        outcome: Any
        extra: dict[str, Any] = {}
        if kind == "cloudwatch":
            extra = {"external_id": aws_external_id(tenant_id)}
            if role_account(credentials.get("role_arn")) in self._reserved_accounts:
                outcome = ProbeResult(False, None, "credentials.role_arn is in the platform's own AWS account", 0.0)
                return asdict(outcome), extra
            credentials = {**credentials, **extra}
        outcome = self._probe(kind, config, credentials)
        return (asdict(outcome) if hasattr(outcome, "__dataclass_fields__") else dict(outcome)), extra

    def _integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration:
        found = self._store.get_integration(tenant_id, project_id, integration_id)
        if found is None:
            raise NotFound("Integration not found")
        return found


def integration_service(settings: CopilotIntegrationSettings, store: CopilotStore) -> IntegrationService:
    """The service as the functions run it: credentials in Secrets Manager under the stage's prefix, connection
    tests through the guarded outbound client (or AWS), never naming the platform's own account."""
    from opsdesk.monitoring import probe  # noqa: PLC0415 - with the outbound client, for the routes that test
    from opsdesk.outbound import GuardedHttpClient, OutboundPolicy  # noqa: PLC0415
    from opsdesk.secrets import SecretsManagerStore  # noqa: PLC0415

    secrets = SecretsManagerStore(settings.secret_prefix, region=settings.aws_region,
                                  endpoint_url=settings.aws_endpoint_url)
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=settings.allowed_http_hosts))
    return IntegrationService(store, secrets, lambda kind, config, credentials: probe(
        kind, config, credentials, client), reserved_accounts=frozenset(filter(None, [settings.platform_account_id])))
