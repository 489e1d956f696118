"""WebSocket connections and their subscriptions (ConnectionsTable).

    connection    pk CONN#<connectionId>                sk META            tenant, user (id, name), groups, streams,
                                                                           project, room, sessionId, expiresAt
    subscription  pk T#<tenant>#SUB#<stream>            sk <connectionId>   groups, userId (the user's), expiresAt

A connection belongs to one tenant (from its verified token) and subscribes only to that tenant's streams, so a
fan-out of a tenant's event reaches only that tenant's connections: a Query on the stream's subscription
partition, never a Scan of all connections, read a page at a time (opsdesk.realtime.FANOUT_PAGE_SIZE).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from opsdesk.dynamo import bind_table, record_items_read, unbound_meta
from opsdesk.pagination import Page
from opsdesk.realtime import Connection, Subscriber
from opsdesk.settings import ConnectionSettings, load_settings

META_SK = "META"
MAX_STREAMS_PER_CONNECTION = 20


class _ConnectionsItem(Model):
    Meta = unbound_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expiresAt = NumberAttribute()


class _ConnectionItem(_ConnectionsItem):
    tenantId = UnicodeAttribute()
    userId = UnicodeAttribute()
    groups = UnicodeSetAttribute(null=True)
    streams = UnicodeSetAttribute(null=True)
    projectId = UnicodeAttribute(null=True)
    userName = UnicodeAttribute(null=True)
    room = UnicodeAttribute(null=True)
    sessionId = UnicodeAttribute(null=True)
    """The signed-in session of that token (opsdesk.revocations): a subscribe checks it is not signed out."""


class _SubscriptionItem(_ConnectionsItem):
    groups = UnicodeSetAttribute(null=True)
    """Copied from the connection, so a fan-out knows each subscriber's audience without reading its connection."""
    userId = UnicodeAttribute(null=True)
    """Whose connection: a project stream's fan-out delivers to the project's members only."""


def _connection_pk(connection_id: str) -> str:
    return f"CONN#{connection_id}"


def _subscription_pk(tenant_id: str, stream: str) -> str:
    return f"T#{tenant_id}#SUB#{stream}"


def subscription_key(tenant_id: str, stream: str, connection_id: str) -> dict[str, str]:
    """The key of a subscription item (a benchmark loads subscriptions in bulk with it)."""
    return {"pk": _subscription_pk(tenant_id, stream), "sk": connection_id}


class ConnectionRegistry:
    def __init__(self, settings: ConnectionSettings | None = None, ttl: timedelta | None = None) -> None:
        settings = settings or load_settings(ConnectionSettings)
        bind_table(_ConnectionsItem, settings.connections_table_name, settings)
        self._ttl = ttl or timedelta(hours=settings.connection_ttl_hours)

    def open(
        self, connection_id: str, tenant_id: str, user_id: str, now: datetime, *,
        groups: frozenset[str] = frozenset(), project_id: str | None = None, user_name: str = "",
        room: str | None = None, session_id: str | None = None,
    ) -> None:
        _ConnectionItem(_connection_pk(connection_id), META_SK, tenantId=tenant_id, userId=user_id,
                        groups=set(groups) or None, projectId=project_id, userName=user_name or None, room=room,
                        sessionId=session_id, expiresAt=self._expiry(now)).save()

    def get(self, connection_id: str) -> Connection | None:
        try:
            item = _ConnectionItem.get(_connection_pk(connection_id), META_SK, consistent_read=True)
        except _ConnectionItem.DoesNotExist:
            return None
        finally:
            record_items_read(1)
        return Connection(connection_id, item.tenantId, item.userId, frozenset(item.streams or ()),
                          frozenset(item.groups or ()), item.projectId, item.userName or "", item.room, item.sessionId)

    def subscribe(self, connection: Connection, streams: set[str], now: datetime) -> Connection:
        wanted = set(connection.streams | streams)
        if len(wanted) > MAX_STREAMS_PER_CONNECTION:
            raise ValueError(f"at most {MAX_STREAMS_PER_CONNECTION} streams per connection")
        expires = self._expiry(now)
        with _ConnectionsItem.batch_write() as batch:
            for stream in streams - connection.streams:
                batch.save(_SubscriptionItem(_subscription_pk(connection.tenant_id, stream), connection.id,
                                             groups=set(connection.groups) or None, userId=connection.user_id or None,
                                             expiresAt=expires))
        _ConnectionItem(_connection_pk(connection.id), META_SK).update(
            actions=[_ConnectionItem.streams.set(wanted)] if wanted else [_ConnectionItem.streams.remove()]
        )
        return replace(connection, streams=frozenset(wanted))

    def unsubscribe(self, connection: Connection, streams: set[str]) -> Connection:
        for stream in streams & connection.streams:
            _ConnectionsItem(_subscription_pk(connection.tenant_id, stream), connection.id).delete()
        remaining = connection.streams - streams
        _ConnectionItem(_connection_pk(connection.id), META_SK).update(
            actions=[_ConnectionItem.streams.set(set(remaining))] if remaining else [_ConnectionItem.streams.remove()]
        )
        return replace(connection, streams=frozenset(remaining))

    def close(self, connection_id: str) -> None:
        """Forget the connection and every subscription of it (on $disconnect, or when a post finds it gone)."""
        connection = self.get(connection_id)
        if connection is None:
            return
        for stream in connection.streams:
            _ConnectionsItem(_subscription_pk(connection.tenant_id, stream), connection_id).delete()
        _ConnectionItem(_connection_pk(connection_id), META_SK).delete()

    def subscriber_page(self, tenant_id: str, stream: str, *, limit: int, after: str | None = None) -> Page[Subscriber]:
        """Up to `limit` connections subscribed to one stream of one tenant, in connection-id order, starting after the
        connection id `after` (a Query on the stream's subscription partition). `next_cursor` is the page's last
        connection id when more follow: one item more than the page is read to know that, so a full last page
        hands out no cursor to an empty one. The cursor is a sort key of this partition and nothing else, so it
        cannot reach another tenant's or stream's subscribers."""
        start = {"pk": {"S": _subscription_pk(tenant_id, stream)}, "sk": {"S": after}} if after else None
        results = _SubscriptionItem.query(_subscription_pk(tenant_id, stream), limit=limit + 1,
                                          last_evaluated_key=start,
                                          attributes_to_get=["sk", "groups", "userId", "expiresAt"])
        found = [Subscriber(item.sk, frozenset(item.groups or ()), item.userId,
                            int(item.expiresAt) if item.expiresAt is not None else None) for item in results]
        record_items_read(results.page_iter.total_scanned_count)
        if len(found) <= limit:
            return Page(found)
        return Page(found[:limit], next_cursor=found[limit - 1].connection_id)

    def _expiry(self, now: datetime) -> int:
        return int((now + self._ttl).timestamp())
