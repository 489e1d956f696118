"""The agent as the aura_agent function (and the local seed) builds it from settings: kept apart from
opsdesk.aura.wiring so the REST functions never import the agent, its tools or its brain."""

from __future__ import annotations

import os

from opsdesk.aura.agent import Agent, AgentSettings
from opsdesk.aura.brains import agent_brain
from opsdesk.aura.cluster import ArgoCdApi, ClusterReader, GitOpsController, KubernetesApi, LocalGitOps
from opsdesk.aura.git import GitCredential, GitWorkspace
from opsdesk.aura.repository import AuraRepository
from opsdesk.aura.runner import AgentToolRunner
from opsdesk.aura.service import AgentKicks
from opsdesk.aura.store import AuraStore
from opsdesk.aura.wiring import agent_kicks
from opsdesk.eventlog import EventLog
from opsdesk.outbound import GuardedHttpClient, OutboundPolicy
from opsdesk.settings import AuraAgentSettings, SettingsError


def agent_runtime(settings: AuraAgentSettings, *, kicks: AgentKicks | None = None,
                  store: AuraStore | None = None) -> Agent:
    """The agent as the aura_agent function runs it: the brain the settings choose, the git workspace on the GitOps
    remote, and the cluster and Argo CD (the local stand-in when AURA_GITOPS=local)."""
    if not settings.git_remote_url:
        raise SettingsError("AURA_GIT_REMOTE_URL is required by the agent")
    git = GitWorkspace(settings.git_remote_url, settings.workspace_dir, credential=_git_credential(settings))
    cluster: ClusterReader
    gitops: GitOpsController
    if settings.gitops == "local":
        local = LocalGitOps(settings.git_remote_url, settings.gitops_state_dir or
                            os.path.join(settings.workspace_dir, "cluster"))
        cluster, gitops = local, local
    else:
        if not settings.argocd_url or not settings.kubernetes_url:
            raise SettingsError("AURA_ARGOCD_URL and AURA_KUBERNETES_URL are required with AURA_GITOPS=argocd")
        tokens = _secret(settings, settings.cluster_token_secret_arn)
        client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset(
            host.strip().lower() for host in settings.allowed_http_hosts.split(",") if host.strip())))
        cluster = KubernetesApi(settings.kubernetes_url, tokens.get("kubernetes"), client)
        gitops = ArgoCdApi(settings.argocd_url, tokens.get("argocd"), client)
    delays = tuple(int(part) for part in settings.observe_delays.split(",") if part.strip()) or (2, 4, 8)
    agent_settings = AgentSettings(plan_approval_required=settings.plan_approval_required,
                                   lease_seconds=settings.run_lease_seconds, observe_delays=delays,
                                   turn_time_budget_seconds=settings.turn_time_budget_seconds)
    return Agent(store or AuraRepository(EventLog(), settings), agent_brain(settings),
                 AgentToolRunner(git, cluster, gitops), kicks or agent_kicks(settings), settings=agent_settings)


def _secret(settings: AuraAgentSettings, arn: str | None) -> dict[str, str]:
    if not arn:
        return {}
    from opsdesk.secrets import SecretsManagerStore  # noqa: PLC0415

    return SecretsManagerStore("", region=settings.aws_region, endpoint_url=settings.aws_endpoint_url).get(arn)


def _git_credential(settings: AuraAgentSettings) -> GitCredential | None:
    values = _secret(settings, settings.git_credential_secret_arn)
    if not values:
        return None
    return GitCredential(values.get("username", "x-access-token"), values.get("token", values.get("password", "")))
