"""Capability.INTEGRATION_SECRETS: monitoring integrations' credentials in Secrets Manager (opsdesk.secrets), one
secret per integration under the stage's prefix; the function may manage secrets under that prefix only.
Capability.INTEGRATION_SECRET_CLEANUP: DeleteSecret under the same prefix, and nothing else.
Capability.INTEGRATION_SECRET_READ: GetSecretValue under the same prefix, and nothing else.
Capability.CUSTOMER_ROLES: sts:AssumeRole on the roles tenants name, in their own accounts."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge
from opsdesk.secrets import TYPE_TAG
from opsdesk.settings import CopilotIntegrationSettings

SECRET_PREFIX_ENV = CopilotIntegrationSettings.variable_name("secret_prefix")
PLATFORM_ACCOUNT_ENV = CopilotIntegrationSettings.variable_name("platform_account_id")
SECRET_ACTIONS = (
    "secretsmanager:CreateSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetSecretValue",
    "secretsmanager:DeleteSecret",
    "secretsmanager:DescribeSecret",
    "secretsmanager:TagResource",
)


def grant_integration_secret_cleanup(function: GroupFunction, prefix: str) -> None:
    """Capability.INTEGRATION_SECRET_CLEANUP: the prefix, and DeleteSecret under it only."""
    function.function.add_environment(SECRET_PREFIX_ENV, prefix)
    _allow(function, ["secretsmanager:DeleteSecret"], prefix)


def grant_integration_secrets(function: GroupFunction, prefix: str) -> None:
    """Capability.INTEGRATION_SECRETS: the prefix, the secrets under it, and the platform's account to refuse."""
    function.function.add_environment(SECRET_PREFIX_ENV, prefix)
    function.function.add_environment(PLATFORM_ACCOUNT_ENV, Aws.ACCOUNT_ID)  # no tenant may route its alarms
    _allow(function, list(SECRET_ACTIONS), prefix)


def grant_integration_secret_read(function: GroupFunction, prefix: str) -> None:
    """Capability.INTEGRATION_SECRET_READ: the prefix, GetSecretValue under it of `cloudwatch` integrations' secrets
    only (their TYPE_TAG; a role ARN, where other types keep API keys and tokens), and the platform's account."""
    function.function.add_environment(SECRET_PREFIX_ENV, prefix)
    function.function.add_environment(PLATFORM_ACCOUNT_ENV, Aws.ACCOUNT_ID)  # no role may be in it
    _allow(function, ["secretsmanager:GetSecretValue"], prefix,
           conditions={"StringEquals": {f"secretsmanager:ResourceTag/{TYPE_TAG}": "cloudwatch"}})


def grant_customer_roles(function: GroupFunction) -> None:
    """Capability.CUSTOMER_ROLES: sts:AssumeRole on roles in other accounts. Which role is the tenant's to name, so
    the grant cannot name it; what keeps one tenant off another's role is the role's trust policy, which admits the
    platform with that tenant's external ID only. The platform's own account is left out: no tenant names it."""
    function.role.add_to_policy(iam.PolicyStatement(actions=["sts:AssumeRole"],
                                                    resources=[f"arn:{Aws.PARTITION}:iam::*:role/*"]))
    function.role.add_to_policy(iam.PolicyStatement(
        effect=iam.Effect.DENY, actions=["sts:AssumeRole"],
        resources=[f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/*"]))
    acknowledge(function.role, "IAM5[Resource::arn:<AWS::Partition>:iam::*:role/*]",
                "A tenant names the role in its own AWS account that lets the platform read its alarms: the role is "
                "not known at deploy time. Each role's trust policy admits the platform with that tenant's external "
                "ID only, and roles in the platform's own account are excluded.")


def _allow(function: GroupFunction, secret_actions: list[str], prefix: str,
           conditions: dict[str, Any] | None = None) -> None:
    resource = f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{prefix}/*"
    function.role.add_to_policy(iam.PolicyStatement(actions=secret_actions, resources=[resource],
                                                    conditions=conditions))
    acknowledge(
        function.role, f"IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
                       f"{prefix}/*]",
        "One secret per monitoring integration, named by tenant and integration id at run time: the grant covers "
        "this stage's integration prefix only, and the function names the caller's tenant in every secret name.",
    )
