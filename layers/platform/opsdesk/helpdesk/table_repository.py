"""What the helpdesk's ticket repositories share (opsdesk.helpdesk.repository says which holds what): the
TicketsTable bound when one is made, one transaction connection (publishing events when there is an event log),
the cursor codec of their pages, and the ticket read that tells a retried write of a ticket's partition whether
it was its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opsdesk.cursors import CursorCodec, secret_key_source
from opsdesk.dynamo import Outcome, Transactions, bind_table, connection_for, get_item
from opsdesk.errors import DomainError
from opsdesk.helpdesk.items import TicketItem, TicketsTableItem, ticket_record
from opsdesk.helpdesk.keys import TICKET_SK, ticket_pk
from opsdesk.helpdesk.records import Ticket
from opsdesk.settings import HelpdeskSettings, load_settings

if TYPE_CHECKING:  # the event log binds to its own table at import; the people function has none
    from opsdesk.eventlog import EventLog


class TicketsTableRepository:
    """The base of the helpdesk's ticket repositories. With an event log, writes publish their events in the same
    transaction."""

    def __init__(self, event_log: EventLog | None = None, cursors: CursorCodec | None = None,
                 settings: HelpdeskSettings | None = None) -> None:
        settings = settings or load_settings(HelpdeskSettings)
        bind_table(TicketsTableItem, settings.tickets_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)
        self._cursors = cursors or CursorCodec(secret_key_source(
            settings.cursor_key_secret_arn, settings.aws_region, settings.aws_endpoint_url))

    def get_ticket(self, tenant_id: str, ticket_id: str) -> Ticket | None:
        item = get_item(TicketItem, ticket_pk(tenant_id, ticket_id), TICKET_SK)
        return ticket_record(item) if item else None

    def _ticket_outcome(self, tenant_id: str, before: Ticket, after: Ticket) -> Callable[[], Outcome]:
        def outcome() -> Outcome:
            stored = self.get_ticket(tenant_id, after.id)
            if stored == after:
                return Outcome.DONE  # our own earlier attempt
            if stored is None or stored.version != before.version:
                return Outcome.CONFLICT  # someone else changed it: the service reads it again
            return Outcome.RETRY  # only an event number was taken meanwhile

        return outcome

    def _commit(
        self, write: Callable[[Any], None], conflict: Callable[[], DomainError], outcome: Callable[[], Outcome]
    ) -> None:
        """One transaction (opsdesk.dynamo.run_transaction); a failed condition that is someone else's change
        raises `conflict()`."""
        self._transactions.commit(write, lambda _: conflict(), outcome)

