"""Documentation articles, search hits, and the Markdown front-matter parser (the body to plain text is
opsdesk.search.markdown).

An article is a Markdown file that opens with a front-matter block of ``key: value`` lines::

    ---
    title: How to Configure Pipeline Timeout Settings
    type: how-to
    plane: app-cicd
    url: https://happycloud.com/docs/app-cicd/how-to/configure-timeouts
    ---
    body...

Only flat ``key: value`` pairs are read (no YAML dependency in the layer); values may be quoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

STOP_WORDS = frozenset(
    (
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "in", "is",
        "it", "my", "of", "on", "or", "so", "that", "the", "this", "to", "was", "what", "when", "where", "which", "who",
        "why", "will", "with", "you", "your",
    )
)
"""English words too common to tell articles apart: never searched for. A query of these alone ("the and of a")
names nothing, and finds nothing in either engine, rather than articles ranked by how often they say "the"."""
QUERY_WORD = re.compile(r"[^\W_]+")
"""A searchable word: a run of letters or digits (what the embedded engine's unicode61 tokenizer sees)."""


def searchable_words(query: str) -> list[str]:
    """The query's words that can tell articles apart: lower-cased, de-duplicated, in order, stop words dropped."""
    return [word for word in dict.fromkeys(w.lower() for w in QUERY_WORD.findall(query)) if word not in STOP_WORDS]


DOC_TYPES = frozenset({"how-to", "reference", "tutorial", "troubleshooting"})
REQUIRED_FIELDS = ("title", "type", "plane", "url")
FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True, slots=True)
class DocArticle:
    """One documentation article, as indexed. ``body`` is the Markdown after the front matter."""

    url: str
    title: str
    type: str
    plane_slug: str
    plane_name: str
    body: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result of ``POST /api/docs/search``; ``plane`` is the plane's display name."""

    title: str
    type: str
    excerpt: str
    url: str
    relevance: float
    plane: str

    def __post_init__(self) -> None:
        if not 0.0 <= self.relevance <= 1.0:
            raise ValueError(f"relevance must be within 0..1, got {self.relevance}")

    def as_result(self, digits: int = 2) -> dict[str, str | float]:
        """The hit in the API document's shape, relevance rounded for display."""
        return {
            "title": self.title,
            "type": self.type,
            "excerpt": self.excerpt,
            "url": self.url,
            "relevance": round(self.relevance, digits),
            "plane": self.plane,
        }


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ValueError("article has no front matter: the first line must be '---'")
    fields: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        if stripped == FRONT_MATTER_FENCE:
            return fields, "\n".join(lines[number + 1 :]).strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, colon, value = stripped.partition(":")
        if not colon:
            raise ValueError(f"front matter line {number + 1} is not 'key: value': {stripped!r}")
        fields[key.strip().lower()] = _unquote(value.strip())
    raise ValueError("front matter is not closed by a '---' line")


def parse_article(text: str, plane_names: Mapping[str, str] | None = None) -> DocArticle:
    """Parse one Markdown article.

    ``plane_names`` maps plane slugs to display names; an unknown slug is its own name.
    Raises ``ValueError`` naming the field when a required field is missing or empty, or when ``type``
    is not one of ``DOC_TYPES``.
    """
    fields, body = _split_front_matter(text)
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise ValueError(f"front matter field '{name}' is missing")
    doc_type = fields["type"].lower()
    if doc_type not in DOC_TYPES:
        raise ValueError(f"front matter field 'type' must be one of {sorted(DOC_TYPES)}, got {fields['type']!r}")
    plane_slug = fields["plane"]
    return DocArticle(
        url=fields["url"],
        title=fields["title"],
        type=doc_type,
        plane_slug=plane_slug,
        plane_name=(plane_names or {}).get(plane_slug, plane_slug),
        body=body,
    )


def load_articles(root: Path, plane_names: Mapping[str, str] | None = None) -> list[DocArticle]:
    """Parse every ``*.md`` under ``root`` (sorted, so the order is stable). The first bad file raises,
    with its path in the message."""
    articles: list[DocArticle] = []
    for path in sorted(root.rglob("*.md")):
        try:
            articles.append(parse_article(path.read_text(encoding="utf-8"), plane_names))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from error
    return articles
