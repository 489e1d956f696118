"""Alert groups on DynamoDB (the IncidentsTable; docs/data-model.md, "IncidentsTable (alerts)"): per project, the
open incidents alerts joined (a group), which group each dedup key and each service belongs to, and which deliveries
were applied. One decision (opsdesk.alerts.grouping) is one transaction, conditioned on what it was decided from:
two deliveries of one key that both decide to open an incident cannot both commit, and a redelivered EventBridge
event finds its marker and commits nothing the second time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk.alerts.grouping import AlertGroup, tracked_key
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    domain_error_for,
    error_code,
    get_item,
    unbound_meta,
)
from opsdesk.errors import Conflict
from opsdesk.frozen import frozen
from opsdesk.settings import CopilotSettings, load_settings

DELIVERY_TTL = timedelta(days=2)
"""EventBridge and SQS redeliver within hours; a delivery's marker outlives that."""
RESOLVED_TTL = DELIVERY_TTL
"""A resolve that found nothing to resolve is remembered as long as its trigger may still be redelivered."""


class _AlertTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class GroupItem(_AlertTableItem):
    data = UnicodeAttribute()
    """The group's shape (JSON): its incident ids, service, opening time, alerts by key and whether each fires."""
    version = NumberAttribute()
    """Moves with the shape: decisions that change it are conditioned on it."""
    alertCount = NumberAttribute()
    lastAlertAt = UnicodeAttribute()
    """Moved by repeats without the version: concurrent repeats of a firing alert never conflict."""


class PointerItem(_AlertTableItem):
    """A dedup key's or a service's group, or a delivery's (redeliveries repeat its effects): `refId` is the
    group's incident id."""

    refId = UnicodeAttribute()
    expiresAt = NumberAttribute(null=True)
    repeat = NumberAttribute(null=True)
    """On a delivery's pointer: 1 when it only repeated a firing alert (its redelivery has no effects to repeat)."""
    appliedAt = UnicodeAttribute(null=True)
    """On a delivery's pointer: when it was applied, the delivery's one clock reading (its effects' dates)."""
    effectsDone = NumberAttribute(null=True)
    """On a delivery's pointer: 1 once its effects all succeeded (its redelivery has nothing left to do)."""


class ResolvedItem(_AlertTableItem):
    """A dedup key's latest resolve that found no alert firing: its trigger may come after it (the alert queue keeps
    no order, and a failed trigger is retried after the resolve), and is then no alert."""

    resolvedAt = UnicodeAttribute()
    expiresAt = NumberAttribute()


def _project(tenant_id: str, project_id: str) -> str:
    return f"T#{tenant_id}#P#{project_id}"


def group_key(tenant_id: str, project_id: str, incident_id: str) -> tuple[str, str]:
    return f"{_project(tenant_id, project_id)}#AGROUP", incident_id


def dedup_key_key(tenant_id: str, project_id: str, dedup_key: str) -> tuple[str, str]:
    return f"{_project(tenant_id, project_id)}#AKEY", dedup_key


def service_key(tenant_id: str, project_id: str, service: str) -> tuple[str, str]:
    return f"{_project(tenant_id, project_id)}#ASVC", service.lower()


def resolved_key(tenant_id: str, project_id: str, dedup_key: str) -> tuple[str, str]:
    return f"{_project(tenant_id, project_id)}#ARES", dedup_key


def delivery_key(tenant_id: str, project_id: str, delivery_id: str) -> tuple[str, str]:
    return f"{_project(tenant_id, project_id)}#ADLV", delivery_id


@frozen
class StoredGroup:
    group: AlertGroup
    response_incident_id: str


@frozen
class Delivery:
    """A delivery applied before: its group, and what is left for a redelivery to do."""

    stored: StoredGroup | None
    """The group it was applied to; None when it is finished."""
    applied_at: datetime
    finished: bool
    """It only repeated a firing alert, or its effects all succeeded: a redelivery does nothing."""


def _shape(stored: StoredGroup) -> str:
    group = stored.group
    return json.dumps({"incident_id": group.incident_id, "response_incident_id": stored.response_incident_id,
                       "service": group.service, "opened_at": to_rfc3339(group.opened_at),
                       "alerts": dict(group.alerts), "untracked": group.untracked,
                       "listed": {key: to_rfc3339(at) for key, at in group.listed.items()}}, separators=(",", ":"),
                      ensure_ascii=False)  # as UTF-8: a \u escape took 6 bytes for 2 or 3, 12 for 4


def _group_record(item: GroupItem) -> StoredGroup:
    data = json.loads(item.data)
    return StoredGroup(AlertGroup(incident_id=data["incident_id"], service=data["service"],
                                  opened_at=parse_rfc3339(data["opened_at"]),
                                  last_alert_at=parse_rfc3339(item.lastAlertAt),
                                  # Groups written before keys were hashed hold long keys whole.
                                  alerts={tracked_key(key): firing for key, firing in data["alerts"].items()},
                                  listed={key: parse_rfc3339(at) for key, at in data.get("listed", {}).items()},
                                  alert_count=int(item.alertCount), version=int(item.version),
                                  untracked=int(data.get("untracked", 0))),
                       data["response_incident_id"])


class AlertGroupRepository:
    def __init__(self, settings: CopilotSettings | None = None) -> None:
        settings = settings or load_settings(CopilotSettings)
        bind_table(_AlertTableItem, settings.incidents_table_name, settings)
        self._transactions = Transactions(connection_for(settings))

    def group(self, tenant_id: str, project_id: str, incident_id: str) -> StoredGroup | None:
        item = get_item(GroupItem, *group_key(tenant_id, project_id, incident_id))
        return _group_record(item) if item else None

    def by_dedup_key(self, tenant_id: str, project_id: str, dedup_key: str) -> StoredGroup | None:
        pointer = get_item(PointerItem, *dedup_key_key(tenant_id, project_id, dedup_key))
        return self.group(tenant_id, project_id, pointer.refId) if pointer else None

    def service_pointer(self, tenant_id: str, project_id: str, service: str) -> str | None:
        """The incident id of the service's latest group, if it has one."""
        if not service:
            return None
        pointer = get_item(PointerItem, *service_key(tenant_id, project_id, service))
        return pointer.refId if pointer else None

    def delivered_to(self, tenant_id: str, project_id: str, delivery_id: str) -> Delivery | None:
        """The delivery as applied before; None if it was not."""
        pointer = get_item(PointerItem, *delivery_key(tenant_id, project_id, delivery_id))
        if pointer is None:
            return None
        finished = bool(pointer.repeat or pointer.effectsDone)
        stored = None if finished else self.group(tenant_id, project_id, pointer.refId)
        if stored is None and not finished:
            return None
        # A marker written before appliedAt was kept: its expiry, less its life, is the time to the second.
        applied_at = parse_rfc3339(pointer.appliedAt) if pointer.appliedAt \
            else datetime.fromtimestamp(int(pointer.expiresAt or 0), UTC) - DELIVERY_TTL
        return Delivery(stored, applied_at, finished)

    def note_resolve(self, tenant_id: str, project_id: str, dedup_key: str, at: datetime) -> None:
        """Remembers a resolve of `dedup_key` at `at` that found nothing firing (a later one wins)."""
        item = ResolvedItem(*resolved_key(tenant_id, project_id, dedup_key), resolvedAt=to_rfc3339(at),
                            expiresAt=int((datetime.now(UTC) + RESOLVED_TTL).timestamp()))
        try:
            item.save(condition=ResolvedItem.pk.does_not_exist() | (ResolvedItem.resolvedAt < to_rfc3339(at)))
        except PynamoDBException as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise domain_error_for(exc, "Could not record the resolve") from exc

    def resolved_at(self, tenant_id: str, project_id: str, dedup_key: str) -> datetime | None:
        """When `dedup_key` was last resolved while nothing of it fired (note_resolve), if it was lately."""
        item = get_item(ResolvedItem, *resolved_key(tenant_id, project_id, dedup_key))
        return parse_rfc3339(item.resolvedAt) if item else None

    def effects_done(self, tenant_id: str, project_id: str, delivery_id: str) -> None:
        """Marks the delivery's effects done: its redeliveries (SQS redelivers a whole batch after a timeout) skip
        them instead of repeating about 15 calls each."""
        try:
            PointerItem(*delivery_key(tenant_id, project_id, delivery_id)).update(
                actions=[PointerItem.effectsDone.set(1)], condition=PointerItem.pk.exists())
        except PynamoDBException as exc:
            raise domain_error_for(exc, "The delivery's marker is gone") from exc

    def commit(self, tenant_id: str, project_id: str, *, after: StoredGroup, before: AlertGroup | None,
               dedup_key: str, key_was: str | None, delivery_id: str, now: datetime, counts: bool,
               service_was: str | None = None) -> None:
        """Writes the group's new shape and points the dedup key (and the service) and the delivery at it, on the
        conditions it was decided from: the group's version (or its absence), the key's previous group (or its
        absence), the delivery's absence and, for a new group, the service's previous group (or its absence), so
        two alerts of one service deciding at once to open an incident cannot both. Conflict when any moved: decide
        again from a fresh read. `counts`: the delivery is a trigger (the alert count moves)."""
        group = after.group
        pk, sk = group_key(tenant_id, project_id, group.incident_id)

        def write(tx: TransactWrite) -> None:
            if before is None:
                tx.save(GroupItem(pk, sk, data=_shape(after), version=group.version, alertCount=1,
                                  lastAlertAt=to_rfc3339(now)), condition=GroupItem.pk.does_not_exist())
            else:
                tx.update(GroupItem(pk, sk), actions=[
                    GroupItem.data.set(_shape(after)), GroupItem.version.set(group.version),
                    *([GroupItem.alertCount.add(1), GroupItem.lastAlertAt.set(to_rfc3339(now))] if counts else []),
                ], condition=GroupItem.version == before.version)
            if key_was != group.incident_id:
                key_condition = (PointerItem.pk.does_not_exist() if key_was is None
                                 else PointerItem.refId == key_was)
                tx.save(PointerItem(*dedup_key_key(tenant_id, project_id, dedup_key), refId=group.incident_id),
                        condition=key_condition)
            if group.service and counts:
                service_condition = None
                if before is None:
                    service_condition = (PointerItem.pk.does_not_exist() if service_was is None
                                         else PointerItem.refId == service_was)
                tx.save(PointerItem(*service_key(tenant_id, project_id, group.service), refId=group.incident_id),
                        condition=service_condition)
            self._mark(tx, tenant_id, project_id, delivery_id, incident_id=group.incident_id, now=now)

        self._transactions.commit(write, lambda exc: Conflict("The alert's group moved; decide again"),
                                  lambda: Outcome.CONFLICT)

    def repeat(self, tenant_id: str, project_id: str, incident_id: str, delivery_id: str, now: datetime) -> None:
        """Another delivery of an alert the group has firing: its count and last-seen move, nothing else (so
        concurrent repeats never conflict). Conflict when the delivery was applied already."""

        def write(tx: TransactWrite) -> None:
            tx.update(GroupItem(*group_key(tenant_id, project_id, incident_id)),
                      actions=[GroupItem.alertCount.add(1), GroupItem.lastAlertAt.set(to_rfc3339(now))],
                      condition=GroupItem.pk.exists())
            self._mark(tx, tenant_id, project_id, delivery_id, incident_id=incident_id, now=now, repeat=True)

        self._transactions.commit(write, lambda exc: Conflict("Delivered already"), lambda: Outcome.CONFLICT)

    @staticmethod
    def _mark(tx: TransactWrite, tenant_id: str, project_id: str, delivery_id: str, *, incident_id: str,
              now: datetime, repeat: bool = False) -> None:
        tx.save(PointerItem(*delivery_key(tenant_id, project_id, delivery_id), refId=incident_id,
                            expiresAt=int((now + DELIVERY_TTL).timestamp()), repeat=1 if repeat else None,
                            appliedAt=to_rfc3339(now)),
                condition=PointerItem.pk.does_not_exist())
