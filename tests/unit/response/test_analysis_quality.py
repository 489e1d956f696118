"""Root-cause quality of the response analysis on the labelled incidents (tests/data/response_analysis): floors under
what was measured, so a change that makes the analysis worse fails here; `make bench` prints the current figures."""

from __future__ import annotations

from pathlib import Path

import pytest

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


FRESH_SET_FLOORS = [
    # Written without reading the engine, measured once before any change for it: top-1 63% (19 of 30), top-3 87%;
    # after the change it drove: 87% (26), 93%.
    pytest.param(SECOND_TUNING_SET, 0.83, 0.90, id="tuning_2"),
    # Sealed until 6fcb54f and measured once there: 77% (23), 93% (70% before this stop); after the second round it
    # drove: 90% (27), 100%.
    pytest.param(THIRD_TUNING_SET, 0.86, 0.96, id="tuning_3"),
    # Sealed through both rounds, never tuned on: 87% (26), 93%; 83% before this stop.
    pytest.param(SEALED_SET, 0.83, 0.90, id="holdout_4-sealed"),
]


@pytest.mark.parametrize(("labelled", "top1_floor", "top3_floor"), FRESH_SET_FLOORS)
def test_on_the_fresh_sets_noisy_incidents_keep_their_floors(labelled: Path, top1_floor: float,
                                                              top3_floor: float) -> None:
    result = evaluate(labelled, rounds=0)
    assert result["top1"] >= top1_floor and result["top3"] >= top3_floor, result["misses"]
