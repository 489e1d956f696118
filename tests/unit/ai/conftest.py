"""The demo documentation corpus in an in-memory index: what the assistant's searchDocs tool searches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opsdesk.ai.tools import SearchDocsTool
from opsdesk.search.model import load_articles
from opsdesk.search.sqlite_fts import SqliteSearch
from opsdesk.support.docs import DEMO_PLANE_NAMES, index_corpus

CORPUS = Path(__file__).resolve().parents[3] / "docs" / "corpus"


@pytest.fixture(scope="session")
def corpus_index() -> Iterator[SqliteSearch]:
    backend = SqliteSearch(":memory:")
    index_corpus(backend, CORPUS)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def corpus_titles() -> dict[str, str]:
    """url -> title of every article of the demo corpus."""
    return {article.url: article.title for article in load_articles(CORPUS, DEMO_PLANE_NAMES)}


@pytest.fixture
def search_docs(corpus_index: SqliteSearch) -> SearchDocsTool:
    return SearchDocsTool(corpus_index, limit=5, plane_slugs=DEMO_PLANE_NAMES)
