"""Root-cause quality of the response analysis on the labelled incidents (tests/data/response_analysis): floors under
what was measured, so a change that makes the analysis worse fails here; `make bench` prints the current figures."""

from __future__ import annotations

from scripts.benchlib.response import (
    HOLDOUT_SET,
    SEALED_SET,
    SECOND_TUNING_SET,
    THIRD_TUNING_SET,
    TUNING_SET,
    evaluate,
)


def test_on_the_tuning_incidents_the_root_cause_is_right_nine_times_in_ten() -> None:
    # Measured before any tuning on these cases: top-1 94% (30 of 32), top-3 97%.
    result = evaluate(TUNING_SET, rounds=0)
    assert result["top1"] >= 0.90 and result["top3"] >= 0.93, result["misses"]


def test_on_incidents_never_tuned_on_the_root_cause_is_right_at_least_four_times_in_five() -> None:
    # Written independently and never tuned on; measured: top-1 85% (17 of 20), top-3 95%.
    result = evaluate(HOLDOUT_SET, rounds=0)
    assert result["top1"] >= 0.80 and result["top3"] >= 0.90


def test_on_the_second_tuning_set_noisy_incidents_keep_their_floor() -> None:
    # Measured once as a held-out set: top-1 63% (19 of 30), top-3 87%; after the change it drove: 87% (26), 93%.
    result = evaluate(SECOND_TUNING_SET, rounds=0)
    assert result["top1"] >= 0.83 and result["top3"] >= 0.90, result["misses"]


def test_on_the_third_tuning_set_the_root_cause_keeps_its_floor() -> None:
    # Sealed until 6fcb54f and measured once there: top-1 77% (23 of 30), top-3 93% (70% before this stop); after the
    # second round it drove: 90% (27), 100%.
    result = evaluate(THIRD_TUNING_SET, rounds=0)
    assert result["top1"] >= 0.86 and result["top3"] >= 0.96, result["misses"]


def test_on_incidents_sealed_through_both_rounds_the_root_cause_keeps_its_floor() -> None:
    # Written while the third set was tuned on and sealed until that was done: top-1 87% (26 of 30), top-3 93%; 83%
    # before this stop. Never tuned on: only a floor.
    result = evaluate(SEALED_SET, rounds=0)
    assert result["top1"] >= 0.83 and result["top3"] >= 0.90
