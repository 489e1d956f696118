"""cdk-nag (AwsSolutions) in synth and cfn-lint on every synthesized template."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.xdist_group("infra")

# W3005: CDK gives each function an explicit DependsOn on its role and the role's policy; the role half repeats
# what the GetAtt already orders. Harmless, and not ours to change.
CFN_LINT_IGNORED = ["W3005"]
# The stacks are environment-agnostic; lint against the regions a deployment would most likely pick.
LINT_REGIONS = ["us-east-1", "eu-west-1"]


@pytest.mark.parametrize("stage", ["dev", "prod", "with_mail"])
def test_cdk_nag_finds_nothing_unacknowledged(stage: str, request: pytest.FixtureRequest) -> None:
    from cdk_nag import AwsSolutionsChecks

    synthesized: Synthesized = request.getfixturevalue(stage)

    # Synth would have raised on a finding; checking the tree again shows what the report holds.
    report = AwsSolutionsChecks().validate_scope(synthesized.app)

    assert [violation.rule_name for violation in report.violations] == []
    assert report.success is True


def test_an_unacknowledged_nag_finding_fails_synth(tmp_path: Path) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_sqs as sqs

    from infra.nag import add_nag_checks

    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Unchecked")
    sqs.Queue(stack, "QueueWithoutDeadLetterQueue")
    add_nag_checks(app)

    with pytest.raises(RuntimeError, match="AwsSolutions-SQS3"):
        app.synth()


def test_every_acknowledgement_gives_a_reason(dev: Synthesized, prod: Synthesized) -> None:
    from aws_cdk import Validations

    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    acknowledged = {
        rule: reason
        for synthesized in (dev, prod)
        for construct in synthesized.app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == key
        for rule, reason in entry.data.items()
    }

    assert acknowledged
    for rule, reason in acknowledged.items():
        assert rule.startswith("Annotation::AwsSolutions-")
        assert len(reason) >= 60, rule


def test_prod_acknowledges_less_than_dev(dev: Synthesized, prod: Synthesized) -> None:
    """Threat protection and WAF are on in prod, so their acknowledgements exist only in dev."""
    from aws_cdk import Validations

    def rules(synthesized: Synthesized) -> set[str]:
        return {
            rule
            for construct in synthesized.app.node.find_all()
            for entry in construct.node.metadata
            if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
            for rule in entry.data
        }

    assert {"Annotation::AwsSolutions-COG8", "Annotation::AwsSolutions-APIG3"} <= rules(dev) - rules(prod)


@pytest.mark.parametrize("stage", ["dev", "prod", "with_mail"])
def test_cfn_lint_passes_on_every_synthesized_template(stage: str, request: pytest.FixtureRequest) -> None:
    from cfnlint.api import ManualArgs, lint_file

    synthesized: Synthesized = request.getfixturevalue(stage)
    templates = sorted(synthesized.directory.glob("*.template.json"))
    assert len(templates) == len(synthesized.templates)

    problems = [
        str(match)
        for template in templates
        for match in lint_file(template, config=ManualArgs(ignore_checks=CFN_LINT_IGNORED, regions=LINT_REGIONS))
    ]

    assert problems == []
