"""The parts of `python -m scripts.bench`: cold imports, in-process latency and DynamoDB items read per list.

Everything that touches the platform imports it lazily, after the function environment is set (settings
bind at import)."""

from pathlib import Path

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data"
LABELLED_SET_NAMES = ("tuning", "tuning_2", "tuning_3", "holdout", "holdout_4", "holdout_5")
"""An engine's labelled sets in tests/data/<engine>/ (those that exist): tuned on, the first three (the second and
third were written as held-out sets and measured once before they were tuned on); never tuned on, the last three
(holdout.json read only for the figures, holdout_4.json sealed until measured, holdout_5.json written on 2026-12-07
for the hypothesis engine and scored once, its misses never printed)."""


def labelled_sets(engine: str) -> tuple[Path, ...]:
    """The paths of LABELLED_SET_NAMES for an engine's folder, in that order."""
    return tuple(LABELLED / engine / f"{name}.json" for name in LABELLED_SET_NAMES)

