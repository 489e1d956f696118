"""What the support repositories share (opsdesk.support.repository says which holds what): the SupportTable bound
when one is made, one transaction connection (publishing events when there is an event log), and the counter items:
moved in a write's transaction (spill items: opsdesk.dynamo.counter_sk) and summed over days (counter_totals)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from pynamodb.attributes import NumberAttribute
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from opsdesk.dynamo import (
    Outcome,
    Transactions,
    bind_table,
    connection_for,
    counter_sk,
    counter_totals,
    domain_error_for,
)
from opsdesk.keys import day_sk
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.analytics import DayRange
from opsdesk.support.counters import ALL_TIME_SK, Moves
from opsdesk.support.items import StatsItem, SupportItem

if TYPE_CHECKING:  # the event log binds to its own table at import; the catalog function has none
    from opsdesk.eventlog import EventLog


class SupportTableRepository:
    """The base of every support repository. With an event log, writes publish their events in the same
    transaction."""

    def __init__(self, event_log: EventLog | None = None, settings: SupportSettings | None = None) -> None:
        settings = settings or load_settings(SupportSettings)
        bind_table(SupportItem, settings.support_table_name, settings)
        self._transactions = Transactions(connection_for(settings), event_log)

    def _commit(self, write: Callable[[TransactWrite], None], conflict_message: str,
                on_condition_failed: Callable[[], Outcome]) -> None:
        self._transactions.commit(write, lambda exc: domain_error_for(exc, conflict_message), on_condition_failed)

    @staticmethod
    def _count(tx: TransactWrite, moves: Moves) -> None:
        """Move named counters, one update per stats item."""
        for (pk, sk), deltas in moves.items():
            actions: list[Action] = [NumberAttribute(attr_name=name).add(delta) for name, delta in deltas.items()
                                     if delta]
            if actions:
                tx.update(StatsItem(pk, counter_sk(sk)), actions=actions)

    @staticmethod
    def _sum_totals(pk: str, days: DayRange) -> Counter[str]:
        if days.all_time:
            return counter_totals(StatsItem, pk, ALL_TIME_SK, ALL_TIME_SK).get(ALL_TIME_SK, Counter())
        low = day_sk(days.first) if days.first else "D#"
        high = day_sk(days.last) if days.last else "D#~"
        return sum(counter_totals(StatsItem, pk, low, high).values(), Counter())
