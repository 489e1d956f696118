"""Capability.GITOPS: what the aura agent needs to work on the GitOps repository and the cluster. Two secrets the
stack creates and an operator fills after the first deploy (docs/infra.md, Aura): the git remote's credential
(`{"username", "token"}`) and the cluster's tokens (`{"argocd", "kubernetes"}`); `secretsmanager:GetSecretValue` on
exactly those two, and the remote's and the APIs' URLs from the stage's settings.

The remote's URL also goes to every other function of the module (`set_git_remote`): `GET /health` reports `git`
from it (opsdesk.aura.info.git_status). It is no secret; the credential is."""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge
from opsdesk.settings import AuraAgentSettings


def _alias(field: str) -> str:
    return AuraAgentSettings.variable_name(field)


# The variables the agent's settings read (opsdesk.settings.AuraAgentSettings), named from the model so they cannot
# drift from it.
GIT_REMOTE_ENV = _alias("git_remote_url")
GIT_CREDENTIAL_ENV = _alias("git_credential_secret_arn")
CLUSTER_TOKEN_ENV = _alias("cluster_token_secret_arn")
ARGOCD_URL_ENV = _alias("argocd_url")
KUBERNETES_URL_ENV = _alias("kubernetes_url")
GITOPS_ENV = _alias("gitops")
GITOPS_MODE = "argocd"
"""On AWS the agent syncs through Argo CD (`local` is the local stack's simulated cluster)."""

GIT_CREDENTIAL_KEYS = ("username", "token")
CLUSTER_TOKEN_KEYS = ("argocd", "kubernetes")
PLACEHOLDER_KEY = "placeholder"
"""A secret is created holding its JSON shape with empty values and one generated key (Secrets Manager generates a
value or takes one from the template; a generated one keeps every real value out of the template). Until an
operator puts the real JSON, the agent reads empty tokens: the remote and the APIs refuse it, the kick fails."""

SMG4_REASON = (
    "Tokens of external systems (the git host, Argo CD, the Kubernetes API): they are issued and rotated by those "
    "systems' owners, then put here by an operator; Secrets Manager has no way to rotate them."
)


def _empty_shape(keys: tuple[str, ...]) -> secretsmanager.SecretStringGenerator:
    return secretsmanager.SecretStringGenerator(
        secret_string_template=json.dumps(dict.fromkeys(keys, "")), generate_string_key=PLACEHOLDER_KEY,
        exclude_punctuation=True,
    )


class GitOpsSecrets(Construct):
    """`<prefix>/<module>/git` and `<prefix>/<module>/cluster`, owned by the module's stack."""

    def __init__(self, scope: Construct, construct_id: str, *, name_prefix: str, module_name: str,
                 removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self.git = secretsmanager.Secret(
            self, "GitCredential", secret_name=f"{name_prefix}/{module_name}/git",
            description=f"The {module_name} agent's credential for the GitOps remote: JSON "
                        "{\"username\": ..., \"token\": ...}",
            generate_secret_string=_empty_shape(GIT_CREDENTIAL_KEYS),
            removal_policy=removal_policy,
        )
        self.cluster = secretsmanager.Secret(
            self, "ClusterTokens", secret_name=f"{name_prefix}/{module_name}/cluster",
            description=f"The {module_name} agent's cluster tokens: JSON "
                        "{\"argocd\": <Argo CD API token>, \"kubernetes\": <Kubernetes API token>}",
            generate_secret_string=_empty_shape(CLUSTER_TOKEN_KEYS),
            removal_policy=removal_policy,
        )
        for secret in (self.git, self.cluster):
            acknowledge(secret, "SMG4", SMG4_REASON)

    @property
    def secrets(self) -> tuple[secretsmanager.Secret, secretsmanager.Secret]:
        return self.git, self.cluster


def set_git_remote(function: GroupFunction, remote_url: str, environment: str | None = None) -> None:
    """The remote's URL alone (no access to anything): health and status report from it; and the deployment's
    name, which `GET /info` reports (`AURA_ENVIRONMENT`: the stage)."""
    function.function.add_environment(GIT_REMOTE_ENV, remote_url)
    if environment is not None:
        function.function.add_environment("AURA_ENVIRONMENT", environment)


def grant_gitops(function: GroupFunction, secrets: GitOpsSecrets, *, remote_url: str, argocd_url: str,
                 kubernetes_url: str) -> None:
    """Capability.GITOPS: the secrets' ARNs, the URLs, and GetSecretValue on those two secrets only."""
    environment = {
        GIT_CREDENTIAL_ENV: secrets.git.secret_arn,
        CLUSTER_TOKEN_ENV: secrets.cluster.secret_arn,
        ARGOCD_URL_ENV: argocd_url,
        KUBERNETES_URL_ENV: kubernetes_url,
        GITOPS_ENV: GITOPS_MODE,
    }
    set_git_remote(function, remote_url)
    for name, value in environment.items():
        function.function.add_environment(name, value)
    # Only GetSecretValue (what opsdesk.secrets.SecretsManagerStore.get calls); the secrets use the account's
    # aws/secretsmanager key, which needs no grant.
    function.role.add_to_policy(iam.PolicyStatement(
        actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn for secret in secrets.secrets],
    ))
