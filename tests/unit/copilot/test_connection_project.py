"""Which project a WebSocket connection made with a copilot access token follows (opsdesk.copilot.records)."""

from __future__ import annotations

import pytest

from opsdesk.copilot.records import Role, User, connection_project

LIFETIME = 900
PRODUCTION, STAGING = "p-production", "p-staging"


def user(current: str | None, roles: dict[str, Role]) -> User:
    return User("u1", "acme", "alice@acme.test", "Alice", current, roles)


def test_a_fresh_token_follows_its_users_current_project() -> None:
    assert connection_project(user(STAGING, {PRODUCTION: Role.OWNER, STAGING: Role.MEMBER}), 60, LIFETIME) == STAGING


@pytest.mark.parametrize(("member", "age"), [
    pytest.param(None, 60, id="not-a-copilot-user"),
    pytest.param(user(None, {PRODUCTION: Role.OWNER}), 60, id="no-current-project"),
    pytest.param(user(STAGING, {PRODUCTION: Role.OWNER}), 60, id="removed-from-the-current-project"),
    pytest.param(user(PRODUCTION, {PRODUCTION: Role.OWNER}), LIFETIME + 1, id="token-older-than-the-copilots-15-min"),
])
def test_no_project_without_a_current_membership_or_past_the_copilots_token_lifetime(member: User | None,
                                                                                      age: float) -> None:
    assert connection_project(member, age, LIFETIME) is None
