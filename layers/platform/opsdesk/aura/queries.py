"""The query strings of the aura API's list routes (seeds/aura-api.md: GET /tickets, GET /tickets/:id/audit,
GET /audit, and the `status` and `priority` filters of GET /stream): filters and pages, and the plain limits that
handlers and the service need without a body (the body size, the turn budget). Every refusal is VALIDATION_ERROR
(400) with `details` naming the parameter. No pydantic here (the request bodies in opsdesk.aura.requests load it),
so handlers import this at cold start."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from opsdesk.aura.records import ACTORS, PRIORITIES, Actor, AuditType, TicketStatus
from opsdesk.aura.store import AuditFilter, TicketFilter
from opsdesk.clock import parse_filter_bound
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.pagination import OffsetRequest, parse_offset_request

MAX_BODY_BYTES = 64 * 1024
MAX_TURNS_LIMIT = 500
"""A ticket's budget may not pass this many turns (resume grants included): a runaway agent stops."""
DEFAULT_ADDITIONAL_TURNS = 10
DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE = 50, 200
DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE = 100, 500


def _values(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    raw = query.get(name)
    if raw is None:
        return ()
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ValidationFailed(details=[FieldError(name, f"{name} must be a comma-separated list of: "
                                                         f"{', '.join(allowed)}")])
    return values


def parse_ticket_filter(query: Mapping[str, str]) -> TicketFilter:
    statuses = _values(query, "status", tuple(s.value for s in TicketStatus))
    return TicketFilter(statuses=tuple(TicketStatus(s) for s in statuses),
                        priorities=_values(query, "priority", PRIORITIES))


def parse_ticket_page(query: Mapping[str, str]) -> OffsetRequest:
    return parse_offset_request(query, default_limit=DEFAULT_TICKET_PAGE, max_limit=MAX_TICKET_PAGE)


def parse_audit_page(query: Mapping[str, str]) -> OffsetRequest:
    return parse_offset_request(query, default_limit=DEFAULT_AUDIT_PAGE, max_limit=MAX_AUDIT_PAGE)


def parse_audit_types(query: Mapping[str, str]) -> tuple[str, ...]:
    return _values(query, "type", tuple(t.value for t in AuditType))


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return parse_filter_bound(raw)
    except ValueError as exc:
        raise ValidationFailed.on_field(name, f"{name} must be an ISO 8601 timestamp") from exc


def parse_audit_filter(query: Mapping[str, str]) -> AuditFilter:
    actor: Actor | None = None
    if "actor" in query:
        actor_name = query["actor"].strip()
        if actor_name not in ACTORS:  # one actor (the document's filter), so the message is not _values' list
            raise ValidationFailed.on_field("actor", f"actor must be one of: {', '.join(ACTORS)}")
        actor = actor_name
    ticket_id = query.get("ticketId")
    if ticket_id is not None and not 1 <= len(ticket_id) <= 64:
        raise ValidationFailed.on_field("ticketId", "ticketId must be a ticket id")
    since, until = _moment(query, "since"), _moment(query, "until")
    if since and until and since > until:
        raise ValidationFailed.on_field("since", "since must not be after until")
    return AuditFilter(ticket_id=ticket_id, types=parse_audit_types(query), actor=actor, since=since, until=until)
