"""SQLite FTS5 search latency on a generated corpus: ``python -m tests.unit.search.bench_sqlite [docs] [queries]``.

Not collected by pytest (no ``test_`` prefix); ``test_sqlite_latency`` runs a smaller version under ``slow``.
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


def generate_corpus(size: int, seed: int = 7) -> list[DocArticle]:
    rng = random.Random(seed)
    articles = []
    for number in range(size):
        plane = PLANES[number % len(PLANES)]
        title = " ".join(rng.sample(VOCABULARY, 4)).capitalize()
        length = rng.randint(60, 220)
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


def measure(docs: int, queries: int, seed: int = 11) -> dict[str, float]:
    rng = random.Random(seed)
    search = SqliteSearch()
    started = time.perf_counter()
    search.index(generate_corpus(docs))
    index_seconds = time.perf_counter() - started
    samples = []
    for number in range(queries):
        query = " ".join(rng.sample(VOCABULARY, rng.randint(1, 4)))
        plane = PLANES[number % len(PLANES)] if number % 2 else None
        started = time.perf_counter()
        search.search(query, plane, 5)
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return {"docs": docs, "index_s": index_seconds, "p50_ms": cuts[49], "p95_ms": cuts[94], "max_ms": max(samples)}


if __name__ == "__main__":
    docs = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    print(measure(docs, queries))
