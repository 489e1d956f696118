"""TicketRepository: the HelpdeskStore on the TicketsTable, one object of the store's parts, each a repository of
its own (one concern each, usable alone) over what they share (table_repository: the table binding, the
transactions, the cursors, the ticket read). Its keys are in opsdesk.helpdesk.keys, its items in
opsdesk.helpdesk.items; the table's other store is opsdesk.helpdesk.extras_repository (attachments, CSAT, exports,
SLA check runs). No pynamodb object leaves them.

    requester_repository  RequesterRepository     requesters and their email claims
    ticket_repository     TicketRecordRepository  tickets, numbers, search words, lists and search, aggregates
    comment_repository    CommentRepository       comments and watchers

Item layout (docs/data-model.md has the whole table):
    requester     pk T#<t>#RQ#<requesterId>        sk REQUESTER
    email claim   pk T#<t>#RQEMAIL#<email, lower>  sk EMAIL             requesterId: emails are unique per tenant
    ticket        pk T#<t>#TK#<ticketId>           sk TICKET            + list keys, + dueBucket/dueSk (SLA)
    comment       pk T#<t>#TK#<ticketId>           sk C#<createdAt>#<commentId>
    watcher       pk T#<t>#TK#<ticketId>           sk W#<userId>
    attachment    pk T#<t>#TK#<ticketId>           sk A#<attachmentId>  (helpdesk extras)
    sequence      pk T#<t>#SEQ                     sk TICKET            n = the last ticket number taken
    search word   pk T#<t>#W#<word>                sk <createdAt>#<ticketId>
    aggregates    pk T#<t>#HSTATS                  sk ALL | D#<yyyy-mm-dd>   created, resolved, met, resolutionMs
                                                   (+ spill items <sk>#SPILL#nn: opsdesk.dynamo.counter_sk)
    CSAT token    pk CSAT#<sha256 of the token>    sk TOKEN             expiresAt (TTL); score, answeredAt, answerId
    CSAT tally    pk T#<t>#CSAT                    sk ALL | D#<yyyy-mm-dd>   good, bad, responses (+ spill items)
    export record pk T#<t>#EXPORTS                 sk <createdAt>#<exportId>  expiresAt (TTL)
    SLA check     pk PLATFORM#HELPDESK             sk SLA_CHECK         runs, lastRunAt, breaches per kind

A ticket's sub-resources share its partition, so every one of them is reached through the tenant's ticket key:
another tenant's ticket id finds nothing.
"""

from __future__ import annotations

from opsdesk.helpdesk.comment_repository import CommentRepository
from opsdesk.helpdesk.requester_repository import RequesterRepository
from opsdesk.helpdesk.ticket_repository import TicketRecordRepository


class TicketRepository(RequesterRepository, TicketRecordRepository, CommentRepository):
    """The whole HelpdeskStore, for the handlers and scripts that build HelpdeskService: the three parts on one
    table binding, one transaction connection and one cursor codec (TicketsTableRepository's constructor, run
    once). With an event log, writes publish their events in the same transaction."""
