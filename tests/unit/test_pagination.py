"""Page-number pagination as the support document uses it (page default 1, limit default 20, max 100)."""

from __future__ import annotations

import pytest

from opsdesk.errors import ValidationFailed
from opsdesk.pagination import PageRequest, page_block, parse_page_request


def test_defaults_are_page_1_and_limit_20() -> None:
    assert parse_page_request({}) == PageRequest(page=1, limit=20)


def test_empty_values_mean_the_defaults() -> None:
    assert parse_page_request({"page": "", "limit": ""}) == PageRequest(page=1, limit=20)


def test_page_and_limit_are_read_from_the_query() -> None:
    assert parse_page_request({"page": "3", "limit": "50"}) == PageRequest(page=3, limit=50)


@pytest.mark.parametrize("limit", ["100", "101", "1000000"])
def test_limit_above_100_is_capped_to_100(limit: str) -> None:
    assert parse_page_request({"limit": limit}).limit == 100


def test_module_may_set_its_own_default_and_maximum() -> None:
    assert parse_page_request({}, default_limit=10, max_limit=50).limit == 10
    assert parse_page_request({"limit": "80"}, default_limit=10, max_limit=50).limit == 50


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-20"}, "limit"),
        ({"limit": "lots"}, "limit"),
    ],
)
def test_bad_page_or_limit_is_a_validation_error_naming_the_field(query: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_page_request(query)

    assert [d.field for d in caught.value.details] == [field]
    assert caught.value.details[0].message == f"{field} must be a positive integer"


def test_bad_page_and_limit_are_reported_together() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_page_request({"page": "0", "limit": "x"})

    assert [d.field for d in caught.value.details] == ["page", "limit"]


def test_offset_skips_the_earlier_pages() -> None:
    assert PageRequest(page=1, limit=20).offset == 0
    assert PageRequest(page=3, limit=20).offset == 40


@pytest.mark.parametrize(
    ("total", "limit", "pages"),
    [(0, 20, 0), (1, 20, 1), (20, 20, 1), (21, 20, 2), (127, 20, 7), (100, 100, 1), (101, 100, 2)],
)
def test_page_block_counts_total_pages(total: int, limit: int, pages: int) -> None:
    assert page_block(PageRequest(page=1, limit=limit), total)["totalPages"] == pages


def test_page_block_has_the_documented_fields() -> None:
    assert page_block(PageRequest(page=1, limit=20), 127) == {"page": 1, "limit": 20, "total": 127, "totalPages": 7}
