"""Amazon Bedrock for the AI functions: the provider settings and permission to invoke one model, nothing else.

A model id is either a foundation model (`amazon.nova-lite-v1:0`), invoked in the stack's region, or a system
inference profile (`eu.amazon.nova-lite-v1:0`, `global.anthropic...`), which Bedrock routes to one of the regions
of its geography. Invoking through a profile needs the permission on the profile and on the foundation model in
every region it may route to; the second grant holds only for requests made through that one profile."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from constructs import Construct

from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge, finding_resource

# Converse and ConverseStream are authorized as these two actions.
INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
# System inference profile ids start with their geography (https://docs.aws.amazon.com/bedrock/latest/userguide/
# inference-profiles-support.html); model ids start with their provider.
PROFILE_GEOGRAPHIES = frozenset({"us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"})


@dataclass(frozen=True)
class BedrockModel:
    model_id: str
    """BEDROCK_MODEL_ID: what the function passes as `modelId`."""

    @property
    def is_inference_profile(self) -> bool:
        return self.model_id.split(".", 1)[0] in PROFILE_GEOGRAPHIES

    @property
    def foundation_model_id(self) -> str:
        return self.model_id.split(".", 1)[1] if self.is_inference_profile else self.model_id

    def profile_arn(self) -> str:
        return f"arn:{Aws.PARTITION}:bedrock:{Aws.REGION}:{Aws.ACCOUNT_ID}:inference-profile/{self.model_id}"

    def foundation_model_arn(self, region: str) -> str:
        return f"arn:{Aws.PARTITION}:bedrock:{region}::foundation-model/{self.foundation_model_id}"

    def statements(self) -> list[iam.PolicyStatement]:
        if not self.is_inference_profile:
            model = self.foundation_model_arn(Aws.REGION)
            return [iam.PolicyStatement(actions=list(INVOKE_ACTIONS), resources=[model])]
        profile = self.profile_arn()
        return [
            iam.PolicyStatement(actions=list(INVOKE_ACTIONS), resources=[profile]),
            # The destination regions are the profile's to choose (a global profile has no region at all), so the
            # model ARN names every region, and the condition admits only requests routed by this profile.
            iam.PolicyStatement(
                actions=list(INVOKE_ACTIONS),
                resources=[self.foundation_model_arn("*")],
                conditions={"StringEquals": {"bedrock:InferenceProfileArn": profile}},
            ),
        ]


class ChatModelAccess(Construct):
    """AI_PROVIDER=bedrock and BEDROCK_MODEL_ID on the function, and invoke permission on that model only."""

    def __init__(self, scope: Construct, construct_id: str, *, function: GroupFunction, model: BedrockModel) -> None:
        super().__init__(scope, construct_id)
        function.function.add_environment("AI_PROVIDER", "bedrock")
        function.function.add_environment("BEDROCK_MODEL_ID", model.model_id)
        for statement in model.statements():
            function.role.add_to_policy(statement)
        if model.is_inference_profile:
            acknowledge(
                function.role, f"IAM5[Resource::{finding_resource(self, model.foundation_model_arn('*'))}]",
                "Invoking through a cross-region inference profile needs the foundation model in every region the "
                "profile may route to; the statement names one model and holds only for requests made through the "
                "one profile (bedrock:InferenceProfileArn condition).",
            )
