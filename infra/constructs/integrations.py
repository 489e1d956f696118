"""Capability.INTEGRATION_SECRETS: monitoring integrations' credentials in Secrets Manager (opsdesk.secrets), one
secret per integration under the stage's prefix; the function may manage secrets under that prefix only."""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge
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


def grant_integration_secrets(function: GroupFunction, prefix: str) -> None:
    function.function.add_environment(SECRET_PREFIX_ENV, prefix)
    function.function.add_environment(PLATFORM_ACCOUNT_ENV, Aws.ACCOUNT_ID)  # no tenant may route its alarms
    resource = f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{prefix}/*"
    function.role.add_to_policy(iam.PolicyStatement(actions=list(SECRET_ACTIONS), resources=[resource]))
    acknowledge(
        function.role, f"IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:"
                       f"{prefix}/*]",
        "One secret per monitoring integration, named by tenant and integration id at run time: the grant covers "
        "this stage's integration prefix only, and the function names the caller's tenant in every secret name.",
    )
