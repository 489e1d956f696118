"""Sign-in rules of the copilot's accounts (opsdesk.copilot.accounts): slugs and the failed-sign-in throttle."""

from __future__ import annotations

import pytest

from opsdesk.copilot.accounts import LoginThrottle, slugify
from opsdesk.errors import RateLimited


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count_failure(self, key: str, window_seconds: int) -> int:
        self.counts[key] = self.counts.get(key, 0) + 1
        return self.counts[key]

    def forgive(self, key: str, window_seconds: int) -> None:
        self.counts[key] = max(0, self.counts.get(key, 0) - 1)

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
        throttle.before("a@example.test", "203.0.113.9")  # each attempt fails: nothing takes it back

    assert slept and slept == sorted(slept) and max(slept) <= throttle.max_delay_seconds
    with pytest.raises(RateLimited) as refused:
        throttle.before("a@example.test", "198.51.100.1")
    assert int(refused.value.headers["Retry-After"]) > 0
    throttle.before("b@example.test", "198.51.100.1")  # another email from elsewhere is still served


def test_one_address_guessing_many_emails_is_refused() -> None:
    counter = Counter()
    throttle = LoginThrottle(counter, lambda _: None)

    for n in range(50):
        throttle.before(f"user{n}@example.test", "203.0.113.9")

    with pytest.raises(RateLimited):
        throttle.before("new@example.test", "203.0.113.9")


def test_attempts_sent_at_once_are_counted_before_any_fails() -> None:
    # Given 60 sign-ins of one email under way at once: none has failed yet
    counter = Counter()
    throttle = LoginThrottle(counter, lambda _: None)
    let_through = 0

    # When each asks the throttle before trying the password
    for n in range(60):
        try:
            throttle.before("a@example.test", f"203.0.113.{n}")
            let_through += 1
        except RateLimited:
            pass

    # Then only the email's limit reach the password check
    assert let_through == throttle.refuse_after_email


def test_sign_ins_that_succeed_are_taken_back_and_never_add_up() -> None:
    counter = Counter()
    throttle = LoginThrottle(counter, lambda _: None)

    for _ in range(3 * throttle.refuse_after_email):
        throttle.before("a@example.test", "203.0.113.9")
        throttle.no_failure("a@example.test", "203.0.113.9")

    throttle.before("a@example.test", "203.0.113.9")  # not refused
    assert counter.counts == {"login-email#a@example.test": 1, "login-ip#203.0.113.9": 1}


@pytest.mark.parametrize("count", [0, 1, 49, 50, 98, 99, 120, 200])
def test_a_deleted_projects_members_go_in_transactions_of_49_each_member_once_the_last_49_with_the_project(
        count: int) -> None:
    from datetime import UTC, datetime

    from opsdesk.copilot.account_repository import MEMBERS_PER_TRANSACTION, membership_chunks
    from opsdesk.copilot.records import Member, Role

    joined = datetime(2026, 3, 2, tzinfo=UTC)
    members = [Member("p1", f"u{i}", f"u{i}@example.test", "M", Role.VIEWER, joined) for i in range(count)]

    chunks = membership_chunks(members, MEMBERS_PER_TRANSACTION)

    assert [m for chunk in chunks for m in chunk] == members  # each once, in order (the owners sorted last)
    assert all(len(chunk) <= MEMBERS_PER_TRANSACTION for chunk in chunks)
    assert chunks[-1] == members[-MEMBERS_PER_TRANSACTION:] if count else chunks == [[]]


def test_a_sign_in_the_directory_could_not_answer_is_no_failure() -> None:
    from typing import Any

    from opsdesk.copilot.accounts import AccountService
    from opsdesk.copilot.requests import LoginRequest
    from opsdesk.validation import parse_model
    from tests.unit.copilot_fakes import FakeCopilotStore

    class ThrottledDirectory:
        def sign_in(self, *_: Any) -> Any:
            raise RateLimited("Too many sign-in attempts; retry shortly")

    counter = Counter()
    accounts = AccountService(FakeCopilotStore(), ThrottledDirectory(), lambda _: {},  # type: ignore[arg-type]
                              throttle=LoginThrottle(counter, lambda _: None))
    request = parse_model(LoginRequest, {"email": "a@example.test", "password": "a-long-enough-password"})

    # When Cognito throttles more sign-ins than the email's limit, Then none counts against the user
    for _ in range(15):
        with pytest.raises(RateLimited, match="retry shortly"):
            accounts.login(request, "203.0.113.9")
    assert counter.counts == {"login-email#a@example.test": 0, "login-ip#203.0.113.9": 0}
