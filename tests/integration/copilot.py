"""Copilot callers for integration tests: users registered for real (Cognito in moto, through the copilot_auth
handler), calling the copilot's handlers in process with the claims of their own ID token."""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

import jwt

from tests.integration.events import Caller, Reply

BASE = "/copilot/api/v1"
PASSWORD = "correct-horse-battery-staple"


def token_claims(token: str) -> dict[str, Any]:
    """The claims of an ID token the platform issued (verified by the functions themselves; read here)."""
    return dict(jwt.decode(token, options={"verify_signature": False}))


class CopilotCaller(Caller):
    """A signed-in copilot user; `email` and the answer of its sign-in are kept for the tests."""

    email: str
    signed_in: Reply

    @classmethod
    def from_token(cls, token: str, handlers: list[ModuleType], email: str, signed_in: Reply) -> CopilotCaller:
        claims = token_claims(token)
        caller = cls(claims["custom:tenant_id"], handlers, user_id=claims["sub"], base=BASE)
        caller.email, caller.signed_in = email, signed_in
        return caller


def register(handlers: list[ModuleType], tenant_name: str | None = None, email: str | None = None) -> CopilotCaller:
    email = email or f"owner-{uuid.uuid4().hex[:10]}@example.test"
    anonymous = Caller("", handlers, base=BASE)
    reply = anonymous.call("POST", f"{BASE}/auth/register", {
        "email": email, "password": PASSWORD, "full_name": "Olive Owner",
        "tenant_name": tenant_name or f"Acme {uuid.uuid4().hex[:6]}"}, anonymous=True)
    assert reply.status == 200, reply.body
    return CopilotCaller.from_token(reply.body["access_token"], handlers, email, reply)


def sign_in(handlers: list[ModuleType], email: str, password: str = PASSWORD, **extra: str) -> CopilotCaller:
    anonymous = Caller("", handlers, base=BASE)
    reply = anonymous.call("POST", f"{BASE}/auth/login", {"email": email, "password": password, **extra},
                           anonymous=True)
    assert reply.status == 200, reply.body
    return CopilotCaller.from_token(reply.body["access_token"], handlers, email, reply)


def customer_role(account: str, tenant_id: str, *, requires_external_id: bool = True) -> str:
    """A role in `account` (moto's IAM, in this process) that lets the platform read CloudWatch alarms, as a
    customer makes it: its trust policy asks for the tenant's external ID (or, when not `requires_external_id`,
    for none). The local STS reads that condition (scripts/local/moto_patches.py)."""
    import json

    from moto.iam.models import iam_backends

    from opsdesk.copilot.integrations import aws_external_id

    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                 "Action": "sts:AssumeRole"}
    if requires_external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": aws_external_id(tenant_id)}}
    role = iam_backends[account]["aws"].create_role(
        role_name=f"alarms-{uuid.uuid4().hex[:8]}", assume_role_policy_document=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}), path="/", permissions_boundary=None,
        description="", tags=[], max_session_duration=None)
    return str(role.arn)
