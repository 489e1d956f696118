"""The aura module's functions: the TicketsTable (its aura items), the agent's queue and cluster."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsdesk.settings import DEFAULT_BEDROCK_MODEL_ID, PlatformSettings


class AuraSettings(PlatformSettings):
    """The aura module's functions: the TicketsTable (its aura items) and the agent's queue."""

    tickets_table_name: str = Field(alias="TICKETS_TABLE_NAME", min_length=3)
    agent_queue_url: str | None = Field(default=None, alias="AURA_AGENT_QUEUE_URL")
    """Where runs are kicked (opsdesk.apimap AURA.queue_consumers); the REST functions and the agent send."""
    plan_approval_required: bool = Field(default=True, alias="AURA_PLAN_APPROVAL_REQUIRED")
    run_lease_seconds: int = Field(default=900, alias="AURA_RUN_LEASE_SECONDS", ge=30, le=86_400)
    """A run that has not checkpointed for this long is taken as dead: `POST /run` may start another."""
    environment: str = Field(default="production", alias="AURA_ENVIRONMENT", min_length=1, max_length=40)
    git_remote_url: str | None = Field(default=None, alias="AURA_GIT_REMOTE_URL")
    """The GitOps repository the agent pushes to: locally a bare repository in the stack's state; on AWS an https
    remote (its credential in Secrets Manager). Health reports `git` from it."""
    ai_provider: Literal["offline", "bedrock"] = Field(default="offline", alias="AI_PROVIDER")
    bedrock_model_id: str = Field(default=DEFAULT_BEDROCK_MODEL_ID, alias="BEDROCK_MODEL_ID", min_length=1)
    bedrock_region: str | None = Field(default=None, alias="BEDROCK_REGION")


class AuraAgentSettings(AuraSettings):
    """aura_agent (the queue's consumer): where the GitOps repository, the cluster and Argo CD are."""

    git_credential_secret_arn: str | None = Field(default=None, alias="AURA_GIT_CREDENTIAL_SECRET_ARN")
    workspace_dir: str = Field(default="/tmp/aura-workspaces", alias="AURA_WORKSPACE_DIR")
    gitops: Literal["local", "argocd"] = Field(default="argocd", alias="AURA_GITOPS")
    """`local`: the local stack's simulated cluster and Argo CD (opsdesk.aura.cluster.LocalGitOps)."""
    gitops_state_dir: str | None = Field(default=None, alias="AURA_GITOPS_STATE_DIR")
    argocd_url: str | None = Field(default=None, alias="AURA_ARGOCD_URL")
    kubernetes_url: str | None = Field(default=None, alias="AURA_KUBERNETES_URL")
    cluster_token_secret_arn: str | None = Field(default=None, alias="AURA_CLUSTER_TOKEN_SECRET_ARN")
    """A JSON secret {"argocd": <token>, "kubernetes": <token>}."""
    allowed_http_hosts: str = Field(default="", alias="AURA_ALLOWED_HTTP_HOSTS")
    turn_time_budget_seconds: float = Field(default=60.0, alias="AURA_TURN_TIME_BUDGET_SECONDS", gt=0, le=600)
    observe_delays: str = Field(default="2,4,8,15,30,60", alias="AURA_OBSERVE_DELAYS")
