"""Markdown to plain text: what both search engines index and quote in excerpts. Only the indexer and the
searches need it, so its patterns are compiled where they are used, not by every function that names an article."""

from __future__ import annotations

import re
from collections.abc import Iterable

from opsdesk.search.model import DocArticle

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
