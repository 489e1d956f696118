from __future__ import annotations

from typing import Any, cast

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import TransactWriteError

from opsdesk.dynamo import TRANSACTION_RETRY_SECONDS, Outcome, metered_reads, record_items_read, run_transaction
from opsdesk.errors import RateLimited


def test_items_read_meters_nest_so_an_outer_meter_sees_inner_reads() -> None:
    with metered_reads() as outer:
        record_items_read(2)
        with metered_reads() as inner:
            record_items_read(5)

    assert (inner.items, outer.items) == (5, 7)


def test_reads_outside_any_meter_are_not_counted_anywhere() -> None:
    record_items_read(3)

    with metered_reads() as meter:
        pass

    assert meter.items == 0


class _RacedTransaction:
    """A TransactWrite that loses its race to another writer for the first `losses` commits of the test."""

    losses = 0
    commits = 0

    def __init__(self, connection: object) -> None:
        del connection

    def __enter__(self) -> _RacedTransaction:
        return self

    def __exit__(self, *exc: object) -> None:
        type(self).commits += 1
        if type(self).commits <= type(self).losses:
            raise TransactWriteError("lost", cause=ClientError(
                {"Error": {"Code": "TransactionConflictException", "Message": "conflict"}}, "TransactWriteItems"))


def _raced(losses: int) -> type[_RacedTransaction]:
    return type("Raced", (_RacedTransaction,), {"losses": losses, "commits": 0})


def test_lost_races_are_retried_for_a_time_however_many_attempts_that_takes() -> None:
    clock = [0.0]
    transaction = _raced(losses=40)

    run_transaction(cast(Any, None), lambda tx: None, lambda exc: exc, lambda: Outcome.RETRY,
                    transaction=cast(Any, transaction), clock=lambda: clock[0],
                    sleep=lambda seconds: clock.__setitem__(0, clock[0] + seconds))

    assert transaction.commits == 41 and clock[0] < TRANSACTION_RETRY_SECONDS


def test_races_still_lost_when_the_retry_time_is_spent_are_a_429_with_retry_after() -> None:
    clock = [0.0]

    def slow_sleep(seconds: float) -> None:
        clock[0] += 1.0 + seconds  # a busy table: each turn takes a second

    with pytest.raises(RateLimited) as refused:
        run_transaction(cast(Any, None), lambda tx: None, lambda exc: exc, lambda: Outcome.RETRY,
                        transaction=cast(Any, _raced(losses=1_000)), clock=lambda: clock[0], sleep=slow_sleep)

    assert refused.value.headers == {"Retry-After": "1"}
    assert TRANSACTION_RETRY_SECONDS - 2 <= clock[0] <= TRANSACTION_RETRY_SECONDS + 1.25  # no pause begun past it


def test_a_repository_without_an_event_log_refuses_to_publish_rather_than_drop_the_events() -> None:
    from opsdesk.dynamo import Transactions
    from opsdesk.events import TENANT_STREAM, DomainEvent

    events = [DomainEvent("issue.created", TENANT_STREAM, {"id": "i1"})]
    with pytest.raises(RuntimeError, match="without an event log"):
        Transactions(cast(Any, None)).publish(cast(Any, None), "t1", events)
    Transactions(cast(Any, None)).publish(cast(Any, None), "t1", [])  # nothing to announce: nothing to refuse


def test_a_log_that_discards_is_an_explicit_choice_and_stages_nothing() -> None:
    from opsdesk.dynamo import Transactions
    from opsdesk.eventlog import DiscardedEvents
    from opsdesk.events import TENANT_STREAM, DomainEvent

    transactions = Transactions(cast(Any, None), DiscardedEvents())
    transactions.publish(cast(Any, None), "t1", [DomainEvent("issue.created", TENANT_STREAM, {"id": "i1"})])


class _ThrottledTable:
    """A table's connection that leaves each call's last request unprocessed the first `throttled` times, as
    DynamoDB does under throttling; it records what each call sent."""

    class Meta:
        table_name = "t"

    def __init__(self, throttled: int) -> None:
        self.throttled, self.calls = throttled, []
        self.connection = self

    def _get_connection(self) -> _ThrottledTable:
        return self

    def batch_write_item(self, table: str, **requests: Any) -> dict[str, Any]:
        kind, sent = next(iter(requests.items()))
        self.calls.append((kind, list(sent)))
        if self.throttled:
            self.throttled -= 1
            request = ({"DeleteRequest": {"Key": sent[-1]}} if kind == "delete_items"
                       else {"PutRequest": {"Item": sent[-1]}})
            return {"UnprocessedItems": {table: [request]}}
        return {}


class _Keyed:
    def __init__(self, key: str) -> None:
        self.key = key

    def _get_keys(self) -> dict[str, Any]:
        return {"pk": self.key}  # as pynamodb gives them: plain values, typed from the table's schema when sent

    def serialize(self) -> dict[str, Any]:
        return {"pk": {"S": self.key}, "n": {"N": "1"}}


def test_batch_deletes_send_what_dynamodb_left_unprocessed_again_by_key() -> None:
    from opsdesk.dynamo_batches import batch_delete

    table = _ThrottledTable(throttled=2)
    items = [_Keyed(f"k{i}") for i in range(30)]

    report = batch_delete(cast(Any, table), cast(Any, items))

    # calls of at most 25; the first call's unprocessed key is sent again alone (twice) before the next 5 go
    assert [kind for kind, _ in table.calls] == ["delete_items"] * 4
    assert [len(sent) for _, sent in table.calls] == [25, 1, 1, 5]
    assert table.calls[1][1] == table.calls[2][1] == [{"pk": "k24"}]
    assert (report.items, report.requests) == (30, 4)


def test_batch_writes_still_unprocessed_after_the_last_attempt_are_a_429() -> None:
    from opsdesk.dynamo_batches import batch_delete, batch_put

    for write in (batch_put, batch_delete):
        with pytest.raises(RateLimited):
            write(cast(Any, _ThrottledTable(throttled=3)), cast(Any, [_Keyed("k")]), attempts=3)
