from __future__ import annotations

from pathlib import Path

import pytest

from opsdesk.search.markdown import markdown_to_text
from opsdesk.search.model import DocArticle, SearchHit, load_articles, parse_article

EXAMPLE = """---
title: How to Configure Pipeline Timeout Settings
type: how-to
plane: app-cicd
url: https://happycloud.com/docs/app-cicd/how-to/configure-timeouts
---
Learn how to adjust timeout values in your pipeline configuration.

## Steps
"""
PLANE_NAMES = {"app-cicd": "App CI/CD"}


def front_matter(**fields: str) -> str:
    lines = "".join(f"{name}: {value}\n" for name, value in fields.items())
    return f"---\n{lines}---\nbody\n"


VALID_FIELDS = {
    "title": "Timeouts",
    "type": "how-to",
    "plane": "app-cicd",
    "url": "https://happycloud.com/docs/app-cicd/how-to/configure-timeouts",
}


def test_parses_the_front_matter_and_names_the_plane() -> None:
    article = parse_article(EXAMPLE, PLANE_NAMES)

    assert article == DocArticle(
        url="https://happycloud.com/docs/app-cicd/how-to/configure-timeouts",
        title="How to Configure Pipeline Timeout Settings",
        type="how-to",
        plane_slug="app-cicd",
        plane_name="App CI/CD",
        body="Learn how to adjust timeout values in your pipeline configuration.\n\n## Steps",
    )


def test_an_unknown_plane_keeps_its_slug_as_name() -> None:
    assert parse_article(EXAMPLE).plane_name == "app-cicd"
    assert parse_article(EXAMPLE, {"other": "Other"}).plane_name == "app-cicd"


@pytest.mark.parametrize("missing", ["title", "type", "plane", "url"])
def test_a_missing_field_is_named(missing: str) -> None:
    fields = {name: value for name, value in VALID_FIELDS.items() if name != missing}

    with pytest.raises(ValueError, match=f"'{missing}' is missing"):
        parse_article(front_matter(**fields))


def test_an_empty_field_counts_as_missing() -> None:
    with pytest.raises(ValueError, match="'title' is missing"):
        parse_article(front_matter(**{**VALID_FIELDS, "title": '""'}))


@pytest.mark.parametrize("doc_type", ["guide", "howto", ""])
def test_type_must_be_one_of_the_four_kinds(doc_type: str) -> None:
    with pytest.raises(ValueError, match="'type'"):
        parse_article(front_matter(**{**VALID_FIELDS, "type": doc_type}))


@pytest.mark.parametrize("doc_type", ["how-to", "reference", "tutorial", "troubleshooting", "Reference"])
def test_every_kind_of_article_parses(doc_type: str) -> None:
    assert parse_article(front_matter(**{**VALID_FIELDS, "type": doc_type})).type == doc_type.lower()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: x\n", "no front matter"),
        ("", "no front matter"),
        ("---\ntitle: x\n", "not closed"),
        ("---\njust words\n---\n", "not 'key: value'"),
    ],
)
def test_malformed_front_matter_is_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_article(text)


def test_quotes_crlf_bom_and_comments_are_tolerated() -> None:
    text = (
        "\ufeff---\r\n# a comment\r\ntitle: \"Deploy: the basics\"\r\ntype: 'tutorial'\r\nplane: app-cicd\r\n"
        "url: https://happycloud.com/docs/app-cicd/tutorial/deploy\r\n---\r\nBody\r\n"
    )

    article = parse_article(text)

    assert (article.title, article.type, article.body) == ("Deploy: the basics", "tutorial", "Body")


def test_load_articles_reads_markdown_files_in_order_and_names_a_bad_one(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text(front_matter(**{**VALID_FIELDS, "url": "https://x/2"}))
    (tmp_path / "one.md").write_text(front_matter(**{**VALID_FIELDS, "url": "https://x/1"}))
    (tmp_path / "notes.txt").write_text("ignored")

    assert [article.url for article in load_articles(tmp_path)] == ["https://x/2", "https://x/1"]

    (tmp_path / "bad.md").write_text(front_matter(title="x"))
    with pytest.raises(ValueError, match=r"bad\.md: .*'type' is missing"):
        load_articles(tmp_path)


def test_markdown_becomes_plain_text_keeping_identifiers() -> None:
    markdown = (
        "# Title\n\n> Note: **bold** and _it_ and `timeout_minutes`.\n\n- item [link](https://x.y/z)\n"
        "1. ![diagram](a.png) <b>html</b>\n\n```yaml\nstage: build\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )

    assert markdown_to_text(markdown) == (
        "Title Note: bold and _it_ and timeout_minutes. item link diagram html stage: build a b 1 2"
    )


def test_a_hit_is_shaped_like_the_api_result() -> None:
    hit = SearchHit(title="T", type="how-to", excerpt="E", url="U", relevance=0.91666, plane="App CI/CD")

    assert hit.as_result() == {
        "title": "T",
        "type": "how-to",
        "excerpt": "E",
        "url": "U",
        "relevance": 0.92,
        "plane": "App CI/CD",
    }


@pytest.mark.parametrize("relevance", [-0.01, 1.01])
def test_relevance_outside_zero_to_one_is_refused(relevance: float) -> None:
    with pytest.raises(ValueError, match="relevance"):
        SearchHit(title="T", type="how-to", excerpt="E", url="U", relevance=relevance, plane="P")
