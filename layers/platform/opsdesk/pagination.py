"""Pagination, the three styles the module documents use, parsed from the query in one place:

- page numbers (`page`, `limit`: support), answered with a `pagination` block (page_block);
- offsets (`offset`/`skip` and `limit`: aura, copilot);
- cursors (`limit` and an opaque `cursor` the previous page handed out: helpdesk, response), the cursor made and
  checked by opsdesk.cursors.

Every store answers a list with one `Page[T]`: its items, and the next page's cursor or the list's total where
the style has one.

A `limit` above the route's maximum is refused with the module's validation error, never capped: the support and
copilot documents state their maximum ("max: 100"), the OpenAPI documents every route's (docs/decisions.md, "Page
sizes").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.frozen import frozen

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
"""Pages are read this many items deep at most: a page costs its offset in reads (docs/decisions.md). A request
may name a deeper one (up to LARGEST_OFFSET): past the list's end it is an empty page, as any page past the end
is (beyond_reach); within a list longer than this, a validation error asking for filters (too_deep)."""
LARGEST_OFFSET = 2**31 - 1
"""The largest offset (or page number) a request may name: beyond, it is not a number a client means."""


@frozen
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None
    """Opaque; the client sends it back as `cursor` for the next page. None: this is the last page."""
    total: int | None = None
    """How many items the whole list has, where the style reports it (from counters, never by counting items)."""


@frozen
class PageRequest:
    page: int = 1
    limit: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def parse_page_request(
    query: Mapping[str, str], *, default_limit: int = DEFAULT_PAGE_SIZE, max_limit: int = MAX_PAGE_SIZE
) -> PageRequest:
    """`page` (>= 1) and `limit` (1 to the maximum the support document states)."""
    problems: list[FieldError] = []
    page = _positive_int(query.get("page"), 1, "page", problems)
    limit = _limit(query.get("limit"), default_limit, max_limit, problems)
    if problems:
        raise ValidationFailed(details=problems)
    if page > LARGEST_OFFSET:
        raise ValidationFailed.on_field("page", f"page must be an integer from 1 to {LARGEST_OFFSET}")
    return PageRequest(page=page, limit=limit)


@frozen
class CursorRequest:
    limit: int
    cursor: str | None = None


def parse_cursor_request(query: Mapping[str, str], *, default_limit: int, max_limit: int) -> CursorRequest:
    """`limit` (1 to the maximum) and `cursor` (checked by the store that made it)."""
    return CursorRequest(limit=parse_limit(query, default_limit, max_limit), cursor=query.get("cursor") or None)


@frozen
class OffsetRequest:
    offset: int
    limit: int


def parse_offset_request(
    query: Mapping[str, str], *, offset_name: str = "offset", default_limit: int = DEFAULT_PAGE_SIZE,
    max_limit: int = MAX_PAGE_SIZE,
) -> OffsetRequest:
    """`offset` (or the document's name for it, e.g. `skip`; 0 to LARGEST_OFFSET) and `limit` (1 to
    `max_limit`)."""
    problems: list[FieldError] = []
    raw = query.get(offset_name)
    offset = 0
    if raw is not None:
        try:
            offset = decimal_integer(raw)
        except ValueError:
            offset = -1
        if not 0 <= offset <= LARGEST_OFFSET:
            problems.append(FieldError(offset_name, f"{offset_name} must be an integer from 0 to {LARGEST_OFFSET}"))
    limit = _limit(query.get("limit"), default_limit, max_limit, problems)
    if problems:
        raise ValidationFailed(details=problems)
    return OffsetRequest(offset=max(offset, 0), limit=limit)


def beyond_reach(offset: int) -> bool:
    """Whether a page starts deeper than lists are read (MAX_OFFSET): the caller answers it from the list's length,
    an empty page when the list ends before it, else too_deep."""
    return offset >= MAX_OFFSET


def reach_probe() -> OffsetRequest:
    """The one item at the read depth: a list without a total that has it is longer than pages are read."""
    return OffsetRequest(offset=MAX_OFFSET, limit=1)


def too_deep(field: str) -> ValidationFailed:
    """A page deeper than MAX_OFFSET of a list that is longer: reading to it would cost its depth."""
    return ValidationFailed.on_field(field, f"Pages are read {MAX_OFFSET} items deep at most and this list is "
                                            "longer; narrow it with filters")


def paged(items: Sequence[T], request: OffsetRequest) -> list[T]:
    """One offset page of a short list read whole (a user's projects, a project's members or integrations, an
    incident's hypotheses: each bounded by its own rules, never by the table)."""
    return list(items[request.offset:request.offset + request.limit])


def parse_limit(query: Mapping[str, str], default: int, maximum: int) -> int:
    """`limit`: an integer from 1 to `maximum`; absent, `default`."""
    problems: list[FieldError] = []
    limit = _limit(query.get("limit"), default, maximum, problems)
    if problems:
        raise ValidationFailed(details=problems)
    return limit


def _limit(raw: str | None, default: int, maximum: int, problems: list[FieldError]) -> int:
    limit = _positive_int(raw, default, "limit", problems)
    if limit > maximum:
        problems.append(FieldError("limit", f"limit must be an integer from 1 to {maximum}"))
        return default
    return limit


def decimal_integer(raw: str) -> int:
    """A query value that is a whole number in ASCII digits, else ValueError: `int()` alone also takes `٣`, `1_0`,
    `+2` and ` 3 `, which no client means as a number (and which would read as one silently)."""
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(f"not a decimal integer: {raw!r}")
    return int(raw)


def _positive_int(raw: str | None, default: int, field: str, problems: list[FieldError]) -> int:
    if raw is None:  # `?limit=` is sent, and is not an integer: refused like any other non-integer
        return default
    try:
        value = decimal_integer(raw)
    except ValueError:
        problems.append(FieldError(field, f"{field} must be a positive integer"))
        return default
    if value < 1:
        problems.append(FieldError(field, f"{field} must be a positive integer"))
        return default
    return value


def page_block(request: PageRequest, page: Page[Any]) -> dict[str, Any]:
    """The `pagination` object of a page-number list: the request's page and size, and the list's total."""
    if page.total is None:
        raise ValueError("a page-number list needs its total")
    total = page.total
    return {
        "page": request.page,
        "limit": request.limit,
        "total": total,
        "totalPages": (total + request.limit - 1) // request.limit,
    }


PAGE_BYTES = 4 * 1024 * 1024
"""A page ends with the item that brings it to this many bytes of Lambda's answer, whatever its `limit`: Lambda
answers at most 6 MB, and a page of a list's largest items would be more (1,000 response events of up to 32 KB;
500 aura audit entries carrying the files the agent read; 100 helpdesk tickets of 20,000-character descriptions,
which the answer escapes up to 7 bytes a character). One item more than the budget stays well under the quota (a
ticket or event is at most a few hundred KB in the answer). A cursor page ends with the cursor of its last item
(opsdesk.dynamo.cursor_page); an offset page ends short, its `total` saying more follow (within_page_bytes)."""


def answer_bytes(value: Any) -> int:
    """What `value` costs in a Lambda proxy answer: written as JSON into the body, and the body written again as a
    JSON string of the answer, as the python3.11 runtime writes it (every non-ASCII character as a `\\u` escape,
    every quote and backslash of the body escaped once more)."""
    return len(json.dumps(json.dumps(value, separators=(",", ":"), default=str)))


def within_page_bytes(views: Iterable[T]) -> list[T]:
    """The views from the first up to the one that brings the page to PAGE_BYTES (answer_bytes): the document's
    `limit` is a maximum, so the next page starts at this page's offset plus the entries it holds."""
    kept: list[T] = []
    size = 0
    for view in views:
        kept.append(view)
        size += answer_bytes(view)
        if size >= PAGE_BYTES:
            break
    return kept
