"""The rate limiter fails open inside itself: no handler or app has to know DynamoDB's exceptions."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.exceptions import UpdateError

from opsdesk import ratelimit
from opsdesk.auth import Principal
from opsdesk.settings import RateLimitSettings

SETTINGS = RateLimitSettings.from_environment({"AWS_REGION": "us-east-1", "RATE_LIMITS_TABLE_NAME": "limits"})


def test_an_unreachable_counter_serves_the_request_unmetered_and_says_so_in_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreachable(self: Any, **_: Any) -> Any:
        raise UpdateError("connection refused")

    monkeypatch.setattr(ratelimit._CounterItem, "update", unreachable)
    limiter = ratelimit.RateLimiter(SETTINGS, clock=lambda: 1_000.0)

    quota = limiter.take(Principal(user_id="u1", tenant_id="t1", username="u1", groups=frozenset()), "default", 100)

    assert quota is None


def test_the_limiter_binds_its_table_when_made_not_when_imported() -> None:
    ratelimit.RateLimiter(SETTINGS)

    assert ratelimit._CounterItem.Meta.table_name == "limits"
