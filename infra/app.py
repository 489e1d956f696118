"""The CDK app: `python -m infra.app` synthesizes into cdk.out (CDK_OUTDIR overrides), with cdk-nag in synth.

It builds the Lambda layer first when its inputs changed (scripts/build_layer.py; PyPI only, no Docker)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from infra.constructs.streams import check_stream_readers, stream_readers
from infra.nag import add_nag_checks
from infra.settings import InfraSettings
from infra.stacks import AlertsStack, ModuleApiStack, PlatformStack, RealtimeStack, SearchStack, StackInputs
from opsdesk.apimap import MODULES, REALTIME, ApiModule
from scripts.build_layer import LayerBuild, build_layer

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_ROOT = REPO_ROOT / "functions"
DEFAULT_OUTDIR = REPO_ROOT / "cdk.out"
DEPLOYED_MODULES: tuple[ApiModule, ...] = MODULES

APP_CONTEXT = {
    # Exports/imports between the platform stack and the module stacks: CloudFormation then refuses to delete a
    # table or the user pool while an API still uses it. Said explicitly, as CDK asks, so it never drifts.
    "@aws-cdk/core:defaultCrossStackReferences": "strong",
    # Server access logs are delivered under a bucket policy for the logging service, not the legacy ACL (which
    # BucketOwnerEnforced object ownership forbids).
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
}


def build_app(
    *,
    outdir: str | os.PathLike[str] | None = None,
    context: Mapping[str, Any] | None = None,
    layer: LayerBuild | None = None,
    modules: Sequence[ApiModule] = DEPLOYED_MODULES,
) -> cdk.App:
    """The whole app, ready to synth. Tests pass their own outdir, context, layer and (to try shapes the API map
    does not have yet) modules."""
    app = cdk.App(
        outdir=str(outdir or os.environ.get("CDK_OUTDIR") or DEFAULT_OUTDIR),
        context={**APP_CONTEXT, **(context or {})},
    )
    settings = InfraSettings.from_context(app.node)
    check_stream_readers(stream_readers(modules, REALTIME))
    layer = layer or build_layer()
    platform = PlatformStack(app, f"{settings.resource_prefix}-platform", settings=settings, modules=modules)
    inputs = StackInputs(platform, settings, FUNCTIONS_ROOT, layer.archive, layer.content_hash)
    search = SearchStack(app, f"{settings.resource_prefix}-search", inputs=inputs)
    alerts = AlertsStack(app, f"{settings.resource_prefix}-alerts", inputs=inputs)
    for module in modules:
        ModuleApiStack(app, f"{settings.resource_prefix}-{module.name}", module=module, inputs=inputs,
                       search=search.search, alerts_bus=alerts.alerts.bus)
    RealtimeStack(app, f"{settings.resource_prefix}-realtime", inputs=inputs)
    cdk.Tags.of(app).add("project", "opsdesk")
    cdk.Tags.of(app).add("stage", settings.stage)
    add_nag_checks(app)
    return app


def parse_context(argv: list[str]) -> dict[str, str]:
    """`-c key=value` pairs, as the CDK CLI takes them, so `python -m infra.app -c stage=prod` works too."""
    parser = argparse.ArgumentParser(prog="python -m infra.app", description="Synthesize the opsdesk CDK app.")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE")
    pairs = parser.parse_args(argv).context
    malformed = [pair for pair in pairs if "=" not in pair]
    if malformed:
        parser.error(f"context must be KEY=VALUE: {malformed}")
    return dict(pair.split("=", 1) for pair in pairs)


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    app = build_app(context=parse_context(sys.argv[1:] if argv is None else argv))
    assembly = app.synth()
    stacks = ", ".join(stack.stack_name for stack in assembly.stacks)
    print(f"synthesized {stacks} into {assembly.directory} in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
