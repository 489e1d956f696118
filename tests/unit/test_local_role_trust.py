"""The local STS's reading of a role's trust policy (scripts/local/moto_patches.trusted_external_ids): which external
IDs a role asks for, so that the account proofs of monitoring integrations behave locally as on AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.local.moto_patches import trusted_external_ids


def trust(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(("policy", "expected"), [
    (trust(ALLOW), None),
    (trust({**ALLOW, "Condition": {"StringEquals": {"sts:ExternalId": "opsdesk-t1"}}}), {"opsdesk-t1"}),
    (trust({**ALLOW, "Condition": {"StringEquals": {"sts:ExternalId": ["opsdesk-t1", "opsdesk-t2"]}}}),
     {"opsdesk-t1", "opsdesk-t2"}),
    (trust({**ALLOW, "Effect": "Deny", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}), None),
    (json.dumps({"Statement": {**ALLOW, "Condition": {"StringEquals": {"sts:ExternalId": "one"}}}}), {"one"}),
], ids=["no-condition", "one-id", "two-ids", "deny-only", "single-statement"])
def test_a_trust_policy_admits_the_external_ids_its_allow_statements_ask_for(policy: str,
                                                                              expected: set[str] | None) -> None:
    assert trusted_external_ids(policy) == expected
