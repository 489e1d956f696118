"""The offline hypothesis engine on labelled incidents (tests/data/hypotheses/*.json): how often its first (and
first three) hypotheses name the labelled cause, how well its confidence is calibrated, and how long it takes.

- top-1 / top-3: a case counts when its expected cause, or one of its acceptable causes, is ranked first / in the
  first three (a case the engine proposes nothing for counts as a miss);
- calibration of the top-1 confidence: expected calibration error over 5 equal-width bins (the case-weighted mean
  of |accuracy - mean confidence| per bin) and the Brier score (mean of (confidence - correct)^2);
- latency per incident: `rank_hypotheses` timed alone, p50 / p95 over ROUNDS rounds of every case (warmed first).

The tuning set is what the catalogue was tuned on; the holdout set was written independently and is only measured
(it may not exist yet: `report` skips it then).

    python -m scripts.benchlib.hypotheses       # prints the table
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from opsdesk.analysis.cases import LabelledCase, load_cases
from opsdesk.analysis.engine import rank_hypotheses
from opsdesk.analysis.evidence import Hypothesis
from scripts.benchlib import labelled_sets
from scripts.benchlib.table import Cell, render

SETS = labelled_sets("hypotheses")
TUNING_SET, SECOND_TUNING_SET, THIRD_TUNING_SET, HOLDOUT_SET, SEALED_SET, FRESH_SET = SETS
BINS = 5
ROUNDS = 5
HEADERS = ["set", "cases", "top-1", "top-3", "mean top-1 confidence", "ECE (5 bins)", "Brier",
           "latency p50 / p95 per incident"]


def _hits(case: LabelledCase, hypotheses: list[Hypothesis], k: int) -> bool:
    return any(case.accepts(h.cause) for h in hypotheses[:k])


def calibration(pairs: list[tuple[float, bool]], bins: int = BINS) -> tuple[float, float]:
    """(expected calibration error, Brier score) of (confidence, correct) pairs."""
    if not pairs:
        return 0.0, 0.0
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, correct in pairs:
        grouped[min(bins - 1, int(confidence * bins))].append((confidence, correct))
    ece = sum(len(group) / len(pairs) * abs(statistics.fmean(confidence for confidence, _ in group)
                                              - statistics.fmean(float(correct) for _, correct in group))
              for group in grouped if group)
    brier = statistics.fmean((confidence - float(correct)) ** 2 for confidence, correct in pairs)
    return ece, brier


def _percentile(samples: list[float], percent: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percent - 1] if len(samples) > 1 else samples[0]


def evaluate(path: str | Path) -> dict[str, Any]:
    """Quality and latency of the engine on one cases file (format: tests/data/hypotheses/README.md)."""
    cases = load_cases(path)
    ranked: dict[str, list[Hypothesis]] = {case.case_id: rank_hypotheses(case.bundle) for case in cases}  # warm-up
    samples: list[float] = []
    for _ in range(ROUNDS):
        for case in cases:
            started = time.perf_counter()
            rank_hypotheses(case.bundle)
            samples.append((time.perf_counter() - started) * 1000)
    top1 = [_hits(case, ranked[case.case_id], 1) for case in cases]
    top3 = [_hits(case, ranked[case.case_id], 3) for case in cases]
    confidences = [ranked[c.case_id][0].confidence_score if ranked[c.case_id] else 0.0 for c in cases]
    ece, brier = calibration(list(zip(confidences, top1, strict=True)))
    misses = [{"id": case.case_id, "expected": case.expected_cause,
               "ranked": [h.cause for h in ranked[case.case_id][:3]]}
              for case, hit in zip(cases, top1, strict=True) if not hit]
    return {
        "set": Path(path).stem,
        "cases": len(cases),
        "top1": statistics.fmean(top1) if cases else 0.0,
        "top3": statistics.fmean(top3) if cases else 0.0,
        "mean_top1_confidence": statistics.fmean(confidences) if cases else 0.0,
        "ece": ece,
        "brier": brier,
        "latency_p50_ms": _percentile(samples, 50) if samples else 0.0,
        "latency_p95_ms": _percentile(samples, 95) if samples else 0.0,
        "misses": misses,
    }


def row(result: dict[str, Any]) -> list[Cell]:
    return [result["set"], result["cases"], f"{result['top1']:.0%}", f"{result['top3']:.0%}",
            f"{result['mean_top1_confidence']:.2f}", f"{result['ece']:.3f}", f"{result['brier']:.3f}",
            f"{result['latency_p50_ms']:.2f} / {result['latency_p95_ms']:.2f} ms"]


def report() -> list[list[Cell]]:
    """Table rows (HEADERS) for each of SETS that exists."""
    return [row(evaluate(path)) for path in SETS if path.exists()]


if __name__ == "__main__":
    print(render(HEADERS, report()))
