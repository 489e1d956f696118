"""SQLite FTS5 search latency on a generated corpus: ``python -m tests.unit.search.bench_sqlite [docs] [queries]``.

Two corpora: ``dense`` draws every content word from 63 technical terms, so each term is in ~60% of the
articles and every query ranks most of the corpus (a worst case); ``zipf`` draws from 63 technical terms plus
5,000 synthetic words with Zipf frequencies, closer to real documentation where a term is in a few percent of
the articles. Not collected by pytest (no ``test_`` prefix); the tests run smaller versions.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from opsdesk.search.model import DocArticle
from opsdesk.search.sqlite_fts import SqliteSearch

PLANES = ("app-cicd", "platform", "data", "network", "security", "observability")
TYPES = ("how-to", "reference", "tutorial", "troubleshooting")
_VOCABULARY_WORDS = (
    "pipeline timeout deployment build cache runner artifact rollback canary release branch merge k8s pod node "
    "cluster ingress dns tls certificate iam role policy s3 bucket ec2 vpc subnet route gateway alarm metric log "
    "trace latency error retry queue lambda function memory cpu disk quota limit secret rotation backup restore "
    "replica failover database index query schema migration webhook token session login sso mfa audit"
)
_FILLER_WORDS = "the a to of and in is for with on that you your can this be"
VOCABULARY = tuple(_VOCABULARY_WORDS.split())
FILLER = tuple(_FILLER_WORDS.split())


def zipf_vocabulary(size: int = 5_000) -> tuple[list[str], list[float]]:
    words = list(VOCABULARY) + [f"w{number}x" for number in range(size)]
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return words, weights


def generate_corpus(size: int, seed: int = 7, profile: str = "dense") -> list[DocArticle]:
    rng = random.Random(seed)
    zipf_words, zipf_weights = zipf_vocabulary()
    articles = []
    for number in range(size):
        plane = PLANES[number % len(PLANES)]
        title = " ".join(rng.sample(VOCABULARY, 4)).capitalize()
        length = rng.randint(60, 220)
        if profile == "zipf":
            words = rng.choices(zipf_words, zipf_weights, k=length)
        else:
            words = [rng.choice(VOCABULARY) if rng.random() < 0.45 else rng.choice(FILLER) for _ in range(length)]
        articles.append(
            DocArticle(
                url=f"https://happycloud.com/docs/{plane}/{number}",
                title=title,
                type=TYPES[number % len(TYPES)],
                plane_slug=plane,
                plane_name=plane.title(),
                body=" ".join(words),
            )
        )
    return articles


def measure(docs: int, queries: int, seed: int = 11, profile: str = "dense") -> dict[str, float | str]:
    rng = random.Random(seed)
    search = SqliteSearch()
    # Dense: the 63 terms. Zipf: uniformly among the 1,000 most frequent words (common and mid-frequency terms).
    query_words = list(VOCABULARY) if profile == "dense" else zipf_vocabulary()[0][:1_000]
    index_started = time.perf_counter()
    search.index(generate_corpus(docs, profile=profile))
    index_seconds = time.perf_counter() - index_started
    samples = []
    for number in range(queries):
        query = " ".join(rng.sample(query_words, rng.randint(1, 4)))
        plane = PLANES[number % len(PLANES)] if number % 2 else None
        started = time.perf_counter()
        search.search(query, plane, 5)
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return {
        "profile": profile,
        "docs": docs,
        "index_s": index_seconds,
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "max_ms": max(samples),
    }


if __name__ == "__main__":
    docs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    for profile in ("dense", "zipf"):
        numbers = measure(docs, queries, profile=profile)
        print({name: round(value, 3) if isinstance(value, float) else value for name, value in numbers.items()})
