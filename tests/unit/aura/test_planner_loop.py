"""The offline brain in the agent's loop with the real tools (dulwich on a bare repository in tmp_path, the local
stand-in for a cluster with Argo CD): tickets worded as people write them, resolved through plan approval,
questions and approvals, with the manifests applied and destructive calls held for a person."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdesk.aura.agent import Agent, AgentSettings
from opsdesk.aura.cluster import LocalGitOps
from opsdesk.aura.git import GitWorkspace
from opsdesk.aura.kube_objects import Rollout
from opsdesk.aura.planner import OfflineBrain
from opsdesk.aura.records import Ticket, TicketStatus
from opsdesk.aura.requests import (
    AnswerRequest,
    ApprovalRequest,
    ApprovePlanRequest,
    CreateTicketRequest,
    UpdateTicketRequest,
)
from opsdesk.aura.runner import AgentToolRunner
from opsdesk.aura.service import AuraService
from opsdesk.errors import ValidationFailed
from tests.unit.aura_fakes import FakeAuraStore, RecordedKicks
from tests.unit.aura_service.test_service import ALICE, Clock
from tests.unit.aura_tools.repos import SHOP, make_remote

S = TicketStatus
FILES = {"README.md": "# GitOps\n", "apps/shop/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  "
         "name: shop\n", "apps/shop/web.yaml": SHOP}


class Desk:
    """A service, the agent with the offline brain, and the tools over a fresh GitOps repository."""

    def __init__(self, tmp_path: Path) -> None:
        remote = tmp_path / "gitops.git"
        make_remote(remote, FILES)
        # Rollouts finish at once here: watching a rollout that takes time is test_planner_turns' business.
        self.gitops = LocalGitOps(str(remote), str(tmp_path / "cluster"), rollout=Rollout(0.0, 0.0))
        tools = AgentToolRunner(GitWorkspace(str(remote), str(tmp_path / "mirror")), self.gitops, self.gitops)
        self.store, self.kicks = FakeAuraStore(), RecordedKicks()
        self.service = AuraService(self.store, self.kicks, clock=Clock())
        self.agent = Agent(self.store, OfflineBrain(), tools, self.kicks, clock=Clock(),
                           settings=AgentSettings(plan_approval_required=True))

    def open(self, title: str, description: str) -> str:
        request = CreateTicketRequest.model_validate({"title": title, "description": description})
        ticket_id = self.service.create_ticket(ALICE, request).id
        self.service.run(ALICE, ticket_id)
        self.drain()
        return ticket_id

    def drain(self) -> None:
        for _ in range(200):
            pending = self.kicks.take()
            if not pending:
                return
            for tenant, ticket, run, _ in pending:
                self.agent.work(tenant, ticket, run)
        raise AssertionError("the run never settled")

    def ticket(self, ticket_id: str) -> Ticket:
        return self.service.get_ticket(ALICE, ticket_id)

    def approve_plan(self, ticket_id: str) -> Ticket:
        assert self.ticket(ticket_id).status is S.PENDING_PLAN_APPROVAL
        self.service.approve_plan(ALICE, ticket_id, ApprovePlanRequest())
        self.drain()
        return self.ticket(ticket_id)

    def answer(self, ticket_id: str, text: str) -> Ticket:
        self.service.answer(ALICE, ticket_id, AnswerRequest(answer=text))
        self.drain()
        return self.ticket(ticket_id)

    def approve(self, ticket_id: str, approved: bool = True) -> Ticket:
        self.service.respond_to_approval(ALICE, ticket_id, ApprovalRequest(approved=approved))
        self.drain()
        return self.ticket(ticket_id)


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path)


def test_a_deploy_with_an_open_namespace_is_asked_then_applied(desk: Desk) -> None:
    ticket_id = desk.open("redis for logins", "we'd like a redis for the login flow with 3 replicas")
    ticket = desk.approve_plan(ticket_id)
    assert ticket.status is S.PENDING_INPUT and ticket.pending_question is not None
    assert ticket.pending_question.key == "namespace" and "shop" in ticket.pending_question.options
    ticket = desk.answer(ticket_id, "put it in the sessions namespace please")
    assert ticket.status is S.RESOLVED, ticket.failure
    assert desk.gitops.get("statefulset", "sessions", "redis")["items"][0]["replicas"] == 3
    assert desk.gitops.get("namespace", name="sessions")["found"]
    assert len(ticket.commits) == 1 and ticket.usage.total_tokens > 0


def test_scaling_an_existing_workload_edits_its_manifest(desk: Desk) -> None:
    ticket_id = desk.open("More web capacity", "Please scale the web deployment in the shop namespace to 4 replicas")
    ticket = desk.approve_plan(ticket_id)
    assert ticket.status is S.RESOLVED, ticket.failure
    web = desk.gitops.get("deployment", "shop", "web")["items"][0]
    assert web["replicas"] == 4 and web["images"] == ["ghcr.io/acme/web:1.8.2"]


def test_a_deletion_waits_for_approval_and_a_refusal_fails_the_ticket(desk: Desk) -> None:
    ticket_id = desk.open("Remove web", "Delete the web deployment from the shop namespace, it is unused")
    ticket = desk.approve_plan(ticket_id)
    assert ticket.status is S.PENDING_APPROVAL and ticket.pending_approval is not None
    assert ticket.pending_approval.tool == "git_delete_file"
    assert ticket.pending_approval.args == {"path": "apps/shop/web.yaml"}
    ticket = desk.approve(ticket_id, approved=False)
    assert ticket.status is S.FAILED and ticket.failure is not None
    assert ticket.failure.startswith("Cannot proceed: a person refused")


def test_an_approved_deletion_is_pruned_from_the_cluster(desk: Desk) -> None:
    ticket_id = desk.open("Deploy then remove", "Delete the web deployment from the shop namespace")
    desk.approve_plan(ticket_id)
    ticket = desk.approve(ticket_id)  # the file's deletion
    assert ticket.status is S.PENDING_APPROVAL and ticket.pending_approval is not None
    assert ticket.pending_approval.args.get("prune") is True
    ticket = desk.approve(ticket_id)  # the pruning sync
    assert ticket.status is S.RESOLVED, ticket.failure
    assert not desk.gitops.get("deployment", "shop", "web")["found"]


def test_a_namespace_that_exists_resolves_with_nothing_to_change(desk: Desk) -> None:
    first = desk.open("Namespace for team a", "Create the namespace team-a")
    assert desk.approve_plan(first).status is S.RESOLVED
    second = desk.open("Namespace again", "Please create a namespace called team-a")
    ticket = desk.approve_plan(second)
    assert ticket.status is S.RESOLVED and ticket.resolution is not None
    assert ticket.resolution.startswith("Nothing to change") and ticket.commits == ()


def test_a_ticket_that_names_no_change_is_asked_what_to_change_then_planned_with_the_answer(desk: Desk) -> None:
    # Given a ticket that describes a symptom, not a change
    ticket_id = desk.open("Shop is slow", "Customers say the shop is slow at lunchtime.")

    # Then the agent asks before it plans (no plan to approve yet)
    asked = desk.ticket(ticket_id)
    assert asked.status is S.PENDING_INPUT and asked.plan is None
    assert asked.pending_question is not None and asked.pending_question.key == "request"

    # When a person says what to change, the answer is planned; then it is carried out as any plan
    planned = desk.answer(ticket_id, "Scale the web deployment in the shop namespace to 5 replicas")
    assert planned.status is S.PENDING_PLAN_APPROVAL and planned.plan is not None
    ticket = desk.approve_plan(ticket_id)
    assert ticket.status is S.RESOLVED, ticket.failure
    assert desk.gitops.get("deployment", "shop", "web")["items"][0]["replicas"] == 5


def test_a_plan_after_a_question_is_a_new_revision_and_an_approval_of_the_old_one_is_refused(desk: Desk) -> None:
    # Given a plan waiting for approval (revision 1), and the ticket then reworded into a report and run again
    ticket_id = desk.open("More web capacity", "Please scale the web deployment in the shop namespace to 4 replicas")
    assert desk.ticket(ticket_id).plan.revision == 1  # type: ignore[union-attr]
    desk.service.update_ticket(ALICE, ticket_id, UpdateTicketRequest.model_validate(
        {"description": "Customers say the shop is slow, any idea why?"}))
    desk.service.run(ALICE, ticket_id)
    desk.drain()
    assert desk.ticket(ticket_id).status is S.PENDING_INPUT

    # When the question is answered, the new plan is revision 2
    planned = desk.answer(ticket_id, "restart web in shop")
    assert planned.status is S.PENDING_PLAN_APPROVAL and planned.plan is not None and planned.plan.revision == 2

    # Then approving revision 1 is refused, and revision 2 is approved
    with pytest.raises(ValidationFailed):
        desk.service.approve_plan(ALICE, ticket_id, ApprovePlanRequest.model_validate({"planRevision": 1}))
    desk.service.approve_plan(ALICE, ticket_id, ApprovePlanRequest.model_validate({"planRevision": 2}))
