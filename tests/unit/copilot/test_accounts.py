"""Sign-in rules of the copilot's accounts (opsdesk.copilot.accounts): slugs and the failed-sign-in throttle."""

from __future__ import annotations

import pytest

from opsdesk.copilot.accounts import LoginThrottle, slugify
from opsdesk.errors import RateLimited


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def failures(self, key: str, window_seconds: int) -> int:
        return self.counts.get(key, 0)

    def count_failure(self, key: str, window_seconds: int) -> int:
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def window_end(self, window_seconds: int) -> float:
        return 4_102_444_800.0  # far ahead: the Retry-After is large and positive


@pytest.mark.parametrize(("name", "slug"), [("Acme Corporation", "acme-corporation"), ("  Ümlaut & Co. ", "umlaut-co"),
                                            ("!!!", "tenant"), ("a" * 80, "a" * 48)])
def test_a_slug_is_ascii_words_joined_by_dashes(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_failed_sign_ins_are_slowed_then_refused_per_email() -> None:
    counter, slept = Counter(), []
    throttle = LoginThrottle(counter, slept.append)

    for _ in range(10):
        throttle.before("a@example.test", "203.0.113.9")
        throttle.failed("a@example.test", "203.0.113.9")

    assert slept and slept == sorted(slept) and max(slept) <= throttle.max_delay_seconds
    with pytest.raises(RateLimited) as refused:
        throttle.before("a@example.test", "198.51.100.1")
    assert int(refused.value.headers["Retry-After"]) > 0
    throttle.before("b@example.test", "198.51.100.1")  # another email from elsewhere is still served


def test_one_address_guessing_many_emails_is_refused() -> None:
    counter = Counter()
    throttle = LoginThrottle(counter, lambda _: None)

    for n in range(50):
        throttle.failed(f"user{n}@example.test", "203.0.113.9")

    with pytest.raises(RateLimited):
        throttle.before("new@example.test", "203.0.113.9")
