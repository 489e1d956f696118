"""Search quality on the relevance set (tests/search/relevance.json): precision@1, recall@5 and MRR, and search
latency on a large generated index."""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import DocArticle

ROOT = Path(__file__).resolve().parents[2]
RELEVANCE_SET = ROOT / "tests" / "search" / "relevance.json"
CORPUS = ROOT / "docs" / "corpus"


@dataclass(frozen=True)
class Quality:
    queries: int
    precision_at_1: float
    recall_at_5: float
    mrr: float

    def as_dict(self) -> dict[str, Any]:
        return {"queries": self.queries, "precision_at_1": self.precision_at_1, "recall_at_5": self.recall_at_5,
                "mrr": self.mrr}


def relevance_cases() -> list[dict[str, Any]]:
    return json.loads(RELEVANCE_SET.read_text())  # type: ignore[no-any-return]


def evaluate(backend: SearchBackend, cases: list[dict[str, Any]]) -> Quality:
    """p@1: the top hit is the first expected article; recall@5: share of expected articles in the top 5;
    MRR: mean of 1/rank of the first expected article found (0 when none is in the top 10)."""
    p1, recall, reciprocal = [], [], []
    for case in cases:
        urls = [hit.url for hit in backend.search(case["query"], case.get("planeSlug"), 10)]
        expected = case["expected"]
        p1.append(1.0 if urls[:1] == expected[:1] else 0.0)
        recall.append(len(set(expected) & set(urls[:5])) / len(expected))
        ranks = [urls.index(url) + 1 for url in expected if url in urls]
        reciprocal.append(1 / min(ranks) if ranks else 0.0)
    return Quality(len(cases), statistics.mean(p1), statistics.mean(recall), statistics.mean(reciprocal))


def latency_at(backend: SearchBackend, size: int, queries: list[str], seed: int = 7) -> dict[str, float]:
    """Index `size` generated articles (words drawn from the corpus vocabulary), then time the queries."""
    from opsdesk.search.model import load_articles

    corpus = load_articles(CORPUS)
    vocabulary = sorted({word for article in corpus for word in article.body.lower().split() if word.isalpha()})
    rng = random.Random(seed)
    planes = sorted({article.plane_slug for article in corpus})
    generated = [
        DocArticle(url=f"https://happycloud.com/docs/generated/{n}", title=" ".join(rng.choices(vocabulary, k=6)),
                   type="reference", plane_slug=planes[n % len(planes)], plane_name=planes[n % len(planes)],
                   body=" ".join(rng.choices(vocabulary, k=180)))
        for n in range(size)
    ]
    backend.index(generated)
    timings = []
    for _ in range(3):
        for query in queries:
            started = time.perf_counter()
            backend.search(query, None, 5)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"docs": backend.count(), "p50_ms": statistics.median(timings),
            "p95_ms": timings[int(len(timings) * 0.95) - 1]}
