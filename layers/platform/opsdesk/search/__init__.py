"""Documentation search: one interface, two engines.

``SqliteSearch`` (SQLite FTS5, embedded) serves the local stack and tests; ``OpenSearchSearch`` is the
production adapter for Amazon OpenSearch Service. Both implement ``SearchBackend``. Nothing here reads
settings or the environment: callers build a backend from their own validated settings.

``opsdesk.search.opensearch`` imports opensearch-py, so it is not re-exported here: importing this package
stays cheap for functions that only use the embedded engine or the models.
"""

from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import DOC_TYPES, DocArticle, SearchHit, load_articles, markdown_to_text, parse_article
from opsdesk.search.sqlite_fts import SqliteSearch

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
