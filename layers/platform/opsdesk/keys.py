"""Key formats every table shares, as plain functions (no DynamoDB client): domain code and fakes build the same
keys the repositories write."""

from __future__ import annotations

from datetime import date


def day_sk(day: date) -> str:
    """The sort key of a per-day item (counters, tallies): `D#2026-01-31` sorts as the days do."""
    return f"D#{day.isoformat()}"
