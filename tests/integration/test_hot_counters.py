"""A burst of one tenant's writes on moto made to refuse, as DynamoDB does, a transaction whose items another one
holds (scripts.local.moto_patches.emulate_transaction_conflicts): the tenant's counter items are in every create,
so the creates collide; spill items (opsdesk.dynamo.counter_sk) let every one commit and keep every count exact."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.exceptions import PynamoDBException

from opsdesk.dynamo import error_code
from scripts.local import moto_patches

pytestmark = pytest.mark.xdist_group("hot-counters")


@pytest.fixture
def conflicts_off_afterwards(local_aws: Any) -> Iterator[None]:
    yield
    moto_patches.emulate_transaction_conflicts(0)


def test_moto_refuses_a_transaction_on_an_item_another_one_holds(conflicts_off_afterwards: None) -> None:
    from pynamodb.attributes import NumberAttribute
    from pynamodb.transactions import TransactWrite

    from opsdesk.dynamo import connection_for
    from opsdesk.settings import SupportSettings, load_settings
    from opsdesk.support.items import StatsItem
    from opsdesk.support.repository import SupportRepository

    SupportRepository()  # binds StatsItem to the table
    connection = connection_for(load_settings(SupportSettings))
    add_one = [NumberAttribute(attr_name="all").add(1)]
    moto_patches.emulate_transaction_conflicts(2.0)
    first_done = threading.Event()

    def hold_the_item() -> None:
        with TransactWrite(connection=connection) as tx:
            tx.update(StatsItem("T#held#STATS", "ALL"), actions=add_one)
        first_done.set()

    holder = threading.Thread(target=hold_the_item)
    holder.start()
    deadline = time.monotonic() + 10
    while moto_patches.held_items() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(PynamoDBException) as refused, TransactWrite(connection=connection) as tx:
        tx.update(StatsItem("T#held#STATS", "ALL"), actions=add_one)
    holder.join()

    assert first_done.is_set()
    assert error_code(refused.value) == "TransactionConflictException"


CREATES = 30
"""Enough at once to collide on every first attempt; the 200 of #16 are `make bench`'s section 11. The in-process
moto applies one write at a time, so on a loaded machine 200 creates can outlast the retry window (429s) whatever
the counters do: that would measure the machine, not the contention."""


COUNTERS_CHECKED = {"support": 21, "helpdesk": 2, "copilot": 1, "response": 6, "aura": 8}
"""The fewest counters each module's check compares: support's every list total of the issues' customers, planes
and statuses; helpdesk's all-time and day totals; copilot's day; response's severities and `open`; aura's
priorities, statuses, audit types and tickets."""


@pytest.mark.parametrize("module", list(COUNTERS_CHECKED))
def test_concurrent_creates_in_one_tenant_all_commit_and_every_counter_is_exact(
    module: str, conflicts_off_afterwards: None,
) -> None:
    from scripts.benchlib.bursts import TARGETS, burst

    target = next(target for target in TARGETS if target.module == module)
    burst(target, CREATES, spill=True, hold_seconds=0)  # not counted: the first burst also opens its connections
    result = burst(target, CREATES, spill=True)

    assert result.conflicts > 0  # the creates did collide
    if target.spilling_modules:  # and the retries added to spill items (response's shards are random anyway)
        assert result.spilled > 0
    assert (result.created, result.refused_429) == (CREATES, 0)
    assert result.counters_checked >= COUNTERS_CHECKED[module] and result.counters_wrong == 0


def test_every_module_with_a_create_has_a_burst() -> None:
    from opsdesk.apimap import SERVED_MODULES
    from scripts.benchlib.bursts import TARGETS

    assert sorted(target.module for target in TARGETS) == sorted(module.name for module in SERVED_MODULES)
    assert sorted(COUNTERS_CHECKED) == sorted(module.name for module in SERVED_MODULES)
