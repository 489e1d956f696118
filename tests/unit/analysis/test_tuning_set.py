"""The engine on its tuning set (tests/data/hypotheses/tuning.json): the accuracy it reached must not slip.

Measured when the floors were set: top-1 42/42, top-3 42/42, ECE 0.03. The floors sit a few points below, so a
rule change that costs a case or two is a decision to make, not an accident. (The holdout set is measured by the
benchmark only, never here: a test over it would invite tuning on it.)"""

from __future__ import annotations

from scripts.benchlib.hypotheses import SECOND_TUNING_SET, THIRD_TUNING_SET, TUNING_SET, calibration, evaluate

TOP1_FLOOR = 0.95
TOP3_FLOOR = 0.97
ECE_CEILING = 0.10


def test_tuning_set_top1_and_top3_accuracy_stay_above_their_floors() -> None:
    result = evaluate(TUNING_SET)

    assert result["top1"] >= TOP1_FLOOR, result["misses"]
    assert result["top3"] >= TOP3_FLOOR, result["misses"]


def test_second_tuning_set_keeps_its_floor() -> None:
    # Measured once as a held-out set: top-1 60% (18 of 30), top-3 97%; after the change it drove (one-line meaning,
    # causes that explain others' signs, well-known ports, vocabulary): 80% (24), 97%.
    result = evaluate(SECOND_TUNING_SET)

    assert result["top1"] >= 0.76 and result["top3"] >= 0.93, result["misses"]


def test_third_tuning_set_keeps_its_floor() -> None:
    # Sealed until 6fcb54f and measured once there: top-1 80% (24 of 30), top-3 90% (77% before this stop); after the
    # second round it drove: 83% (25), 90%.
    result = evaluate(THIRD_TUNING_SET)

    assert result["top1"] >= 0.80 and result["top3"] >= 0.86, result["misses"]


def test_tuning_set_top1_confidence_stays_calibrated() -> None:
    assert evaluate(TUNING_SET)["ece"] <= ECE_CEILING


def test_calibration_is_the_binned_gap_between_confidence_and_accuracy_and_the_brier_score() -> None:
    ece, brier = calibration([(0.9, True), (0.9, False), (0.1, False), (0.3, True)])

    assert round(ece, 3) == 0.4  # (2 x |0.9 - 0.5| + |0.1 - 0| + |0.3 - 1|) / 4
    assert round(brier, 3) == 0.33
    assert calibration([]) == (0.0, 0.0)
