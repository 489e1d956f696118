"""Whether an id names a user of a tenant (opsdesk.directory.CognitoTenantUsers), against a stubbed Cognito: one
ListUsers filtered on the `sub`, the tenant attribute compared, members remembered for a while and strangers never,
ids that are no `sub` never sent, and a throttled or unreachable directory a 503 to retry, never a 400."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from botocore.stub import Stubber

from opsdesk.directory import MEMBER_SECONDS, CognitoTenantUsers
from opsdesk.errors import ServiceUnavailable

POOL = "eu-west-1_pool"
TENANT = "tenant-a"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cognito() -> Any:
    return boto3.client("cognito-idp", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


def listed(sub: str, tenant: str | None, *, enabled: bool = True) -> dict[str, Any]:
    attributes = [{"Name": "sub", "Value": sub}]
    if tenant is not None:
        attributes.append({"Name": "custom:tenant_id", "Value": tenant})
    return {"Users": [{"Username": f"{sub[:8]}@example.test", "Attributes": attributes, "Enabled": enabled}]}


def expect_lookup(stub: Stubber, sub: str, answer: dict[str, Any]) -> None:
    stub.add_response("list_users", answer, {"UserPoolId": POOL, "Filter": f'sub = "{sub}"', "Limit": 1})


def test_a_user_of_the_tenant_is_a_member_and_is_remembered_for_a_while(cognito: Any) -> None:
    clock, sub = Clock(), str(uuid.uuid4())
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito, clock=clock)
    with Stubber(cognito) as stub:
        expect_lookup(stub, sub, listed(sub, TENANT))
        expect_lookup(stub, sub, listed(sub, "tenant-b"))  # moved to another tenant meanwhile
        assert users.is_member(TENANT, sub)
        clock.now += MEMBER_SECONDS - 1
        assert users.is_member(TENANT, sub)  # no second call yet
        clock.now += 2
        assert not users.is_member(TENANT, sub)
        stub.assert_no_pending_responses()


ANSWERS = {
    "unknown": lambda sub: {"Users": []},
    "another user": lambda sub: listed(str(uuid.uuid4()), TENANT),
    "of another tenant": lambda sub: listed(sub, "tenant-b"),
    "of no tenant": lambda sub: listed(sub, None),
    "disabled": lambda sub: listed(sub, TENANT, enabled=False),
    "of unknown state": lambda sub: {"Users": [{"Username": "x", "Attributes": [
        {"Name": "sub", "Value": sub}, {"Name": "custom:tenant_id", "Value": TENANT}]}]},
}


@pytest.mark.parametrize("who", ANSWERS)
def test_unknown_users_other_tenants_users_and_disabled_users_are_not_members_and_are_asked_again(
        cognito: Any, who: str) -> None:
    sub = str(uuid.uuid4())
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with Stubber(cognito) as stub:
        expect_lookup(stub, sub, ANSWERS[who](sub))
        expect_lookup(stub, sub, ANSWERS[who](sub))
        assert not users.is_member(TENANT, sub)
        assert not users.is_member(TENANT, sub)
        stub.assert_no_pending_responses()


A_SUB = "6f88817b-c596-4ff3-9e73-da67c53054a4"


@pytest.mark.parametrize("user_id", ["not-a-user", "", 'x" or sub ^= "', A_SUB.upper(), "{" + A_SUB + "}",
                                     A_SUB.replace("-", ""), A_SUB + "\n"])
def test_an_id_that_is_no_cognito_sub_is_not_a_member_and_is_never_sent(cognito: Any, user_id: str) -> None:
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with Stubber(cognito) as stub:
        assert not users.is_member(TENANT, user_id)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("code", ["TooManyRequestsException", "LimitExceededException", "InternalErrorException"])
def test_a_busy_directory_is_a_503_to_retry_not_a_refused_user(cognito: Any, code: str) -> None:
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with Stubber(cognito) as stub:
        stub.add_client_error("list_users", service_error_code=code, http_status_code=400)
        with pytest.raises(ServiceUnavailable) as refused:
            users.is_member(TENANT, str(uuid.uuid4()))
    assert refused.value.headers == {"Retry-After": "1"}


@pytest.mark.parametrize("code", ["ResourceNotFoundException", "NotAuthorizedException", "AccessDeniedException"])
def test_a_misconfigured_directory_is_an_error_not_a_503_nor_a_refused_user(cognito: Any, code: str) -> None:
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with Stubber(cognito) as stub:
        stub.add_client_error("list_users", service_error_code=code, http_status_code=400)
        with pytest.raises(ClientError):
            users.is_member(TENANT, str(uuid.uuid4()))


def test_an_unreachable_directory_is_a_503_to_retry(monkeypatch: pytest.MonkeyPatch, cognito: Any) -> None:
    def unreachable(**kwargs: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://cognito-idp.eu-west-1.amazonaws.com")

    monkeypatch.setattr(cognito, "list_users", unreachable)
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with pytest.raises(ServiceUnavailable):
        users.is_member(TENANT, str(uuid.uuid4()))


def test_missing_credentials_are_a_fault_of_the_deployment_not_a_503(monkeypatch: pytest.MonkeyPatch,
                                                                      cognito: Any) -> None:
    def no_credentials(**kwargs: Any) -> None:
        raise NoCredentialsError()

    monkeypatch.setattr(cognito, "list_users", no_credentials)
    users = CognitoTenantUsers(POOL, region="eu-west-1", cognito=cognito)
    with pytest.raises(NoCredentialsError):
        users.is_member(TENANT, str(uuid.uuid4()))
