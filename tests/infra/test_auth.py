"""The Cognito user pool, app client and groups in the platform stack."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.conftest import Synthesized, resources_of_type

pytestmark = pytest.mark.xdist_group("infra")


def _only(template: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = resources_of_type(template, resource_type).values()
    return resource["Properties"]


def _client(template: dict[str, Any], construct_id: str = "AppClient") -> dict[str, Any]:
    """The app client made as `construct_id` in the Auth construct (AppClient: the platform's)."""
    (client,) = [resource["Properties"]
                 for logical_id, resource in resources_of_type(template, "AWS::Cognito::UserPoolClient").items()
                 if logical_id.startswith(f"AuthUserPool{construct_id}")]
    return client


def _custom_attribute(pool: dict[str, Any], name: str) -> dict[str, Any]:
    return next(attribute for attribute in pool["Schema"] if attribute["Name"] == name)


def test_tenant_id_is_immutable_and_project_id_changes_only_through_admin_apis(dev: Synthesized) -> None:
    pool = _only(dev.platform, "AWS::Cognito::UserPool")
    client = _client(dev.platform)

    assert _custom_attribute(pool, "tenant_id")["Mutable"] is False
    assert _custom_attribute(pool, "project_id")["Mutable"] is True
    assert not [attribute for attribute in client["WriteAttributes"] if attribute.startswith("custom:")]
    assert {"custom:tenant_id", "custom:project_id"} <= set(client["ReadAttributes"])


def test_nobody_signs_up_without_an_admin_assigning_the_tenant(dev: Synthesized) -> None:
    pool = _only(dev.platform, "AWS::Cognito::UserPool")

    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_users_sign_in_with_username_or_email(dev: Synthesized) -> None:
    pool = _only(dev.platform, "AWS::Cognito::UserPool")

    assert pool["AliasAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}


def test_app_client_has_no_secret_and_allows_password_and_srp_sign_in(dev: Synthesized) -> None:
    client = _client(dev.platform)

    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client["PreventUserExistenceErrors"] == "ENABLED"


def test_app_client_tokens_can_be_revoked_and_refresh_for_seven_days(dev: Synthesized) -> None:
    """The copilot's logout revokes the refresh token (RevokeToken, which needs revocation on), and its
    `refresh_token` cookie lives 7 days, as the client's refresh tokens do."""
    client = _client(dev.platform)

    assert client["EnableTokenRevocation"] is True
    assert (client["RefreshTokenValidity"], client["TokenValidityUnits"]["RefreshToken"]) == (10080, "minutes")
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"} <= set(client["ExplicitAuthFlows"])


def test_the_copilot_signs_in_with_a_client_whose_tokens_live_its_documents_15_minutes(dev: Synthesized) -> None:
    """The copilot document: access tokens 15 minutes, refresh tokens 7 days; `exp` says so (the platform's client
    gives every other module 1-hour tokens). Otherwise it is the platform's client."""
    platform, copilot = _client(dev.platform), _client(dev.platform, "CopilotClient")
    clients = resources_of_type(dev.platform, "AWS::Cognito::UserPoolClient")

    assert len(clients) == 2
    for use in ("IdToken", "AccessToken"):
        assert (copilot[f"{use}Validity"], copilot["TokenValidityUnits"][use]) == (15, "minutes")
        assert (platform[f"{use}Validity"], platform["TokenValidityUnits"][use]) == (60, "minutes")
    assert (copilot["RefreshTokenValidity"], copilot["TokenValidityUnits"]["RefreshToken"]) == (10080, "minutes")
    different = {key for key in {*platform, *copilot} if platform.get(key) != copilot.get(key)}
    assert different == {"ClientName", "IdTokenValidity", "AccessTokenValidity"}


def test_password_policy_asks_for_length_not_composition_and_mfa_can_be_enrolled(dev: Synthesized) -> None:
    pool = _only(dev.platform, "AWS::Cognito::UserPool")

    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 15  # NIST SP 800-63B-4 for a password used alone
    assert not any(policy.get(key) for key in ("RequireLowercase", "RequireUppercase", "RequireNumbers",
                                               "RequireSymbols"))
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_platform_groups_admin_and_agent_exist(dev: Synthesized) -> None:
    groups = resources_of_type(dev.platform, "AWS::Cognito::UserPoolGroup").values()

    assert {group["Properties"]["GroupName"] for group in groups} == {"admin", "agent"}


def test_prod_pool_enforces_threat_protection_and_is_kept(prod: Synthesized, dev: Synthesized) -> None:
    prod_resource = next(iter(resources_of_type(prod.platform, "AWS::Cognito::UserPool").values()))
    dev_pool = _only(dev.platform, "AWS::Cognito::UserPool")

    prod_pool = prod_resource["Properties"]
    assert prod_pool["UserPoolTier"] == "PLUS"
    assert prod_pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    assert prod_pool["DeletionProtection"] == "ACTIVE"
    assert prod_resource["DeletionPolicy"] == "Retain"
    assert dev_pool["UserPoolTier"] == "ESSENTIALS"
