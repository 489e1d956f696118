from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from opsdesk.search.backend import SearchBackend
from opsdesk.search.sqlite_fts import (
    BM25_K1,
    EXCERPT_TOKENS,
    SqliteSearch,
    bm25_idf,
    match_expression,
    query_terms,
    relevance_from_bm25,
)
from tests.unit.search.corpus import (
    CANARY,
    CORPUS,
    IRSA,
    POLICIES,
    ROTATION,
    TIMEOUTS,
    VARIABLES,
    VPC,
    article,
)


@pytest.fixture
def search() -> Iterator[SqliteSearch]:
    with SqliteSearch() as backend:
        backend.index(CORPUS)
        yield backend


def urls(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.url for hit in hits]


def test_it_is_a_search_backend(search: SqliteSearch) -> None:
    assert isinstance(search, SearchBackend)
    assert search.count() == len(CORPUS)


def test_a_planes_articles_are_listed_by_title_unranked(search: SqliteSearch) -> None:
    listed = search.in_plane("app-cicd", 10)
    expected = sorted((a for a in CORPUS if a.plane_slug == "app-cicd"), key=lambda a: a.title)

    assert urls(listed) == [a.url for a in expected]
    assert {(hit.relevance, hit.excerpt, hit.plane) for hit in listed} == {(0.0, "", "App CI/CD")}
    assert urls(search.in_plane("app-cicd", 1)) == [expected[0].url]
    assert search.in_plane("app-cicd", 0) == search.in_plane("no-such-plane", 5) == []


def test_the_api_example_query_finds_the_timeout_article_first(search: SqliteSearch) -> None:
    hits = search.search("pipeline timeout deployment", "app-cicd", 5)

    assert hits[0].url == TIMEOUTS.url
    assert (hits[0].title, hits[0].type, hits[0].plane) == (TIMEOUTS.title, "how-to", "App CI/CD")


def test_a_title_match_outranks_a_body_match(search: SqliteSearch) -> None:
    # "canary" is in CANARY's title and in TIMEOUTS' body only.
    hits = search.search("canary", None, 5)

    assert urls(hits) == [CANARY.url, TIMEOUTS.url]
    assert hits[0].relevance > hits[1].relevance


def test_results_come_best_first_with_relevance_in_zero_to_one(search: SqliteSearch) -> None:
    for query in ("timeout", "iam role", "pipeline timeout deployment", "s3", "how to rotate"):
        hits = search.search(query, None, 10)
        assert hits, query
        relevances = [hit.relevance for hit in hits]
        assert all(0.0 < relevance <= 1.0 for relevance in relevances), (query, relevances)
        assert relevances == sorted(relevances, reverse=True)


def test_the_plane_filter_keeps_only_that_planes_articles(search: SqliteSearch) -> None:
    everywhere = search.search("timeout", None, 10)
    in_cicd = search.search("timeout", "app-cicd", 10)

    assert ROTATION.url in urls(everywhere)
    assert ROTATION.url not in urls(in_cicd)
    assert in_cicd and {hit.plane for hit in in_cicd} == {"App CI/CD"}
    assert search.search("timeout", "no-such-plane", 10) == []


def test_limit_caps_the_results(search: SqliteSearch) -> None:
    assert len(search.search("timeout", None, 10)) == 4
    assert len(search.search("timeout", None, 2)) == 2
    assert search.search("timeout", None, 0) == []


def test_technical_tokens_stay_whole_and_case_does_not_matter(search: SqliteSearch) -> None:
    assert urls(search.search("k8s", None, 5)) == [IRSA.url]
    assert set(urls(search.search("S3", None, 5))) == {IRSA.url, VPC.url}
    assert set(urls(search.search("iam", None, 5))) == {IRSA.url, POLICIES.url}


def test_english_stemming_and_identifier_parts_match(search: SqliteSearch) -> None:
    assert TIMEOUTS.url in urls(search.search("timeouts", None, 5))
    # timeout_minutes is indexed as "timeout" and "minutes"; DEPLOY_ENV as "deploy" and "env".
    assert urls(search.search("minutes", None, 5)) == [TIMEOUTS.url]
    assert urls(search.search("deploying", None, 5)) == [VARIABLES.url]


def test_excerpts_are_plain_text_around_the_match(search: SqliteSearch) -> None:
    (hit,) = search.search("cancelled", None, 5)

    assert "cancelled" in hit.excerpt
    for markup in ("**", "`", "##", "<", "[", "]("):
        assert markup not in hit.excerpt
    assert len(hit.excerpt.replace("...", " ").split()) <= EXCERPT_TOKENS


def test_a_title_only_match_gets_the_opening_of_the_body(search: SqliteSearch) -> None:
    (hit,) = search.search("explained", None, 5)

    assert hit.excerpt.startswith("Send a small share of traffic")


def test_indexing_the_same_url_replaces_the_article(search: SqliteSearch) -> None:
    search.index([replace(CANARY, title="Blue Green Releases", body="Switch traffic between two stacks.")])

    assert search.count() == len(CORPUS)
    assert urls(search.search("canary", None, 5)) == [TIMEOUTS.url]
    assert urls(search.search("blue green", None, 5)) == [CANARY.url]


def test_remove_deletes_by_url_and_ignores_unknown_urls(search: SqliteSearch) -> None:
    search.remove([CANARY.url, "https://happycloud.com/docs/none"])

    assert search.count() == len(CORPUS) - 1
    assert urls(search.search("canary", None, 5)) == [TIMEOUTS.url]
    assert search.search("explained", None, 5) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"timeout',
        "*",
        "time*",
        "NEAR(",
        "NEAR(timeout pipeline, 2)",
        "OR",
        "timeout OR",
        "AND NOT",
        "-",
        "-timeout",
        ":",
        "title:canary",
        "{title body}: canary",
        "^canary",
        "canary + ()",
        "'; DROP TABLE docs; --",
        "\x00\n\t",
        "ü" * 500,
        " ".join(f"term{number}" for number in range(200)),
    ],
)
def test_query_syntax_in_user_text_is_just_text(search: SqliteSearch, query: str) -> None:
    hits = search.search(query, None, 5)

    assert isinstance(hits, list)
    assert search.count() == len(CORPUS)


def test_operators_and_column_filters_do_not_apply() -> None:
    expression = match_expression(query_terms('title:canary NEAR("pipeline" -timeout*)'))

    assert expression == '"title" OR "canary" OR "near" OR "pipeline" OR "timeout"'


def test_column_filter_text_searches_the_words(search: SqliteSearch) -> None:
    assert urls(search.search("title:canary", None, 5))[:2] == [CANARY.url, TIMEOUTS.url]


@pytest.mark.parametrize("query", ["", "   ", '"" * - : ( )', "___"])
def test_a_query_without_words_returns_nothing(search: SqliteSearch, query: str) -> None:
    assert search.search(query, None, 5) == []


def test_stop_words_are_dropped_and_a_query_of_them_alone_finds_nothing(search: SqliteSearch) -> None:
    # Searched for, "the and of a" ranked articles by how often they say "the", at a relevance of 0.8.
    assert query_terms("How to configure the Pipeline timeout") == ["configure", "pipeline", "timeout"]
    assert query_terms("how to") == []
    assert search.search("the and of a", None, 5) == search.search("How do I?", None, 5) == []


def test_relevance_is_the_score_over_its_upper_bound_for_the_query() -> None:
    # One article, one term in its title once: with D == avgdl, bm25 = idf * 3 * 2.2 / (3 + 1.2).
    with SqliteSearch() as search:
        search.index([replace(CANARY, body="")])
        search.index([replace(ROTATION, body="")])
        (hit,) = search.search("canary", None, 5)

    idf = bm25_idf(2, 1)
    score = idf * 3.0 * (BM25_K1 + 1) / (3.0 + BM25_K1)
    assert idf == pytest.approx(math.log(1.5 / 1.5) or 1e-6)
    assert hit.relevance == pytest.approx(relevance_from_bm25(score, [idf]))
    assert hit.relevance == pytest.approx(3.0 / 4.2)


def test_relevance_does_not_depend_on_the_corpus_size() -> None:
    small = SqliteSearch()
    small.index([CANARY, ROTATION, IRSA])
    large = SqliteSearch()
    # Filler as long as the other articles, so the average length (bm25's other input) stays about the same.
    words = "Unrelated words about storage quotas billing exports and regional limits for the data teams here"
    filler = [article("data-platform", "reference", f"filler-{n}", f"Filler {n} page", words) for n in range(40)]
    large.index([CANARY, ROTATION, IRSA, *filler])

    (in_small,) = small.search("canary", None, 5)
    (in_large,) = large.search("canary", None, 5)

    # bm25 itself grows with the IDF (ln 2 -> ln 42); the bounded relevance stays in the same place.
    assert in_large.relevance == pytest.approx(in_small.relevance, abs=0.05)


def test_a_fuller_match_is_more_relevant_across_queries(search: SqliteSearch) -> None:
    (full,) = search.search("canary releases explained", "app-cicd", 1)
    partial = search.search("canary rollout checklist", "app-cicd", 5)

    assert full.url == CANARY.url
    assert full.relevance > max(hit.relevance for hit in partial)


def test_relevance_bound_handles_degenerate_scores() -> None:
    assert relevance_from_bm25(0.0, [1.0]) == 0.0
    assert relevance_from_bm25(5.0, []) == 0.0
    assert relevance_from_bm25(100.0, [1.0]) == 1.0
    assert bm25_idf(10, 9) == 1e-6


def test_a_file_database_persists_across_instances(tmp_path: Path) -> None:
    path = str(tmp_path / "docs.sqlite3")
    with SqliteSearch(path) as first:
        first.index(CORPUS)

    with SqliteSearch(path) as second:
        assert second.count() == len(CORPUS)
        assert urls(second.search("canary", None, 1)) == [CANARY.url]


def test_a_reader_sees_another_connections_writes(tmp_path: Path) -> None:
    path = str(tmp_path / "docs.sqlite3")
    with SqliteSearch(path) as writer, SqliteSearch(path) as reader:
        writer.index([CANARY])
        (before,) = reader.search("canary", None, 5)

        writer.index([TIMEOUTS, ROTATION, IRSA])
        after = reader.search("canary", None, 5)

    assert before.url == CANARY.url
    assert urls(after) == [CANARY.url, TIMEOUTS.url]
    assert all(0.0 < hit.relevance <= 1.0 for hit in after)


def test_threads_can_search_while_another_indexes() -> None:
    search = SqliteSearch()
    search.index(CORPUS)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(200):
                assert search.search("timeout pipeline", None, 5)
        except BaseException as error:  # noqa: BLE001 - collected for the assertion below
            errors.append(error)

    def write() -> None:
        try:
            for number in range(200):
                search.index([article("app-cicd", "reference", f"extra-{number}", "Timeout extra", "timeout")])
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(6)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert search.count() == len(CORPUS) + 200
