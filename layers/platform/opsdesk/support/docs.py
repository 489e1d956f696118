"""Documentation search for the support module: which backend serves it, from settings.

Production searches OpenSearch (opsdesk.search.opensearch, SigV4); locally and by default an embedded SQLite
FTS5 index (opsdesk.search.sqlite_fts) behind the same interface. Both are built on first use, not at import."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import DocArticle, load_articles, parse_article
from opsdesk.settings import SearchSettings

DOCS_BASE_URL = "https://happycloud.com/docs"
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


def reindex_bucket(s3: Any, bucket: str, backend: SearchBackend) -> int:
    """Full re-index: every article in the bucket upserted, and articles the bucket no longer holds removed;
    returns how many the index holds."""
    articles = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            if entry["Key"].endswith(".md"):
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read().decode("utf-8")
                articles.append(article_from_object(entry["Key"], body))
    backend.index(articles)
    stale = backend.urls() - {article.url for article in articles}
    if stale:
        backend.remove(stale)
    return backend.count()
