"""The helpdesk's domain logic: requesters, tickets (numbers, source, the status workflow, SLA stamps and the
due index, search words), comments, watchers, the aggregates behind /metrics and the events of every change.
Plain Python over a HelpdeskStore; no AWS here (docs/decisions.md, Helpdesk)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal
from opsdesk.clock import is_uuid, new_id, parse_rfc3339, to_rfc3339, utc_now
from opsdesk.directory import TenantUsers
from opsdesk.errors import Conflict, FieldError, NotFound, ValidationFailed
from opsdesk.events import HELPDESK_STREAM, DomainEvent
from opsdesk.helpdesk import csat
from opsdesk.helpdesk.mail import SurveyMailer
from opsdesk.helpdesk.queries import user_id_value
from opsdesk.helpdesk.records import Comment, Requester, StaleTicket, Ticket, TicketFilters, TicketStatus
from opsdesk.helpdesk.sla import SlaKind, sla_for
from opsdesk.helpdesk.store import HelpdeskStore
from opsdesk.helpdesk.views import ticket_view
from opsdesk.helpdesk.workflow import (
    SLA_RUNNING_STATUSES,
    TICKET_CREATED,
    TICKET_UPDATED,
    apply_changes,
    check_update_request,
    is_agent,
    moment_or_none,
    queue_event,
    queue_of,
    require_agent,
    resolution_delta,
    ticket_source,
    ticket_words,  # scripts/benchlib/helpdesk.py imports it from here too
    with_sla_state,
)
from opsdesk.mail import MailNotSent
from opsdesk.pagination import CursorRequest, Page
from opsdesk.sessions import Channel

if TYPE_CHECKING:  # request bodies load pydantic, which the routes that validate one load (opsdesk.http)
    from opsdesk.helpdesk.requests import (
        AddWatcherRequest,
        CreateCommentRequest,
        CreateRequesterRequest,
        CreateTicketRequest,
        UpdateRequesterRequest,
        UpdateTicketRequest,
    )

# Plain logging, not the Powertools logger: the domain stays free of the tracer's import cost.
logger = logging.getLogger(__name__)

UPDATE_ATTEMPTS = 16
"""Rounds of read-apply-write when concurrent writers change the same ticket: each round one of them wins."""
METRICS_WINDOW_DAYS = 30


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
        users: TenantUsers | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = id_factory
        self._backoff = backoff
        self._issue_csat_token = issue_csat_token
        self._mailer = mailer
        """Mails the requester the CSAT survey after a resolve commits; None: no mail (a stage without mail)."""
        self._users = users
        """Who may be an assignee or a watcher; None in the functions that change neither (asking them to is a bug,
        not a request's fault)."""

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

        def change(ticket: Ticket, now: datetime) -> Ticket:
            # A new assignee is looked up once the ticket is found; the one it has already is not looked up again.
            if request.assignee_id is not None and request.assignee_id != ticket.assignee_id:
                self._require_tenant_user(principal, "assignee_id", request.assignee_id)
            return apply_changes(ticket, request, now)

        return self._change(principal, ticket_id, change)

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
            sla = sla_for(before.priority, parse_rfc3339(before.created_at), moment_or_none(before.first_response_at),
                          moment_or_none(before.resolved_at), at)
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
        author = request.author_id
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
        self._require_tenant_user(principal, "user_id", request.user_id)
        self._store.add_watcher(principal.tenant_id, ticket.id, request.user_id, to_rfc3339(self._clock()))

    def remove_watcher(self, principal: Principal, ticket_id: str, user_id: str) -> None:
        ticket = self.get_ticket(principal, ticket_id)
        try:
            user_id = user_id_value(user_id)
        except ValueError:
            return  # nobody can watch under such an id: removing it changes nothing
        self._may_manage_watcher(principal, user_id)
        self._store.remove_watcher(principal.tenant_id, ticket.id, user_id)

    def _require_tenant_user(self, principal: Principal, field: str, user_id: str) -> None:
        """An assignee or a watcher is a user of the caller's tenant (the caller is one; anyone else is looked up),
        as `/me` gives their id."""
        if user_id == principal.user_id:
            return
        if self._users is None:
            raise RuntimeError("this HelpdeskService was made without a user directory")
        if not self._users.is_member(principal.tenant_id, user_id):
            raise ValidationFailed.on_field(field, "Must be the id of a user of this tenant")

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
