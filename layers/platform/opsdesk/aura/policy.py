"""Which of the agent's actions are destructive: the written policy that the agent's loop enforces in code
(opsdesk.aura.agent), whatever the brain proposes. A destructive call runs only with a person's approval bound to
its exact hash; everything else runs on the agent's own authority.

Destructive:
- deleting a file of the GitOps repository (it deletes the resources it describes; `namespace.yaml` deletes the
  namespace and everything in it);
- a manifest that scales a workload to zero replicas, or declares a kind outside the allow-list below (cluster-scoped
  and privileged kinds: ClusterRole, CustomResourceDefinition, webhooks, PersistentVolume, ...);
- a sync that prunes (it deletes what the revision no longer has);
- a force push, or a push to any branch but the ticket's own working branch (`aura/ticket-<id>`: main, master,
  release and production branches are protected);
- any write, deletion or sync that touches a production target: a namespace or application whose name has a
  production part (`prod`, `production`, `prd`, `live`, as a whole word between `-`, `_` or `.`), or a system
  namespace (kube-system, kube-public, kube-node-lease);
- a tool the catalogue does not know (deny by default).
Never destructive: the reads (kubectl_get, git_read_file, git_list_files, argo_health) and a commit (nothing leaves
the agent's workspace before a push). `default` is not a production target: the policy judges a target by its name,
and `default` says nothing about what runs there; a name that only contains a production word (`products`,
`olive`) is not one either."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from opsdesk.aura.records import ToolRequest
from opsdesk.aura.tools import BRANCH_PREFIX, MANIFEST_ROOT, TOOLS
from opsdesk.frozen import frozen

PRODUCTION_WORDS = frozenset({"prod", "production", "prd", "live"})
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
ALLOWED_KINDS = frozenset({
    "Namespace", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Service", "ConfigMap", "Ingress",
    "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceAccount", "Role", "RoleBinding", "Job", "CronJob",
    "NetworkPolicy", "PersistentVolumeClaim", "SealedSecret",
})
"""Namespaced kinds an infrastructure ticket routinely needs; any other kind waits for a person."""
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet"})


@frozen
class Assessment:
    destructive: bool
    reasons: tuple[str, ...] = ()


def is_production(name: str) -> bool:
    lowered = name.lower()
    return lowered in SYSTEM_NAMESPACES or bool(PRODUCTION_WORDS & set(re.split(r"[-_.]", lowered)))


def namespace_of(path: str) -> str | None:
    parts = path.strip("/").split("/")
    return parts[1] if len(parts) >= 3 and parts[0] == MANIFEST_ROOT else None


def assess(request: ToolRequest) -> Assessment:
    tool, args = request.tool, request.args
    if tool not in TOOLS:
        return Assessment(True, (f"{tool} is not a tool the agent knows",))
    if TOOLS[tool].reads_only or tool == "git_commit":
        return Assessment(False)
    reasons = list(_reasons(tool, args))
    return Assessment(bool(reasons), tuple(dict.fromkeys(reasons)))


def _reasons(tool: str, args: Mapping[str, Any]) -> Iterable[str]:
    if tool in ("git_write_file", "git_delete_file"):
        path = str(args.get("path", ""))
        namespace = namespace_of(path)
        if namespace and is_production(namespace):
            yield f"changes the production target {namespace}"
        if tool == "git_delete_file":
            if path.rstrip("/").endswith("/namespace.yaml"):
                yield f"deletes the namespace {namespace or path} and everything in it"
            else:
                yield f"deletes the resources {path} describes"
        else:
            yield from _manifest_reasons(str(args.get("content", "")))
    elif tool == "git_push":
        if args.get("force") is True:
            yield "rewrites the remote branch (force push)"
        branch = args.get("branch")
        if branch is not None and not str(branch).startswith(BRANCH_PREFIX):
            yield f"pushes to the protected branch {branch}"
    elif tool == "argo_sync":
        app = str(args.get("app", ""))
        if args.get("prune") is True:
            yield f"prunes {app}: deletes what the revision no longer has"
        if is_production(app):
            yield f"syncs the production target {app}"


def _manifest_reasons(content: str) -> Iterable[str]:
    import yaml  # noqa: PLC0415 - only writes of manifests need it

    try:
        documents = [d for d in yaml.safe_load_all(content) if d is not None]
    except yaml.YAMLError:
        return  # the write is refused by the manifest checks before anything is staged
    for document in documents:
        if not isinstance(document, dict):
            continue
        kind = str(document.get("kind", ""))
        metadata = _mapping(document.get("metadata"))
        name = str(metadata.get("name", "?"))
        if kind and kind not in ALLOWED_KINDS:
            yield f"declares a {kind}, a kind outside the allow-list (cluster-scoped or privileged)"
        namespace = metadata.get("namespace")
        if isinstance(namespace, str) and is_production(namespace):
            yield f"changes the production target {namespace}"
        if kind == "Namespace" and is_production(name):
            yield f"changes the production target {name}"
        spec = _mapping(document.get("spec"))
        if kind in WORKLOAD_KINDS and spec.get("replicas") == 0:
            yield f"scales {kind} {name} to zero replicas"


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
