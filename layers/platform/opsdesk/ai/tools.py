"""Tools the chat assistant can call. `searchDocs` searches the documentation through the same backend as
`POST /docs/search` (SQLite FTS5 locally, OpenSearch on AWS)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from opsdesk.ai.provider import Citation, ToolError, ToolOutput, ToolSpec
from opsdesk.frozen import frozen
from opsdesk.search.backend import SearchBackend
from opsdesk.search.model import SearchHit

SEARCH_DOCS = "searchDocs"
MAX_QUERY_CHARS = 500
PLANE_SLUG = re.compile(r"^[a-z0-9-]{1,64}$")


@frozen
class DocResult:
    """One article of a searchDocs result, as the model reads it."""

    title: str
    url: str
    type: str
    plane: str
    excerpt: str
    relevance: float

    @classmethod
    def from_hit(cls, hit: SearchHit) -> DocResult:
        return cls(hit.title, hit.url, hit.type, hit.plane, hit.excerpt, round(hit.relevance, 3))

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "type": self.type, "plane": self.plane,
                "excerpt": self.excerpt, "relevance": self.relevance}


class SearchDocsTool:
    """searchDocs {query, planeSlug?}: the most relevant articles, best first, with an excerpt each."""

    def __init__(self, backend: SearchBackend, *, limit: int = 5, plane_slugs: Iterable[str] = ()) -> None:
        self._backend = backend
        self._limit = limit
        slugs = sorted(plane_slugs)
        plane_help = "Restrict the search to one product area"
        if slugs:
            plane_help += ": one of " + ", ".join(slugs)
        self._spec = ToolSpec(
            name=SEARCH_DOCS,
            description=(
                "Search the HappyCloud platform documentation (how-to guides, references, tutorials and "
                "troubleshooting articles). Returns the most relevant articles, best first, each with its title, "
                "url, type, product area, an excerpt and a relevance between 0 and 1. With planeSlug and no query "
                "it lists that product area's articles by title (relevance 0), for a question about the area."
            ),
            input_schema={
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What to search for, in a few keywords (leave it "
                                                               "out with planeSlug to list the area's articles)"},
                    "planeSlug": {"type": "string", "description": plane_help, **({"enum": slugs} if slugs else {})},
                },
            },
        )

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    def run(self, args: Mapping[str, Any]) -> ToolOutput:
        query, plane_slug = parse_search_args(args)
        if query is None:
            assert plane_slug is not None
            hits = self._backend.in_plane(plane_slug, self._limit)
        else:
            hits = self._backend.search(query, plane_slug, self._limit)
        results = [DocResult.from_hit(hit) for hit in hits]
        return ToolOutput(
            content={"results": [r.as_json() for r in results]},
            citations=tuple(Citation(r.title, r.url) for r in results),
        )


def parse_search_args(args: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The query (None: list the plane's articles) and the plane slug (None: every plane)."""
    plane_slug = args.get("planeSlug")
    if plane_slug in (None, ""):
        plane_slug = None
    elif not isinstance(plane_slug, str) or not PLANE_SLUG.match(plane_slug):
        raise ToolError("planeSlug must be a plane slug such as app-cicd")
    query = args.get("query")
    if query in (None, "") and plane_slug is not None:
        return None, plane_slug
    if not isinstance(query, str) or not query.strip():
        raise ToolError("query must be a non-empty string (or leave it out with planeSlug to list an area)")
    query = query.strip()
    if len(query) > MAX_QUERY_CHARS:
        # A model that over-explains still gets results: bm25 needs the words, not all of them.
        query = query[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    return query, plane_slug


def doc_results(output: ToolOutput) -> list[DocResult]:
    """The articles of a searchDocs output."""
    return [
        DocResult(r["title"], r["url"], r["type"], r["plane"], r["excerpt"], float(r["relevance"]))
        for r in output.content.get("results", [])
    ]
