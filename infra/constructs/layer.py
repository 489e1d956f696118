"""The platform layer: the opsdesk package and its runtime dependencies (scripts/build_layer.py builds it)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import AssetHashType, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

LAYER_RUNTIME = lambda_.Runtime.PYTHON_3_11
LAYER_ARCHITECTURE = lambda_.Architecture.ARM_64


class PlatformLayer(Construct):
    """A layer version from the build's zip. The asset hash is the build's input hash, so synth never rehashes
    the archive, and a new version is published only when the dependencies or opsdesk changed."""

    def __init__(self, scope: Construct, construct_id: str, *, archive: Path, content_hash: str) -> None:
        super().__init__(scope, construct_id)
        if archive.suffix != ".zip" or not archive.is_file():
            raise FileNotFoundError(f"{archive} is not a built layer: run python -m scripts.build_layer")
        self.layer_version = lambda_.LayerVersion(
            self,
            "Version",
            code=lambda_.Code.from_asset(str(archive), asset_hash=content_hash, asset_hash_type=AssetHashType.CUSTOM),
            compatible_runtimes=[LAYER_RUNTIME],
            compatible_architectures=[LAYER_ARCHITECTURE],
            description="opsdesk platform library and its runtime dependencies (AWS SDK from the runtime)",
            # Old versions stay so that a rollback of a function still finds the layer it pointed at.
            removal_policy=RemovalPolicy.RETAIN,
        )
