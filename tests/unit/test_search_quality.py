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

    # Measured 0.83 when the corpus and relevance set were written, 0.97 with the synonyms (make bench prints the
    # current numbers).
    assert quality.mrr >= 0.8, quality
    assert quality.recall_at_5 >= 0.8, quality


def test_the_customer_question_sets_name_only_articles_of_the_corpus_and_share_no_question() -> None:
    from opsdesk.search.model import load_articles
    from scripts.benchlib.chat_quality import HELD_OUT_SET, TUNING_SET, customer_cases

    urls = {article.url for article in load_articles(CORPUS)}
    tuning, held_out = customer_cases(TUNING_SET), customer_cases(HELD_OUT_SET)

    for cases in (tuning, held_out):
        assert sum(1 for case in cases if case["expected"]) >= 50
        assert sum(1 for case in cases if not case["expected"]) >= 20
        assert all(url in urls for case in cases for url in case["expected"])
    assert not {case["query"] for case in tuning} & {case["query"] for case in held_out}


def test_on_held_out_customer_questions_search_and_the_chat_keep_their_floors() -> None:
    from opsdesk.search.sqlite_fts import SqliteSearch
    from opsdesk.support.docs import index_corpus
    from scripts.benchlib.chat_quality import HELD_OUT_SET, customer_cases, measure

    with SqliteSearch() as backend:
        index_corpus(backend, CORPUS)
        quality = measure(backend, "held-out", customer_cases(HELD_OUT_SET))

    # Measured when the set was first run (never tuned on): MRR 0.94, p@1 0.84, recall@5 0.94; the chat cited a
    # relevant article for 50 of 55 answerable questions (91%) and handed off 16 of 20 unanswerable ones (80%).
    # The floors leave about one question of slack; make bench prints the current numbers.
    assert quality.search.mrr >= 0.92, quality
    assert quality.search.precision_at_1 >= 0.80, quality
    assert quality.search.recall_at_5 >= 0.92, quality
    assert quality.chat.cites >= 0.89, quality
    assert quality.chat.hands_off >= 0.75, quality
