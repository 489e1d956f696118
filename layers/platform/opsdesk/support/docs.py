"""Documentation search for the support module: which backend serves it, from settings.

Production searches OpenSearch (opsdesk.search.opensearch, SigV4); locally and by default an embedded SQLite
FTS5 index (opsdesk.search.sqlite_fts) behind the same interface. Both are built on first use, not at import."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Protocol

from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import DocArticle, load_articles, parse_article
from opsdesk.settings import SearchSettings

DOCS_BASE_URL = "https://happycloud.com/docs"
ARTICLE_SUFFIX = ".md"
"""Articles are Markdown objects; anything else in the docs bucket is not indexed."""
DEMO_PLANE_NAMES = {
    "app-cicd": "App CI/CD",
    "infrastructure": "Infrastructure",
    "data-platform": "Data Platform",
    "identity-access": "Identity & Access",
    "observability": "Observability",
}


@cache
def search_backend(settings: SearchSettings) -> SearchBackend:
    if settings.search_backend == "opensearch":
        # Imported only where OpenSearch serves: opensearch-py costs cold-start time the local backend does not.
        from opsdesk.search.opensearch import OpenSearchSearch, connect, signing_service  # noqa: PLC0415

        if not settings.opensearch_endpoint:
            raise RuntimeError("SEARCH_BACKEND=opensearch needs OPENSEARCH_ENDPOINT")
        service = signing_service(settings.opensearch_endpoint, settings.opensearch_service or None)
        client = connect(settings.opensearch_endpoint, settings.aws_region, service)
        return OpenSearchSearch(client, settings.opensearch_index, serverless=service == "aoss")
    from opsdesk.search.sqlite_fts import SqliteSearch  # noqa: PLC0415

    return SqliteSearch(settings.search_sqlite_path)


def index_corpus(backend: SearchBackend, root: Path) -> int:
    """(Re)index every article under `root` (docs/corpus); returns how many the index holds."""
    backend.index(load_articles(root, DEMO_PLANE_NAMES))
    return backend.count()


def url_for_key(key: str) -> str:
    """Articles are kept under `<plane>/<type>/<slug>.md`, and published at the matching docs URL, so a removed
    object (whose text is gone) still names the article to drop from the index."""
    return f"{DOCS_BASE_URL}/{key.removesuffix('.md')}"


def article_from_object(key: str, text: str) -> DocArticle:
    """The article an object holds. Its front-matter url must be the one its key publishes it at: a removed
    object names its article by key alone, so the two must agree (else ValueError naming both)."""
    article = parse_article(text, DEMO_PLANE_NAMES)
    if article.url != url_for_key(key):
        raise ValueError(f"{key}: front matter url {article.url} is not {url_for_key(key)}, where its key puts it")
    return article


class ArticleObjects(Protocol):
    """Where the articles are kept (opsdesk.objects.ObjectStore)."""

    def get(self, bucket: str, key: str) -> bytes: ...
    def keys(self, bucket: str, suffix: str = "") -> Iterator[str]: ...


def reindex_bucket(objects: ArticleObjects, bucket: str, backend: SearchBackend) -> int:
    """Full re-index: every article in the bucket upserted, and articles the bucket no longer holds removed;
    returns how many the index holds."""
    articles = [article_from_object(key, objects.get(bucket, key).decode("utf-8"))
                for key in objects.keys(bucket, ARTICLE_SUFFIX)]
    backend.index(articles)
    stale = backend.urls() - {article.url for article in articles}
    if stale:
        backend.remove(stale)
    return backend.count()
