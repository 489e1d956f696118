"""The local stand-in for a cluster with Argo CD (opsdesk.aura.cluster.LocalGitOps): syncs read the bare remote,
rollouts take simulated time on an injected clock, prune deletes, and reads have KubernetesApi's shapes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from opsdesk.aura.cluster import AppHealth, LocalGitOps
from opsdesk.aura.git import GitWorkspace
from opsdesk.aura.kube_objects import Rollout
from opsdesk.aura.manifest_checks import ManifestRefused
from opsdesk.aura.tool_errors import ToolError
from opsdesk.aura.tools import working_branch
from tests.unit.aura_tools.conftest import Clock
from tests.unit.aura_tools.repos import SHOP, branch_head, push_to

TICKET = "t-7"
SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n"


def pushed(git: GitWorkspace, files: dict[str, str | None]) -> str:
    workspace: dict[str, object] = {}
    for path, content in files.items():
        change = (git.delete_file(TICKET, workspace, path) if content is None
                  else git.write_file(TICKET, workspace, path, content))
        workspace = change.workspace
    committed = git.commit(TICKET, f"{TICKET}:{len(files)}", workspace, "Change shop")
    sha: str = git.push(TICKET, committed.workspace).result["sha"]
    return sha


def test_a_pushed_revision_syncs_then_progresses_until_its_rollout_is_done(
        git: GitWorkspace, gitops: LocalGitOps, clock: Clock) -> None:
    sha = pushed(git, {"apps/shop/web.yaml": SHOP.replace("replicas: 2", "replicas: 3")})
    started = gitops.sync("shop", sha, False)
    assert started.as_result() == {"app": "shop", "revision": sha, "operation": "local-1", "phase": "Succeeded"}

    assert gitops.health("shop") == AppHealth("shop", "Synced", "Progressing", "Succeeded", sha)
    assert gitops.get("deployment", "shop", "web")["items"][0]["readyReplicas"] == 0
    clock.advance(1.0 + 0.2 * 2 + 0.01)
    assert gitops.health("shop").health == "Progressing"
    assert gitops.get("deployment", "shop", "web")["items"][0]["readyReplicas"] == 2
    clock.advance(0.2)
    assert gitops.health("shop").as_result() == {"app": "shop", "sync": "Synced", "health": "Healthy",
                                                 "phase": "Succeeded", "revision": sha}
    pods = gitops.get("pods", "shop")["items"]
    assert [(p["phase"], p["ready"], p["node"]) for p in pods] == [("Running", "1/1", "local-node")] * 3


def test_an_unknown_app_is_missing(gitops: LocalGitOps) -> None:
    assert gitops.health("ghost").as_result() == {"app": "ghost", "sync": "Unknown", "health": "Missing"}


def test_a_sync_by_branch_name_goes_out_of_sync_when_the_branch_moves(
        gitops: LocalGitOps, remote: Path, clock: Clock) -> None:
    branch = working_branch(TICKET)
    push_to(remote, branch, {"apps/shop/svc.yaml": SERVICE})
    gitops.sync("shop", branch, False)
    clock.advance(60)
    assert gitops.health("shop").sync == "Synced"
    push_to(remote, branch, {"apps/shop/svc.yaml": SERVICE.replace("port: 80", "port: 81")})
    assert gitops.health("shop").sync == "OutOfSync"


def test_prune_deletes_what_the_revision_no_longer_has(git: GitWorkspace, gitops: LocalGitOps,
                                                       remote: Path, clock: Clock) -> None:
    main = branch_head(remote, "main")
    assert main is not None
    gitops.sync("shop", main, False)
    assert gitops.get("deployment", "shop", "web")["found"] is True
    sha = pushed(git, {"apps/shop/svc.yaml": SERVICE, "apps/shop/web.yaml": None})
    clock.advance(5)

    gitops.sync("shop", sha, False)
    assert gitops.get("deployment", "shop", "web")["found"] is True  # without prune, it stays...
    assert gitops.health("shop").sync == "OutOfSync"  # ...and the app says so

    pruned = gitops.sync("shop", sha, True)
    assert pruned.operation == "local-3"
    assert gitops.get("deployment", "shop", "web") == {"kind": "deployment", "namespace": "shop", "name": "web",
                                                       "found": False, "items": [], "count": 0, "truncated": False}
    assert gitops.get("pods", "shop")["items"] == []
    assert gitops.health("shop").as_result()["sync"] == "Synced"
    assert gitops.get("service", "shop", "web")["items"][0]["ports"] == [
        {"port": 80, "targetPort": 8080, "protocol": "TCP"}]


def test_syncing_the_same_revision_again_changes_nothing(gitops: LocalGitOps, remote: Path, clock: Clock) -> None:
    main = branch_head(remote, "main")
    assert main is not None
    first = gitops.sync("shop", main, False)
    clock.advance(10)
    assert gitops.health("shop").health == "Healthy"
    again = gitops.sync("shop", main, False)  # a replayed call
    assert again == first and gitops.health("shop").health == "Healthy"


def test_a_bad_manifest_in_the_revision_applies_nothing(gitops: LocalGitOps, remote: Path) -> None:
    # Pushed by someone around the agent's checks.
    sha = push_to(remote, "main", {"apps/shop/creds.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n"
                                                           "stringData: {password: hunter2}\n"})
    with pytest.raises(ManifestRefused, match="kubernetes-secret-data"):
        gitops.sync("shop", sha, False)
    assert gitops.health("shop").health == "Missing"
    assert gitops.get("deployment", "shop")["items"] == []


@pytest.mark.parametrize(("app", "revision", "message"), [
    ("shop", "no-such-branch", "neither a commit nor a branch"),
    ("nothing-here", "main", "holds no manifest"),
    ("Shop", "main", "application name"),
])
def test_sync_refusals(gitops: LocalGitOps, app: str, revision: str, message: str) -> None:
    with pytest.raises(ToolError, match=message):
        gitops.sync(app, revision, False)


def test_reads_have_the_kubernetes_apis_shapes(gitops: LocalGitOps) -> None:
    gitops.sync("shop", "main", False)
    gitops.sync("platform", "main", False)
    namespaces = gitops.get("namespaces")
    assert set(namespaces) == {"kind", "found", "items", "count", "truncated"}
    assert [n["name"] for n in namespaces["items"]] == ["default", "kube-system", "platform", "shop"]
    assert gitops.get("namespace", None, "shop")["items"] == [{"name": "shop", "phase": "Active"}]
    deployment = gitops.get("deploy", "shop", "web")["items"][0]
    assert set(deployment) == {"name", "namespace", "replicas", "readyReplicas", "updatedReplicas",
                               "availableReplicas", "images"}
    assert deployment["images"] == ["ghcr.io/acme/web:1.8.2"]
    with pytest.raises(ToolError, match="unknown kind"):
        gitops.get("secrets", "shop")


def test_processes_sharing_the_state_folder_do_not_lose_each_others_syncs(
        remote: Path, tmp_path: Path, clock: Clock) -> None:
    apps = [f"team-{i}" for i in range(6)]
    manifests = {f"apps/{app}/cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {app}}}\n" for app in apps}
    sha = push_to(remote, "main", manifests)
    errors: list[BaseException] = []

    def sync(app: str) -> None:
        try:
            LocalGitOps(str(remote), str(tmp_path / "cluster"), clock=clock, rollout=Rollout()).sync(app, sha, False)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=sync, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    shared = LocalGitOps(str(remote), str(tmp_path / "cluster"), clock=clock)
    assert sorted(c["name"] for c in shared.get("configmaps")["items"]) == apps
