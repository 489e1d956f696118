"""MonitoringRepository: what the copilot's monitoring side stores on the IncidentsTable: integrations with
their alert route entries (opsdesk.alerts.routes) and their proven account's due check (opsdesk.copilot.proofs),
one transaction, and the alerts and changes they deliver."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.alerts.routes import (
    ACCOUNT_HELD,
    RouteEntry,
    account_holder,
    claim_account,
    claimed_accounts,
    release_account,
    route_entries,
    route_item,
)
from opsdesk.clock import to_rfc3339
from opsdesk.copilot import keys
from opsdesk.copilot.items import (
    RecordItem,
    alert_item,
    alert_record,
    change_item,
    change_record,
    integration_item,
    integration_record,
)
from opsdesk.copilot.proofs import DueProof, DueProofPage, proof_due
from opsdesk.copilot.records import (
    MAX_PROJECT_INTEGRATIONS,
    PROJECT_INTEGRATIONS_FULL,
    Alert,
    ChangeEvent,
    Integration,
)
from opsdesk.copilot.table_repository import CopilotTableRepository, changed
from opsdesk.dynamo import CONDITION_CODES, Outcome, domain_error_for, error_code, get_item
from opsdesk.errors import Conflict, DomainError, NotFound
from opsdesk.events import DomainEvent
from opsdesk.pagination import OffsetRequest

LOG = logging.getLogger(__name__)


class MonitoringRepository(CopilotTableRepository):
    """Alerts and changes (a partition each, by time), and integrations (under their project)."""

    # Evidence, alerts, changes

    def save_alert(self, tenant_id: str, alert: Alert, events: Sequence[DomainEvent] = ()) -> None:
        """Puts the alert (again, harmlessly: an alert's id is its own), with its events in one transaction."""
        if not events:
            self._save(alert_item(tenant_id, alert))
            return

        def write(tx: TransactWrite) -> None:
            tx.save(alert_item(tenant_id, alert))
            self._transactions.publish(tx, tenant_id, events)

        self._commit(write, changed("Alert write failed"), lambda: Outcome.RETRY)

    def alert_stored(self, tenant_id: str, alert: Alert) -> bool:
        """Whether the alert is stored as it is now (a redelivery then leaves it, and its events, alone)."""
        written = alert_item(tenant_id, alert)
        found = get_item(RecordItem, written.pk, written.sk)
        return found is not None and found.data == written.data

    def save_change(self, tenant_id: str, change: ChangeEvent) -> None:
        self._save(change_item(tenant_id, change))

    def alerts_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                       limit: int) -> list[Alert]:
        items = self._query(keys.alerts_pk(tenant_id, project_id), RecordItem.sk.between(
            keys.timeline_sk(start, ""), keys.timeline_sk(end, "~")), limit=limit, newest_first=True)
        return [alert_record(i) for i in items]

    def changes_between(self, tenant_id: str, project_id: str, start: datetime, end: datetime,
                        limit: int) -> list[ChangeEvent]:
        items = self._query(keys.changes_pk(tenant_id, project_id), RecordItem.sk.between(
            keys.timeline_sk(start, ""), keys.timeline_sk(end, "~")), limit=limit, newest_first=True)
        return [change_record(i) for i in items]

    def query_alerts(self, tenant_id: str, project_id: str, page: OffsetRequest) -> list[Alert]:
        wanted = page.offset + page.limit
        items = self._query(keys.alerts_pk(tenant_id, project_id), None, limit=wanted, newest_first=True)
        return [alert_record(i) for i in items[page.offset:wanted]]

    # Monitoring integrations

    def save_integration(self, tenant_id: str, integration: Integration, *, create: bool,
                         read: Integration | None = None) -> None:
        """The integration and its alert route entries (opsdesk.alerts.routes) in one transaction: the entries of
        the integration as it was read (`read`, the caller's; else read here) are replaced by those of the
        integration as it is, provided it is still as read (two updates at once would leave the first one's
        routes behind, and a slow connection test would undo a change made meanwhile) and its project is not being
        deleted (a project's delete takes its integrations). A create adds one to the project's count of them, on
        the condition that it holds fewer than MAX_PROJECT_INTEGRATIONS (two creates at once cannot both pass it)."""
        before = self._before_save(tenant_id, integration, create=create, read=read)
        stale = _routes_left_by(tenant_id, before) if before else []
        fresh = _routes(tenant_id, integration)
        proof_before = proof_item(tenant_id, before) if before else None
        proof_after = proof_item(tenant_id, integration)
        held = claimed_accounts(fresh)
        released = claimed_accounts(stale) - held
        taken = _held_elsewhere(held, tenant_id)  # the transaction's condition holds it too; this says why first
        if taken is not None:
            raise Conflict(ACCOUNT_HELD.format(account=taken))
        kept = {(entry.key, entry.sort_key) for entry in fresh}

        def write(tx: TransactWrite) -> None:
            as_read = RecordItem.pk.does_not_exist() if before is None else \
                RecordItem.data == integration_item(tenant_id, before).data
            tx.save(integration_item(tenant_id, integration), condition=as_read)
            _stage_project_check(tx, tenant_id, integration.project_id, create=create)
            for entry in stale:
                if (entry.key, entry.sort_key) not in kept:  # a kept one is saved below: one item, one action
                    tx.delete(route_item(entry))
            for entry in fresh:
                tx.save(route_item(entry))
            for account in sorted(held):
                claim_account(tx, tenant_id, account, integration.id)
            for account in sorted(released):
                release_account(tx, account, integration.id)
            if proof_before is not None and (proof_after is None or proof_after.sk != proof_before.sk):
                tx.delete(proof_before)
            if proof_after is not None and (proof_before is None or proof_before.sk != proof_after.sk):
                tx.save(proof_after)

        def ours_already() -> Outcome:  # a retried write whose first attempt did commit
            now = get_item(RecordItem, keys.project_pk(tenant_id, integration.project_id),
                           keys.integration_sk(integration.id))
            return Outcome.DONE if now is not None and now.data == integration_item(tenant_id, integration).data \
                else Outcome.CONFLICT

        self._commit(write, lambda: _refused(held, tenant_id, integration.project_id, create), ours_already)

    def _before_save(self, tenant_id: str, integration: Integration, *, create: bool,
                     read: Integration | None) -> Integration | None:
        """The integration as it is before an update (NotFound when it is not there); before a create, none, and
        its project's integrations counted (count_integrations)."""
        if create:
            count_integrations(tenant_id, integration.project_id)
            return None
        before = read or self.get_integration(tenant_id, integration.project_id, integration.id)
        if before is None:
            raise NotFound("Integration not found")
        return before

    def due_proofs(self, now: datetime, limit: int, after: str | None = None) -> DueProofPage:
        """Proven AWS accounts due to be proven again (opsdesk.copilot.proofs), the longest due first."""
        due_by = f"{to_rfc3339(now)}#~"
        condition = RecordItem.sk <= due_by if after is None else RecordItem.sk.between(after, due_by)
        items = [i for i in self._query(keys.PROOFS_PK, condition, limit=limit + 1) if i.sk != after][:limit]
        proofs = []
        for item in items:
            try:
                data = json.loads(item.data)
                proofs.append(DueProof(data["tenantId"], data["projectId"], data["integrationId"], item.sk))
            except (TypeError, ValueError, KeyError):  # by hand, or a later version: for a person
                LOG.error("proof item %s cannot be read: left as it is", item.sk)
        return DueProofPage(tuple(proofs), items[-1].sk if len(items) == limit else None)

    def forget_proof(self, proof: DueProof) -> None:
        try:
            RecordItem(keys.PROOFS_PK, proof.marker).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Write failed") from exc

    def get_integration(self, tenant_id: str, project_id: str, integration_id: str) -> Integration | None:
        item = get_item(RecordItem, keys.project_pk(tenant_id, project_id), keys.integration_sk(integration_id))
        return integration_record(item) if item else None

    def list_integrations(self, tenant_id: str, project_id: str) -> list[Integration]:
        """Every one, a Query page at a time: a project holds at most MAX_PROJECT_INTEGRATIONS (one made before
        the cap may hold more, and lists them all too), and the handler pages them in creation order, which their
        keys (ids) do not follow."""
        items = self._query_every(keys.project_pk(tenant_id, project_id), RecordItem.sk.startswith("INTEG#"))
        return sorted((integration_record(i) for i in items), key=lambda i: (i.created_at, i.id))

    def delete_integration(self, tenant_id: str, integration: Integration) -> None:
        count_integrations(tenant_id, integration.project_id)
        self._commit(lambda tx: stage_integration_delete(tx, tenant_id, integration),
                     changed("The integration changed meanwhile; reload and retry"),
                     lambda: gone_already(tenant_id, integration))

    @staticmethod
    def _save(item: RecordItem) -> None:
        try:
            item.save()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Write failed") from exc


def gone_already(tenant_id: str, integration: Integration) -> Outcome:
    """Whether a refused delete of the integration found it gone (a retried delete whose first attempt did commit,
    or another's delete, which took its routes and hold too): done; else it changed meanwhile."""
    now = get_item(RecordItem, keys.project_pk(tenant_id, integration.project_id), keys.integration_sk(integration.id))
    return Outcome.DONE if now is None else Outcome.CONFLICT


def count_integrations(tenant_id: str, project_id: str) -> None:
    """Has the project's item count its integrations, before one is created or deleted: a project none was
    created in since the count was kept has none (`integrationCount`), and is given the number its integrations
    are now. Exact, because no create or delete commits while the count is absent (theirs adds to or takes from
    it, on the condition that it exists); two counts at once write the same number, and the second is refused
    harmlessly."""
    project_keys = (keys.tenant_pk(tenant_id), keys.project_sk(project_id))
    item = get_item(RecordItem, *project_keys)
    if item is None or item.integrationCount is not None:
        return
    held = CopilotTableRepository._query_every(keys.project_pk(tenant_id, project_id),
                                               RecordItem.sk.startswith("INTEG#"))
    try:
        RecordItem(*project_keys).update(actions=[RecordItem.integrationCount.set(len(held))],
                                         condition=RecordItem.pk.exists()
                                         & RecordItem.integrationCount.does_not_exist())
    except PynamoDBException as exc:
        if error_code(exc) not in CONDITION_CODES:  # else counted meanwhile, or the project is gone
            raise domain_error_for(exc, "Write failed") from exc


def _stage_project_check(tx: TransactWrite, tenant_id: str, project_id: str, *, create: bool) -> None:
    """In `tx`: the project is there and not being deleted; a create adds one to its count of integrations, on
    the condition that it holds fewer than MAX_PROJECT_INTEGRATIONS."""
    usable = RecordItem.pk.exists() & RecordItem.deletingSince.does_not_exist()
    if create:
        tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(project_id)),
                  actions=[RecordItem.integrationCount.add(1)],
                  condition=usable & (RecordItem.integrationCount < MAX_PROJECT_INTEGRATIONS))
    else:
        tx.condition_check(RecordItem, keys.tenant_pk(tenant_id), keys.project_sk(project_id), condition=usable)


def stage_integration_delete(tx: TransactWrite, tenant_id: str, integration: Integration) -> None:
    """In `tx`: the integration as read goes (the transaction fails if it changed meanwhile), with its route
    entries and its hold on an AWS account, and one from its project's count (count_integrations first). A
    project's delete takes its integrations the same way."""
    tx.delete(integration_item(tenant_id, integration),
              condition=RecordItem.data == integration_item(tenant_id, integration).data)
    tx.update(RecordItem(keys.tenant_pk(tenant_id), keys.project_sk(integration.project_id)),
              actions=[RecordItem.integrationCount.add(-1)], condition=RecordItem.integrationCount.exists())
    routes = _routes_left_by(tenant_id, integration)
    for entry in routes:
        tx.delete(route_item(entry))
    proof = proof_item(tenant_id, integration)
    if proof is not None:
        tx.delete(proof)
    for account in sorted(claimed_accounts(routes)):
        release_account(tx, account, integration.id)


def _held_elsewhere(accounts: set[str], tenant_id: str) -> str | None:
    """The first of `accounts` another tenant holds (opsdesk.alerts.routes), if any."""
    return next((account for account in sorted(accounts) if account_holder(account) not in (None, tenant_id)), None)


def _refused(accounts: set[str], tenant_id: str, project_id: str, create: bool) -> DomainError:
    """Why saving an integration failed: an account another tenant holds, a create in a project that holds as
    many as it may, else the integration itself."""
    account = _held_elsewhere(accounts, tenant_id)
    if account is not None:
        return Conflict(ACCOUNT_HELD.format(account=account))
    project = get_item(RecordItem, keys.tenant_pk(tenant_id), keys.project_sk(project_id)) if create else None
    if project is not None and project.deletingSince is None and \
            (project.integrationCount or 0) >= MAX_PROJECT_INTEGRATIONS:
        return Conflict(PROJECT_INTEGRATIONS_FULL)
    return Conflict("Integration already exists, or its project is being deleted" if create else
                    "The integration changed meanwhile, or its project is being deleted; reload and retry")


def proof_item(tenant_id: str, integration: Integration) -> RecordItem | None:
    """The item that has a proven account checked again (opsdesk.copilot.proofs), None while it routes none."""
    due = proof_due(integration)
    if due is None:
        return None
    data = {"tenantId": tenant_id, "projectId": integration.project_id, "integrationId": integration.id}
    return RecordItem(keys.PROOFS_PK, keys.proof_sk(due, tenant_id, integration.project_id, integration.id),
                      kind="proof", data=json.dumps(data))


def _routes_left_by(tenant_id: str, integration: Integration) -> list[RouteEntry]:
    """Every route entry the integration may have left, to take away: an integration saved before accounts were
    proven routed its account unproven (until scripts/migrate_account_proofs runs). Taking away one that is not
    there changes nothing."""
    return route_entries(tenant_id, integration.project_id, integration.id, integration.type,
                         config=integration.config, enabled=integration.enabled,
                         verified_account=integration.config.get("account_id"))


def _routes(tenant_id: str, integration: Integration) -> list[RouteEntry]:
    """The route entries the integration leaves as it is."""
    return route_entries(tenant_id, integration.project_id, integration.id, integration.type,
                         config=integration.config, enabled=integration.enabled,
                         verified_account=integration.verified_account)
