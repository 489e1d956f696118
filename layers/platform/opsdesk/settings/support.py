"""The support functions: the support table, and where documentation search runs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsdesk.settings import PlatformSettings


class SupportSettings(PlatformSettings):
    support_table_name: str = Field(alias="SUPPORT_TABLE_NAME", min_length=3)


class SearchSettings(PlatformSettings):
    """Where documentation search runs, and where the articles are kept."""

    docs_bucket_name: str | None = Field(default=None, alias="DOCS_BUCKET_NAME")
    search_backend: Literal["sqlite", "opensearch"] = Field(default="sqlite", alias="SEARCH_BACKEND")
    search_sqlite_path: str = Field(default=":memory:", alias="SEARCH_SQLITE_PATH")
    """The embedded index (locally `.local/search.sqlite`, built by `make dev` from docs/corpus)."""
    opensearch_endpoint: str | None = Field(default=None, alias="OPENSEARCH_ENDPOINT")
    opensearch_index: str = Field(default="docs", alias="OPENSEARCH_INDEX")
    opensearch_service: Literal["es", "aoss"] | None = Field(default=None, alias="OPENSEARCH_SERVICE")
    """The SigV4 service name: ``aoss`` for an OpenSearch Serverless collection (what CDK deploys), ``es`` for a
    domain. Unset: taken from the endpoint's host (``*.aoss.amazonaws.com`` is Serverless)."""


class DocsSettings(SupportSettings, SearchSettings):
    """The support docs function: search and feedback."""
