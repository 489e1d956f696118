"""Domain records rendered exactly as the helpdesk document shows them (snake_case fields; optional fields
marked `?` in the document are left out when unset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opsdesk.auth import Principal
from opsdesk.clock import parse_rfc3339
from opsdesk.helpdesk.records import Comment, Requester, Ticket
from opsdesk.helpdesk.sla import sla_for


def requester_view(requester: Requester) -> dict[str, Any]:
    return {"id": requester.id, "email": requester.email, "display_name": requester.display_name}


def ticket_view(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """The document's Ticket; `sla` as seen at `now` (extras' opsdesk.helpdesk.sla)."""
    view: dict[str, Any] = {
        "id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "description": ticket.description,
        "requester_id": ticket.requester_id,
    }
    optional_ids = {"assignee_id": ticket.assignee_id, "team_id": ticket.team_id}
    view.update({name: value for name, value in optional_ids.items() if value is not None})
    view["priority"] = ticket.priority
    optional = {"urgency": ticket.urgency, "category": ticket.category, "subcategory": ticket.subcategory}
    view.update({name: value for name, value in optional.items() if value is not None})
    view["status"] = ticket.status.value
    moments = {"scheduled_at": ticket.scheduled_at, "due_at": ticket.due_at}
    view.update({name: value for name, value in moments.items() if value is not None})
    view.update({
        "source": ticket.source.value,
        "custom_json": ticket.custom_json,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "sla": sla_of(ticket, now),
    })
    return view


def sla_of(ticket: Ticket, now: datetime) -> dict[str, Any]:
    return sla_for(
        ticket.priority,
        parse_rfc3339(ticket.created_at),
        parse_rfc3339(ticket.first_response_at) if ticket.first_response_at else None,
        parse_rfc3339(ticket.resolved_at) if ticket.resolved_at else None,
        now,
    ).as_json()


def created_ticket_view(ticket: Ticket) -> dict[str, Any]:
    return {"id": ticket.id, "number": ticket.number, "status": ticket.status.value}


def comment_view(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "ticket_id": comment.ticket_id,
        "author_id": comment.author_id,
        "body_md": comment.body_md,
        "is_internal": comment.is_internal,
        "created_at": comment.created_at,
    }


def me_view(principal: Principal) -> dict[str, Any]:
    """`/me` from the verified token: `id` is the user's id everywhere in the API (assignee_id, author_id,
    watchers: the Cognito `sub`), `external_id` the sign-in name at the identity provider. moto's ID tokens carry
    no `email` claim, so a sign-in name that is an email address stands in for it."""
    email = principal.email or (principal.username if "@" in principal.username else None)
    display_name = principal.name or (email.split("@", 1)[0] if email else principal.username)
    return {
        "id": principal.user_id,
        "external_id": principal.username,
        "email": email,
        "display_name": display_name,
        "roles": sorted(principal.groups),
    }
