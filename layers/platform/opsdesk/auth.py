"""The caller, built only from claims that API Gateway (or our authorizer) has already verified."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsdesk.errors import Forbidden, Unauthorized
from opsdesk.frozen import frozen

TENANT_CLAIM = "custom:tenant_id"
PROJECT_CLAIM = "custom:project_id"
GROUPS_CLAIM = "cognito:groups"


@frozen
class Principal:
    user_id: str
    tenant_id: str
    username: str
    groups: frozenset[str]
    project_id: str | None = None
    email: str | None = None
    """The `email` claim (Cognito ID tokens carry it; moto's do not)."""
    name: str | None = None
    """The `name` claim, when the user has one."""
    session_id: str | None = None
    """The signed-in session the token belongs to (opsdesk.revocations.session_of); set by the WebSocket route,
    which checks it again when a connection subscribes."""

    def in_group(self, group: str) -> bool:
        return group in self.groups


def parse_groups(raw: Any) -> frozenset[str]:
    """`cognito:groups` is a JSON list in the token, but API Gateway's Cognito authorizer hands claims to the
    function as strings, so a list arrives as "[admin agent]" or "admin,agent". Accept every form."""
    if raw is None or raw == "":
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(g) for g in raw if g)
    text = str(raw).strip().strip("[]")
    return frozenset(part for part in text.replace(",", " ").split() if part)


def principal_from_claims(claims: Mapping[str, Any] | None,
                          accepted_client_ids: frozenset[str] = frozenset()) -> Principal:
    """No subject, or a token of an app client of the pool that is not one of `accepted_client_ids` (empty: not
    checked), is a 401; a signed-in user that belongs to no tenant may do nothing (403)."""
    if not claims or not claims.get("sub"):
        raise Unauthorized()
    if accepted_client_ids and not audience_names_one_of(claims.get("aud"), accepted_client_ids):
        raise Unauthorized()
    tenant_id = str(claims.get(TENANT_CLAIM) or "")
    if not tenant_id:
        raise Forbidden("User is not assigned to a tenant")
    return Principal(
        user_id=str(claims["sub"]),
        tenant_id=tenant_id,
        username=str(claims.get("cognito:username") or claims.get("username") or claims["sub"]),
        groups=parse_groups(claims.get(GROUPS_CLAIM)),
        project_id=str(claims[PROJECT_CLAIM]) if claims.get(PROJECT_CLAIM) else None,
        email=str(claims["email"]) if claims.get("email") else None,
        name=str(claims["name"]) if claims.get("name") else None,
    )


def audience_names_one_of(audience: Any, client_ids: frozenset[str]) -> bool:
    """A token's `aud` names one of the clients: a string, or a list holding one (RFC 7519 4.1.3); anything else
    names none (never an error: `aud` is the sender's)."""
    named = audience if isinstance(audience, list) else [audience]
    return any(isinstance(name, str) and name in client_ids for name in named)
