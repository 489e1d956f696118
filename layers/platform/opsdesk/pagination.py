"""Page-number pagination as the support and helpdesk documents use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opsdesk.errors import FieldError, ValidationFailed

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000
"""Page numbers reach this many items deep at most: a page costs its offset in reads (docs/decisions.md)."""


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    limit: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def parse_page_request(
    query: Mapping[str, str], *, default_limit: int = DEFAULT_PAGE_SIZE, max_limit: int = MAX_PAGE_SIZE
) -> PageRequest:
    """`page` (>= 1) and `limit` (>= 1; above the maximum it is capped, as the document's "max" reads)."""
    problems: list[FieldError] = []
    page = _positive_int(query.get("page"), 1, "page", problems)
    limit = _positive_int(query.get("limit"), default_limit, "limit", problems)
    if problems:
        raise ValidationFailed(details=problems)
    request = PageRequest(page=page, limit=min(limit, max_limit))
    if request.offset >= MAX_OFFSET:
        raise ValidationFailed.on_field("page", f"Pages reach {MAX_OFFSET} items deep at most; narrow the list "
                                                "with filters")
    return request


def _positive_int(raw: str | None, default: int, field: str, problems: list[FieldError]) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems.append(FieldError(field, f"{field} must be a positive integer"))
        return default
    if value < 1:
        problems.append(FieldError(field, f"{field} must be a positive integer"))
        return default
    return value


def page_block(request: PageRequest, total: int) -> dict[str, Any]:
    return {
        "page": request.page,
        "limit": request.limit,
        "total": total,
        "totalPages": (total + request.limit - 1) // request.limit,
    }
