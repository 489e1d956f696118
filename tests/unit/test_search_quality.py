"""The embedded search backend on the demo corpus and its relevance set: quality must not regress."""

from __future__ import annotations

from scripts.benchlib.search_quality import CORPUS, evaluate, relevance_cases


def test_the_relevance_set_names_only_articles_of_the_corpus() -> None:
    from opsdesk.search.model import load_articles

    urls = {article.url for article in load_articles(CORPUS)}
    cases = relevance_cases()

    assert len(cases) >= 30
    assert all(url in urls for case in cases for url in case["expected"])


def test_local_search_keeps_mrr_above_the_aim_on_the_relevance_set() -> None:
    from opsdesk.search.sqlite_fts import SqliteSearch
    from opsdesk.support.docs import index_corpus

    with SqliteSearch() as backend:
        index_corpus(backend, CORPUS)
        quality = evaluate(backend, relevance_cases())

    # Measured 0.83 when the corpus and relevance set were written (make bench prints the current numbers).
    assert quality.mrr >= 0.8, quality
    assert quality.recall_at_5 >= 0.8, quality
