"""Documentation search for the support module: which backend serves it, from settings.

Production searches OpenSearch (opsdesk.search.opensearch, SigV4); locally and by default an embedded SQLite
FTS5 index (opsdesk.search.sqlite_fts) behind the same interface. Both are built on first use, not at import."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import SearchHit, load_articles
from opsdesk.settings import DocsSettings

DEMO_PLANE_NAMES = {
    "app-cicd": "App CI/CD",
    "infrastructure": "Infrastructure",
    "data-platform": "Data Platform",
    "identity-access": "Identity & Access",
    "observability": "Observability",
}


@cache
def search_backend(settings: DocsSettings) -> SearchBackend:
    if settings.search_backend == "opensearch":
        # Imported only where OpenSearch serves: opensearch-py costs cold-start time the local backend does not.
        from opsdesk.search.opensearch import OpenSearchSearch, connect  # noqa: PLC0415

        if not settings.opensearch_endpoint:
            raise RuntimeError("SEARCH_BACKEND=opensearch needs OPENSEARCH_ENDPOINT")
        return OpenSearchSearch(connect(settings.opensearch_endpoint, settings.aws_region), settings.opensearch_index)
    from opsdesk.search.sqlite_fts import SqliteSearch  # noqa: PLC0415

    return SqliteSearch(settings.search_sqlite_path)


def search_docs(backend: SearchBackend, query: str, plane_slug: str | None, limit: int) -> list[SearchHit]:
    return backend.search(query, plane_slug, limit)


def index_corpus(backend: SearchBackend, root: Path) -> int:
    """(Re)index every article under `root` (docs/corpus); returns how many the index holds."""
    backend.index(load_articles(root, DEMO_PLANE_NAMES))
    return backend.count()
