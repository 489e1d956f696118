"""Key formats every table shares, as plain functions (no DynamoDB client): domain code and fakes build the same
keys the repositories write."""

from __future__ import annotations

from datetime import date


def day_sk(day: date) -> str:
    """The sort key of a per-day item (counters, tallies): `D#2026-01-31` sorts as the days do."""
    return f"D#{day.isoformat()}"


SPILL_MARK = "#SPILL#"
"""Between a counter item's sort key and its spill number: `ALL#SPILL#07` adds to `ALL` (opsdesk.dynamo.counter_sk)."""


def spill_sk(sk: str, shard: int) -> str:
    """The sort key of spill item `shard` of the counter item `sk`: it sorts right after `sk`."""
    return f"{sk}{SPILL_MARK}{shard:02d}"


def counter_of(sk: str) -> str:
    """The counter item a spill item adds to (a counter item's own key is itself)."""
    return sk.partition(SPILL_MARK)[0]


def through_spills(sk: str) -> str:
    """The highest sort key among `sk` and its spill items: a range of counter items ends here."""
    return sk + "~"
