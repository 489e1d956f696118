"""Capability.GITOPS: what the aura agent needs to work on the GitOps repository and the cluster. Two secrets the
stack creates and an operator fills after the first deploy (docs/infra.md, Aura): the git remote's credential
(`{"username", "token"}`) and the cluster's tokens (`{"argocd", "kubernetes"}`); read access to exactly those, and
the remote's and the APIs' URLs from the stage's settings."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.constructs.functions import GroupFunction
from infra.nag import acknowledge


class GitOpsSecrets(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, name_prefix: str,
                 removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        self.git = secretsmanager.Secret(
            self, "GitCredential", secret_name=f"{name_prefix}/aura/git",
            description="The aura agent's credential for the GitOps remote: JSON {\"username\", \"token\"}",
            removal_policy=removal_policy,
        )
        self.cluster = secretsmanager.Secret(
            self, "ClusterTokens", secret_name=f"{name_prefix}/aura/cluster",
            description="The aura agent's tokens: JSON {\"argocd\": <Argo CD API token>, \"kubernetes\": <token>}",
            removal_policy=removal_policy,
        )
        for secret in (self.git, self.cluster):
            acknowledge(secret, "SMG4", "Tokens of external systems (the git host, Argo CD, the cluster): they are "
                                        "issued and rotated by those systems' owners, then stored here.")


def grant_gitops(function: GroupFunction, secrets: GitOpsSecrets, *, remote_url: str, argocd_url: str,
                 kubernetes_url: str) -> None:
    environment = {
        "AURA_GIT_CREDENTIAL_SECRET_ARN": secrets.git.secret_arn,
        "AURA_CLUSTER_TOKEN_SECRET_ARN": secrets.cluster.secret_arn,
        "AURA_GIT_REMOTE_URL": remote_url,
        "AURA_ARGOCD_URL": argocd_url,
        "AURA_KUBERNETES_URL": kubernetes_url,
        "AURA_GITOPS": "argocd",
    }
    for name, value in environment.items():
        function.function.add_environment(name, value)
    secrets.git.grant_read(function.role)
    secrets.cluster.grant_read(function.role)
