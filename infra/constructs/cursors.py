"""The key that signs list cursors (opsdesk.cursors): a generated secret, read by the functions whose group
declares Capability.CURSOR_KEY (infra/constructs/api.py grants them read access and names it in their settings)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.nag import acknowledge

KEY_LENGTH = 64
"""Characters of [A-Za-z0-9]: about 380 bits, past HMAC-SHA256's own strength."""


class CursorKey(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="opsdesk: HMAC key that signs list cursors (opsdesk.cursors)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=KEY_LENGTH, exclude_punctuation=True, include_space=False,
            ),
            removal_policy=removal_policy,
        )
        acknowledge(
            self.secret,
            "SMG4",
            "Not rotated on a schedule: the key only makes page cursors tamper-evident, nothing is encrypted or "
            "authenticated with it beyond one walk through a list; replacing it (a new secret value) only ends "
            "the cursors in flight, which clients restart from the first page.",
        )
