"""The agent's tools: their names, what they take, and the interface every tool runner implements.

One catalogue serves the planner (which tools a plan may name), Bedrock's tool use (the input schemas) and the
runners (opsdesk.aura.git, opsdesk.aura.cluster). Manifests live in the GitOps repository under
`apps/<namespace>/<name>.yaml`; a namespace is one Argo CD application of the same name, synced to the ticket's
working branch `aura/ticket-<ticket id>`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any, Protocol

from opsdesk.aura.records import ToolRequest
from opsdesk.frozen import frozen

BRANCH_PREFIX = "aura/ticket-"
MANIFEST_ROOT = "apps"


def working_branch(ticket_id: str) -> str:
    return f"{BRANCH_PREFIX}{ticket_id}"


def manifest_path(namespace: str, name: str) -> str:
    return f"{MANIFEST_ROOT}/{namespace}/{name}.yaml"


@frozen
class ToolSpec:
    name: str
    description: str
    input_schema: Mapping[str, Any]
    reads_only: bool = False


def _schema(properties: Mapping[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": dict(properties), "required": list(required), "additionalProperties": False}


_STR = {"type": "string"}
_BOOL = {"type": "boolean"}

TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in (
    ToolSpec("kubectl_get", "Read Kubernetes objects: a kind (namespace, deployment, statefulset, service, "
             "configmap, pod), optionally a namespace and a name.",
             _schema({"kind": _STR, "namespace": _STR, "name": _STR}, ("kind",)), reads_only=True),
    ToolSpec("git_read_file", "Read a file of the GitOps repository on the working branch (or the default branch "
             "before the working branch exists).", _schema({"path": _STR}, ("path",)), reads_only=True),
    ToolSpec("git_list_files", "List the files under a directory of the GitOps repository.",
             _schema({"path": _STR}, ()), reads_only=True),
    ToolSpec("git_write_file", "Stage a file (a Kubernetes manifest under apps/<namespace>/) on the working branch; "
             "the manifest is validated and scanned for secrets first.",
             _schema({"path": _STR, "content": _STR}, ("path", "content"))),
    ToolSpec("git_delete_file", "Stage the deletion of a file on the working branch (deleting the resource it "
             "describes).", _schema({"path": _STR}, ("path",))),
    ToolSpec("git_commit", "Commit the staged files on the working branch.", _schema({"message": _STR}, ("message",))),
    ToolSpec("git_push", "Push the working branch to the remote. `force` rewrites the remote branch.",
             _schema({"branch": _STR, "force": _BOOL}, ())),
    ToolSpec("argo_sync", "Ask Argo CD to sync an application (one per namespace) to a revision; `prune` deletes "
             "resources the revision no longer has.",
             _schema({"app": _STR, "revision": _STR, "prune": _BOOL}, ("app",))),
    ToolSpec("argo_health", "Read an Argo CD application's sync status and health.",
             _schema({"app": _STR}, ("app",)), reads_only=True),
)}


@frozen
class ToolOutcome:
    ok: bool
    result: Mapping[str, Any]
    """What the audit entry shows as the call's result (e.g. `{"sha": ...}`); an `error` key when not ok."""
    workspace: Mapping[str, Any] = field(default_factory=dict)
    """The git workspace state after the call (unchanged for the tools that do not touch it)."""


class ToolRunner(Protocol):
    def run(self, ticket_id: str, call_id: str, request: ToolRequest, workspace: Mapping[str, Any]) -> ToolOutcome:
        """Carry out one call. `call_id` is stable across a replayed turn: a call that already happened (a commit
        with the same id, a push of the same sha) is not made twice. Tool failures are ToolOutcome(ok=False);
        only an outage the turn should be retried for raises."""
        ...
