"""The domain synonyms (opsdesk/search/synonyms.txt): the rule format, how phrases are found in a question, the
shipped list against the real corpus, and the embedded engine searching with them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from opsdesk.search.model import load_articles
from opsdesk.search.sqlite_fts import SqliteSearch, expanded_query, match_expression, query_terms
from opsdesk.search.synonyms import MATCH_STOP_WORDS, SynonymSet, content_words, domain_synonyms, fold
from tests.unit.search.corpus import CACHE, CORPUS, IRSA, article

CORPUS_DIR = Path(__file__).resolve().parents[3] / "docs" / "corpus"

RULES = """
# a comment line
rollback, roll back, revert   # equivalent
old version back, bad release => rollback, previous release
timeout, time limit
"""


def test_an_equivalence_line_searches_every_member_and_an_arrow_only_its_right_side() -> None:
    rules = SynonymSet.parse(RULES)

    (revert,) = rules.matches("revert")
    (old,) = rules.matches("old version back")

    assert revert.alternatives == ("rollback", "roll back", "revert")
    assert old.alternatives == ("rollback", "previous release")
    assert rules.matches("previous release") == []


def test_phrases_match_on_content_words_with_endings_folded() -> None:
    rules = SynonymSet.parse(RULES)

    # Filler words around and inside the phrase do not matter; neither does "reverted" vs "revert"
    (full,) = rules.matches("How do I get the old version back?")
    (keywords,) = rules.matches("old version back")
    (reverted,) = rules.matches("we reverted it")

    assert full.said == keywords.said == ("old", "version", "back")
    assert reverted.said == ("reverted",)
    assert [fold(w) for w in ("releases", "released", "releasing", "release")] == ["releas"] * 4
    assert fold("access") == "access"


def test_the_longest_phrase_wins_and_matches_do_not_overlap() -> None:
    rules = SynonymSet.parse("time, clock\ntime limit => timeout\nlimit => quota")

    matches = rules.matches("time limit exceeded, time limit again, limit")

    assert [(m.said, m.alternatives) for m in matches] == [
        (("time", "limit"), ("timeout",)),
        (("time", "limit"), ("timeout",)),
        (("limit",), ("quota",)),
    ]


def test_rewrite_keeps_the_words_no_rule_covered() -> None:
    kept, matches = SynonymSet.parse(RULES).rewrite("deploy got a time limit, deploy stage")

    assert kept == ["deploy", "stage"]
    assert [m.said for m in matches] == [("time", "limit")]


def test_forms_that_stem_alike_are_searched_once() -> None:
    (match,) = SynonymSet.parse("timeouts, timeout, timed out, times out").matches("timed out")

    assert match.alternatives == ("timeouts", "timed out")


@pytest.mark.parametrize(("text", "problem"), [
    ("the, of => x", "only filler words"),
    ("deploy => ", "phrases on both sides"),
    ("=> rollback", "phrases on both sides"),
    ("one two three four five six seven => x", "longer than 6 words"),
])
def test_a_rule_that_cannot_be_used_is_refused_naming_its_line(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"line 2: .*{problem}"):
        SynonymSet.parse("ok => fine\n" + text)


def test_solr_rules_are_explicit_mappings_of_content_words() -> None:
    assert SynonymSet.parse("the old version back => rollback, roll back").solr_rules() == [
        "old version back => rollback, roll back"]


# The shipped list


def test_the_shipped_list_parses_and_every_rule_searches_something_the_corpus_says() -> None:
    synonyms = domain_synonyms()
    with SqliteSearch() as search:
        search.index(load_articles(CORPUS_DIR))
        never_found = [
            rule for rule in synonyms.solr_rules()
            if not any(search.search(target, None, 1) for target in rule.split(" => ")[1].split(", "))
        ]

    assert len(synonyms) > 100
    assert never_found == []


def test_no_shipped_phrase_is_a_lone_filler_or_a_lone_common_word() -> None:
    # A rule firing on a bare common word would expand most questions.
    too_common = {"log", "logs", "start", "error", "errors", "fail", "failed", "data", "service", "test", "tests"}
    single = {phrase[0] for phrase in domain_synonyms().left_phrases() if len(phrase) == 1}

    assert not single & MATCH_STOP_WORDS
    assert not single & {fold(word) for word in too_common}


def test_the_list_is_read_on_first_use_not_at_import() -> None:
    code = ("import opsdesk.search.synonyms as s, opsdesk.search.sqlite_fts; "
            "print(s.domain_synonyms.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30)

    assert result.stdout.strip() == "0"


# The embedded engine with synonyms


@pytest.fixture
def search() -> Iterator[SqliteSearch]:
    with SqliteSearch() as backend:
        backend.index(CORPUS)
        yield backend


def test_a_question_in_the_customers_words_finds_the_article_in_the_documentations_words(
    search: SqliteSearch,
) -> None:
    # "without access keys" is what IRSA's article calls "IAM role" (it says "static keys", not "access")
    hits = search.search("let my kubernetes pods read a bucket without access keys", None, 3)

    assert hits[0].url == IRSA.url


def test_a_query_no_rule_touches_is_searched_as_typed_and_as_its_content_words() -> None:
    expanded = expanded_query("how do I set the canary stage value", query_terms("how do I set the canary stage value"))

    assert domain_synonyms().matches("how do I set the stage value") == []
    assert expanded_query("how do I set the stage value", ["set", "stage", "value"]).phrases == [
        "set", "stage", "value", "set", "stage", "value"]
    assert expanded.literal == ("set", "canary", "stage", "value")


def test_the_expanded_match_is_both_clauses_each_phrase_quoted() -> None:
    expanded = expanded_query("downloads every time", query_terms("downloads every time"))

    assert expanded.phrases == ["downloads", "every", "time", "cache", "dependencies"]
    assert match_expression(expanded.phrases) == '"downloads" OR "every" OR "time" OR "cache" OR "dependencies"'


def test_synonyms_lift_the_right_article_without_flooding_relevance(search: SqliteSearch) -> None:
    plain = search.search("builds slow, dependencies fetched on every run", None, 1)
    said_differently = search.search("builds slow, packages download again on every run", None, 1)

    assert plain[0].url == said_differently[0].url == CACHE.url
    assert 0.0 < said_differently[0].relevance <= 1.0


def test_content_words_drop_the_chat_and_engine_fillers() -> None:
    assert content_words("How do I get the old one back, it doesn't work?") == ["old", "one", "back", "work"]


def test_an_article_holding_several_alternatives_is_capped_at_full_relevance() -> None:
    rich = article("app-cicd", "how-to", "rollback", "Rollback", "Roll back, revert, rollback, previous release.")
    with SqliteSearch() as search:
        search.index([rich, CACHE])
        (hit,) = search.search("undo", None, 5)

    assert hit.relevance <= 1.0
