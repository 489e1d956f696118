"""Page-number pagination as the support document uses it (page default 1, limit default 20, max 100)."""

from __future__ import annotations

import pytest

from opsdesk.errors import ValidationFailed
from opsdesk.pagination import (
    MAX_OFFSET,
    CursorRequest,
    OffsetRequest,
    Page,
    PageRequest,
    beyond_reach,
    page_block,
    parse_cursor_request,
    parse_offset_request,
    parse_page_request,
    too_deep,
)


def test_defaults_are_page_1_and_limit_20() -> None:
    assert parse_page_request({}) == PageRequest(page=1, limit=20)


def test_absent_values_mean_the_defaults_and_empty_ones_are_refused_as_not_integers() -> None:
    assert parse_page_request({}) == PageRequest(page=1, limit=20)
    with pytest.raises(ValidationFailed) as refused:
        parse_page_request({"page": "", "limit": ""})
    assert [detail.field for detail in refused.value.details] == ["page", "limit"]


def test_page_and_limit_are_read_from_the_query() -> None:
    assert parse_page_request({"page": "3", "limit": "50"}) == PageRequest(page=3, limit=50)


def test_a_page_limit_of_100_is_taken_and_above_it_refused_as_the_support_document_states_max_100() -> None:
    assert parse_page_request({"limit": "100"}).limit == 100
    for limit in ("101", "1000000"):
        with pytest.raises(ValidationFailed) as refused:
            parse_page_request({"limit": limit})
        assert [(d.field, d.message) for d in refused.value.details] == [
            ("limit", "limit must be an integer from 1 to 100")]


def test_module_may_set_its_own_default_and_maximum() -> None:
    assert parse_page_request({}, default_limit=10, max_limit=50).limit == 10
    assert parse_page_request({"limit": "50"}, default_limit=10, max_limit=50).limit == 50
    with pytest.raises(ValidationFailed):
        parse_page_request({"limit": "80"}, default_limit=10, max_limit=50)


def test_an_offset_limit_up_to_the_maximum_is_taken_and_above_it_refused() -> None:
    assert parse_offset_request({"limit": "100"}, max_limit=100).limit == 100
    with pytest.raises(ValidationFailed) as refused:
        parse_offset_request({"limit": "101", "skip": "-1"}, offset_name="skip", max_limit=100)
    assert [d.field for d in refused.value.details] == ["skip", "limit"]


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
        ({"limit": "\u0663"}, "limit"),  # an Arabic-Indic 3: int() reads it, no client means it
        ({"limit": "1_0"}, "limit"),
        ({"page": "+2"}, "page"),
        ({"page": " 3 "}, "page"),
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


@pytest.mark.parametrize("offset", ["\u0663", "1_0", "+2", " 3"])
def test_an_offset_that_is_not_plain_ascii_digits_is_refused(offset: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_offset_request({"skip": offset}, offset_name="skip")

    assert [d.field for d in caught.value.details] == ["skip"]


def test_offset_skips_the_earlier_pages() -> None:
    assert PageRequest(page=1, limit=20).offset == 0
    assert PageRequest(page=3, limit=20).offset == 40


@pytest.mark.parametrize(
    ("total", "limit", "pages"),
    [(0, 20, 0), (1, 20, 1), (20, 20, 1), (21, 20, 2), (127, 20, 7), (100, 100, 1), (101, 100, 2)],
)
def test_page_block_counts_total_pages(total: int, limit: int, pages: int) -> None:
    assert page_block(PageRequest(page=1, limit=limit), Page([], total=total))["totalPages"] == pages


def test_page_block_has_the_documented_fields() -> None:
    block = page_block(PageRequest(page=1, limit=20), Page([], total=127))
    assert block == {"page": 1, "limit": 20, "total": 127, "totalPages": 7}


def test_a_cursor_request_carries_the_limit_and_the_cursor_as_sent() -> None:
    assert parse_cursor_request({}, default_limit=50, max_limit=200) == CursorRequest(limit=50, cursor=None)
    assert parse_cursor_request({"limit": "200", "cursor": "abc"}, default_limit=50, max_limit=200) == CursorRequest(
        limit=200, cursor="abc")


@pytest.mark.parametrize("limit", ["0", "-1", "ten", "1.5", "201"])
def test_a_cursor_request_with_a_bad_limit_names_it(limit: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_cursor_request({"limit": limit}, default_limit=50, max_limit=200)
    assert [d.field for d in caught.value.details] == ["limit"]


def test_an_offset_past_the_read_depth_is_a_request_its_list_answers() -> None:
    deep = parse_offset_request({"offset": "100000"})

    assert deep.offset == 100_000 and beyond_reach(deep.offset)
    assert not beyond_reach(MAX_OFFSET - 1)
    assert too_deep("skip").details[0].field == "skip"


def test_an_offset_request_reads_the_documents_name_for_the_offset() -> None:
    assert parse_offset_request({"skip": "40", "limit": "20"}, offset_name="skip") == OffsetRequest(offset=40, limit=20)
    assert parse_offset_request({}) == OffsetRequest(offset=0, limit=20)
    assert parse_offset_request({"limit": "100"}, max_limit=100) == OffsetRequest(offset=0, limit=100)


@pytest.mark.parametrize(("query", "fields"), [({"offset": "-1"}, ["offset"]), ({"offset": "x"}, ["offset"]),
                                               ({"offset": str(2**31)}, ["offset"]),
                                               ({"offset": "x", "limit": "0"}, ["offset", "limit"])])
def test_a_bad_offset_request_names_every_bad_parameter(query: dict[str, str], fields: list[str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_offset_request(query)
    assert [d.field for d in caught.value.details] == fields


def test_a_page_number_block_needs_the_lists_total() -> None:
    with pytest.raises(ValueError, match="total"):
        page_block(PageRequest(), Page([]))


def test_an_offset_page_of_large_views_ends_with_the_view_that_brings_it_to_the_byte_budget(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk import pagination

    views = [{"n": index, "text": "数"} for index in range(5)]
    one = pagination.answer_bytes(views[0])
    monkeypatch.setattr(pagination, "PAGE_BYTES", int(2.5 * one))

    assert pagination.within_page_bytes(views) == views[:3]
    assert pagination.within_page_bytes([{"text": "x" * 500}, *views]) == [{"text": "x" * 500}]
    monkeypatch.setattr(pagination, "PAGE_BYTES", 100 * one)
    assert pagination.within_page_bytes(iter(views)) == views


def test_an_answer_counts_a_character_as_the_python311_runtime_writes_it_twice_escaped() -> None:
    """The body is JSON (the string 数 is 8 bytes: quote, 6-byte escape, quote), and Lambda writes the body again as a
    JSON string, escaping its quotes and backslashes: what counts against the 6 MB quota."""
    from opsdesk.pagination import answer_bytes

    assert answer_bytes("数") == 13  # the body (8 bytes), its 2 quotes and 1 backslash escaped, 2 outer
    assert answer_bytes({"q": '"'}) == 18  # the body (10 bytes), its 5 quotes and 1 backslash escaped, 2 outer
