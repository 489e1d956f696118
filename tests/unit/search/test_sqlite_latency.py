"""Latency ceilings for the embedded search (generous: they catch a lost index or an O(n) excerpt, not noise).
Numbers for the README come from ``python -m tests.unit.search.bench_sqlite``."""

from __future__ import annotations

import pytest

from tests.unit.search.bench_sqlite import measure


@pytest.mark.parametrize("profile", ["dense", "zipf"])
def test_searching_a_thousand_articles_takes_milliseconds(profile: str) -> None:
    numbers = measure(docs=1_000, queries=100, profile=profile)

    assert float(numbers["p95_ms"]) < 25


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["dense", "zipf"])
def test_searching_ten_thousand_articles_stays_interactive(profile: str) -> None:
    numbers = measure(docs=10_000, queries=300, profile=profile)

    assert float(numbers["p50_ms"]) < 40
    assert float(numbers["p95_ms"]) < 100
