"""The agent's tool runner (opsdesk.aura.runner): every tool of the catalogue end to end on a bare remote and the
local GitOps stand-in, arguments checked against the schemas, failures as outcomes and outages raised."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from opsdesk.aura.cluster import AppHealth, LocalGitOps, SyncStarted
from opsdesk.aura.git import GitWorkspace
from opsdesk.aura.records import ToolRequest
from opsdesk.aura.runner import AgentToolRunner, argument_errors
from opsdesk.aura.tool_errors import ToolOutage
from opsdesk.aura.tools import TOOLS, ToolOutcome, ToolRunner, working_branch
from tests.unit.aura_tools.conftest import Clock
from tests.unit.aura_tools.repos import SHOP

TICKET = "t-42"
SCALED = SHOP.replace("replicas: 2", "replicas: 3")


@pytest.fixture
def runner(git: GitWorkspace, gitops: LocalGitOps) -> AgentToolRunner:
    return AgentToolRunner(git, gitops, gitops)


class Session:
    """Calls in order, the workspace carried from one to the next as the agent's checkpoint carries it."""

    def __init__(self, runner: ToolRunner) -> None:
        self.runner = runner
        self.workspace: Mapping[str, Any] = {}
        self.turn = 0

    def call(self, tool: str, **args: Any) -> ToolOutcome:
        self.turn += 1
        outcome = self.runner.run(TICKET, f"{TICKET}:{self.turn}", ToolRequest(tool, args, "because"),
                                  self.workspace)
        json.dumps(outcome.result)  # results are audit entries: JSON
        self.workspace = json.loads(json.dumps(outcome.workspace))
        return outcome


def test_a_ticket_from_reading_to_a_healthy_rollout(runner: AgentToolRunner, clock: Clock) -> None:
    session = Session(runner)
    assert session.call("kubectl_get", kind="namespace", name="shop").result["found"] is False
    assert session.call("git_list_files", path="apps").result["files"] == ["apps/platform/namespace.yaml",
                                                                            "apps/shop/web.yaml"]
    assert session.call("git_read_file", path="apps/shop/web.yaml").result["content"] == SHOP
    assert session.call("git_write_file", path="apps/shop/web.yaml", content=SCALED).ok
    commit = session.call("git_commit", message="Scale web to 3")
    assert commit.ok and set(commit.result) == {"sha", "parent", "branch", "message", "files"}
    push = session.call("git_push")
    assert push.result["sha"] == commit.result["sha"] and push.result["branch"] == working_branch(TICKET)

    sync = session.call("argo_sync", app="shop")  # the revision defaults to what the ticket pushed
    assert sync.result == {"app": "shop", "revision": commit.result["sha"], "operation": "local-1",
                           "phase": "Succeeded"}
    assert session.call("argo_health", app="shop").result["health"] == "Progressing"
    clock.advance(5)
    health = session.call("argo_health", app="shop").result
    assert {k: health[k] for k in ("app", "sync", "health")} == {"app": "shop", "sync": "Synced", "health": "Healthy"}
    deployment = session.call("kubectl_get", kind="deployment", namespace="shop", name="web").result
    assert deployment["items"][0]["readyReplicas"] == 3


def test_a_replayed_commit_and_push_do_nothing_twice(runner: AgentToolRunner) -> None:
    session = Session(runner)
    session.call("git_write_file", path="apps/shop/web.yaml", content=SCALED)
    before = session.workspace
    first = runner.run(TICKET, "t-42:9", ToolRequest("git_commit", {"message": "Scale"}, ""), before)
    replay = runner.run(TICKET, "t-42:9", ToolRequest("git_commit", {"message": "Scale"}, ""), before)
    assert replay == first
    pushed = runner.run(TICKET, "t-42:10", ToolRequest("git_push", {}, ""), first.workspace)
    again = runner.run(TICKET, "t-42:10", ToolRequest("git_push", {}, ""), first.workspace)
    assert again.ok and again.result["sha"] == pushed.result["sha"] and again.result["updated"] is False


def test_a_refused_write_is_an_outcome_and_leaves_the_workspace(runner: AgentToolRunner) -> None:
    session = Session(runner)
    session.call("git_write_file", path="apps/shop/web.yaml", content=SCALED)
    before = session.workspace
    leaky = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {k: AKIAIOSFODNN7EXAMPLE}\n"
    outcome = session.call("git_write_file", path="apps/shop/leak.yaml", content=leaky)
    assert not outcome.ok and outcome.result["error"].startswith("aws-access-key-id")
    assert "AKIA" not in outcome.result["error"] and session.workspace == before


@pytest.mark.parametrize(("tool", "args", "error"), [
    ("rm_rf", {}, "unknown tool"),
    ("git_read_file", {}, "`path` is required"),
    ("git_read_file", {"path": 7}, "`path` must be a string"),
    ("git_push", {"force": "yes"}, "`force` must be a boolean"),
    ("argo_sync", {"app": True}, "`app` must be a string"),
    ("git_commit", {"message": "m", "author": "x"}, "`author` is not an argument"),
    ("git_read_file", {"path": "x" * 1001}, "longer than 1000"),
])
def test_bad_calls_are_refused_with_what_was_wrong(runner: AgentToolRunner, tool: str, args: dict[str, Any],
                                                   error: str) -> None:
    outcome = runner.run(TICKET, "c", ToolRequest(tool, args, ""), {"kept": 1})
    assert not outcome.ok and error in outcome.result["error"]
    assert outcome.workspace == {"kept": 1}


def test_every_catalogued_tool_accepts_its_required_arguments() -> None:
    for spec in TOOLS.values():
        args = dict.fromkeys(spec.input_schema["required"], "x")
        assert argument_errors(spec, args) == [], spec.name
    assert argument_errors(TOOLS["git_push"], ["not", "an", "object"]) == ["the arguments must be an object"]


class Broken:
    def __init__(self, failure: Exception) -> None:
        self.failure = failure

    def get(self, kind: str, namespace: str | None = None, name: str | None = None) -> dict[str, Any]:
        raise self.failure

    def sync(self, app: str, revision: str, prune: bool) -> SyncStarted:
        raise self.failure

    def health(self, app: str) -> AppHealth:
        raise self.failure


def test_an_outage_is_raised_for_a_retry_and_a_fault_is_an_outcome(git: GitWorkspace) -> None:
    down = AgentToolRunner(git, Broken(ToolOutage("the Kubernetes API answered 503")),
                           Broken(ToolOutage("Argo CD answered 502")))
    with pytest.raises(ToolOutage):
        down.run(TICKET, "c", ToolRequest("kubectl_get", {"kind": "pod"}, ""), {})
    with pytest.raises(ToolOutage):
        down.run(TICKET, "c", ToolRequest("argo_health", {"app": "shop"}, ""), {})
    buggy = AgentToolRunner(git, Broken(KeyError("status")), Broken(KeyError("status")))
    outcome = buggy.run(TICKET, "c", ToolRequest("argo_sync", {"app": "shop", "revision": "main"}, ""), {"a": 1})
    assert outcome == ToolOutcome(False, {"error": "argo_sync failed unexpectedly (KeyError)"}, {"a": 1})


def test_read_tools_hand_the_workspace_back_unchanged(runner: AgentToolRunner) -> None:
    session = Session(runner)
    session.call("git_write_file", path="apps/shop/web.yaml", content=SCALED)
    before = session.workspace
    for tool, args in (("git_read_file", {"path": "README.md"}), ("git_list_files", {}),
                       ("kubectl_get", {"kind": "ns"}), ("argo_health", {"app": "shop"})):
        outcome = session.call(tool, **args)
        assert outcome.ok and session.workspace == before, tool
