"""The support document's rate-limit table, as the API map declares it."""

from __future__ import annotations

import pytest

from opsdesk.apimap import SUPPORT


@pytest.mark.parametrize(("path", "per_minute"), [
    ("/api/chat", 10), ("/api/docs/search", 30), ("/api/docs/feedback", 100), ("/api/issues", 100),
    ("/api/issues/7f0e4c1a-0000-4000-8000-000000000000", 100), ("/api/customers", 100),
])
def test_each_route_gets_the_documented_limit(path: str, per_minute: int) -> None:
    limit = SUPPORT.rate_limit_for(path)

    assert limit is not None
    assert limit.per_minute == per_minute
