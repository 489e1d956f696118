"""Deleted projects' leftovers (opsdesk.copilot.purge): the markers project deletes write (`PURGES`,
docs/data-model.md) and the Queries and batch deletes that empty a project's partitions of the IncidentsTable and
its streams in the EventsTable."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.copilot import keys
from opsdesk.copilot.items import IncidentsTableItem, RecordItem
from opsdesk.copilot.purge import MarkerPage, PendingPurge
from opsdesk.copilot.table_repository import CopilotTableRepository
from opsdesk.dynamo import domain_error_for
from opsdesk.dynamo_batches import batch_delete
from opsdesk.eventlog import EventLog
from opsdesk.events import project_streams
from opsdesk.settings import CopilotSettings

LOG = logging.getLogger(__name__)

PURGE_KIND = "purge"


def stage_purge_marker(tx: TransactWrite, tenant_id: str, project_id: str, deleted_at: datetime) -> None:
    """Written in the transaction that deletes the project, so a purge starts only once the project is gone."""
    data = {"tenantId": tenant_id, "projectId": project_id, "deletedAt": to_rfc3339(deleted_at)}
    tx.save(RecordItem(keys.PURGES_PK, keys.purge_sk(deleted_at, tenant_id, project_id), kind=PURGE_KIND,
                       data=json.dumps(data)))


class PurgeRepository(CopilotTableRepository):
    def __init__(self, event_log: EventLog, settings: CopilotSettings | None = None) -> None:
        super().__init__(settings=settings)  # no event log to publish with: a purge announces nothing
        self._streams = event_log

    def pending(self, limit: int, after: str | None = None) -> MarkerPage:
        condition = RecordItem.sk > after if after is not None else None
        items = self._query(keys.PURGES_PK, condition, limit=limit)
        purges = []
        for item in items:
            try:
                data = json.loads(item.data)
                purges.append(PendingPurge(data["tenantId"], data["projectId"], parse_rfc3339(data["deletedAt"]),
                                           item.sk))
            except (TypeError, ValueError, KeyError, AttributeError):  # by hand, or a later version: for a person
                LOG.error("purge marker %s cannot be read: left as it is", item.sk)
        return MarkerPage(tuple(purges), items[-1].sk if len(items) == limit else None)

    def delete_some(self, purge: PendingPurge, most: int) -> int:
        deleted = 0
        for pk in keys.project_partitions(purge.tenant_id, purge.project_id):
            items = self._query_keys(pk, most - deleted)
            batch_delete(IncidentsTableItem, items)
            deleted += len(items)
            if deleted >= most:
                return deleted
        # then its streams: their heads, and the events not yet expired
        return deleted + self._streams.delete_streams(purge.tenant_id, project_streams(purge.project_id),
                                                      most - deleted)

    def forget(self, purge: PendingPurge) -> None:
        try:
            RecordItem(keys.PURGES_PK, purge.marker).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Purge failed") from exc
