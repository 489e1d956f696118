"""The helpdesk's domain logic: requesters, tickets (numbers, source, the status workflow, SLA stamps and the
due index, search words), comments, watchers, the aggregates behind /metrics and the events of every change.
Plain Python over a HelpdeskStore; no AWS here (docs/decisions.md, Helpdesk)."""

from __future__ import annotations

import logging
import random
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdesk.auth import Principal
from opsdesk.clock import is_uuid, new_id, parse_rfc3339, to_rfc3339, utc_now
from opsdesk.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from opsdesk.events import HELPDESK_STREAM, DomainEvent
from opsdesk.helpdesk import csat
from opsdesk.helpdesk.mail import SurveyMailer
from opsdesk.helpdesk.records import (
    ADMIN_GROUP,
    AGENT_GROUPS,
    NO_TEAM,
    UNASSIGNED,
    Comment,
    Requester,
    ResolutionDelta,
    StaleTicket,
    Ticket,
    TicketFilters,
    TicketSource,
    TicketStatus,
)
from opsdesk.helpdesk.requests import (
    STATUS_VALUES,
    TEAM_ID_PATTERN,
    USER_ID_PATTERN,
    AddWatcherRequest,
    CreateCommentRequest,
    CreateRequesterRequest,
    CreateTicketRequest,
    UpdateRequesterRequest,
    UpdateTicketRequest,
    user_id_value,
)
from opsdesk.helpdesk.sla import PRIORITIES, SlaKind, due_bucket, sla_for
from opsdesk.helpdesk.store import HelpdeskStore
from opsdesk.helpdesk.views import ticket_view
from opsdesk.mail import MailNotSent
from opsdesk.pagination import CursorRequest, Page, parse_cursor_request
from opsdesk.sessions import Channel

# Plain logging, not the Powertools logger: the domain stays free of the tracer's import cost.
logger = logging.getLogger(__name__)

"""The event-log stream of the helpdesk's events (per tenant), read by /events."""
TICKET_CREATED = "ticket_created"
TICKET_UPDATED = "ticket_updated"
QUEUE_CHANGED = "queue_changed"
"""A ticket entered a queue or moved between queues (team_id, assignee_id): admins only."""

# open <-> pending, either -> resolved or closed, resolved -> open (reopen) or closed; closed is final.
ALLOWED_MOVES: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.OPEN: frozenset({TicketStatus.PENDING, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.PENDING: frozenset({TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED}),
    TicketStatus.RESOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}
SLA_RUNNING_STATUSES = frozenset({TicketStatus.OPEN, TicketStatus.PENDING})
UPDATE_ATTEMPTS = 16
"""Rounds of read-apply-write when concurrent writers change the same ticket: each round one of them wins."""
METRICS_WINDOW_DAYS = 30
DEFAULT_TICKET_PAGE, MAX_TICKET_PAGE = 50, 100
DEFAULT_COMMENT_PAGE, MAX_COMMENT_PAGE = 200, 500
MAX_SEARCH_WORDS = 8
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
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    words: dict[str, None] = {}
    for raw in _WORD_SPLIT.split(folded):
        word = raw.strip("_")
        if not word or len(word) > MAX_WORD_LENGTH or word in STOP_WORDS:
            continue
        if len(word) < MIN_WORD_LENGTH and not word.isdigit():
            continue
        words[word] = None
    return list(words)


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
    sla = sla_for(ticket.priority, parse_rfc3339(ticket.created_at), _moment(ticket.first_response_at),
                  _moment(ticket.resolved_at), now)
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
    sla = sla_for(ticket.priority, parse_rfc3339(ticket.created_at), _moment(ticket.first_response_at),
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
    """The ticket after a PATCH (the same ticket when nothing differs). An illegal status move is a 400 naming
    `status` (the document's PATCH answers 200 | 400 | 500)."""
    given = request.model_fields_set
    stamp = to_rfc3339(now)
    updated = ticket
    if request.status is not None and request.status != ticket.status.value:
        target = TicketStatus(request.status)
        if target not in ALLOWED_MOVES[ticket.status]:
            raise ValidationFailed.on_field("status", f"Cannot move a ticket from {ticket.status.value} to "
                                            f"{target.value}")
        updated = replace(updated, status=target)
        if target is TicketStatus.RESOLVED:
            updated = replace(updated, resolved_at=stamp, resolution_sla_met=resolution_met(ticket, now))
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


def parse_ticket_filters(query: Mapping[str, str], principal: Principal) -> TicketFilters:
    """`status`, `priority`, `team` (a team id or `none`), `assignee` (a user id, `me` or `none`). A parameter
    sent empty is a value like any other, and refused as one."""
    problems: list[FieldError] = []
    status = query.get("status")
    if status is not None and status not in {s.value for s in TicketStatus}:
        problems.append(FieldError("status", f"Must be one of: {STATUS_VALUES}"))
    priority = query.get("priority")
    if priority is not None and priority not in PRIORITIES:
        problems.append(FieldError("priority", f"Must be one of: {', '.join(PRIORITIES)}"))
    team = query.get("team")
    if team is not None and team != NO_TEAM and not TEAM_ID_PATTERN.fullmatch(team):
        problems.append(FieldError("team", "Must be a team id or none"))
    assignee = query.get("assignee")
    if assignee == "me":
        assignee = principal.user_id
    elif assignee is not None and assignee != UNASSIGNED and not USER_ID_PATTERN.fullmatch(assignee):
        problems.append(FieldError("assignee", "Must be a user id, me or none"))
    if problems:
        raise ValidationFailed("Invalid query parameters", details=problems)
    return TicketFilters(status=None if status is None else TicketStatus(status), priority=priority, team_id=team,
                         assignee_id=assignee)


def parse_ticket_search(query: Mapping[str, str]) -> list[str] | None:
    """The words of `search` (every one must match), or None without it."""
    if "search" not in query:
        return None
    words = search_words(query["search"])
    if not words:
        raise ValidationFailed.on_field("search", "Give a word of at least 2 letters or digits")
    if len(words) > MAX_SEARCH_WORDS:
        raise ValidationFailed.on_field("search", f"Give at most {MAX_SEARCH_WORDS} words")
    return words


def parse_ticket_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_cursor_request(query, default_limit=DEFAULT_TICKET_PAGE, max_limit=MAX_TICKET_PAGE)


def parse_comment_page(query: Mapping[str, str]) -> CursorRequest:
    return parse_cursor_request(query, default_limit=DEFAULT_COMMENT_PAGE, max_limit=MAX_COMMENT_PAGE)


def _moment(value: str | None) -> datetime | None:
    return parse_rfc3339(value) if value else None


def _jitter(attempt: int) -> None:
    time.sleep(random.uniform(0, min(0.2, 0.01 * 2**attempt)))


class HelpdeskService:
    def __init__(
        self,
        store: HelpdeskStore,
        *,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
        backoff: Callable[[int], None] = _jitter,
        issue_csat_token: Callable[[str, str, str, datetime], tuple[str, csat.CsatToken]] = csat.new_survey_token,
        mailer: SurveyMailer | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = id_factory
        self._backoff = backoff
        self._issue_csat_token = issue_csat_token
        self._mailer = mailer
        """Mails the requester the CSAT survey after a resolve commits; None: no mail (a stage without mail)."""

    # Requesters

    def create_requester(self, principal: Principal, request: CreateRequesterRequest) -> Requester:
        stamp = to_rfc3339(self._clock())
        requester = Requester(id=self._new_id(), email=request.email, display_name=request.display_name,
                              created_at=stamp, updated_at=stamp)
        self._store.create_requester(principal.tenant_id, requester)
        return requester

    def get_requester(self, principal: Principal, requester_id: str) -> Requester:
        found = self._store.get_requester(principal.tenant_id, requester_id.lower()) if is_uuid(requester_id) else None
        if found is None:
            raise NotFound("Requester not found")
        return found

    def update_requester(self, principal: Principal, requester_id: str, request: UpdateRequesterRequest) -> Requester:
        given = request.model_fields_set
        if not given:
            raise ValidationFailed(details=[FieldError("body", "Give email or display_name")])
        problems = [FieldError(name, f"{name} cannot be null") for name in ("email", "display_name")
                    if name in given and getattr(request, name) is None]
        if problems:
            raise ValidationFailed(details=problems)
        before = self.get_requester(principal, requester_id)
        after = replace(before, email=request.email or before.email,
                        display_name=request.display_name or before.display_name)
        if after == before:
            return before
        after = replace(after, updated_at=to_rfc3339(self._clock()), version=before.version + 1)
        self._store.update_requester(principal.tenant_id, before, after)
        return after

    # Tickets

    def create_ticket(self, principal: Principal, request: CreateTicketRequest, channel: Channel) -> Ticket:
        source = ticket_source(request.source, principal, channel)
        if self._store.get_requester(principal.tenant_id, request.requester_id) is None:
            raise ValidationFailed.on_field("requester_id", "Requester not found")
        now = self._clock()
        stamp = to_rfc3339(now)
        number = self._store.next_ticket_number(principal.tenant_id)
        ticket = with_sla_state(Ticket(
            id=self._new_id(), number=number, title=request.title, description=request.description,
            requester_id=request.requester_id, priority=request.priority, status=TicketStatus.OPEN, source=source,
            created_at=stamp, updated_at=stamp, created_by=principal.user_id, custom_json=request.custom_json,
            urgency=request.urgency, category=request.category, subcategory=request.subcategory,
            words=ticket_words(number, request.title, request.description),
        ), now)
        events = [DomainEvent(TICKET_CREATED, HELPDESK_STREAM, ticket_view(ticket, now)), queue_event(ticket, None)]
        self._store.create_ticket(principal.tenant_id, ticket, events)
        return ticket

    def get_ticket(self, principal: Principal, ticket_id: str) -> Ticket:
        """Another tenant's ticket, an unknown id and a malformed id are all the same 404."""
        found = self._store.get_ticket(principal.tenant_id, ticket_id.lower()) if is_uuid(ticket_id) else None
        if found is None:
            raise NotFound("Ticket not found")
        return found

    def list_tickets(
        self, principal: Principal, filters: TicketFilters, page: CursorRequest, search: Sequence[str] | None = None
    ) -> Page[Ticket]:
        """Newest first; with `search`, the tickets holding every word."""
        if search:
            return self._store.search_tickets(principal.tenant_id, search, filters, page.limit, page.cursor)
        return self._store.query_tickets(principal.tenant_id, filters, page.limit, page.cursor)

    def update_ticket(self, principal: Principal, ticket_id: str, request: UpdateTicketRequest) -> Ticket:
        require_agent(principal)
        check_update_request(request)
        return self._change(principal, ticket_id, lambda ticket, now: apply_changes(ticket, request, now))

    def ticket_now(self) -> datetime:
        return self._clock()

    def _change(
        self, principal: Principal, ticket_id: str, change: Callable[[Ticket, datetime], Ticket]
    ) -> Ticket:
        """Read, change, write with a version check; when someone else wrote in between, read again and apply
        the same change to what they wrote, so no update is lost (a change that no longer applies, like an
        illegal status move, is a Conflict then)."""
        for attempt in range(UPDATE_ATTEMPTS):
            before = self.get_ticket(principal, ticket_id)
            now = self._clock()
            after = change(before, now)
            if after == before:
                return before
            try:
                survey_token = self._write_change(principal.tenant_id, before, after, now)
            except StaleTicket:
                self._backoff(attempt)
                continue
            if survey_token is not None:
                self._mail_survey(principal.tenant_id, after, survey_token)
            return after
        raise Conflict("The ticket is being changed by many people at once; retry")

    def _write_change(self, tenant_id: str, before: Ticket, after: Ticket, now: datetime) -> str | None:
        """Write the change; the raw CSAT token when it resolved the ticket (the token's item is in the same
        transaction, so a token returned here exists)."""
        events = [DomainEvent(TICKET_UPDATED, HELPDESK_STREAM, ticket_view(after, now))]
        if queue_of(before) != queue_of(after):
            events.append(queue_event(after, before))
        token: str | None = None
        survey: csat.CsatToken | None = None
        if before.resolved_at is None and after.resolved_at is not None:
            # The requester's survey link: the token exists exactly when the resolve commits.
            token, survey = self._issue_csat_token(tenant_id, after.id, after.requester_id, now)
        self._store.update_ticket(tenant_id, before, after, events, resolution=resolution_delta(before, after),
                                  csat_token=survey)
        return token

    def _mail_survey(self, tenant_id: str, ticket: Ticket, token: str) -> None:
        """Mail the requester the survey link, after the resolve committed (a mail is never sent for a resolve
        that did not happen, and never holds the transaction up). Nothing here fails the resolve: a mail that
        cannot be sent is logged with the ticket, never with the token, and the survey is then unreachable."""
        if self._mailer is None:
            return
        try:
            requester = self._store.get_requester(tenant_id, ticket.requester_id)
            if requester is None:
                logger.warning("CSAT survey not mailed: the requester is gone",
                               extra={"tenant_id": tenant_id, "ticket_id": ticket.id})
                return
            self._mailer.send_survey(requester, ticket, token)
        except MailNotSent as exc:
            logger.warning("CSAT survey not mailed: %s", exc,
                           extra={"tenant_id": tenant_id, "ticket_id": ticket.id})
        except Exception as exc:  # noqa: BLE001 - the resolve committed; whatever the mail does cannot undo it
            # No traceback: its messages could quote the mail, which holds the token.
            logger.error("CSAT survey not mailed: %s", type(exc).__name__,  # noqa: TRY400 - see above
                         extra={"tenant_id": tenant_id, "ticket_id": ticket.id})

    # SLA breaches (the scheduled helpdesk_sla_check function calls this)

    def mark_sla_breached(self, tenant_id: str, ticket_id: str, kind: SlaKind, at: datetime) -> bool:
        """Record that `kind`'s clock of the ticket is breached as of `at` and publish ticket_updated with the
        breach, once: False (nothing written) when the ticket is gone, the breach is already recorded, the clock
        has stopped, or it is not yet due at `at`."""
        for attempt in range(UPDATE_ATTEMPTS):
            before = self._store.get_ticket(tenant_id, ticket_id)
            if before is None or before.status not in SLA_RUNNING_STATUSES:
                return False
            sla = sla_for(before.priority, parse_rfc3339(before.created_at), _moment(before.first_response_at),
                          _moment(before.resolved_at), at)
            clock = sla.clock(kind)
            already = before.first_response_breached_at if kind == "first_response" else before.resolution_breached_at
            if already or not clock.running or not clock.breached:
                return False
            stamp = to_rfc3339(at)
            if kind == "first_response":
                marked = replace(before, first_response_breached_at=stamp, version=before.version + 1)
            else:
                marked = replace(before, resolution_breached_at=stamp, version=before.version + 1)
            after = with_sla_state(marked, at)
            data = ticket_view(after, at) | {"breach": {"kind": kind, "due_at": to_rfc3339(clock.due_at),
                                                        "at": stamp}}
            try:
                self._store.update_ticket(tenant_id, before, after,
                                          [DomainEvent(TICKET_UPDATED, HELPDESK_STREAM, data)])
            except StaleTicket:
                self._backoff(attempt)
                continue
            return True
        raise Conflict("The ticket is being changed by many people at once; retry")

    # Comments

    def list_comments(self, principal: Principal, ticket_id: str, page: CursorRequest) -> Page[Comment]:
        ticket = self.get_ticket(principal, ticket_id)
        return self._store.list_comments(principal.tenant_id, ticket.id, is_agent(principal), page.limit,
                                         page.cursor)

    def add_comment(self, principal: Principal, ticket_id: str, request: CreateCommentRequest) -> Comment:
        """Internal comments are for agents (to post and to read). The author is the caller, or a requester of the
        tenant an agent writes for (a reply that came by mail); such a comment is public. The first public comment
        an agent writes as themselves is the ticket's first response (it stops that SLA clock)."""
        agent = is_agent(principal)
        if request.is_internal and not agent:
            raise ValidationFailed.on_field("is_internal", "Only agents may post internal comments")
        ticket = self.get_ticket(principal, ticket_id)
        author = request.author_id or principal.user_id
        if author != principal.user_id:
            if not agent:
                raise ValidationFailed.on_field("author_id", "You may only post as yourself")
            if not is_uuid(author) or self._store.get_requester(principal.tenant_id, author.lower()) is None:
                raise ValidationFailed.on_field("author_id", "Must be your own id or a requester of this tenant")
            if request.is_internal:
                raise ValidationFailed.on_field("is_internal", "A requester's comment cannot be internal")
            author = author.lower()
        now = self._clock()
        comment = Comment(id=self._new_id(), ticket_id=ticket.id, author_id=author, body_md=request.body_md,
                          is_internal=request.is_internal, created_at=to_rfc3339(now))
        first_response = agent and not request.is_internal and author == principal.user_id
        for attempt in range(UPDATE_ATTEMPTS):
            if not first_response or ticket.first_response_at is not None:
                self._store.add_comment(principal.tenant_id, comment)
                return comment
            after = with_sla_state(replace(ticket, first_response_at=comment.created_at,
                                           updated_at=comment.created_at, version=ticket.version + 1), now)
            event = DomainEvent(TICKET_UPDATED, HELPDESK_STREAM, ticket_view(after, now))
            try:
                self._store.add_comment(principal.tenant_id, comment, ticket, after, [event])
            except StaleTicket:
                self._backoff(attempt)
                ticket = self.get_ticket(principal, ticket_id)
                continue
            return comment
        raise Conflict("The ticket is being changed by many people at once; retry")

    # Watchers

    def list_watchers(self, principal: Principal, ticket_id: str) -> list[str]:
        ticket = self.get_ticket(principal, ticket_id)
        return self._store.list_watchers(principal.tenant_id, ticket.id)

    def add_watcher(self, principal: Principal, ticket_id: str, request: AddWatcherRequest) -> None:
        """Agents manage anyone's watching; everyone else only their own."""
        ticket = self.get_ticket(principal, ticket_id)
        self._may_manage_watcher(principal, request.user_id)
        self._store.add_watcher(principal.tenant_id, ticket.id, request.user_id, to_rfc3339(self._clock()))

    def remove_watcher(self, principal: Principal, ticket_id: str, user_id: str) -> None:
        ticket = self.get_ticket(principal, ticket_id)
        try:
            user_id = user_id_value(user_id)
        except ValueError:
            return  # nobody can watch under such an id: removing it changes nothing
        self._may_manage_watcher(principal, user_id)
        self._store.remove_watcher(principal.tenant_id, ticket.id, user_id)

    @staticmethod
    def _may_manage_watcher(principal: Principal, user_id: str) -> None:
        if user_id != principal.user_id and not is_agent(principal):
            # 400, not 403: the document answers the watcher routes with 200/201 | 400 | 500
            raise ValidationFailed.on_field("user_id", "Only agents may change other people's watching")

    # Metrics (agent role), from the aggregates kept on write

    def sla_metrics(self, principal: Principal) -> dict[str, Any]:
        require_agent(principal)
        totals = self._store.totals(principal.tenant_id)
        attainment = round(totals.met / totals.resolved, 4) if totals.resolved else 0.0
        return {"total": totals.resolved, "met": totals.met, "sla_attainment": attainment}

    def resolution_metrics(self, principal: Principal) -> dict[str, Any]:
        require_agent(principal)
        totals = self._store.totals(principal.tenant_id)
        return {"avg_resolution_ms": totals.resolution_ms // totals.resolved if totals.resolved else 0}

    def ticket_metrics(self, principal: Principal) -> dict[str, Any]:
        """Tickets created per UTC day over the last 30 days, today included, oldest first, empty days as 0."""
        require_agent(principal)
        today = self._clock().astimezone(UTC).date()
        first = today - timedelta(days=METRICS_WINDOW_DAYS - 1)
        counts = self._store.created_per_day(principal.tenant_id, first, today)
        days = [first + timedelta(days=offset) for offset in range(METRICS_WINDOW_DAYS)]
        return {"daily": [{"day": day.isoformat(), "count": counts.get(day, 0)} for day in days]}

