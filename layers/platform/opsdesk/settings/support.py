"""The support functions: the support table, and where documentation search runs."""

from __future__ import annotations

from typing import Literal

from opsdesk.settings import PlatformSettings, setting


class SupportSettings(PlatformSettings):
    support_table_name: str = setting("SUPPORT_TABLE_NAME", min_length=3)


class SearchSettings(PlatformSettings):
    """Where documentation search runs, and where the articles are kept."""

    docs_bucket_name: str | None = setting("DOCS_BUCKET_NAME", default=None)
    search_backend: Literal["sqlite", "opensearch"] = setting("SEARCH_BACKEND", default="sqlite")
    search_sqlite_path: str = setting("SEARCH_SQLITE_PATH", default=":memory:")
    """The embedded index (locally `.local/search.sqlite`, built by `make dev` from docs/corpus)."""
    opensearch_endpoint: str | None = setting("OPENSEARCH_ENDPOINT", default=None)
    opensearch_index: str = setting("OPENSEARCH_INDEX", default="docs")
    opensearch_service: Literal["es", "aoss"] | None = setting("OPENSEARCH_SERVICE", default=None)
    """The SigV4 service name: ``aoss`` for an OpenSearch Serverless collection (what CDK deploys), ``es`` for a
    domain. Unset: taken from the endpoint's host (``*.aoss.amazonaws.com`` is Serverless)."""


class DocsSettings(SupportSettings, SearchSettings):
    """The support docs function: search and feedback."""
