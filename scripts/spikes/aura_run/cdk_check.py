"""Spike (docs/aura-run-spike.md): what CDK (aws-cdk-lib in the project's venv) synthesizes for a durable
function, and what the REST function's grant to send an approval looks like.

    .venv/bin/python scripts/spikes/aura_run/cdk_check.py
"""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_


def main() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Spike")
    agent = lambda_.Function(
        stack, "Agent", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c): pass"),
        durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.days(30),
                                             retention_period=cdk.Duration.days(7)))
    version = agent.current_version  # the REST function starts a run by invoking the agent (here: a version)
    api = lambda_.Function(stack, "Api", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler",
                           code=lambda_.Code.from_inline("def handler(e, c): pass"))
    api.add_to_role_policy(iam.PolicyStatement(
        actions=["lambda:SendDurableExecutionCallbackSuccess", "lambda:SendDurableExecutionCallbackFailure"],
        resources=[agent.function_arn, f"{agent.function_arn}:*"]))
    version.grant_invoke(api)
    template = app.synth().get_stack_by_name("Spike").template
    resources = template["Resources"]
    fn = next(r for r in resources.values() if r["Type"] == "AWS::Lambda::Function"
              and "DurableConfig" in r["Properties"])
    policies = {k: r["Properties"].get("ManagedPolicyArns") or r["Properties"].get("PolicyDocument")
                for k, r in resources.items() if r["Type"] in ("AWS::IAM::Role", "AWS::IAM::Policy")}
    print(json.dumps({"DurableConfig": fn["Properties"]["DurableConfig"], "iam": policies}, indent=1, default=str))


if __name__ == "__main__":
    main()
