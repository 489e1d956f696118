"""Deleted projects' leftovers on the IncidentsTable (opsdesk.copilot.purge): the markers project deletes write
(`PURGES`, docs/data-model.md) and the Queries and batch deletes that empty a project's partitions."""

from __future__ import annotations

import json
from datetime import datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.copilot import keys
from opsdesk.copilot.items import IncidentsTableItem, RecordItem
from opsdesk.copilot.purge import PendingPurge
from opsdesk.copilot.table_repository import CopilotTableRepository
from opsdesk.dynamo import domain_error_for

PURGE_KIND = "purge"


def stage_purge_marker(tx: TransactWrite, tenant_id: str, project_id: str, deleted_at: datetime) -> None:
    """Written in the transaction that deletes the project, so a purge starts only once the project is gone."""
    data = {"tenantId": tenant_id, "projectId": project_id, "deletedAt": to_rfc3339(deleted_at)}
    tx.save(RecordItem(keys.PURGES_PK, keys.purge_sk(deleted_at, tenant_id, project_id), kind=PURGE_KIND,
                       data=json.dumps(data)))


class PurgeRepository(CopilotTableRepository):
    def pending(self, limit: int) -> list[PendingPurge]:
        purges = []
        for item in self._query(keys.PURGES_PK, None, limit=limit):
            data = json.loads(item.data)
            purges.append(PendingPurge(data["tenantId"], data["projectId"], parse_rfc3339(data["deletedAt"]),
                                       item.sk))
        return purges

    def delete_some(self, purge: PendingPurge, most: int) -> int:
        deleted = 0
        for pk in keys.project_partitions(purge.tenant_id, purge.project_id):
            items = self._query_keys(pk, most - deleted)
            if items:
                try:
                    with IncidentsTableItem.batch_write() as batch:
                        for item in items:
                            batch.delete(item)
                except PynamoDBException as exc:
                    raise domain_error_for(exc, "Purge failed") from exc
                deleted += len(items)
            if deleted >= most:
                break
        return deleted

    def forget(self, purge: PendingPurge) -> None:
        try:
            RecordItem(keys.PURGES_PK, purge.marker).delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "Purge failed") from exc
