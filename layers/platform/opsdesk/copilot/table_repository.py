"""What the copilot repositories share (opsdesk.copilot.repository says which holds what): the IncidentsTable's
copilot items, alert route entries and account claims bound when one is made, one transaction connection
(publishing events when there is an event log), and the Queries every list is: consistent, with a limit, counted in
items read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.alerts.routes import AccountClaimItem, RouteItem
from opsdesk.copilot.items import IncidentsTableItem, RecordItem
from opsdesk.dynamo import Outcome, Transactions, bind_table, connection_for, domain_error_for, record_items_read
from opsdesk.errors import Conflict, DomainError
from opsdesk.eventlog import EventLog
from opsdesk.settings import CopilotSettings, load_settings


def changed(message: str) -> Callable[[], DomainError]:
    """The Conflict a transaction whose condition failed on someone else's change raises."""
    return lambda: Conflict(message)


class CopilotTableRepository:
    """The base of every copilot repository. With an event log, writes publish their events in the same
    transaction."""

    def __init__(self, event_log: EventLog | None = None, settings: CopilotSettings | None = None) -> None:
        settings = settings or load_settings(CopilotSettings)
        bind_table(IncidentsTableItem, settings.incidents_table_name, settings)
        bind_table(RouteItem, settings.incidents_table_name, settings)
        bind_table(AccountClaimItem, settings.incidents_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    def _query(self, pk: str, condition: Any, *, limit: int, newest_first: bool = False) -> list[RecordItem]:
        return _read(RecordItem.query(pk, condition, consistent_read=True, limit=limit, page_size=limit,
                                      scan_index_forward=not newest_first))

    @staticmethod
    def _query_every(pk: str, condition: Any) -> list[RecordItem]:
        """Every item of `pk` matching `condition`, a page at a time: for a rare write that must touch them all
        (deleting a project takes every membership), never for a list a request answers with."""
        return _read(RecordItem.query(pk, condition, consistent_read=True))

    @staticmethod
    def _query_keys(pk: str, limit: int) -> list[IncidentsTableItem]:
        """The keys of up to `limit` items of `pk`, whatever they hold (a deleted project's purge deletes them)."""
        return _read(IncidentsTableItem.query(pk, consistent_read=True, limit=limit, page_size=limit,
                                              attributes_to_get=["pk", "sk"]))

    @staticmethod
    def _query_index(index: Any, partition: str, limit: int) -> list[RecordItem]:
        return _read(index.query(partition, scan_index_forward=False, limit=limit, page_size=limit))

    def _commit(self, write: Callable[[TransactWrite], None], conflict: Callable[[], DomainError],
                outcome: Callable[[], Outcome]) -> None:
        self._transactions.commit(write, lambda _: conflict(), outcome)


def _read(results: Any) -> list[Any]:
    """A Query's items (it runs as they are iterated), its ScannedCount reported as items read."""
    try:
        items = list(results)
    except PynamoDBException as exc:
        raise domain_error_for(exc, "Read failed") from exc
    record_items_read(results.page_iter.total_scanned_count)
    return items
