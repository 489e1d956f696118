"""Fitting the engine's confidence scale (opsdesk.analysis.weights.CONFIDENCE_SCALE) on the labelled tuning sets,
and measuring it on the sealed ones.

Each case is ranked whole and with less evidence (title only; alerts, changes and observations without the text;
the text alone), since incidents come with less than the sets give. Ranking does not depend on the scale (a softmax
keeps the order), so each bundle is scored once and every grid point only re-scales: the fit is a proper scoring
rule (Brier) over the top-1 confidence of every tuning ranking, lowest first.

    python -m scripts.benchlib.calibration      # the grid's best points, then every set at the chosen scale
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Iterator
from pathlib import Path

from opsdesk.analysis.cases import LabelledCase, load_cases
from opsdesk.analysis.engine import confidences, scored
from opsdesk.analysis.evidence import EvidenceBundle
from opsdesk.analysis.weights import CONFIDENCE_SCALE, ConfidenceScale
from scripts.benchlib.hypotheses import (
    HOLDOUT_SET,
    SEALED_SET,
    SECOND_TUNING_SET,
    THIRD_TUNING_SET,
    TUNING_SET,
    calibration,
)
from scripts.benchlib.table import render

FITTED_ON = (TUNING_SET, SECOND_TUNING_SET, THIRD_TUNING_SET)
MEASURED_ON = (HOLDOUT_SET, SEALED_SET)
TEMPERATURES = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2)
UNEXPLAINED_SCORES = (0.5, 1.0, 1.5, 2.0, 2.5)


def evidence_views(bundle: EvidenceBundle) -> Iterator[tuple[str, EvidenceBundle]]:
    """The bundle whole, and with less of its evidence."""
    facts = bundle.incident
    yield "whole", bundle
    yield "title only", EvidenceBundle(dataclasses.replace(facts, description=""))
    yield "no text", dataclasses.replace(bundle, incident=dataclasses.replace(facts, title="", description=""))
    yield "text only", EvidenceBundle(facts)


@dataclasses.dataclass(frozen=True)
class Ranked:
    """One ranking of one view of a case: every cause's score, its top cause (None: it proposes nothing) and whether
    the case accepts that cause."""

    view: str
    scores: dict[str, float]
    top: str | None
    top1_right: bool

    def top1_confidence(self, scale: ConfidenceScale) -> float:
        return confidences(self.scores, scale)[self.top] if self.top else 0.0


def rankings(cases: list[LabelledCase]) -> list[Ranked]:
    ranked = []
    for case in cases:
        for view, bundle in evidence_views(case.bundle):
            weighed = scored(bundle)
            top = weighed.candidates[0] if weighed.candidates else None
            ranked.append(Ranked(view, weighed.scores, top, top is not None and case.accepts(top)))
    return ranked


def scale_quality(ranked: list[Ranked], scale: ConfidenceScale) -> tuple[float, float]:
    """(ECE, Brier) of the top-1 confidence over `ranked` at `scale`."""
    return calibration([(r.top1_confidence(scale), r.top1_right) for r in ranked])


def fit(ranked: list[Ranked]) -> list[tuple[float, float, ConfidenceScale]]:
    """Every grid point as (Brier, ECE, scale), the lowest Brier first."""
    rows = []
    for scale in (ConfidenceScale(t, u) for t in TEMPERATURES for u in UNEXPLAINED_SCORES):
        ece, brier = scale_quality(ranked, scale)
        rows.append((brier, ece, scale))
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _set_rows(path: Path, ranked: list[Ranked], scales: dict[str, ConfidenceScale]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for view in ("whole", "title only", "no text", "text only", "all four"):
        of_view = [r for r in ranked if view in (r.view, "all four")]
        accuracy = statistics.fmean(r.top1_right for r in of_view)
        cells: list[str | int] = [path.stem, view, len(of_view), f"{accuracy:.0%}"]
        for scale in scales.values():
            ece, brier = scale_quality(of_view, scale)
            mean = statistics.fmean(r.top1_confidence(scale) for r in of_view)
            cells += [f"{mean:.2f}", f"{ece:.3f}", f"{brier:.3f}"]
        rows.append(cells)
    return rows


def main() -> None:
    by_set = {path: rankings(load_cases(path)) for path in (*FITTED_ON, *MEASURED_ON) if path.exists()}
    fitted = [r for path in FITTED_ON for r in by_set.get(path, [])]
    best = fit(fitted)
    print(f"Grid over {len(fitted)} tuning rankings, the lowest Brier first:")
    print(render(["temperature", "unexplained score", "Brier", "ECE"],
                 [[s.temperature, s.unexplained_score, f"{b:.3f}", f"{e:.3f}"] for b, e, s in best[:6]]))
    scales = {"before (1.0, 1.5)": ConfidenceScale(1.0, 1.5), "now": CONFIDENCE_SCALE}
    headers = ["set", "evidence", "rankings", "top-1"]
    for name in scales:
        headers += [f"{name}: mean conf.", "ECE", "Brier"]
    print(render(headers, [row for path, ranked in by_set.items() for row in _set_rows(path, ranked, scales)]))


if __name__ == "__main__":
    main()
