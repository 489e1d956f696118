"""The caller from the claims API Gateway's authorizer has verified (DESIGN.md §3)."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.auth import Principal, parse_groups, principal_from_claims
from opsdesk.errors import Forbidden, Unauthorized

CLAIMS: dict[str, Any] = {
    "sub": "0f5c9a2e-1111-2222-3333-444455556666",
    "cognito:username": "alice@acme.test",
    "custom:tenant_id": "tenant-acme",
    "cognito:groups": "[admin agent]",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(["admin", "agent"], {"admin", "agent"}, id="json-list"),
        pytest.param(("admin",), {"admin"}, id="tuple"),
        pytest.param("[admin agent]", {"admin", "agent"}, id="api-gateway-brackets"),
        pytest.param("admin,agent", {"admin", "agent"}, id="comma-separated"),
        pytest.param("[admin, agent]", {"admin", "agent"}, id="brackets-and-commas"),
        pytest.param("admin", {"admin"}, id="single"),
        pytest.param("[]", set(), id="empty-brackets"),
        pytest.param("", set(), id="empty-string"),
        pytest.param(None, set(), id="absent"),
        pytest.param([], set(), id="empty-list"),
        pytest.param(["admin", ""], {"admin"}, id="list-with-blank"),
    ],
)
def test_parse_groups_accepts_every_form_the_claim_arrives_in(raw: Any, expected: set[str]) -> None:
    assert parse_groups(raw) == frozenset(expected)


def test_principal_carries_user_tenant_username_and_groups() -> None:
    principal = principal_from_claims(CLAIMS)

    assert principal == Principal(
        user_id=CLAIMS["sub"],
        tenant_id="tenant-acme",
        username="alice@acme.test",
        groups=frozenset({"admin", "agent"}),
        project_id=None,
    )
    assert principal.in_group("admin")
    assert not principal.in_group("owner")


def test_principal_project_comes_from_the_project_claim_when_present() -> None:
    assert principal_from_claims({**CLAIMS, "custom:project_id": "proj-1"}).project_id == "proj-1"


def test_principal_project_is_optional() -> None:
    assert principal_from_claims({**CLAIMS, "custom:project_id": ""}).project_id is None


def test_principal_without_groups_has_none() -> None:
    claims = {k: v for k, v in CLAIMS.items() if k != "cognito:groups"}

    assert principal_from_claims(claims).groups == frozenset()


def test_username_falls_back_to_username_claim_then_subject() -> None:
    without = {k: v for k, v in CLAIMS.items() if k != "cognito:username"}

    assert principal_from_claims({**without, "username": "bob"}).username == "bob"
    assert principal_from_claims(without).username == CLAIMS["sub"]


@pytest.mark.parametrize("claims", [None, {}, {**CLAIMS, "sub": ""}, {k: v for k, v in CLAIMS.items() if k != "sub"}])
def test_missing_subject_is_unauthorized(claims: dict[str, Any] | None) -> None:
    with pytest.raises(Unauthorized):
        principal_from_claims(claims)


@pytest.mark.parametrize("tenant", [None, ""])
def test_user_without_tenant_is_forbidden(tenant: str | None) -> None:
    claims = {**CLAIMS, "custom:tenant_id": tenant}

    with pytest.raises(Forbidden):
        principal_from_claims(claims)


def test_a_token_of_any_accepted_app_client_is_a_principal_and_of_another_client_a_401() -> None:
    accepted = frozenset({"platform-client", "copilot-client"})

    for client in ("platform-client", "copilot-client", ["other-client", "copilot-client"]):
        assert principal_from_claims({**CLAIMS, "aud": client}, accepted).tenant_id == "tenant-acme"
    for refused in ("other-client", None, ["other-client"], {"copilot-client": 1}):
        with pytest.raises(Unauthorized):
            principal_from_claims({**CLAIMS, "aud": refused}, accepted)
