"""The aura module's live events (seeds/aura-api.md, "Streaming (SSE)"): every ticket event goes to the tenant's
`aura` stream (`GET /stream`) and to the ticket's own (`GET /tickets/:id/stream`), in the same transaction as the
change it reports. The event's data is the document's `{"type","ticketId","timestamp","payload"}`; the ticket's
status and priority at that moment ride beside it (the envelope) for `/stream`'s filters."""

from __future__ import annotations

from collections.abc import Iterable

from opsdesk.aura.records import TicketEvent
from opsdesk.clock import to_rfc3339
from opsdesk.events import DomainEvent

ALL_TICKETS_STREAM = "aura"
EVENT_TYPES = (
    "connected", "status_changed", "turn_started", "turn_completed", "tool_called", "plan_generated",
    "approval_needed", "question_asked", "commit_created", "push_completed", "argo_sync_started",
    "argo_health_update", "error", "resolved", "heartbeat",
)


def ticket_stream(ticket_id: str) -> str:
    return f"aura:{ticket_id}"


def event_data(event: TicketEvent) -> dict[str, object]:
    return {"type": event.type, "ticketId": event.ticket_id, "timestamp": to_rfc3339(event.timestamp),
            "payload": dict(event.payload)}


def domain_events(events: Iterable[TicketEvent]) -> list[DomainEvent]:
    published: list[DomainEvent] = []
    for event in events:
        data = event_data(event)
        envelope = {"status": event.status.value, "priority": event.priority}
        published.append(DomainEvent(event.type, ALL_TICKETS_STREAM, data, envelope=envelope))
        published.append(DomainEvent(event.type, ticket_stream(event.ticket_id), data, envelope=envelope))
    return published
