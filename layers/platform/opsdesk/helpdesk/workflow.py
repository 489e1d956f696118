"""A helpdesk ticket's rules (docs/decisions.md, Helpdesk): who counts as an agent, where a ticket came from, the
words it is found by, the status moves, the SLA state kept on the ticket (the due index) and in the aggregates,
what a PATCH changes, and the events a change publishes. Pure functions over records; HelpdeskService
(opsdesk.helpdesk.service) applies them in its read-change-write rounds. Separate so that a caller that only checks
a rule (the export route's agent check) does not load the service."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.errors import FieldError, Forbidden, ValidationFailed
from opsdesk.events import HELPDESK_STREAM, DomainEvent
from opsdesk.helpdesk.records import ADMIN_GROUP, AGENT_GROUPS, ResolutionDelta, Ticket, TicketSource, TicketStatus
from opsdesk.helpdesk.sla import due_bucket, sla_for
from opsdesk.sessions import Channel

if TYPE_CHECKING:  # an annotation only: the export route checks agents without loading the request models
    from opsdesk.helpdesk.requests import UpdateTicketRequest

"""The event-log stream of the helpdesk's events (per tenant), read by /events."""
TICKET_CREATED = "ticket_created"
TICKET_UPDATED = "ticket_updated"
QUEUE_CHANGED = "queue_changed"
"""A ticket entered a queue or moved between queues (team_id, assignee_id): admins only."""

SLA_RUNNING_STATUSES = frozenset({TicketStatus.OPEN, TicketStatus.PENDING})

MAX_INDEXED_WORDS = 200
MIN_WORD_LENGTH, MAX_WORD_LENGTH = 2, 40
# Words too common to narrow a search (and not worth an index item each).
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with", "we", "you", "i", "my", "our",
    "your", "not", "no", "can", "could", "would", "should", "please",
})
_WORD_SPLIT = re.compile(r"[^\w]+")


def is_agent(principal: Principal) -> bool:
    return bool(principal.groups & AGENT_GROUPS)


def require_agent(principal: Principal) -> None:
    if not is_agent(principal):
        raise Forbidden("Agent role required")


def search_words(text: str) -> list[str]:
    """The words of `text` as the search index holds them: accents folded, case folded, split on anything that is
    not a letter or digit, 2 to 40 characters (numbers of any length), stop words left out; first occurrence
    order, each once."""
    words: dict[str, None] = {}
    for word in _folded_words(text):
        if len(word) > MAX_WORD_LENGTH or word in STOP_WORDS:
            continue
        if len(word) < MIN_WORD_LENGTH and not word.isdigit():
            continue
        words[word] = None
    return list(words)


def stop_words_in(text: str) -> list[str]:
    """The stop words of `text` (folded as search_words folds), first occurrence order, each once: what a search
    made of them alone cannot be found by."""
    return list(dict.fromkeys(word for word in _folded_words(text) if word in STOP_WORDS))


def stop_words_alone(text: str) -> bool:
    """Whether every word of `text` is a stop word (a search of them is refused as too common, not too short)."""
    words = list(_folded_words(text))
    return bool(words) and all(word in STOP_WORDS for word in words)


def _folded_words(text: str) -> Iterator[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    for raw in _WORD_SPLIT.split(folded):
        word = raw.strip("_")
        if word:
            yield word


def ticket_words(number: int, title: str, description: str) -> frozenset[str]:
    """What a ticket is found by: its number, then the words of its title and its description (at most 200)."""
    return frozenset([str(number), *search_words(f"{title}\n{description}")][:MAX_INDEXED_WORDS])


def ticket_source(requested: str | None, principal: Principal, channel: Channel) -> TicketSource:
    """Where a ticket came from: `web` when created in a browser session (the session cookie), `api` with a bearer
    token; an agent recording a ticket that arrived another way (e.g. forwarded email) may name its source."""
    if requested is not None:
        if not is_agent(principal):
            raise ValidationFailed.on_field("source", "Only agents may set the source")
        return TicketSource(requested)
    return TicketSource.WEB if channel == "cookie" else TicketSource.API


def with_sla_state(ticket: Ticket, now: datetime) -> Ticket:
    """Recompute what the SLA decides on the stored ticket: its place in the due index (`sla_due_at`: the next
    due time of a running clock whose breach is not recorded yet, while the ticket is open or pending)."""
    sla = sla_for(ticket.priority, parse_rfc3339(ticket.created_at), moment_or_none(ticket.first_response_at),
                  moment_or_none(ticket.resolved_at), now)
    marked = [kind for kind, at in (("first_response", ticket.first_response_breached_at),
                                    ("resolution", ticket.resolution_breached_at)) if at]
    deadline = sla.next_deadline(marked) if ticket.status in SLA_RUNNING_STATUSES else None
    if deadline is None:
        return replace(ticket, sla_due_at=None, sla_due_bucket=None)
    due_at = deadline[1]
    # A clock already past due (e.g. reopened late) goes in the current hour's bucket, which the check reads next.
    return replace(ticket, sla_due_at=to_rfc3339(due_at), sla_due_bucket=due_bucket(max(due_at, now)))


def resolution_met(ticket: Ticket, resolved_at: datetime) -> bool:
    """Met when neither target was missed at the moment of resolution."""
    sla = sla_for(ticket.priority, parse_rfc3339(ticket.created_at), moment_or_none(ticket.first_response_at),
                  resolved_at, resolved_at)
    return not sla.first_response.breached and not sla.resolution.breached


def resolution_delta(before: Ticket, after: Ticket) -> ResolutionDelta:
    """Resolving counts the ticket in the aggregates, reopening takes its earlier resolution out again, so they
    hold the tickets that are resolved (or closed after resolution) now."""
    if before.resolved_at is None and after.resolved_at is not None:
        return ResolutionDelta(1, 1 if after.resolution_sla_met else 0, _resolution_ms(after))
    if before.resolved_at is not None and after.resolved_at is None:
        return ResolutionDelta(-1, -1 if before.resolution_sla_met else 0, -_resolution_ms(before))
    return ResolutionDelta()


def _resolution_ms(ticket: Ticket) -> int:
    assert ticket.resolved_at is not None
    elapsed = parse_rfc3339(ticket.resolved_at) - parse_rfc3339(ticket.created_at)
    return max(0, int(elapsed.total_seconds() * 1000))


def apply_changes(ticket: Ticket, request: UpdateTicketRequest, now: datetime) -> Ticket:
    """The ticket after a PATCH (the same ticket when nothing differs)."""
    given = request.model_fields_set
    stamp = to_rfc3339(now)
    updated = ticket
    if request.status is not None and request.status != ticket.status.value:
        # The document names the statuses and no rules, so an agent may move a ticket between any two: a resolved
        # or closed ticket is reopened into open or pending (its resolution taken back), and a ticket closed after
        # its resolution keeps it when marked resolved again.
        target = TicketStatus(request.status)
        updated = replace(updated, status=target)
        if target is TicketStatus.RESOLVED and ticket.resolved_at is None:
            # Judged at the priority the ticket is stored with: a PATCH may change both at once.
            judged = replace(ticket, priority=request.priority or ticket.priority)
            updated = replace(updated, resolved_at=stamp, resolution_sla_met=resolution_met(judged, now))
        elif target is TicketStatus.OPEN or target is TicketStatus.PENDING:
            updated = replace(updated, resolved_at=None, resolution_sla_met=None)  # reopened: the clock runs again
    if request.priority is not None:
        updated = replace(updated, priority=request.priority)
    if request.custom_json is not None:
        updated = replace(updated, custom_json=request.custom_json)
    for name in ("assignee_id", "team_id", "urgency", "scheduled_at", "due_at"):
        if name in given:
            updated = replace(updated, **{name: getattr(request, name)})
    if updated == ticket:
        return ticket
    return with_sla_state(replace(updated, updated_at=stamp, version=ticket.version + 1), now)


def check_update_request(request: UpdateTicketRequest) -> None:
    given = request.model_fields_set
    if not given:
        raise ValidationFailed(details=[FieldError("body", "Give at least one field to change")])
    problems = [FieldError(name, f"{name} cannot be null") for name in ("status", "priority", "custom_json")
                if name in given and getattr(request, name) is None]
    if problems:
        raise ValidationFailed(details=problems)


def queue_of(ticket: Ticket) -> dict[str, str | None]:
    return {"team_id": ticket.team_id, "assignee_id": ticket.assignee_id}


def queue_event(ticket: Ticket, previous: Ticket | None) -> DomainEvent:
    data: dict[str, Any] = {"ticket_id": ticket.id, "number": ticket.number, **queue_of(ticket),
                            "previous": queue_of(previous) if previous else None, "status": ticket.status.value}
    return DomainEvent(QUEUE_CHANGED, HELPDESK_STREAM, data, audience=ADMIN_GROUP)  # admins only (the document)


def moment_or_none(value: str | None) -> datetime | None:
    return parse_rfc3339(value) if value else None
