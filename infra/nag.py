"""cdk-nag 3 wiring: the AwsSolutions pack runs as a validation plugin in synth, and every finding we accept is
acknowledged on the narrowest construct that causes it, with the reason (docs/infra.md lists them all)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

AWS_SOLUTIONS = "AwsSolutions"


def add_nag_checks(app: IConstruct) -> None:
    """Synth fails (RuntimeError from app.synth) on any unacknowledged finding, errors and warnings alike."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """`rule` is the finding without the pack prefix: "L1", or "IAM5[Resource::*]" for one finding of a rule."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a written reason")
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{AWS_SOLUTIONS}-{rule}", reason=reason))


def finding_resource(scope: IConstruct, value: str) -> str:
    """A resource as cdk-nag names it in a finding (`IAM5[Resource::<this>]`): a reference as `<AWS::Region>` or
    `<LogicalId>`, an attribute as `<LogicalId.Arn>`, literal text as itself."""
    resolved: Any = Stack.of(scope).resolve(value)
    parts = resolved["Fn::Join"][1] if isinstance(resolved, dict) and "Fn::Join" in resolved else [resolved]
    rendered = []
    for part in parts:
        if isinstance(part, str):
            rendered.append(part)
        elif "Ref" in part:
            rendered.append(f"<{part['Ref']}>")
        elif "Fn::GetAtt" in part:
            rendered.append(f"<{'.'.join(part['Fn::GetAtt'])}>")
        else:
            raise ValueError(f"cannot name {part} as cdk-nag does")
    return "".join(rendered)
