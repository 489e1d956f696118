"""The search interface shared by the embedded engine (local stack, tests) and OpenSearch (AWS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from opsdesk.search.model import DocArticle, SearchHit


@runtime_checkable
class SearchBackend(Protocol):
    """Full-text search over documentation articles.

    - ``index`` upserts: an article replaces any earlier article with the same ``url``.
    - ``remove`` deletes by url; unknown urls are ignored.
    - ``search`` returns at most ``limit`` hits, best first, restricted to ``plane_slug`` when given.
      A query with no searchable words, or ``limit < 1``, returns ``[]``. User text is never query syntax.
      ``relevance`` is in 0..1; each engine documents what it is comparable with.
    - ``in_plane`` lists up to ``limit`` of one plane's articles by title, not ranked (relevance 0, no
      excerpt): what a plane documents, for a question about the plane itself.
    - ``count`` is the number of indexed articles; ``urls`` are their urls (for a full re-index to drop the
      articles its source no longer holds).
    """

    def index(self, articles: Iterable[DocArticle]) -> None: ...

    def remove(self, urls: Iterable[str]) -> None: ...

    def search(self, query: str, plane_slug: str | None = None, limit: int = 5) -> list[SearchHit]: ...

    def in_plane(self, plane_slug: str, limit: int = 5) -> list[SearchHit]: ...

    def count(self) -> int: ...

    def urls(self) -> set[str]: ...
