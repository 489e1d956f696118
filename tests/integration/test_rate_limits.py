"""The support document's rate limits, per user, on a counter every function instance shares."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.integration.events import Caller

BASE = "/support/api"
WINDOW_SECONDS = 60
SECONDS_A_TEST_NEEDS = 15


@pytest.fixture(autouse=True)
def a_whole_window_ahead() -> None:
    """The limits count in fixed one-minute windows: a test that straddled a window's end would see its count
    restart. Start each test with enough of the window left."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < SECONDS_A_TEST_NEEDS:
        time.sleep(left + 0.5)


def test_the_101st_request_of_a_minute_is_rate_limited_with_retry_after(caller: Caller, outsider: Caller) -> None:
    # Given a user who has made 100 requests this minute
    replies = [caller.get(f"{BASE}/customers") for _ in range(100)]
    assert {r.status for r in replies} == {200}
    assert replies[0].headers["X-RateLimit-Limit"] == "100"
    assert replies[-1].headers["X-RateLimit-Remaining"] == "0"

    # When they make one more
    refused = caller.get(f"{BASE}/customers")

    # Then it is a 429 in the support envelope, saying when to come back
    assert refused.status == 429
    assert refused.body["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # while another user is not affected
    assert outsider.get(f"{BASE}/customers").status == 200


def test_the_limit_counts_across_function_instances(caller: Caller, tenant: dict[str, Any]) -> None:
    # Two functions (catalog and issues) are two instances with nothing shared but the table.
    for _ in range(50):
        caller.get(f"{BASE}/planes")
    for _ in range(50):
        caller.get(f"{BASE}/issues")

    assert caller.get(f"{BASE}/issues").status == 429


def test_documentation_search_has_its_own_limit_of_30(tenant: dict[str, Any], local_aws: Any) -> None:
    from functions.support_docs import handler as docs_handler

    searcher = Caller(tenant["id"], {"docs": docs_handler}, user_id="searcher")
    replies = [searcher.post(f"{BASE}/docs/search", {"query": "timeout"}) for _ in range(31)]

    assert [r.status for r in replies[:30]] == [200] * 30
    assert replies[0].headers["X-RateLimit-Limit"] == "30"
    assert replies[30].status == 429


def test_a_refused_request_counts_and_its_error_answer_says_so(caller: Caller) -> None:
    first = caller.get(f"{BASE}/issues?status=nope")
    second = caller.get(f"{BASE}/issues?status=nope")

    assert (first.status, second.status) == (400, 400)
    assert first.headers["X-RateLimit-Limit"] == "100"
    assert int(second.headers["X-RateLimit-Remaining"]) == int(first.headers["X-RateLimit-Remaining"]) - 1


def test_a_sign_in_attempt_counted_then_taken_back_never_goes_below_zero(local_aws: Any) -> None:
    import uuid

    from opsdesk.ratelimit import RateLimiter

    # Given an email's attempts in this window: two counted, and the counter shared by every instance
    limiter, key = RateLimiter(), f"login-email#{uuid.uuid4()}@example.test"
    assert [limiter.count_failure(key, 900), limiter.count_failure(key, 900)] == [1, 2]

    # When both succeed, and one more is taken back than was counted
    for _ in range(3):
        limiter.forgive(key, 900)

    # Then the next attempt counts from zero again
    assert limiter.count_failure(key, 900) == 1
