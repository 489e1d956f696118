"""Documentation search: one interface, two engines.

``SqliteSearch`` (SQLite FTS5, embedded) serves the local stack and tests; ``OpenSearchSearch`` is the
production adapter for Amazon OpenSearch Service. Both implement ``SearchBackend``. Nothing here reads
settings or the environment: callers build a backend from their own validated settings.

Each name is imported when first named (`from opsdesk.search import SqliteSearch`), so a function that only
names an article or a hit (``opsdesk.search.model``) loads neither SQLite nor the Markdown patterns.
``opsdesk.search.opensearch`` imports opensearch-py, so it is not exported here at all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time __getattr__ imports each when named
    from opsdesk.search.backend import SearchBackend
    from opsdesk.search.markdown import markdown_to_text
    from opsdesk.search.model import DOC_TYPES, DocArticle, SearchHit, load_articles, parse_article
    from opsdesk.search.sqlite_fts import SqliteSearch

EXPORTS = {
    "DOC_TYPES": "model",
    "DocArticle": "model",
    "SearchHit": "model",
    "load_articles": "model",
    "parse_article": "model",
    "markdown_to_text": "markdown",
    "SearchBackend": "backend",
    "SqliteSearch": "sqlite_fts",
}

__all__ = [
    "DOC_TYPES",
    "DocArticle",
    "SearchBackend",
    "SearchHit",
    "SqliteSearch",
    "load_articles",
    "markdown_to_text",
    "parse_article",
]


def __getattr__(name: str) -> Any:
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
