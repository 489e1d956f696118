"""Embedded documentation search on SQLite FTS5 (the local stack's engine, and the tests').

Ranking is FTS5's ``bm25()`` with the title weighted ``TITLE_WEIGHT`` times the body, the same boost the
OpenSearch adapter gives ``title``. Text is tokenised by ``porter unicode61 remove_diacritics 2``: unicode61
splits on anything that is not a letter or digit, so ``iam``, ``k8s``, ``s3`` and ``ec2`` stay whole tokens
and ``timeout_minutes`` / ``app-cicd`` also match ``timeout`` / ``cicd``; porter stems English
(``timeouts`` matches ``timeout``). Article bodies are indexed as plain text (``markdown_to_text``) so the
excerpts carry no Markdown.

User text never reaches ``MATCH`` as syntax: it is cut into the same letter/digit runs the tokenizer sees,
each run is double-quoted (a quoted string is a plain term in FTS5 syntax, so ``NEAR(``, ``OR``, ``*``,
``-``, ``:`` and ``"`` are just text or dropped), and the terms are OR-ed so that bm25, not a strict AND,
decides which articles match best.

Synonyms (``opsdesk.search.synonyms``, the data file shared with the OpenSearch adapter): the query as typed is
OR-ed with the query as the documentation would say it, where a phrase of the list ("get the old version back")
stands replaced by what it maps to ("rollback", "roll back", "previous release"); see ``ExpandedQuery``.

Relevance is ``-bm25 / ((k1 + 1) * sum(idf))``, the score over its upper bound for the query (see
``relevance_from_bm25``): in (0, 1] and comparable across queries of this backend.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import NamedTuple

from opsdesk.search.markdown import plain_articles
from opsdesk.search.model import DocArticle, SearchHit, searchable_words
from opsdesk.search.synonyms import domain_synonyms

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
EXCERPT_TOKENS = 30
EXCERPT_ELLIPSIS = "..."
MAX_QUERY_TERMS = 32
MAX_SYNONYM_MATCHES = 8
# FTS5's bm25 constants (fts5_aux.c); the relevance bound below depends on them.
BM25_K1 = 1.2
IDF_FLOOR = 1e-6


_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    plane_slug TEXT NOT NULL,
    plane_name TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_plane_slug ON docs (plane_slug);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    title, body,
    content='docs', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS docs_after_insert AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER IF NOT EXISTS docs_after_delete AFTER DELETE ON docs BEGIN
    INSERT INTO docs_fts (docs_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER IF NOT EXISTS docs_after_update AFTER UPDATE ON docs BEGIN
    INSERT INTO docs_fts (docs_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO docs_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"""

_UPSERT = """
INSERT INTO docs (url, title, type, plane_slug, plane_name, body) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (url) DO UPDATE SET
    title = excluded.title, type = excluded.type, plane_slug = excluded.plane_slug,
    plane_name = excluded.plane_name, body = excluded.body
"""

_RANK = f"bm25(docs_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"

# Step 1 ranks without building excerpts: SQLite evaluates every result column of every match before the
# ORDER BY ... LIMIT sorter, and snippet() is the expensive one. Step 2 builds excerpts for the top rows only.
_TOP_ALL = f"SELECT rowid, -{_RANK} FROM docs_fts WHERE docs_fts MATCH ? ORDER BY {_RANK} LIMIT ?"
_TOP_IN_PLANE = f"""
SELECT docs_fts.rowid, -{_RANK} FROM docs_fts JOIN docs ON docs.id = docs_fts.rowid
WHERE docs_fts MATCH ? AND docs.plane_slug = ? ORDER BY {_RANK} LIMIT ?
"""
_EXCERPTS = f"""
SELECT docs.id, docs.title, docs.type, docs.url, docs.plane_name,
       snippet(docs_fts, 1, '', '', '{EXCERPT_ELLIPSIS}', {EXCERPT_TOKENS})
FROM docs_fts JOIN docs ON docs.id = docs_fts.rowid
WHERE docs_fts MATCH ? AND docs_fts.rowid IN (SELECT value FROM json_each(?))
"""
_MATCH_COUNT = "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH ?"
_IN_PLANE = "SELECT title, type, url, plane_name FROM docs WHERE plane_slug = ? ORDER BY title LIMIT ?"


def query_terms(query: str) -> list[str]:
    """The searchable terms of free text (``searchable_words``: stop words dropped), at most ``MAX_QUERY_TERMS``."""
    return searchable_words(query)[:MAX_QUERY_TERMS]


def match_expression(terms: Iterable[str]) -> str:
    """An FTS5 MATCH expression: each term double-quoted (a plain string, never an operator), OR-ed."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def bm25_idf(total_documents: int, matching_documents: int) -> float:
    """FTS5's IDF: ``ln((N - n + 0.5) / (n + 0.5))``, floored at 1e-6 for terms in more than half the rows."""
    idf = math.log((total_documents - matching_documents + 0.5) / (matching_documents + 0.5))
    return idf if idf > 0.0 else IDF_FLOOR


def relevance_from_bm25(score: float, idfs: Iterable[float]) -> float:
    """Relevance of one result: ``s / s_max`` with ``s = -bm25`` and ``s_max = (k1 + 1) * sum(idf_i)``.

    FTS5 scores each query term ``idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))``, where ``f`` is the
    weighted term frequency; that is strictly below ``idf * (k1 + 1)``, so ``s_max`` bounds any article's score
    for this query and the relevance lies in (0, 1). It reads as "how completely this article matches the
    query": every term present, in the title, repeatedly, in a short article approaches 1; one of three equally
    rare terms mentioned once in a body gives ~0.15. Because the IDF scale cancels out, the value does not
    drift with corpus size and two results of this backend can be compared across queries, unlike the
    OpenSearch adapter's ``score / max_score``, which is relative to the best hit of its own query (its best
    hit is always 1.0). Rough marks for a one-term query in an average-length article: once in the body
    0.45, once in the title 0.71, title and twice in the body 0.81.
    """
    bound = (BM25_K1 + 1.0) * sum(idfs)
    if score <= 0.0 or bound <= 0.0:
        return 0.0
    return min(score / bound, 1.0)


class ExpandedQuery(NamedTuple):
    """A query with the domain's synonyms (``opsdesk.search.synonyms``), as two clauses OR-ed into one MATCH:
    the same two the OpenSearch adapter sends.

    - ``literal``: the query's terms as typed (``query_terms``);
    - the query as the documentation would say it: its content words (``kept``: filler words dropped) with each
      phrase a synonym rule found replaced by what the rule maps it to (``alternatives``, one group per match).

    A content word is in both clauses and counts twice, a filler word or a synonym once: what the customer
    literally wrote weighs most, and "get", "need" or "not" weigh less than the words that say what is wrong.
    """

    literal: tuple[str, ...]
    kept: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()

    @property
    def phrases(self) -> list[str]:
        return [*self.literal, *self.kept, *(phrase for group in self.alternatives for phrase in group)]

    def bound_idfs(self, total: int, matching: Mapping[str, int]) -> list[float]:
        """The IDFs the relevance bound sums (``relevance_from_bm25``): every term of both clauses, except that
        each synonym match counts once, with the largest IDF among its alternatives that some article holds
        (none: 0). An article holding several alternatives of one match can pass the bound; relevance is capped
        at 1. Without synonyms both clauses scale score and bound alike, so relevance is what one clause gives."""
        literal = [bm25_idf(total, matching[term]) for term in self.literal]
        kept = [bm25_idf(total, matching[term]) for term in self.kept]
        groups = [max((bm25_idf(total, matching[phrase]) for phrase in group if matching[phrase]), default=0.0)
                  for group in self.alternatives]
        return [*literal, *kept, *groups]


def expanded_query(query: str, terms: list[str]) -> ExpandedQuery:
    """``terms`` (``query_terms(query)``) and the query as the documentation would say it."""
    kept, matches = domain_synonyms().rewrite(query)
    groups = tuple(match.alternatives for match in matches[:MAX_SYNONYM_MATCHES])
    return ExpandedQuery(tuple(terms), tuple(kept[:MAX_QUERY_TERMS]), groups)


class SqliteSearch:
    """``SearchBackend`` on SQLite FTS5.

    ``path`` is a database file (persisted, WAL journal) or ``":memory:"``. One connection guarded by a lock
    serves all threads: a query takes well under a millisecond at the sizes the local stack holds, and one
    connection is the only way an in-memory database is shared between threads.
    """

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(path, check_same_thread=False)
        # Document frequencies for the relevance bound, valid while the database is unchanged. The cache key is
        # PRAGMA data_version (moves when another connection commits) plus our own write counter.
        self._frequencies: dict[str, int] = {}
        self._frequencies_version: tuple[int, int] | None = None
        self._writes = 0
        with self._lock, self._connection:
            if path != ":memory:":
                self._connection.execute("PRAGMA journal_mode = WAL")
                self._connection.execute("PRAGMA synchronous = NORMAL")
            self._connection.executescript(_SCHEMA)

    def index(self, articles: Iterable[DocArticle]) -> None:
        rows = [
            (article.url, article.title, article.type, article.plane_slug, article.plane_name, body)
            for article, body in plain_articles(articles)
        ]
        with self._lock, self._connection:
            self._writes += 1
            self._connection.executemany(_UPSERT, rows)

    def remove(self, urls: Iterable[str]) -> None:
        with self._lock, self._connection:
            self._writes += 1
            self._connection.executemany("DELETE FROM docs WHERE url = ?", [(url,) for url in urls])

    def urls(self) -> set[str]:
        with self._lock:
            return {url for (url,) in self._connection.execute("SELECT url FROM docs")}

    def count(self) -> int:
        with self._lock:
            (total,) = self._connection.execute("SELECT count(*) FROM docs").fetchone()
        return int(total)

    def in_plane(self, plane_slug: str, limit: int = 5) -> list[SearchHit]:
        if limit < 1:
            return []
        with self._lock:
            rows = self._connection.execute(_IN_PLANE, (plane_slug, limit)).fetchall()
        return [SearchHit(title=title, type=doc_type, excerpt="", url=url, relevance=0.0, plane=plane_name)
                for title, doc_type, url, plane_name in rows]

    def search(self, query: str, plane_slug: str | None = None, limit: int = 5) -> list[SearchHit]:
        terms = query_terms(query)
        if not terms or limit < 1:
            return []
        expanded = expanded_query(query, terms)
        expression = match_expression(expanded.phrases)
        with self._lock:
            if plane_slug is None:
                top = self._connection.execute(_TOP_ALL, (expression, limit)).fetchall()
            else:
                top = self._connection.execute(_TOP_IN_PLANE, (expression, plane_slug, limit)).fetchall()
            if not top:
                return []
            rowids = "[" + ",".join(str(int(rowid)) for rowid, _ in top) + "]"
            details = {row[0]: row[1:] for row in self._connection.execute(_EXCERPTS, (expression, rowids))}
            total, frequencies = self._frequencies_of(list(dict.fromkeys(expanded.phrases)))
        bound_idfs = expanded.bound_idfs(total, frequencies)
        hits: list[SearchHit] = []
        for rowid, score in top:
            title, doc_type, url, plane_name, excerpt = details[rowid]
            relevance = relevance_from_bm25(float(score), bound_idfs)
            hits.append(
                SearchHit(title=title, type=doc_type, excerpt=excerpt, url=url, relevance=relevance, plane=plane_name)
            )
        return hits

    def _frequencies_of(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """The number of articles, and how many hold each term or phrase: counted once per database version."""
        (data_version,) = self._connection.execute("PRAGMA data_version").fetchone()
        version = (int(data_version), self._writes)
        if version != self._frequencies_version:
            self._frequencies = {}
            self._frequencies_version = version
        total = self._frequencies.get("")
        if total is None:
            (total,) = self._connection.execute("SELECT count(*) FROM docs").fetchone()
            self._frequencies[""] = total
        matching: dict[str, int] = {}
        for term in terms:
            count = self._frequencies.get(term)
            if count is None:
                (count,) = self._connection.execute(_MATCH_COUNT, (match_expression([term]),)).fetchone()
                self._frequencies[term] = count
            matching[term] = count
        return total, matching

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> SqliteSearch:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
