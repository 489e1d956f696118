"""The agent's loop with its real tools on moto: the DynamoDB checkpoint, dulwich on a bare repository, the local
Argo CD and cluster. A scripted brain proposes the calls (the planner has its own tests), so these pin down what
the loop and the tools do together: a ticket resolved with its branch pushed and its manifests applied, and a
crash after a commit or a push replayed without a second commit or push."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from opsdesk.aura.records import PlanStep, TicketStatus, ToolRequest
from opsdesk.aura.requests import ApprovePlanRequest, CreateTicketRequest
from opsdesk.aura.tools import ToolOutcome, working_branch
from opsdesk.auth import Principal
from tests.unit.aura_fakes import RecordedKicks
from tests.unit.aura_service.scripted import ScriptedBrain

S = TicketStatus
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels: {app: echo}
  template:
    metadata:
      labels: {app: echo}
    spec:
      containers:
        - name: echo
          image: hashicorp/http-echo:1.0
"""
STEPS = (
    PlanStep("Write the deployment", "git_write_file", {"path": "apps/demo/echo.yaml", "content": MANIFEST}),
    PlanStep("Commit", "git_commit", {"message": "Deploy echo"}),
    PlanStep("Push", "git_push", {}),
    PlanStep("Sync", "argo_sync", {"app": "demo"}),
    PlanStep("Check health", "argo_health", {"app": "demo"}),
)


@dataclass
class CrashingRunner:
    """The real runner, except that the first call of `tool` takes effect and then the process 'dies'."""

    inner: Any
    tool: str | None
    effects: list[str] = field(default_factory=list)

    def run(self, ticket_id: str, call_id: str, request: ToolRequest, workspace: Any) -> ToolOutcome:
        outcome = self.inner.run(ticket_id, call_id, request, workspace)
        self.effects.append(request.tool)
        if request.tool == self.tool:
            self.tool = None
            raise RuntimeError("the process died after the call")
        return outcome


@pytest.fixture
def parts(local_aws: Any, tmp_path: Path) -> Any:
    from opsdesk.aura.agent import Agent, AgentSettings
    from opsdesk.aura.cluster import LocalGitOps
    from opsdesk.aura.git import GitWorkspace
    from opsdesk.aura.repository import AuraRepository
    from opsdesk.aura.runner import AgentToolRunner
    from opsdesk.aura.service import AuraService
    from opsdesk.eventlog import EventLog
    from scripts.local.gitops import init_repository

    remote = tmp_path / "gitops.git"
    init_repository(remote)
    gitops = LocalGitOps(str(remote), str(tmp_path / "cluster"))
    runner = AgentToolRunner(GitWorkspace(str(remote), str(tmp_path / "mirror")), gitops, gitops)
    store, kicks = AuraRepository(EventLog()), RecordedKicks()
    service = AuraService(store, kicks)

    def agent(tool_runner: Any) -> Agent:
        return Agent(store, ScriptedBrain(steps=STEPS), tool_runner, kicks,
                     settings=AgentSettings(plan_approval_required=True, observe_delays=(1,)))

    return service, kicks, runner, agent, remote, gitops


def drive(service: Any, kicks: RecordedKicks, agent: Any, principal: Principal, ticket_id: str) -> None:
    import time

    for _ in range(60):
        pending = kicks.take()
        if not pending:
            ticket = service.get_ticket(principal, ticket_id)
            if ticket.status is S.PENDING_PLAN_APPROVAL:
                service.approve_plan(principal, ticket_id, ApprovePlanRequest())
                continue
            return
        for tenant, ticket, run, delay in pending:
            time.sleep(min(delay, 1))
            agent.work(tenant, ticket, run)


def branch_commits(remote: Path, branch: str) -> list[bytes]:
    from dulwich.repo import Repo

    repo = Repo(str(remote))
    try:
        head = repo.refs[f"refs/heads/{branch}".encode()]
        return [entry.commit.message for entry in repo.get_walker(include=[head])]
    finally:
        repo.close()


def new_ticket(service: Any) -> tuple[Principal, str]:
    principal = Principal("u-1", str(uuid.uuid4()), "alice", frozenset(), email="alice@acme.test")
    request = CreateTicketRequest.model_validate({"title": "Deploy echo", "description": "echo in demo"})
    ticket = service.create_ticket(principal, request)
    service.run(principal, ticket.id)
    return principal, ticket.id


def test_a_ticket_is_resolved_with_its_branch_pushed_and_its_manifests_applied(parts: Any) -> None:
    service, kicks, runner, agent, remote, gitops = parts
    principal, ticket_id = new_ticket(service)
    drive(service, kicks, agent(runner), principal, ticket_id)
    ticket = service.get_ticket(principal, ticket_id)
    assert ticket.status is S.RESOLVED, (ticket.status, ticket.failure)
    messages = branch_commits(remote, working_branch(ticket_id))
    assert messages[0].startswith(b"Deploy echo") and f"Aura-Call: {ticket_id}:".encode() in messages[0]
    assert len(ticket.commits) == 1
    deployment = gitops.get("deployment", "demo", "echo")
    assert deployment["found"] and deployment["count"] == 1
    assert service.verify_audit(principal, ticket_id).intact


@pytest.mark.parametrize("tool", ["git_commit", "git_push", "argo_sync"])
def test_a_crash_after_a_real_call_is_replayed_without_repeating_it(parts: Any, tool: str) -> None:
    service, kicks, runner, agent, remote, gitops = parts
    principal, ticket_id = new_ticket(service)
    crashing = CrashingRunner(runner, tool)
    with pytest.raises(RuntimeError):
        drive(service, kicks, agent(crashing), principal, ticket_id)
    held = service.get_ticket(principal, ticket_id)
    assert held.progress.inflight is not None and held.progress.inflight.request.tool == tool
    assert held.run_id is not None
    kicks.kick(principal.tenant_id, ticket_id, held.run_id)  # the queue delivers the kick again
    drive(service, kicks, agent(crashing), principal, ticket_id)
    ticket = service.get_ticket(principal, ticket_id)
    assert ticket.status is S.RESOLVED, (ticket.status, ticket.failure)
    assert len(branch_commits(remote, working_branch(ticket_id))) == 2  # main's first commit and ours, once
    assert len(ticket.commits) == 1
    calls = [c.tool for c in ticket.progress.completed]
    assert calls.count(tool) == 1
