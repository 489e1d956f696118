"""The local STS's reading of a role's trust policy (scripts/local/moto_patches.admits_external_id): which calls a
role lets in by their external ID, so that the account proofs of monitoring integrations behave locally as on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.local.moto_patches import admits_external_id


def trust(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}


def asking(operator: str, key: str, value: Any) -> dict[str, Any]:
    return {**ALLOW, "Condition": {operator: {key: value}}}


@pytest.mark.parametrize(("policy", "external_id", "admitted"), [
    (trust(ALLOW), None, True),
    (trust(ALLOW), "anything", True),
    (trust(asking("StringEquals", "sts:ExternalId", "opsdesk-t1")), "opsdesk-t1", True),
    (trust(asking("StringEquals", "sts:ExternalId", "opsdesk-t1")), "opsdesk-t2", False),
    (trust(asking("StringEquals", "sts:ExternalId", "opsdesk-t1")), None, False),
    (trust(asking("StringEquals", "sts:ExternalId", ["opsdesk-t1", "opsdesk-t2"])), "opsdesk-t2", True),
    (trust(asking("StringLike", "sts:ExternalId", "opsdesk-*")), "opsdesk-anyone", True),
    (trust(asking("StringEquals", "sts:externalid", "opsdesk-t1")), "opsdesk-t2", False),
    (trust(asking("StringEquals", "sts:ExternalId", "opsdesk-t1"), ALLOW), None, True),
    (trust({**asking("StringEquals", "sts:ExternalId", "x"), "Effect": "Deny"}), "x", False),
    (json.dumps({"Statement": asking("StringEquals", "sts:ExternalId", "one")}), "one", True),
], ids=["no-condition", "no-condition-any-id", "its-id", "another-id", "no-id", "one-of-two", "pattern",
        "key-case", "one-statement-without", "deny-only", "single-statement"])
def test_a_trust_policy_admits_a_call_by_the_external_id_its_allow_statements_ask_for(
        policy: str, external_id: str | None, admitted: bool) -> None:
    assert admits_external_id(policy, external_id) is admitted
