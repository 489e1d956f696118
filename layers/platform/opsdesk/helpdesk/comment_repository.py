"""CommentRepository: a ticket's comments and watchers on the TicketsTable, in the ticket's partition (so they are
reached through the tenant's ticket key only); a comment may carry the ticket's change and events in its
transaction."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from opsdesk.dynamo import Outcome, cursor_page, domain_error_for, get_item, record_items_read
from opsdesk.errors import Conflict
from opsdesk.events import DomainEvent
from opsdesk.helpdesk.items import CommentItem, TicketItem, WatcherItem, comment_record, ticket_item
from opsdesk.helpdesk.keys import COMMENT_SK_PREFIX, WATCHER_SK_PREFIX, ticket_pk
from opsdesk.helpdesk.records import Comment, StaleTicket, Ticket
from opsdesk.helpdesk.table_repository import TicketsTableRepository
from opsdesk.pagination import Page


class CommentRepository(TicketsTableRepository):
    """Comments (oldest first, internal ones for agents only) and watchers of a ticket."""

    def add_comment(
        self,
        tenant_id: str,
        comment: Comment,
        before: Ticket | None = None,
        after: Ticket | None = None,
        events: Sequence[DomainEvent] = (),
    ) -> None:
        item = CommentItem(
            ticket_pk(tenant_id, comment.ticket_id), f"{COMMENT_SK_PREFIX}{comment.created_at}#{comment.id}",
            id=comment.id, ticketId=comment.ticket_id, authorId=comment.author_id, bodyMd=comment.body_md,
            isInternal=comment.is_internal, createdAt=comment.created_at,
        )

        def write(tx: TransactWrite) -> None:
            tx.save(item, condition=CommentItem.pk.does_not_exist())
            if before is not None and after is not None:
                tx.save(ticket_item(tenant_id, after), condition=TicketItem.version == before.version)
            self._transactions.publish(tx, tenant_id, events)

        def outcome() -> Outcome:
            stored = get_item(CommentItem, item.pk, item.sk)
            if stored is not None:
                return Outcome.DONE
            if before is not None and after is not None:
                return self._ticket_outcome(tenant_id, before, after)()
            return Outcome.RETRY

        self._commit(write, StaleTicket, outcome)

    def list_comments(
        self, tenant_id: str, ticket_id: str, include_internal: bool, limit: int, cursor: str | None
    ) -> Page[Comment]:
        partition = ticket_pk(tenant_id, ticket_id)
        results = CommentItem.query(
            partition,
            range_key_condition=CommentItem.sk.startswith(COMMENT_SK_PREFIX),
            filter_condition=None if include_internal else CommentItem.isInternal == False,  # noqa: E712
            consistent_read=True,
            limit=limit,
            page_size=limit,
            last_evaluated_key=self._cursors.decode(cursor, partition),
        )
        return cursor_page(results, comment_record, limit, self._cursors, partition)

    def add_watcher(self, tenant_id: str, ticket_id: str, user_id: str, now: str) -> None:
        item = WatcherItem(ticket_pk(tenant_id, ticket_id), f"{WATCHER_SK_PREFIX}{user_id}", userId=user_id,
                            createdAt=now)
        try:
            item.save(condition=WatcherItem.pk.does_not_exist())
        except PynamoDBException as exc:
            if isinstance(domain_error_for(exc, ""), Conflict):
                return  # already watching: adding again changes nothing
            raise domain_error_for(exc, "") from exc

    def remove_watcher(self, tenant_id: str, ticket_id: str, user_id: str) -> None:
        try:
            WatcherItem(ticket_pk(tenant_id, ticket_id), f"{WATCHER_SK_PREFIX}{user_id}").delete()
        except PynamoDBException as exc:
            raise domain_error_for(exc, "") from exc

    def list_watchers(self, tenant_id: str, ticket_id: str) -> list[str]:
        results = WatcherItem.query(ticket_pk(tenant_id, ticket_id),
                                     range_key_condition=WatcherItem.sk.startswith(WATCHER_SK_PREFIX),
                                     consistent_read=True)
        watchers = [item.userId for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        return watchers
