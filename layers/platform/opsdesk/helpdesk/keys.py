"""The TicketsTable's keys, the one place that spells them (the layout: opsdesk.helpdesk.repository)."""

from __future__ import annotations

from datetime import timedelta


def ticket_pk(tenant_id: str, ticket_id: str) -> str:
    """The partition of a ticket and of everything under it (comments, watchers, attachments)."""
    return f"T#{tenant_id}#TK#{ticket_id}"


TICKET_SK = "TICKET"
COMMENT_SK_PREFIX = "C#"
WATCHER_SK_PREFIX = "W#"
ATTACHMENT_SK_PREFIX = "A#"
"""Attachment items (helpdesk extras) under the ticket's partition: sk A#<attachmentId>."""


def requester_pk(tenant_id: str, requester_id: str) -> str:
    return f"T#{tenant_id}#RQ#{requester_id}"


REQUESTER_SK = "REQUESTER"


def email_pk(tenant_id: str, email: str) -> str:
    return f"T#{tenant_id}#RQEMAIL#{email.lower()}"


EMAIL_SK = "EMAIL"


def stats_pk(tenant_id: str) -> str:
    """The tenant's helpdesk aggregates (sk ALL, and D#<day> per creation day)."""
    return f"T#{tenant_id}#HSTATS"


ALL_TIME_SK = "ALL"


def word_pk(tenant_id: str, word: str) -> str:
    return f"T#{tenant_id}#W#{word}"


def sequence_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#SEQ"


SEQUENCE_SK = "TICKET"


def tickets_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#TICKETS"



EXPORT_RECORD_LIFETIME = timedelta(days=90)
PLATFORM_PK = "PLATFORM#HELPDESK"
SLA_CHECK_SK = "SLA_CHECK"


CSAT_TOKEN_SK = "TOKEN"


def csat_token_pk(token_hash: str) -> str:
    """A survey is found by its token's hash alone (the public link names no tenant)."""
    return f"CSAT#{token_hash}"


def csat_tally_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CSAT"


def exports_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#EXPORTS"


