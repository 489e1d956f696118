"""The CloudWatch connection check of monitoring integrations (opsdesk.monitoring.default_cloudwatch_check) on moto,
whose STS reads roles' trust policies (scripts/local/moto_patches.py): a role proves its account only when it lets
the platform in with the tenant's external ID and refuses it with any other."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest


def role(account: str, condition: dict[str, Any] | None) -> str:
    from moto.iam.models import iam_backends

    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                 "Action": "sts:AssumeRole"} | ({"Condition": condition} if condition else {})
    made = iam_backends[account]["aws"].create_role(
        role_name=f"alarms-{uuid.uuid4().hex[:8]}", assume_role_policy_document=json.dumps(
            {"Version": "2012-10-17", "Statement": [statement]}), path="/", permissions_boundary=None,
        description="", tags=[], max_session_duration=None)
    return str(made.arn)


def account() -> str:
    return f"{uuid.uuid4().int % 10**12:012d}"


def test_a_role_asking_for_the_tenants_external_id_passes(local_aws: Any) -> None:
    from opsdesk.monitoring import default_cloudwatch_check

    arn = role(account(), {"StringEquals": {"sts:ExternalId": "opsdesk-t1"}})

    default_cloudwatch_check("eu-west-1", {"role_arn": arn, "external_id": "opsdesk-t1"})


@pytest.mark.parametrize("condition", [None, {"StringLike": {"sts:ExternalId": "opsdesk-*"}}],
                         ids=["no-condition", "any-opsdesk-id"])
def test_a_role_that_lets_another_external_id_in_proves_nothing(local_aws: Any,
                                                                 condition: dict[str, Any] | None) -> None:
    from opsdesk.monitoring import ExternalIdNotRequired, default_cloudwatch_check

    with pytest.raises(ExternalIdNotRequired):
        default_cloudwatch_check("eu-west-1", {"role_arn": role(account(), condition), "external_id": "opsdesk-t1"})


def test_another_tenants_role_and_a_role_that_does_not_exist_are_refused_by_sts(local_aws: Any) -> None:
    from botocore.exceptions import ClientError

    from opsdesk.monitoring import default_cloudwatch_check

    theirs = role(account(), {"StringEquals": {"sts:ExternalId": "opsdesk-t2"}})

    for arn in (theirs, f"arn:aws:iam::{account()}:role/none"):
        with pytest.raises(ClientError) as refused:
            default_cloudwatch_check("eu-west-1", {"role_arn": arn, "external_id": "opsdesk-t1"})
        assert refused.value.response["Error"]["Code"] == "AccessDenied"


def name_servers(monkeypatch: pytest.MonkeyPatch, known: set[str]) -> list[str]:
    """Name servers that know, of AWS's host names, the `known` ones only (the local stack's resolve as before); the
    AWS names asked, in order."""
    import socket

    asked: list[str] = []
    resolve = socket.getaddrinfo

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if "amazonaws" not in host:
            return resolve(host, *args, **kwargs)
        asked.append(host)
        if host not in known:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.10", 443))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_region_no_partition_has_and_no_name_server_knows_is_refused_before_any_call(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.monitoring import UnknownRegion, default_cloudwatch_check

    asked = name_servers(monkeypatch, known=set())

    with pytest.raises(UnknownRegion):
        default_cloudwatch_check("xx-fake-1", {"role_arn": "arn:aws:iam::123456789012:role/x", "external_id": "e"})
    assert asked == ["monitoring.xx-fake-1.amazonaws.com"]  # AWS's own endpoint, not the local override


def test_a_region_launched_after_the_sdk_was_built_is_tested_when_its_endpoint_resolves(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import ClientError

    from opsdesk.monitoring import default_cloudwatch_check

    arn = role(account(), {"StringEquals": {"sts:ExternalId": "opsdesk-t1"}})
    asked = name_servers(monkeypatch, known={"monitoring.eu-future-9.amazonaws.com"})

    # The role is assumed and the alarms asked for; moto, which has no CloudWatch in a region it does not know
    # either, answers that with a 500.
    with pytest.raises(ClientError) as answered:
        default_cloudwatch_check("eu-future-9", {"role_arn": arn, "external_id": "opsdesk-t1"})
    assert answered.value.operation_name == "DescribeAlarms"
    assert asked == ["monitoring.eu-future-9.amazonaws.com"]


def test_a_region_the_sdk_lists_is_tested_without_asking_a_name_server(
        local_aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.monitoring import default_cloudwatch_check

    arn = role(account(), {"StringEquals": {"sts:ExternalId": "opsdesk-t1"}})
    asked = name_servers(monkeypatch, known=set())

    default_cloudwatch_check("eu-west-1", {"role_arn": arn, "external_id": "opsdesk-t1"})
    assert asked == []
