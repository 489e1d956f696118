"""What every DynamoDB repository shares: model configuration from settings, the items-read meter, and the
mapping of DynamoDB failures onto domain errors."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from opsdesk import pagination
from opsdesk.errors import Conflict, RateLimited
from opsdesk.events import DomainEvent
from opsdesk.keys import counter_of, spill_sk, through_spills
from opsdesk.pagination import Page

# Re-exported: repositories and benchmarks take the items-read meter from here (it lives in opsdesk.readmeter).
from opsdesk.readmeter import ItemsRead as ItemsRead  # noqa: PLC0414
from opsdesk.readmeter import metered_reads as metered_reads  # noqa: PLC0414
from opsdesk.readmeter import record_items_read as record_items_read  # noqa: PLC0414
from opsdesk.settings import PlatformSettings

if TYPE_CHECKING:
    from opsdesk.cursors import CursorCodec
    from opsdesk.eventlog import EventLog, EventSlot

THROTTLING_CODES = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "LimitExceededException"}
)
CONDITION_CODES = frozenset({"ConditionalCheckFailedException"})
# Lost a race with another transaction: nobody's data was wrong, so the client may simply retry (503).
RACE_CODES = frozenset({"TransactionConflictException"})
# A retry with the same client request token while the first attempt is still being applied.
IN_PROGRESS_CODES = frozenset({"TransactionInProgressException"})
RETRY_AFTER_SECONDS = "1"


UNBOUND_TABLE = "opsdesk-unbound-table"


def unbound_meta() -> Any:
    """The `Meta` of a table's item base class until its repository binds it (bind_table). A model used before
    that names a table that does not exist, so the mistake fails at once rather than writing somewhere."""
    return type("Meta", (), {"table_name": UNBOUND_TABLE, "region": None, "host": None})


def bind_table(base: type[Model], table_name: str, settings: PlatformSettings) -> None:
    """Point the item classes of one table (`base` and its subclasses share its Meta) at the physical table,
    the region and, locally, moto's endpoint. Repositories call it in their constructor, with the settings they
    were given, so nothing is bound at import and no caller has to set the environment before importing."""
    meta = base.Meta
    wanted = (table_name, settings.aws_region, settings.aws_endpoint_url)
    if (meta.table_name, meta.region, meta.host) == wanted:
        return
    meta.table_name, meta.region, meta.host = wanted
    pending: list[type[Model]] = [base]
    while pending:  # connections are cached per class, with the old table's name in them
        model = pending.pop()
        model._connection = None
        pending.extend(model.__subclasses__())


def index_model(name: str, partition: str, sort: str) -> type[GlobalSecondaryIndex[Any]]:
    """A pynamodb index class for one of a table's GSIs (opsdesk.tables), projection ALL as every index has."""
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    attributes = {partition: UnicodeAttribute(hash_key=True), sort: UnicodeAttribute(range_key=True), "Meta": meta}
    return type(f"_{name}", (GlobalSecondaryIndex,), attributes)


def connection_for(settings: PlatformSettings) -> Connection:
    """A low-level connection (transactions) for the settings' region and endpoint."""
    return Connection(region=settings.aws_region, host=settings.aws_endpoint_url)


def error_code(exc: BaseException) -> str | None:
    """The DynamoDB error code behind a pynamodb or botocore exception, if there is one."""
    cause: Any = getattr(exc, "cause", None) or exc
    response = getattr(cause, "response", None) or {}
    code = response.get("Error", {}).get("Code")
    if code == "TransactionCanceledException":
        codes = _cancellation_codes(exc, response)
        if "ConditionalCheckFailed" in codes:
            return "ConditionalCheckFailedException"
        if codes & {"ThrottlingError", "ProvisionedThroughputExceeded"}:
            return "ThrottlingException"
        if "TransactionConflict" in codes:
            return "TransactionConflictException"
    return str(code) if code else None


def is_retryable_transaction_failure(exc: BaseException) -> bool:
    """A transaction that lost a race with another (TransactionConflict) or hit a server error may be run again:
    a cancelled transaction wrote nothing."""
    if error_code(exc) in RACE_CODES | IN_PROGRESS_CODES:
        return True
    cause: Any = getattr(exc, "cause", None) or exc
    status = (getattr(cause, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return int(status) >= 500


def _cancellation_codes(exc: BaseException, response: dict[str, Any]) -> set[str]:
    """Why a transaction was cancelled: pynamodb parses the reasons, plain botocore leaves them in the response."""
    parsed = getattr(exc, "cancellation_reasons", None)
    if parsed:
        return {reason.code for reason in parsed if reason is not None}
    return {r.get("Code") for r in response.get("CancellationReasons") or [] if r.get("Code") not in (None, "None")}


def domain_error_for(exc: BaseException, conflict_message: str) -> BaseException:
    """Throttling and lost transaction races become a 429 with Retry-After; a failed condition a 409;
    anything else stays as is (and is a 500)."""
    code = error_code(exc)
    if code in THROTTLING_CODES or code in RACE_CODES or code in IN_PROGRESS_CODES:
        # 429 with Retry-After: every module's document knows it, and it tells the client what to do.
        return RateLimited("Too many concurrent requests; retry shortly", headers={"Retry-After": RETRY_AFTER_SECONDS})
    if code in CONDITION_CODES:
        return Conflict(conflict_message)
    return exc


class Outcome(Enum):
    """What a transaction whose condition failed turned out to be (see run_transaction)."""

    DONE = "done"
    RETRY = "retry"
    CONFLICT = "conflict"


TRANSACTION_RETRY_SECONDS = 10.0
"""How long lost races are retried before a 429. Time, not a count of attempts: a burst of one tenant's writers
(their transactions share the tenant's counter items) drains in turns whose length depends on how fast the table
answers, and a slow table (moto on a busy machine) must not turn the same burst into 429s. Well inside the
functions' 25 s timeout."""
TRANSACTION_BACKOFF_SECONDS = 0.01
TRANSACTION_BACKOFF_CAP_SECONDS = 0.25


def run_transaction(
    connection: Connection,
    write: Callable[[TransactWrite], None],
    conflict: Callable[[BaseException], BaseException],
    on_condition_failed: Callable[[], Outcome],
    *,
    transaction: type[TransactWrite] = TransactWrite,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    after_failed_attempt: Callable[[], None] = lambda: None,
) -> None:
    """Run one transaction, staged by `write` anew on every attempt. Concurrent writers of a tenant collide on its
    counters (TransactionConflict) although neither is wrong: those, and server errors, are
    retried with full jitter; a failed condition is asked about. A server error does not say whether the write
    happened, so a retry may meet its own earlier write: `on_condition_failed` tells our own earlier write (DONE)
    from someone else's change (CONFLICT: `conflict(exc)` is raised) from an event number a reader filled while
    this writer was too slow (RETRY: the next attempt reserves new numbers, opsdesk.eventlog). Races still lost
    after TRANSACTION_RETRY_SECONDS are a 429."""
    deadline = clock() + TRANSACTION_RETRY_SECONDS
    attempt = 0
    lost_a_race = _always_spill.get() or time.monotonic() < _contended_until  # the process's clock, not `clock`
    while True:
        attempt += 1
        # After a lost race, counters go to a spill item (counter_sk): colliding writers spread out.
        shard = _spill_shard.set(random.randrange(COUNTER_SPILL_SHARDS) if lost_a_race else None)
        try:
            with transaction(connection=connection) as tx:
                write(tx)
            return
        except PynamoDBException as exc:
            after_failed_attempt()
            outcome = Outcome.CONFLICT
            if error_code(exc) in RACE_CODES:
                lost_a_race = True
                _note_contention(time.monotonic() + CONTENDED_SECONDS)
            if is_retryable_transaction_failure(exc):
                outcome = Outcome.RETRY
            elif error_code(exc) in CONDITION_CODES:
                outcome = on_condition_failed()
            if outcome is Outcome.DONE:
                return
            pause = random.uniform(0, min(TRANSACTION_BACKOFF_CAP_SECONDS,
                                          TRANSACTION_BACKOFF_SECONDS * 2 ** min(attempt, 16)))
            if outcome is Outcome.RETRY and clock() + pause < deadline:
                sleep(pause)
                continue
            if outcome is Outcome.RETRY:
                raise RateLimited("Too many concurrent writes; retry shortly",
                                  headers={"Retry-After": RETRY_AFTER_SECONDS}) from exc
            if error_code(exc) in CONDITION_CODES:
                raise conflict(exc) from exc
            raise domain_error_for(exc, "Resource conflict") from exc
        finally:
            _spill_shard.reset(shard)


CONTENDED_SECONDS = 10.0
"""After a lost race, this process's transactions spill from their first attempt for this long: in a burst, the
writers after the first collision would otherwise each lose one attempt on the counter items themselves."""
_contended_until = float("-inf")


def forget_contention() -> None:
    """As a fresh process starts (benchmarks compare runs from the same start)."""
    global _contended_until  # noqa: PLW0603 - see _note_contention
    _contended_until = float("-inf")


def _note_contention(until: float) -> None:
    global _contended_until  # noqa: PLW0603 - one hint per process, read without a lock (a stale read costs a retry)
    _contended_until = max(_contended_until, until)


COUNTER_SPILL_SHARDS = 16
"""Spill items per counter item. Writers that collided spread over this many items: a burst of one tenant's creates
commits in ~16 parallel lanes instead of one (docs/data-model.md, "Hot counters")."""
_spill_shard: ContextVar[int | None] = ContextVar("counter_spill_shard", default=None)
_always_spill: ContextVar[bool] = ContextVar("always_spill_counters", default=False)


def counter_sk(sk: str) -> str:
    """Where this transaction attempt adds to the counter item `sk`. A tenant's counter items are touched by every
    write of the tenant, so concurrent writers collide on them (TransactionConflict). The first attempt adds to
    the item itself; an attempt after a lost race adds to one of its spill items (`sk#SPILL#nn`, the same shard for
    every counter of the attempt). Readers sum an item and its spills (counter_totals): a tenant that never had a
    collision reads one item, as before; totals stay exact either way, since every add is in its transaction."""
    shard = _spill_shard.get()
    return sk if shard is None else spill_sk(sk, shard)


@contextmanager
def spilling_counters() -> Iterator[None]:
    """Every transaction in the block adds to spill items from its first attempt (tests: that readers sum them)."""
    token = _always_spill.set(True)
    try:
        yield
    finally:
        _always_spill.reset(token)


def counter_totals(model: type[Model], pk: str, low: str, high: str,
                   attributes: Sequence[str] | None = None) -> dict[str, Counter[str]]:
    """The number attributes of the counter items from `low` to `high` (counter item keys) in partition `pk`, each
    summed with its spill items: one Query (paged), counted in items read. Keys are the counter items'."""
    connection = model._get_connection()
    sort_key: Any = model._range_key_attribute()  # type: ignore[no-untyped-call]
    wanted = [sort_key.attr_name, *attributes] if attributes else None
    totals: dict[str, Counter[str]] = {}
    start_key = None
    while True:
        page = connection.query(pk, range_key_condition=sort_key.between(low, through_spills(high)),
                                attributes_to_get=wanted, exclusive_start_key=start_key, consistent_read=True)
        for item in page.get("Items", []):
            sk = item[sort_key.attr_name]["S"]
            totals.setdefault(counter_of(sk), Counter()).update(
                {name: int(Decimal(value["N"])) for name, value in item.items() if "N" in value})
        record_items_read(int(page.get("ScannedCount", 0)))
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return totals


def get_item(model: type[Any], pk: str, sk: str, *, consistent: bool = True) -> Any:
    """One item by key, or None; counted in the request's items read. Strongly consistent by default: a client
    that has just created or changed something reads it back at once."""
    try:
        item = model.get(pk, sk, consistent_read=consistent)
    except model.DoesNotExist:
        return None
    except PynamoDBException as exc:
        raise domain_error_for(exc, "Read failed") from exc
    record_items_read(1)
    return item


def all_of(conditions: Iterable[Condition]) -> Condition | None:
    """The conditions joined with AND; None for none (pynamodb takes None as no condition)."""
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


class Transactions:
    """How a repository writes: one transaction at a time through run_transaction, with the events of the change
    staged in the same transaction when the repository has an event log (so a change and its event commit or fail
    together)."""

    def __init__(self, connection: Connection, event_log: EventLog | None = None) -> None:
        self.connection = connection
        self._events = event_log

    def publish(self, tx: TransactWrite, tenant_id: str, events: Sequence[DomainEvent]) -> None:
        if events and self._events is None:
            # A change that announces events was built without the log to keep them in: dropping them would lose
            # them silently (the response ingest's room messages were, until its function declared the table).
            raise RuntimeError(f"{len(events)} event(s) published by a repository built without an event log")
        if events and self._events is not None:
            staged = self._events.stage(tx, tenant_id, list(events), datetime.now(UTC))
            attempt_slots = _attempt_slots.get(None)
            if attempt_slots is not None:
                attempt_slots.extend(staged)

    def commit(self, write: Callable[[TransactWrite], None], conflict: Callable[[BaseException], BaseException],
               on_condition_failed: Callable[[], Outcome]) -> None:
        """The event numbers an attempt reserved are voided when it does not commit (see opsdesk.eventlog). An
        attempt whose number a reader had filled already (it took longer than GAP_SECONDS) is tried again with new
        numbers, whatever `on_condition_failed` would say of its change."""
        slots: list[EventSlot] = []
        taken: list[EventSlot] = []

        def attempt(tx: TransactWrite) -> None:
            slots.clear()
            token = _attempt_slots.set(slots)
            try:
                write(tx)
            finally:
                _attempt_slots.reset(token)

        def void() -> None:
            taken.clear()
            if slots and self._events is not None:
                taken.extend(self._events.void(list(slots)))

        def outcome() -> Outcome:
            return Outcome.RETRY if taken else on_condition_failed()

        run_transaction(self.connection, attempt, conflict, outcome, transaction=TransactWrite,
                        after_failed_attempt=void)


_attempt_slots: ContextVar[list[EventSlot] | None] = ContextVar("event_slots_of_this_attempt", default=None)
"""The event numbers the transaction attempt being staged (in this thread) has reserved."""


RecordT = TypeVar("RecordT")


def cursor_page(results: Any, convert: Callable[[Any], RecordT], limit: int, cursors: CursorCodec,
                scope: str) -> Page[RecordT]:
    """One Query's page (`results`, asked with `limit`) as a Page: its records, the items it read metered, and the
    signed cursor of the next page when this one came back full, or ended at pagination.PAGE_BYTES (with the
    cursor of the item it ended on, so a client that follows cursors loses nothing)."""
    records: list[RecordT] = []
    size, budget = 0, pagination.PAGE_BYTES  # read at call time: tests lower it
    for item in results:
        records.append(convert(item))
        # The stored item holds what its view shows (and a little more): measured as the answer would carry it.
        size += pagination.answer_bytes(item.serialize(null_check=False))
        if size >= budget:
            break  # resumes after this item: pynamodb's last_evaluated_key is the last item it handed out
    record_items_read(results.page_iter.total_scanned_count)
    full = len(records) == limit or size >= budget
    last = results.last_evaluated_key if full else None
    return Page(records, cursors.encode(last, scope) if last else None)
