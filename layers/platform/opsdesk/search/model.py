"""Documentation articles, search hits, and the Markdown front-matter parser.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

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


_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LINE_MARKERS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`+|~~)")
_PIPES = re.compile(r"\s*\|\s*")
_SPACES = re.compile(r"\s+")


def markdown_to_text(markdown: str) -> str:
    """Markdown to one line of plain text for indexing and excerpts.

    Keeps the words (including code, which users search for: ``timeout_minutes``), drops the markup:
    fences, headings, list and quote markers, emphasis, link targets, HTML tags, table rules and pipes.
    Single underscores are kept, since they belong to identifiers more often than to emphasis.
    """
    text = _FENCE.sub(" ", markdown)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARKERS.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _PIPES.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def plain_articles(articles: Iterable[DocArticle]) -> Iterable[tuple[DocArticle, str]]:
    """Each article with its body as plain text: what both engines index."""
    for article in articles:
        yield article, markdown_to_text(article.body)
