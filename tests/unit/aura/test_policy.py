"""The destructive-action policy (opsdesk.aura.policy): which calls wait for a person, and why."""

from __future__ import annotations

from typing import Any

import pytest

from opsdesk.aura.manifests import WorkloadSpec, namespace_manifest, workload_manifest
from opsdesk.aura.policy import assess, is_production, namespace_of
from opsdesk.aura.records import ToolRequest
from opsdesk.aura.tools import TOOLS

DEPLOYMENT = workload_manifest(WorkloadSpec("web", "shop", "nginx:1.27", 2, port=80))
SCALED_TO_ZERO = workload_manifest(WorkloadSpec("web", "shop", "nginx:1.27", 0, port=80))
STATEFUL_TO_ZERO = workload_manifest(WorkloadSpec("db", "data", "postgres:16", 0, "StatefulSet", 5432))
CLUSTER_ROLE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everyone-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: system:anonymous}]
"""


def request(tool: str, **args: Any) -> ToolRequest:
    return ToolRequest(tool, args, "test")


def reasons(tool: str, **args: Any) -> tuple[str, ...]:
    assessment = assess(request(tool, **args))
    assert assessment.destructive == bool(assessment.reasons)
    return assessment.reasons


@pytest.mark.parametrize("tool", [name for name, spec in TOOLS.items() if spec.reads_only])
def test_reads_are_never_destructive_even_of_production(tool: str) -> None:
    assert reasons(tool, kind="namespace", name="production", path="apps/production/db.yaml", app="production") == ()


def test_a_commit_is_never_destructive_nothing_leaves_the_workspace() -> None:
    assert reasons("git_commit", message="delete everything in production") == ()


def test_writing_a_workload_or_a_namespace_is_not_destructive() -> None:
    assert reasons("git_write_file", path="apps/shop/web.yaml", content=DEPLOYMENT) == ()
    assert reasons("git_write_file", path="apps/shop/namespace.yaml", content=namespace_manifest("shop")) == ()


def test_deleting_a_file_deletes_what_it_describes_and_namespace_yaml_the_namespace() -> None:
    assert reasons("git_delete_file", path="apps/shop/web.yaml") == ("deletes the resources apps/shop/web.yaml "
                                                                     "describes",)
    assert "deletes the namespace shop and everything in it" in reasons("git_delete_file",
                                                                        path="apps/shop/namespace.yaml")
    assert reasons("git_delete_file", path="README.md")  # outside apps/: still a deletion


@pytest.mark.parametrize("content", [SCALED_TO_ZERO, STATEFUL_TO_ZERO])
def test_a_manifest_scaling_a_workload_to_zero_is_destructive(content: str) -> None:
    found = reasons("git_write_file", path="apps/data/x.yaml", content=content)
    assert any("to zero replicas" in reason for reason in found)


def test_kinds_outside_the_allow_list_are_destructive_cluster_scoped_or_not() -> None:
    assert any("ClusterRoleBinding" in r for r in reasons("git_write_file", path="apps/x/rb.yaml",
                                                          content=CLUSTER_ROLE))
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
    assert any("Secret" in r for r in reasons("git_write_file", path="apps/x/s.yaml", content=secret))


def test_a_prune_sync_is_destructive_and_a_plain_one_is_not() -> None:
    assert reasons("argo_sync", app="shop", revision="aura/ticket-1", prune=True) == (
        "prunes shop: deletes what the revision no longer has",)
    assert reasons("argo_sync", app="shop", revision="aura/ticket-1") == ()
    assert reasons("argo_sync", app="shop", prune=False) == ()


@pytest.mark.parametrize("branch", ["main", "master", "production", "release/2024.1", "feature/x", "aura/ticket"])
def test_pushing_anything_but_a_ticket_branch_is_destructive(branch: str) -> None:
    assert reasons("git_push", branch=branch) == (f"pushes to the protected branch {branch}",)


def test_a_force_push_is_destructive_even_to_the_ticket_branch() -> None:
    assert reasons("git_push", branch="aura/ticket-1", force=True) == ("rewrites the remote branch (force push)",)
    assert reasons("git_push", branch="aura/ticket-1") == ()
    assert reasons("git_push") == ()  # the runner pushes the ticket's own branch


@pytest.mark.parametrize("target", ["production", "prod", "prd", "live", "shop-prod", "prod-eu", "api_prd",
                                    "kube-system", "kube-public", "kube-node-lease", "PROD"])
def test_production_and_system_targets_make_every_change_destructive(target: str) -> None:
    namespace = target.lower().replace("_", "-")
    assert is_production(target)
    assert reasons("git_write_file", path=f"apps/{namespace}/web.yaml", content=DEPLOYMENT.replace("shop", namespace))
    assert reasons("argo_sync", app=target, revision="aura/ticket-1")
    assert reasons("git_delete_file", path=f"apps/{namespace}/web.yaml")


@pytest.mark.parametrize("name", ["shop", "default", "products", "reproduce", "delivery", "olive", "prodigy"])
def test_names_that_merely_contain_prod_or_live_are_not_production(name: str) -> None:
    assert not is_production(name)
    assert reasons("argo_sync", app=name, revision="aura/ticket-1") == ()


def test_a_manifest_that_names_a_production_namespace_inside_is_caught_whatever_its_path() -> None:
    content = DEPLOYMENT.replace("namespace: shop", "namespace: production")
    assert any("production" in r for r in reasons("git_write_file", path="apps/shop/web.yaml", content=content))


def test_an_unknown_tool_is_destructive_by_default() -> None:
    assert reasons("kubectl_delete", kind="namespace", name="shop") == ("kubectl_delete is not a tool the agent "
                                                                       "knows",)


def test_a_write_that_is_not_yaml_is_left_to_the_manifest_checks() -> None:
    assert reasons("git_write_file", path="apps/shop/x.yaml", content="key: [unclosed") == ()


def test_reasons_are_not_repeated() -> None:
    found = reasons("git_delete_file", path="apps/prod/namespace.yaml")
    assert len(found) == len(set(found)) == 2


def test_namespace_of_reads_the_folder_under_apps() -> None:
    assert namespace_of("apps/shop/web.yaml") == "shop"
    assert namespace_of("/apps/shop/sub/web.yaml") == "shop"
    assert namespace_of("apps/web.yaml") is None
    assert namespace_of("other/shop/web.yaml") is None
