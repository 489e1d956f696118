"""The aura module's functions: the TicketsTable (its aura items), the agent's queue and cluster."""

from __future__ import annotations

from typing import Literal

from opsdesk.settings import DEFAULT_BEDROCK_MODEL_ID, PlatformSettings, setting


class AuraSettings(PlatformSettings):
    """The aura module's functions: the TicketsTable (its aura items) and the agent's queue."""

    tickets_table_name: str = setting("TICKETS_TABLE_NAME", min_length=3)
    agent_queue_url: str | None = setting("AURA_AGENT_QUEUE_URL", default=None)
    """Where runs are kicked (opsdesk.apimap AURA.queue_consumers); the REST functions and the agent send."""
    plan_approval_required: bool = setting("AURA_PLAN_APPROVAL_REQUIRED", default=True)
    run_lease_seconds: int = setting("AURA_RUN_LEASE_SECONDS", default=900, ge=30, le=86_400)
    """A run that has not checkpointed for this long is taken as dead: `POST /run` may start another."""
    environment: str = setting("AURA_ENVIRONMENT", default="production", min_length=1, max_length=40)
    git_remote_url: str | None = setting("AURA_GIT_REMOTE_URL", default=None)
    """The GitOps repository the agent pushes to: locally a bare repository in the stack's state; on AWS an https
    remote (its credential in Secrets Manager). Health reports `git` from it."""
    ai_provider: Literal["offline", "bedrock"] = setting("AI_PROVIDER", default="offline")
    bedrock_model_id: str = setting("BEDROCK_MODEL_ID", default=DEFAULT_BEDROCK_MODEL_ID, min_length=1)
    bedrock_region: str | None = setting("BEDROCK_REGION", default=None)


class AuraAgentSettings(AuraSettings):
    """aura_agent (the queue's consumer): where the GitOps repository, the cluster and Argo CD are."""

    git_credential_secret_arn: str | None = setting("AURA_GIT_CREDENTIAL_SECRET_ARN", default=None)
    workspace_dir: str = setting("AURA_WORKSPACE_DIR", default="/tmp/aura-workspaces")
    gitops: Literal["local", "argocd"] = setting("AURA_GITOPS", default="argocd")
    """`local`: the local stack's simulated cluster and Argo CD (opsdesk.aura.cluster.LocalGitOps)."""
    gitops_state_dir: str | None = setting("AURA_GITOPS_STATE_DIR", default=None)
    argocd_url: str | None = setting("AURA_ARGOCD_URL", default=None)
    kubernetes_url: str | None = setting("AURA_KUBERNETES_URL", default=None)
    cluster_token_secret_arn: str | None = setting("AURA_CLUSTER_TOKEN_SECRET_ARN", default=None)
    """A JSON secret {"argocd": <token>, "kubernetes": <token>}."""
    allowed_http_hosts: str = setting("AURA_ALLOWED_HTTP_HOSTS", default="")
    turn_time_budget_seconds: float = setting("AURA_TURN_TIME_BUDGET_SECONDS", default=60.0, gt=0, le=600)
    observe_delays: str = setting("AURA_OBSERVE_DELAYS", default="2,4,8,15,30,60")
