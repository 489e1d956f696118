"""Fixes to moto, applied to the local stack's in-process moto.

Cognito: moto lets a user write any attribute of their own (SignUp, UpdateUserAttributes with their access
token), whatever the app client's WriteAttributes say, and accepts SignUp on a pool that allows only
administrators to create users; Cognito refuses both. Without this a local user could sign up (or move
themselves) into another tenant by writing custom:tenant_id. Also RevokeToken, which moto lacks, and the app
client's token validity: moto signs every ID and access token for an hour, whatever the client says.

STS: moto assumes any role, existing or not, whatever its trust policy says. AWS assumes an existing role only,
and only when its trust policy lets the caller in: here the role must exist in its account, and a trust policy
whose every Allow statement asks for an `sts:ExternalId` (StringEquals or StringLike) admits only a call carrying
one it names or matches. A monitoring
integration's account proof relies on exactly that (opsdesk.copilot.integrations). Principals are not compared:
locally every caller is moto's one account.

DynamoDB, two fixes to TransactWriteItems:

1. moto keeps a rollback copy of every table a transaction touches with `copy.deepcopy`, once per item of the
   transaction, stream records included: a write costs O(table) and the local stack slowed down with every
   issue created (a 9-item create took 0.5 s at a few hundred items). Here the rollback copy is an undo log of
   the items the transaction touches, so a transaction costs O(its items), as on DynamoDB.
2. moto runs concurrent transactions interleaved (its server is threaded), so two could both pass a condition
   meant to let only one through, or crash deep-copying a table another one is changing. DynamoDB isolates
   transactions; here they take one lock.
3. The same for single-item writes, answer included: moto renders UpdateItem's `ReturnValues` from the live item
   after its update, so two concurrent `ADD`s could both answer the later value (the event log reserves its
   numbers with one: two writers got one number and another was never used), and two conditional puts could both
   pass. DynamoDB applies and answers each atomically; here PutItem, UpdateItem and DeleteItem requests, answer
   and all, take the transactions' lock.
4. Stream reads too: a transaction that fails its last condition has already appended its stream records, which
   its undo then removes, and the next write reuses their sequence numbers. A GetRecords in between read those
   records of a write that never happened and moved its iterator past numbers that a real record then took: the
   fan-out lost that record (a room never got its push). DynamoDB streams show committed writes only; here
   GetRecords takes the transactions' lock.

5. A Query of a table's own key reads its partition. moto's Table.query went through `all_items()`, which lists
   and sorts the whole table, for every Query: each request got slower with every item any test, seed or alert
   storm had written (a route lookup of the alert path, an event-log page). Here a Query without an index hands
   moto the partition's items alone, in sort-key order, by a thread-local stand-in for `all_items()`; what moto
   then does (conditions, filters, pages, order) is unchanged. Queries of an index still match every item, but
   no longer sort the whole table first (moto sorts the matches).

Opt-in (emulate_transaction_conflicts): DynamoDB refuses a transaction whose items another transaction is still
working on (TransactionConflict); moto, whose transactions take one lock, never does, so a burst of one tenant's
writes could not show the contention its counter items cause. With a hold time set, a transaction claims its
items for that long (its time under way on DynamoDB) and then applies, and one that meets a claimed item is
cancelled as DynamoDB cancels it.
The write-burst benchmark turns it on (scripts/benchlib/bursts.py); the local stack leaves it off.

And one addition: every DynamoDB write request (the four above and BatchWriteItem) moves a write generation on
and wakes whoever waits for one (`wait_for_writes`). The local stream pollers sleep on it instead of asking
moto for records ten times a second, and the periodic snapshot is skipped while nothing was written: together
they were most of an idle stack's CPU.
"""

from __future__ import annotations

import copy
import inspect
import json
import threading
import time
import types
from typing import Any

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

transaction_lock = threading.RLock()
_PATCHED_MARK = "_opsdesk_undo_log"
_writes = threading.Condition()
_write_generation = 0


def write_generation() -> int:
    """How many DynamoDB write requests moto has answered (or refused) so far."""
    with _writes:
        return _write_generation


def wait_for_writes(seen: int, timeout: float) -> int:
    """Block until a write request after generation `seen` ends, or `timeout` passes; the generation then."""
    with _writes:
        _writes.wait_for(lambda: _write_generation != seen, timeout)
        return _write_generation


def _note_write() -> None:
    global _write_generation  # noqa: PLW0603 - one counter for the in-process moto, guarded by its condition
    with _writes:
        _write_generation += 1
        _writes.notify_all()


def _deepcopy_except_tables(value: Any, memo: Any = None) -> Any:
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _touched(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    touched = []
    for entry in transact_items:
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName", ""))
        if table is None or op_type == "ConditionCheck":
            continue
        if op_type == "Put":
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs.get(table.range_key_attr)
        else:
            key = op.get("Key", {})
        touched.append((table.name, key))
    return touched


def _undo_log(backend: DynamoDBBackend, touched: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    items = []
    for table_name, key in touched:
        try:
            current = backend.get_item(table_name, key)
        except Exception:  # noqa: BLE001 - a malformed key fails the transaction itself; nothing to undo
            continue
        items.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
    streams = {name: len(table.stream_shard.items) for name, table in backend.tables.items() if table.stream_shard}
    return {"items": items, "streams": streams}


def _undo(backend: DynamoDBBackend, log: dict[str, Any]) -> None:
    for table_name, key, attributes in reversed(log["items"]):
        if attributes is None:
            backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, attributes)
    # The undo's own writes and the cancelled transaction's left stream records: a cancelled one emits none.
    for table_name, length in log["streams"].items():
        shard = backend.tables[table_name].stream_shard
        if shard is not None:
            del shard.items[length:]


def _install_client_write_attributes() -> None:
    from moto.cognitoidp.exceptions import NotAuthorizedError
    from moto.cognitoidp.models import CognitoIdpBackend, CognitoIdpUser, CognitoIdpUserPool

    def check_writable(pool: CognitoIdpUserPool, client_id: str, attributes: list[dict[str, str]] | None) -> None:
        client = pool.clients.get(client_id)
        writable = client.extended_config.get("WriteAttributes") if client else None
        if writable is not None and any(a["Name"] not in writable for a in attributes or []):
            raise NotAuthorizedError("A client attempted to write unauthorized attribute")

    moto_update = CognitoIdpBackend.update_user_attributes
    moto_sign_up = CognitoIdpBackend.sign_up

    def update_user_attributes(self: CognitoIdpBackend, access_token: str, attributes: list[dict[str, str]]) -> None:
        for pool in self.user_pools.values():
            if access_token in pool.access_tokens:
                client_id, _ = pool.access_tokens[access_token]
                check_writable(pool, client_id, attributes)
        moto_update(self, access_token, attributes)

    def sign_up(self: CognitoIdpBackend, client_id: str, username: str, password: str,
                attributes: list[dict[str, str]]) -> tuple[CognitoIdpUser, Any]:
        for pool in self.user_pools.values():
            if client_id in pool.clients:
                if pool.extended_config.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly"):
                    # Cognito's answer when self sign-up is off (the CDK pool: self_sign_up_enabled=False).
                    raise NotAuthorizedError("SignUp is not permitted for this user pool")
                check_writable(pool, client_id, attributes)
        return moto_sign_up(self, client_id, username, password, attributes)

    CognitoIdpBackend.update_user_attributes = update_user_attributes  # type: ignore[method-assign]
    CognitoIdpBackend.sign_up = sign_up  # type: ignore[method-assign]


def _install_revoke_token() -> None:
    """Cognito's RevokeToken, which moto lacks (the copilot's logout): the refresh token stops working, as on
    AWS. An unknown token is accepted silently, as Cognito does."""
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.cognitoidp.responses import CognitoIdpResponse

    def revoke_token(self: CognitoIdpBackend, token: str, client_id: str) -> None:
        for pool in self.user_pools.values():
            if token in pool.refresh_tokens and client_id in pool.clients:
                pool.refresh_tokens[token] = None

    def revoke_token_response(self: CognitoIdpResponse) -> str:
        self.backend.revoke_token(self._get_param("Token"), self._get_param("ClientId"))
        return "{}"

    CognitoIdpBackend.revoke_token = revoke_token  # type: ignore[attr-defined]
    CognitoIdpResponse.revoke_token = revoke_token_response  # type: ignore[attr-defined]


TOKEN_VALIDITY_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86_400}


def token_validity_seconds(client_config: dict[str, Any], token_use: str) -> int | None:
    """How long an app client's ID or access tokens live, as Cognito reads `IdTokenValidity` /
    `AccessTokenValidity` in the client's `TokenValidityUnits` (hours unless set); None when the client sets none."""
    validity = client_config.get("IdTokenValidity" if token_use == "id" else "AccessTokenValidity")
    if not validity:
        return None
    unit = (client_config.get("TokenValidityUnits") or {}).get("IdToken" if token_use == "id" else "AccessToken")
    return int(validity) * TOKEN_VALIDITY_SECONDS.get(unit or "hours", 3600)


def _install_token_validity() -> None:
    """moto signs every ID and access token for one hour, whatever the app client says; Cognito honours the
    client's validity (the copilot's client: 15 minutes, its document's access token)."""
    from moto.cognitoidp.models import CognitoIdpUserPool

    moto_create_jwt = CognitoIdpUserPool.create_jwt

    def create_jwt(self: CognitoIdpUserPool, client_id: str, username: str, token_use: str,  # noqa: PLR0917 - moto's
                   expires_in: int = 60 * 60, extra_data: dict[str, Any] | None = None) -> tuple[str, int]:
        client = self.clients.get(client_id)
        configured = token_validity_seconds(client.extended_config, token_use) if client is not None else None
        return moto_create_jwt(self, client_id, username, token_use, configured or expires_in, extra_data)

    CognitoIdpUserPool.create_jwt = create_jwt  # type: ignore[method-assign]


def admits_external_id(trust_policy: str | dict[str, Any], external_id: str | None) -> bool:
    """Whether a role's trust policy lets an AssumeRole with `external_id` (None: without one) in, as far as the
    external ID goes: an Allow statement without an `sts:ExternalId` condition lets any call in; one with a
    StringEquals or StringLike condition (keys compared without case, as AWS does) only a call carrying an ID it
    names or matches."""
    import json
    from fnmatch import fnmatchcase

    document = json.loads(trust_policy) if isinstance(trust_policy, str) else trust_policy
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow":
            continue
        conditions = {(operator.lower(), key.lower()): value
                      for operator, keys in statement.get("Condition", {}).items() for key, value in keys.items()}
        wanted = {operator: value for (operator, key), value in conditions.items() if key == "sts:externalid"}
        if not wanted:
            return True
        for operator, value in wanted.items():
            values = value if isinstance(value, list) else [value]
            if external_id is not None and (
                    (operator == "stringequals" and external_id in values)
                    or (operator == "stringlike" and any(fnmatchcase(external_id, v) for v in values))):
                return True
    return False


def _install_role_trust() -> None:
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError
    from moto.sts.models import STSBackend

    moto_assume_role = STSBackend.assume_role

    def assume_role(self: STSBackend, region_name: str, role_session_name: str, role_arn: str, policy: str,  # noqa: PLR0917 - moto's
                    duration: int, external_id: str) -> Any:
        parts = role_arn.split(":")
        role = None if len(parts) < 6 else next(  # noqa: PLR2004 - arn:partition:iam::account:role/name
            (r for r in iam_backends[parts[4]][parts[1]].get_roles() if r.arn == role_arn), None)
        if role is None:
            raise STSClientError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on {role_arn}")
        if not admits_external_id(role.assume_role_policy_document, external_id):
            raise STSClientError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on {role_arn}")
        return moto_assume_role(self, region_name, role_session_name, role_arn, policy, duration, external_id)

    STSBackend.assume_role = assume_role  # type: ignore[method-assign]
    # AWS answers AccessDenied without a shape in STS's model; moto serialises it all the same, with a warning
    import warnings

    warnings.filterwarnings("ignore", message=r"Exception\(STSClientError\) with code AccessDenied does not match")


def install() -> None:
    if getattr(DynamoDBBackend.transact_write_items, _PATCHED_MARK, False):
        return
    _install_role_trust()
    _install_client_write_attributes()
    _install_revoke_token()
    _install_token_validity()
    shim = types.SimpleNamespace(**{name: getattr(copy, name) for name in dir(copy) if not name.startswith("__")})
    shim.deepcopy = _deepcopy_except_tables
    dynamodb_models.copy = shim  # type: ignore[attr-defined]
    moto_transact = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with transaction_lock:
            log = _undo_log(self, _touched(self, transact_items))
            try:
                moto_transact(self, transact_items)
            except Exception:
                _undo(self, log)
                raise

    setattr(transact_write_items, _PATCHED_MARK, True)
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoHandler, name, _counted(_atomic(getattr(DynamoHandler, name))))
    DynamoHandler.transact_write_items = _claiming(DynamoHandler.transact_write_items)  # type: ignore[method-assign]
    DynamoHandler.batch_write_item = _counted(DynamoHandler.batch_write_item)  # type: ignore[method-assign]
    DynamoDBStreamsHandler.get_records = _atomic(DynamoDBStreamsHandler.get_records)  # type: ignore[method-assign]
    _install_partition_queries()


_partition = threading.local()


def _install_partition_queries() -> None:
    moto_query = Table.query
    moto_all_items = Table.all_items
    signature = inspect.signature(moto_query)

    def all_items(self: Table) -> list[Any]:
        narrowed = getattr(_partition, "items", None)
        if narrowed is not None and narrowed[0] is self:
            return list(narrowed[1])
        return moto_all_items(self)

    def query(self: Table, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        hash_key = bound.arguments.get("hash_key")
        stored = None if hash_key is None else self.items.get(hash_key)
        if bound.arguments.get("index_name") or hash_key is None:
            # moto matches every item against the index's key and sorts what matched: the table's own sort
            # of every item first is wasted work.
            items: list[Any] = [item for held in list(self.items.values())
                                for item in (list(held.values()) if self.range_key_attr else [held])]
        elif stored is None:
            items = []
        elif self.range_key_attr:
            items = sorted(stored.values(), key=lambda item: item.range_key)
        else:
            items = [stored]
        _partition.items = (self, items)
        try:
            return moto_query(self, *args, **kwargs)
        finally:
            _partition.items = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


class _Claims:
    """Items held by transactions under way (emulate_transaction_conflicts), and how many were cancelled."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hold_seconds = 0.0
        self.held: set[str] = set()
        self.conflicts = 0


_claims = _Claims()


def emulate_transaction_conflicts(hold_seconds: float) -> None:
    """From now on each transaction holds its items for `hold_seconds` before it applies (0: off, moto's way)."""
    with _claims.lock:
        _claims.hold_seconds = hold_seconds


def transaction_conflicts() -> int:
    """Transactions cancelled with TransactionConflict so far."""
    with _claims.lock:
        return _claims.conflicts


def held_items() -> int:
    """Items claimed by transactions under way now."""
    with _claims.lock:
        return len(_claims.held)


def _claiming(request: Any) -> Any:
    def claiming_request(self: Any) -> Any:
        hold = _claims.hold_seconds
        if not hold:
            return request(self)
        from moto.dynamodb.exceptions import TransactionCanceledException

        touched = [json.dumps([table, key], sort_keys=True)
                   for table, key in _touched(self.dynamodb_backend, self.body["TransactItems"])]
        with _claims.lock:
            taken = [key in _claims.held for key in touched]
            if any(taken):
                _claims.conflicts += 1
                conflict = ("TransactionConflict", "Transaction is ongoing for the item", None)
                raise TransactionCanceledException([conflict if busy else (None, None, None) for busy in taken])
            _claims.held.update(touched)
        try:
            time.sleep(hold)  # the transaction under way on DynamoDB: its items are claimed for this long
        finally:
            with _claims.lock:
                _claims.held.difference_update(touched)
        # Then it applies, in moto's one-write-at-a-time line: waiting in that line is moto's, not DynamoDB's, so
        # the items are not held while it waits.
        return request(self)

    return claiming_request


def _atomic(request: Any) -> Any:
    def atomic_request(self: Any) -> Any:
        with transaction_lock:
            return request(self)

    return atomic_request


def _counted(request: Any) -> Any:
    def counted_request(self: Any) -> Any:
        try:
            return request(self)
        finally:
            _note_write()

    return counted_request
