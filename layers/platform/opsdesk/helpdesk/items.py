"""The TicketsTable's items (pynamodb models) and their conversions to and from records: what the repositories
(opsdesk.helpdesk.repository, opsdesk.helpdesk.extras_repository) read and write, and nothing else imports.
Bound to the physical table by the repositories' constructors (opsdesk.dynamo.bind_table)."""

from __future__ import annotations

import json

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.models import Model

from opsdesk import tables
from opsdesk.clock import parse_rfc3339
from opsdesk.dynamo import (
    index_model,
    unbound_meta,
)
from opsdesk.helpdesk.attachments import Attachment
from opsdesk.helpdesk.csat import SCORES, CsatToken
from opsdesk.helpdesk.keys import (
    CSAT_TOKEN_SK,
    REQUESTER_SK,
    TICKET_SK,
    csat_token_pk,
    requester_pk,
    ticket_pk,
    tickets_pk,
)
from opsdesk.helpdesk.records import (
    NO_TEAM,
    UNASSIGNED,
    Comment,
    Requester,
    Ticket,
    TicketSource,
    TicketStatus,
)
from opsdesk.helpdesk.sla import due_sort_key

# Models


class TicketsTableItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class RequesterItem(TicketsTableItem):
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    displayName = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    version = NumberAttribute()


class EmailItem(TicketsTableItem):
    requesterId = UnicodeAttribute()


_ByTenant = index_model(tables.HELPDESK_TICKETS_BY_TENANT, "tenantListPk", "listSk")
_ByStatus = index_model(tables.HELPDESK_TICKETS_BY_STATUS, "statusListPk", "listSk")
_ByPriority = index_model(tables.HELPDESK_TICKETS_BY_PRIORITY, "priorityListPk", "listSk")
_ByTeam = index_model(tables.HELPDESK_TICKETS_BY_TEAM, "teamListPk", "listSk")
_ByAssignee = index_model(tables.HELPDESK_TICKETS_BY_ASSIGNEE, "assigneeListPk", "listSk")


class TicketItem(TicketsTableItem):
    id = UnicodeAttribute()
    number = NumberAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    requesterId = UnicodeAttribute()
    priority = UnicodeAttribute()
    status = UnicodeAttribute()
    source = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    updatedAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()
    customJson = UnicodeAttribute()
    """JSON text: keeps numbers, nesting and key order exactly as given."""
    assigneeId = UnicodeAttribute(null=True)
    teamId = UnicodeAttribute(null=True)
    urgency = NumberAttribute(null=True)
    category = UnicodeAttribute(null=True)
    subcategory = UnicodeAttribute(null=True)
    scheduledAt = UnicodeAttribute(null=True)
    dueAt = UnicodeAttribute(null=True)
    firstResponseAt = UnicodeAttribute(null=True)
    resolvedAt = UnicodeAttribute(null=True)
    firstResponseBreachedAt = UnicodeAttribute(null=True)
    resolutionBreachedAt = UnicodeAttribute(null=True)
    resolutionSlaMet = BooleanAttribute(null=True)
    slaDueAt = UnicodeAttribute(null=True)
    words = UnicodeSetAttribute(null=True)
    version = NumberAttribute()

    tenantListPk = UnicodeAttribute()
    statusListPk = UnicodeAttribute()
    priorityListPk = UnicodeAttribute()
    teamListPk = UnicodeAttribute()
    assigneeListPk = UnicodeAttribute()
    listSk = UnicodeAttribute()
    dueBucket = UnicodeAttribute(null=True)
    dueSk = UnicodeAttribute(null=True)

    by_tenant = _ByTenant()
    by_status = _ByStatus()
    by_priority = _ByPriority()
    by_team = _ByTeam()
    by_assignee = _ByAssignee()


class CommentItem(TicketsTableItem):
    id = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    authorId = UnicodeAttribute()
    bodyMd = UnicodeAttribute()
    isInternal = BooleanAttribute()
    createdAt = UnicodeAttribute()


class WatcherItem(TicketsTableItem):
    userId = UnicodeAttribute()
    createdAt = UnicodeAttribute()


class WordItem(TicketsTableItem):
    ticketId = UnicodeAttribute()


class CounterItem(TicketsTableItem):
    n = NumberAttribute(default=0)


class StatsItem(TicketsTableItem):
    created = NumberAttribute(null=True)
    resolved = NumberAttribute(null=True)
    met = NumberAttribute(null=True)
    resolutionMs = NumberAttribute(null=True)





class CsatTokenItem(TicketsTableItem):
    tenantId = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    requesterId = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()
    score = UnicodeAttribute(null=True)
    answeredAt = UnicodeAttribute(null=True)
    answerId = UnicodeAttribute(null=True)
    """Which write answered it: tells a retry that meets its own earlier commit from another answer."""


class AttachmentItem(TicketsTableItem):
    id = UnicodeAttribute()
    ticketId = UnicodeAttribute()
    filename = UnicodeAttribute()
    size = NumberAttribute()
    mime = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    createdBy = UnicodeAttribute()


class CsatTallyItem(TicketsTableItem):
    good = NumberAttribute(default=0)
    bad = NumberAttribute(default=0)
    responses = NumberAttribute(default=0)


class ExportItem(TicketsTableItem):
    id = UnicodeAttribute()
    objectKey = UnicodeAttribute()
    tickets = NumberAttribute()
    createdBy = UnicodeAttribute()
    createdAt = UnicodeAttribute()
    expiresAt = NumberAttribute()


class SlaCheckItem(TicketsTableItem):
    runs = NumberAttribute(default=0)
    lastRunAt = NumberAttribute(default=0)
    lastDurationSeconds = NumberAttribute(default=0)
    breachesFirstResponse = NumberAttribute(default=0)
    breachesResolution = NumberAttribute(default=0)


_TicketsByDue = index_model(tables.HELPDESK_TICKETS_BY_DUE, "dueBucket", "dueSk")


class DueItem(TicketsTableItem):
    """A ticket as the due index shows it; only its index keys are read (the ticket itself is core's)."""

    dueBucket = UnicodeAttribute(null=True)
    dueSk = UnicodeAttribute(null=True)

    by_due = _TicketsByDue()

# Conversions between items and records


def requester_item(tenant_id: str, requester: Requester) -> RequesterItem:
    return RequesterItem(requester_pk(tenant_id, requester.id), REQUESTER_SK, id=requester.id,
                          email=requester.email, displayName=requester.display_name, createdAt=requester.created_at,
                          updatedAt=requester.updated_at, version=requester.version)


def requester_record(item: RequesterItem) -> Requester:
    return Requester(id=item.id, email=item.email, display_name=item.displayName, created_at=item.createdAt,
                     updated_at=item.updatedAt, version=int(item.version))


def ticket_item(tenant_id: str, ticket: Ticket) -> TicketItem:
    base = tickets_pk(tenant_id)
    return TicketItem(
        ticket_pk(tenant_id, ticket.id), TICKET_SK,
        id=ticket.id, number=ticket.number, title=ticket.title, description=ticket.description,
        requesterId=ticket.requester_id, priority=ticket.priority, status=ticket.status.value,
        source=ticket.source.value, createdAt=ticket.created_at, updatedAt=ticket.updated_at,
        createdBy=ticket.created_by, customJson=json.dumps(ticket.custom_json, separators=(",", ":")),
        assigneeId=ticket.assignee_id, teamId=ticket.team_id, urgency=ticket.urgency, category=ticket.category,
        subcategory=ticket.subcategory, scheduledAt=ticket.scheduled_at, dueAt=ticket.due_at,
        firstResponseAt=ticket.first_response_at, resolvedAt=ticket.resolved_at,
        firstResponseBreachedAt=ticket.first_response_breached_at,
        resolutionBreachedAt=ticket.resolution_breached_at, resolutionSlaMet=ticket.resolution_sla_met,
        slaDueAt=ticket.sla_due_at, words=set(ticket.words) or None, version=ticket.version,
        tenantListPk=base,
        statusListPk=f"{base}#S#{ticket.status.value}",
        priorityListPk=f"{base}#P#{ticket.priority}",
        teamListPk=f"{base}#TEAM#{ticket.team_id or NO_TEAM}",
        assigneeListPk=f"{base}#A#{ticket.assignee_id or UNASSIGNED}",
        listSk=f"{ticket.created_at}#{ticket.id}",
        dueBucket=ticket.sla_due_bucket if ticket.sla_due_at else None,
        dueSk=(due_sort_key(parse_rfc3339(ticket.sla_due_at), tenant_id, ticket.id)
               if ticket.sla_due_at and ticket.sla_due_bucket else None),
    )


def ticket_record(item: TicketItem) -> Ticket:
    return Ticket(
        id=item.id, number=int(item.number), title=item.title, description=item.description,
        requester_id=item.requesterId, priority=item.priority, status=TicketStatus(item.status),
        source=TicketSource(item.source), created_at=item.createdAt, updated_at=item.updatedAt,
        created_by=item.createdBy, custom_json=json.loads(item.customJson),
        assignee_id=item.assigneeId, team_id=item.teamId,
        urgency=int(item.urgency) if item.urgency is not None else None, category=item.category,
        subcategory=item.subcategory, scheduled_at=item.scheduledAt, due_at=item.dueAt,
        first_response_at=item.firstResponseAt, resolved_at=item.resolvedAt,
        first_response_breached_at=item.firstResponseBreachedAt, resolution_breached_at=item.resolutionBreachedAt,
        resolution_sla_met=item.resolutionSlaMet, sla_due_at=item.slaDueAt,
        sla_due_bucket=item.dueBucket, words=frozenset(item.words or ()), version=int(item.version),
    )


def comment_record(item: CommentItem) -> Comment:
    return Comment(id=item.id, ticket_id=item.ticketId, author_id=item.authorId, body_md=item.bodyMd,
                   is_internal=bool(item.isInternal), created_at=item.createdAt)





def attachment_record(item: AttachmentItem) -> Attachment:
    return Attachment(id=item.id, ticket_id=item.ticketId, filename=item.filename, bytes=int(item.size),
                      mime=item.mime, key=item.objectKey, created_at=item.createdAt, created_by=item.createdBy)


def csat_token_item(survey: CsatToken) -> CsatTokenItem:
    return CsatTokenItem(csat_token_pk(survey.token_hash), CSAT_TOKEN_SK, tenantId=survey.tenant_id,
                          ticketId=survey.ticket_id, requesterId=survey.requester_id, createdAt=survey.created_at,
                          expiresAt=survey.expires_at, score=survey.score, answeredAt=survey.answered_at)


def csat_token_record(item: CsatTokenItem) -> CsatToken:
    return CsatToken(token_hash=item.pk.removeprefix("CSAT#"), tenant_id=item.tenantId, ticket_id=item.ticketId,
                     requester_id=item.requesterId, created_at=item.createdAt, expires_at=int(item.expiresAt),
                     score=item.score if item.score in SCORES else None, answered_at=item.answeredAt)
