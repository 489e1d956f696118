"""Signed-out sessions on moto's DynamoDB (opsdesk.revocations): one item ends every token of a sign-in, for as
long as its refresh token could still mint one."""

from __future__ import annotations

import os
import uuid
from typing import Any

import boto3

from opsdesk.revocations import CLOCK_SKEW_SECONDS, REFRESH_TOKEN_LIFETIME_SECONDS, SessionRevocations


def revocations(local_aws: Any) -> tuple[SessionRevocations, Any, str]:
    client = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"], endpoint_url=local_aws.endpoint)
    table = os.environ["SESSIONS_TABLE_NAME"]
    return SessionRevocations(table, client), client, table


def test_a_revoked_session_is_refused_while_its_refresh_token_lives_and_others_are_not(local_aws: Any) -> None:
    sessions, client, table = revocations(local_aws)
    ended, other = str(uuid.uuid4()), str(uuid.uuid4())

    sessions.revoke({"origin_jti": ended, "jti": "a"}, now=1_800_000_000)

    assert sessions.is_revoked({"origin_jti": ended, "jti": "b"})  # a token refreshed in the same sign-in
    assert not sessions.is_revoked({"origin_jti": other, "jti": "c"})
    item = client.get_item(TableName=table, Key={"pk": {"S": f"SESSION#{ended}"}, "sk": {"S": "REVOKED"}})["Item"]
    assert int(item["expiresAt"]["N"]) == 1_800_000_000 + REFRESH_TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS


def test_a_token_without_a_session_claim_falls_back_to_its_own_id(local_aws: Any) -> None:
    sessions, _, _ = revocations(local_aws)
    token_id = str(uuid.uuid4())

    sessions.revoke({"jti": token_id})

    assert sessions.is_revoked({"jti": token_id}) and not sessions.is_revoked({})
