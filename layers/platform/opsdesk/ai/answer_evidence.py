"""The evidence that a documentation article answers a customer's question, for the offline provider
(opsdesk.ai.offline): the concepts the question asks about, how much of them an article's title and excerpt say
(in the question's words or the synonym list's, `opsdesk.search.synonyms`), and the search's own signals, weighed
into one score."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from opsdesk.ai.tools import DocResult
from opsdesk.frozen import frozen
from opsdesk.search.synonyms import domain_synonyms, fold, words

# How sure the answer is: evidence that an article answers the question, rather than one raw score.


class Confidence(Enum):
    SURE = "sure"
    """The best article covers the question: it is given as the answer."""
    UNSURE = "unsure"
    """Some evidence, not enough: the best article is given, saying it may not cover the case."""
    NONE = "none"
    """Nothing found covers the question: no article is offered; the answer says so and suggests an issue."""


CONCEPT_WEIGHTS = {"domain": 2.0, "identifier": 1.5, "word": 1.0, "number": 0.5}
"""How much a concept of the question weighs in its coverage: a phrase of the domain's synonym list names what
the question is about ("old version back"); an identifier or error name (`InsufficientInstanceCapacity`, `k8s`,
`TIMED_OUT`) is specific; a bare number ("10 min ago") rarely decides which article helps."""
_IDENTIFIER = re.compile(r"[A-Za-z]+\d|\d+[A-Za-z]|[a-z][A-Z]|_|^[A-Z]{3,}$")
MIN_AFFIX = 5
"""Words of at least this many letters also match a longer form they start (`deploy`, `deployment`), or, once
folded, a word one edit away (a typo: `permisions`); at least `MIN_AFFIX - 1` match the end of a compound
identifier (`denied` in `accessdenied`)."""


@frozen
class Concept:
    """One thing the question asks about: any of its forms (folded word sequences) found in a text covers it."""

    forms: tuple[tuple[str, ...], ...]
    weight: float


def question_concepts(query: str, questions: Sequence[str] = ()) -> list[Concept]:
    """The concepts of a search query: each phrase of the domain's synonym list it holds (covered by what was said
    or by what the rule maps it to), then each other content word. ``questions`` (the user's own text) tells
    identifiers apart by their case and punctuation, which the query has lost."""
    kept, matches = domain_synonyms().rewrite(query)
    identifiers = {word.lower() for text in questions for token in text.split()
                   if _IDENTIFIER.search(token.strip(".,;:!?()[]{}\"'")) for word in words(token)}
    concepts = [
        Concept((_folded(" ".join(match.said)), *(_folded(a) for a in match.alternatives)), CONCEPT_WEIGHTS["domain"])
        for match in matches
    ]
    for word in kept:
        kind = "number" if word.isdigit() else "identifier" if word in identifiers else "word"
        concepts.append(Concept(((fold(word),),), CONCEPT_WEIGHTS[kind]))
    return concepts


def _folded(phrase: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in words(phrase))


def text_words(text: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words(text))


def _same_word(said: str, written: str) -> bool:
    if said == written:
        return True
    if min(len(said), len(written)) >= MIN_AFFIX and (written.startswith(said) or said.startswith(written)):
        return True
    if len(said) >= MIN_AFFIX - 1 and len(written) > len(said) + 2 and written.endswith(said):
        return True
    return len(said) >= MIN_AFFIX and said[0] == written[0] and _one_edit_apart(said, written)


def _one_edit_apart(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours (Damerau) turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def covers(concept: Concept, written: frozenset[str]) -> bool:
    """Whether a text (its folded words) says the concept: every word of one of its forms is in it."""
    return any(all(any(_same_word(word, other) for other in written) for word in form) for form in concept.forms)


COVERAGE_PRIOR = 1.0
"""Weight of one more, unsaid concept added to every question's: one word of a two-word question found in an
article is weaker evidence than five words of a six-word one, although both are most of the question."""


def coverage(concepts: Sequence[Concept], written: frozenset[str]) -> float:
    """The weighted share of the concepts a text says, with ``COVERAGE_PRIOR`` added to the whole: 0..1."""
    total = sum(c.weight for c in concepts)
    return sum(c.weight for c in concepts if covers(c, written)) / (total + COVERAGE_PRIOR) if total else 0.0


NEUTRAL_RELEVANCE = 0.5
EVIDENCE_WEIGHTS = {"coverage": 1.5, "title_coverage": 1.0, "relevance": 1.5, "lead": 0.25, "plane_agreement": 1.0}
EVIDENCE_OFFSET = -1.0
"""``Evidence.score`` = offset + the weighted parts: log-odds that the best article answers the question, fitted
(logistic regression, then rounded) on the tuning questions (tests/search/customer_tuning.json and
relevance.json), never on the held-out ones. The article's type fitting the question's kind was measured too and
told nothing apart (it still orders near-equal articles: ``TYPE_BONUS``)."""


@frozen
class Evidence:
    """What says that the best article answers the question. Each part is in 0..1; none decides alone."""

    coverage: float
    """How much of the question the article's title and excerpt say, in its words or the synonyms' (weighted,
    ``COVERAGE_PRIOR`` added)."""
    title_coverage: float
    """The same for its title alone: an article about the question names it in its title."""
    relevance: float
    """The search's own relevance: with the embedded engine, how completely the whole article matches the query
    (IDF-weighted). OpenSearch's best hit is always 1.0 (its relevance is relative to the best): a best hit of 1.0
    counts as ``NEUTRAL_RELEVANCE``, neither for nor against."""
    lead: float
    """How far the article is ahead of the next result: ``(best - next) / best`` relevance."""
    plane_agreement: float
    """The share of the top three results in the article's plane: results about one topic agree; matches on
    incidental words scatter over the planes."""

    @classmethod
    def of(cls, concepts: Sequence[Concept], best: DocResult, results: Sequence[DocResult]) -> Evidence:
        runner_up = max((r.relevance for r in results if r.url != best.url), default=0.0)
        top_three = list(results[:3]) or [best]
        return cls(
            coverage=coverage(concepts, text_words(best.title + " " + best.excerpt)),
            title_coverage=coverage(concepts, text_words(best.title)),
            relevance=NEUTRAL_RELEVANCE if best.relevance >= 1.0 else max(best.relevance, 0.0),
            lead=max(0.0, (best.relevance - runner_up) / best.relevance) if best.relevance > 0 else 0.0,
            plane_agreement=sum(r.plane == best.plane for r in top_three) / len(top_three),
        )

    def parts(self) -> dict[str, float]:
        return {"coverage": self.coverage, "title_coverage": self.title_coverage, "relevance": self.relevance,
                "lead": self.lead, "plane_agreement": self.plane_agreement}

    @property
    def score(self) -> float:
        """``EVIDENCE_OFFSET`` plus the parts weighted by ``EVIDENCE_WEIGHTS``: above 0 leans to "it answers"."""
        return EVIDENCE_OFFSET + sum(EVIDENCE_WEIGHTS[name] * value for name, value in self.parts().items())
