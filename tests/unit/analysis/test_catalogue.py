"""The cause catalogue: complete, consistent with the engine's normalisation, and each class reachable."""

from __future__ import annotations

import pytest

from opsdesk.analysis.catalogue import CATALOGUE, CATALOGUE_BY_CAUSE, CauseEntry
from opsdesk.analysis.engine import rank_hypotheses, terms_of
from opsdesk.analysis.evidence import CAUSE_CLASSES
from tests.unit.analysis.builders import bundle, incident


def test_the_catalogue_has_one_entry_per_cause_class_in_order() -> None:
    assert tuple(entry.cause for entry in CATALOGUE) == CAUSE_CLASSES
    assert set(CATALOGUE_BY_CAUSE) == set(CAUSE_CLASSES)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.cause)
def test_every_claim_template_names_the_service_and_the_symptom(entry: CauseEntry) -> None:
    assert "{service}" in entry.claim and "{symptom}" in entry.claim
    assert not entry.claim.startswith("{service}")
    if entry.change_claim:
        assert "{change}" in entry.change_claim


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.cause)
def test_every_term_survives_normalisation(entry: CauseEntry) -> None:
    for term in [*entry.supports, *entry.metrics, *entry.contradicts]:
        assert terms_of(term), term


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.cause)
def test_the_strongest_terms_of_a_class_rank_it_first(entry: CauseEntry) -> None:
    strongest = sorted(entry.supports.items(), key=lambda item: -item[1])[:5]
    terms = [term for term, weight in strongest if weight >= 3.0] or [strongest[0][0]]

    for term in terms:
        top = rank_hypotheses(bundle(incident("Incident", f"Seeing {term} since 10:00")))[0]
        assert top.cause == entry.cause, term


def test_change_kinds_that_carry_a_cause_have_a_claim_for_the_change() -> None:
    for entry in CATALOGUE:
        if any(signal.weight >= 2.0 for signal in entry.changes):
            assert entry.change_claim and entry.needs_change, entry.cause
