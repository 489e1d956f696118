"""The TicketsTable's aura items (pynamodb models): what opsdesk.aura.repository reads and writes, and nothing else
imports. Layout in opsdesk.aura.keys and docs/data-model.md."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from opsdesk import tables
from opsdesk.aura import keys
from opsdesk.aura.codec import audit_doc, checkpoint_doc, compact, ticket_doc
from opsdesk.aura.counters import counter_names
from opsdesk.aura.records import AuditEntry, Ticket
from opsdesk.dynamo import index_model, unbound_meta


class AuraTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


_ByTenant = index_model(tables.HELPDESK_TICKETS_BY_TENANT, "tenantListPk", "listSk")
_ByStatus = index_model(tables.HELPDESK_TICKETS_BY_STATUS, "statusListPk", "listSk")
_ByPriority = index_model(tables.HELPDESK_TICKETS_BY_PRIORITY, "priorityListPk", "listSk")
_ByTeam = index_model(tables.HELPDESK_TICKETS_BY_TEAM, "teamListPk", "listSk")
_ByAssignee = index_model(tables.HELPDESK_TICKETS_BY_ASSIGNEE, "assigneeListPk", "listSk")
_ByTypeActor = index_model(tables.HELPDESK_TICKETS_BY_DUE, "dueBucket", "dueSk")


class ListedItem(AuraTableItem):
    """A ticket (sk TICKET, with its version) or an audit entry (sk AU#..., with its hash): the record as JSON, and
    its places in the list indexes. One class for both, so one Query reads either."""

    doc = UnicodeAttribute()
    version = NumberAttribute(null=True)
    hash = UnicodeAttribute(null=True)
    tenantListPk = UnicodeAttribute(null=True)
    statusListPk = UnicodeAttribute(null=True)
    priorityListPk = UnicodeAttribute(null=True)
    teamListPk = UnicodeAttribute(null=True)
    assigneeListPk = UnicodeAttribute(null=True)
    listSk = UnicodeAttribute(null=True)
    dueBucket = UnicodeAttribute(null=True)
    """Audit entries only: type and actor together (the helpdesk's sparse `ticketsByDue` index, free on them)."""
    dueSk = UnicodeAttribute(null=True)
    """Audit entries only: `listSk` again, the sort key of `ticketsByDue`."""

    by_tenant = _ByTenant()
    by_status = _ByStatus()
    by_priority = _ByPriority()
    by_team = _ByTeam()
    by_assignee = _ByAssignee()
    by_type_actor = _ByTypeActor()


CountersItem: type[AuraTableItem] = type(
    "CountersItem", (AuraTableItem,), {name: NumberAttribute(null=True) for name in counter_names()})


class HourItem(AuraTableItem):
    tokens = NumberAttribute(null=True)
    costMicros = NumberAttribute(null=True)
    expiresAt = NumberAttribute(null=True)


def ticket_item(ticket: Ticket) -> ListedItem:
    tenant, status, priority = ticket.tenant_id, ticket.status.value, ticket.priority
    return ListedItem(
        keys.ticket_pk(tenant, ticket.id), keys.TICKET_SK, doc=ticket_doc(ticket), version=ticket.version,
        tenantListPk=keys.tickets_pk(tenant), statusListPk=keys.tickets_status_pk(tenant, status),
        priorityListPk=keys.tickets_priority_pk(tenant, priority),
        teamListPk=keys.tickets_status_priority_pk(tenant, status, priority),
        listSk=keys.list_sk(ticket.created_at, ticket.id),
    )


def checkpoint_item(ticket: Ticket) -> ListedItem:
    """The ticket's checkpoint: no list keys, so in no index."""
    return ListedItem(keys.ticket_pk(ticket.tenant_id, ticket.id), keys.CHECKPOINT_SK, doc=checkpoint_doc(ticket))


def audit_item(entry: AuditEntry) -> ListedItem:
    tenant, ticket = entry.tenant_id, entry.ticket_id
    listed = keys.list_sk(entry.timestamp, f"{ticket}#{entry.sequence:08d}")
    return ListedItem(
        keys.ticket_pk(tenant, ticket), keys.audit_sk(entry.sequence), doc=compact(audit_doc(entry)), hash=entry.hash,
        tenantListPk=keys.audit_pk(tenant), statusListPk=keys.audit_type_pk(tenant, entry.type),
        priorityListPk=keys.audit_actor_pk(tenant, entry.actor),
        teamListPk=keys.audit_ticket_type_pk(tenant, ticket, entry.type),
        assigneeListPk=keys.audit_ticket_pk(tenant, ticket), listSk=listed,
        dueBucket=keys.audit_type_actor_pk(tenant, entry.type, entry.actor), dueSk=listed,
    )

