"""Which projects an alert reaches (issue #12): a project's monitoring integrations decide. Each integration leaves
route entries in the IncidentsTable, written with it (opsdesk.copilot.repository), that the alert path looks up by
what an alert carries:

- `webhook#<integration id>`: every integration; webhooks name their integration in their URL;
- `cloudwatch#<account>#<region>`: a `cloudwatch` integration whose config names `account_id` and `region`, once
  the tenant has proven the account its own (`verified_account`: the platform assumed a role in it with the tenant's
  external ID, opsdesk.copilot.integrations); an optional `alarm_name_prefix` narrows it to the alarms whose names
  start with it. Deployments (CodeDeploy, ECS) of that account and region reach the same projects as change
  evidence.

A disabled integration routes nothing.

An AWS account's alarms reach one tenant's projects only: an alarm or a deployment carries nothing but the account
and region it comes from, so two tenants naming one account would each read the other's. The first tenant whose
enabled integration names an account claims it (AccountClaimItem, written in the integration's transaction); another
tenant's integration naming it is a 409 until every integration of the first releases it (deleted, disabled or
pointed elsewhere). The projects of the claiming tenant may share it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import field

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk.alerts.records import Alert, ChangeNotice
from opsdesk.dynamo import bind_table, record_items_read, unbound_meta
from opsdesk.frozen import frozen
from opsdesk.settings import CopilotSettings, load_settings

WEBHOOK_TYPES: Mapping[str, str] = {"prometheus": "alertmanager", "grafana": "grafana", "datadog": "datadog",
                                    "pagerduty": "pagerduty"}
"""Integration type -> the payload its webhook sends (opsdesk.alerts.normalise): a Prometheus integration
receives Alertmanager's webhook."""
ROUTE_CACHE_SECONDS = 30.0
"""A consumer container reads a key's routes at most this often on AWS (ALERT_ROUTE_CACHE_SECONDS): a storm costs one
Query per key per 30 s, and an integration's change reaches the alert path within that time. Locally 0: at once."""


@frozen
class RouteEntry:
    key: str
    tenant_id: str
    project_id: str
    integration_id: str
    integration_type: str
    match: Mapping[str, str] = field(default_factory=dict)

    @property
    def sort_key(self) -> str:
        return f"{self.tenant_id}#{self.project_id}#{self.integration_id}"


def webhook_key(integration_id: str) -> str:
    return f"webhook#{integration_id}"


def cloudwatch_key(account: str, region: str) -> str:
    return f"cloudwatch#{account}#{region}"


def route_entries(tenant_id: str, project_id: str, integration_id: str, integration_type: str, *,
                  config: Mapping[str, object], enabled: bool, verified_account: str | None = None) -> list[RouteEntry]:
    """The entries an integration leaves (none when disabled; an account's only once it is verified)."""
    if not enabled:
        return []
    entries = [RouteEntry(webhook_key(integration_id), tenant_id, project_id, integration_id, integration_type)]
    account, region = config.get("account_id"), config.get("region")
    if integration_type == "cloudwatch" and isinstance(account, str) and isinstance(region, str) and account \
            and region and account == verified_account:
        prefix = config.get("alarm_name_prefix")
        entries.append(RouteEntry(cloudwatch_key(account, region), tenant_id, project_id, integration_id,
                                  integration_type,
                                  {"alarm_name_prefix": prefix} if isinstance(prefix, str) and prefix else {}))
    return entries


def route_key(item: Alert | ChangeNotice) -> str | None:
    """The key an alert or a change is routed by, or None when it names no route."""
    route = item.route
    if route.get("integration_id"):
        return webhook_key(route["integration_id"])
    if route.get("account") and route.get("region"):
        return cloudwatch_key(route["account"], route["region"])
    return None


def matches(entry: RouteEntry, item: Alert | ChangeNotice) -> bool:
    """The alarm-name prefix narrows alarms only: every deployment of the account and region is evidence."""
    prefix = entry.match.get("alarm_name_prefix")
    if not prefix or isinstance(item, ChangeNotice):
        return True
    return item.name.startswith(prefix)


class RouteItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenantId = UnicodeAttribute()
    projectId = UnicodeAttribute()
    integrationId = UnicodeAttribute()
    integrationType = UnicodeAttribute()
    match = UnicodeAttribute(null=True)


ROUTE_PREFIX = "AROUTE#"


def route_item(entry: RouteEntry) -> RouteItem:
    return RouteItem(f"{ROUTE_PREFIX}{entry.key}", entry.sort_key, tenantId=entry.tenant_id,
                     projectId=entry.project_id, integrationId=entry.integration_id,
                     integrationType=entry.integration_type,
                     match=json.dumps(dict(entry.match)) if entry.match else None)


class AccountClaimItem(Model):
    """The tenant whose integrations route an AWS account's alarms, and which of its integrations do. DynamoDB drops
    a set that loses its last member, so an account without `integrations` is free to claim."""

    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    tenantId = UnicodeAttribute(null=True)
    integrations = UnicodeSetAttribute(null=True)


CLAIM_PREFIX = "ACLAIM#"
CLAIM_SK = "CLAIM"
ACCOUNT_HELD = "AWS account {account} already sends its alarms to another organization's projects"
"""The 409 for an integration naming an account another tenant holds."""


def claimed_accounts(entries: Iterable[RouteEntry]) -> set[str]:
    """The AWS accounts whose alarms `entries` route."""
    return {entry.key.split("#")[1] for entry in entries if entry.key.startswith("cloudwatch#")}


def account_holder(account: str) -> str | None:
    """The tenant that holds `account` (None: no integration names it)."""
    try:
        item = AccountClaimItem.get(f"{CLAIM_PREFIX}{account}", CLAIM_SK, consistent_read=True)
    except AccountClaimItem.DoesNotExist:
        return None
    finally:
        record_items_read(1)
    return item.tenantId if item.integrations else None


def claim_account(tx: TransactWrite, tenant_id: str, account: str, integration_id: str) -> None:
    """In `tx`: `account` held for the tenant by the integration; the transaction fails if another tenant holds it."""
    tx.update(AccountClaimItem(f"{CLAIM_PREFIX}{account}", CLAIM_SK),
              actions=[AccountClaimItem.tenantId.set(tenant_id), AccountClaimItem.integrations.add({integration_id})],
              condition=AccountClaimItem.integrations.does_not_exist() | (AccountClaimItem.tenantId == tenant_id))


def release_account(tx: TransactWrite, account: str, integration_id: str) -> None:
    """In `tx`: the integration no longer holds `account` (free once no integration of the tenant does)."""
    tx.update(AccountClaimItem(f"{CLAIM_PREFIX}{account}", CLAIM_SK),
              actions=[AccountClaimItem.integrations.delete({integration_id})])


def _entry(item: RouteItem) -> RouteEntry:
    return RouteEntry(item.pk.removeprefix(ROUTE_PREFIX), item.tenantId, item.projectId, item.integrationId,
                      item.integrationType, json.loads(item.match) if item.match else {})


class RouteRepository:
    """Reads route entries (they are written with their integration, opsdesk.copilot.repository)."""

    def __init__(self, settings: CopilotSettings | None = None, *, cache_seconds: float = ROUTE_CACHE_SECONDS) -> None:
        settings = settings or load_settings(CopilotSettings)
        bind_table(RouteItem, settings.incidents_table_name, settings)
        self._cache: dict[str, tuple[float, list[RouteEntry]]] = {}
        self._cache_seconds = cache_seconds

    def webhook(self, integration_id: str) -> RouteEntry | None:
        key = webhook_key(integration_id)
        results = list(RouteItem.query(f"{ROUTE_PREFIX}{key}", limit=2))
        record_items_read(len(results))
        return _entry(results[0]) if len(results) == 1 else None

    def targets(self, item: Alert | ChangeNotice) -> list[RouteEntry]:
        key = route_key(item)
        if key is None:
            return []
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is None or now - cached[0] >= self._cache_seconds:
            # Every page: each entry is a project the alarm must reach (a limit dropped those past it unseen)
            results = RouteItem.query(f"{ROUTE_PREFIX}{key}")
            cached = (now, [_entry(i) for i in results])
            record_items_read(results.page_iter.total_scanned_count)
            self._cache[key] = cached
        return [entry for entry in cached[1] if matches(entry, item)]
