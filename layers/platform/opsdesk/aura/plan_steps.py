"""The steps of the offline planner's plans, one recipe per action, GitOps throughout: check the cluster, change
the manifests under `apps/<namespace>/` on the ticket's branch, commit, push, have Argo CD sync the namespace's
application to the branch, and watch its health.

Step arguments are the tool's arguments as far as the ticket tells them. Conventions the executor
(opsdesk.aura.executor) carries out:
- `${key}` in any argument is an open choice (`namespace`, `name`, `replicas`, `image`, `port`, `config`); the
  step's `requires` lists them and the agent asks before the step runs.
- git_write_file with `content`: that manifest. With `edit` instead: the workload manifest read by an earlier
  git_read_file of `edit.from`, changed (`replicas`, `image`, `tag`, `env`, `restart`). With `service`: a Service
  in front of the workload that file declares. Neither key is a tool argument: the call carries `content`.
- git_write_file of `apps/<ns>/namespace.yaml` is skipped when the earlier kubectl_get found the namespace.
- git_delete_file of a folder (`apps/<ns>/`, ending in `/`) deletes, one call each, every file the earlier
  git_list_files of that folder listed (namespace.yaml last).
- commit, push, sync and health are skipped when no step changed anything (the namespace already exists).
- A namespace's deletion stops at the push: its folder is gone, so there is no application left to sync."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from opsdesk.aura.intent_words import Action
from opsdesk.aura.manifests import (
    PLACEHOLDER,
    WorkloadSpec,
    manifest_path,
    namespace_manifest,
    namespace_manifest_path,
    placeholder,
    placeholders_in,
    service_path,
    workload_manifest,
)
from opsdesk.aura.records import PlanStep
from opsdesk.aura.tools import MANIFEST_ROOT, working_branch
from opsdesk.aura.work_request import WorkRequest
from opsdesk.frozen import frozen


class Role(StrEnum):
    """What a step is for: a revised plan drops or keeps steps by it."""

    CHECK = "check"
    NAMESPACE = "namespace"
    CHANGE = "change"
    COMMIT = "commit"
    PUSH = "push"
    SYNC = "sync"
    HEALTH = "health"


@frozen
class DraftStep:
    step: PlanStep
    role: Role


CHOICE_ORDER = ("name", "namespace", "image", "replicas", "port", "config")


def step(description: str, tool: str, args: Mapping[str, Any], role: Role) -> DraftStep:
    open_choices = placeholders_in(args)
    requires = tuple(key for key in CHOICE_ORDER if key in open_choices)
    shown = PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", description)  # people read `<namespace>`
    return DraftStep(PlanStep(shown, tool, dict(args), requires), role)


def draft_steps(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    """The plan's steps for the request; empty for a request the planner cannot carry out."""
    builders = {
        Action.DEPLOY: _deploy, Action.SCALE: _edit, Action.UPDATE_IMAGE: _edit, Action.UPDATE_CONFIG: _edit,
        Action.RESTART: _edit, Action.DELETE_WORKLOAD: _delete_workload, Action.EXPOSE: _expose,
        Action.CREATE_NAMESPACE: _create_namespace, Action.DELETE_NAMESPACE: _delete_namespace,
    }
    if request.action is None:
        return []
    return builders[request.action](request, ticket_id)


def _value(value: object, key: str) -> str:
    return placeholder(key) if value is None else str(value)


def _names(request: WorkRequest) -> tuple[str, str]:
    return _value(request.namespace, "namespace"), _value(request.name, "name")


def _kube_kind(request: WorkRequest) -> str:
    return "statefulset" if request.kind == "StatefulSet" else "deployment"


def _repository_listing(namespace: str) -> list[DraftStep]:
    """When the namespace is open: what the repository manages, for the question's options."""
    if "${" not in namespace:
        return []
    return [step("List the namespaces and manifests the GitOps repository holds", "git_list_files",
                 {"path": MANIFEST_ROOT}, Role.CHECK)]


def _check_namespace(namespace: str) -> list[DraftStep]:
    if "${" in namespace:  # list them all: the question offers what exists
        return [step("List the cluster's namespaces", "kubectl_get", {"kind": "namespace"}, Role.CHECK),
                *_repository_listing(namespace)]
    return [step(f"Check whether the namespace {namespace} exists", "kubectl_get",
                 {"kind": "namespace", "name": namespace}, Role.CHECK)]


def _check_workload(request: WorkRequest) -> list[DraftStep]:
    namespace, name = _names(request)
    kind = _kube_kind(request)
    if "${" in namespace or "${" in name:
        args = {"kind": kind} if "${" in namespace else {"kind": kind, "namespace": namespace}
        found = step(f"Find the {kind} {request.name or ''} in the cluster".replace("  ", " "), "kubectl_get", args,
                     Role.CHECK)
        return [found, *_repository_listing(namespace)]
    return [step(f"Read the {kind} {name} in {namespace} as it runs now", "kubectl_get",
                 {"kind": kind, "namespace": namespace, "name": name}, Role.CHECK)]


def _create_namespace_manifest(namespace: str) -> DraftStep:
    return step(f"Write the Namespace manifest for {namespace} (skipped if the namespace exists)", "git_write_file",
                {"path": namespace_manifest_path(namespace), "content": namespace_manifest(namespace)},
                Role.NAMESPACE)


def _rollout(request: WorkRequest, ticket_id: str, message: str, *, prune: bool = False) -> list[DraftStep]:
    """Commit, push the working branch, sync the namespace's application to it, and watch its health."""
    namespace, _ = _names(request)
    branch = working_branch(ticket_id)
    sync_args: dict[str, Any] = {"app": namespace, "revision": branch}
    if prune:
        sync_args["prune"] = True
    steps = [
        step("Commit the change", "git_commit", {"message": f"{message} (ticket {ticket_id})"}, Role.COMMIT),
        step(f"Push the branch {branch}", "git_push", {"branch": branch}, Role.PUSH),
        step(f"Sync the Argo CD application {namespace} to {branch}" + (" with prune" if prune else ""),
             "argo_sync", sync_args, Role.SYNC),
        step(f"Watch {namespace} until it is healthy", "argo_health", {"app": namespace}, Role.HEALTH),
    ]
    return steps


def _deploy(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, name = _names(request)
    product = request.product
    spec = WorkloadSpec(
        name=name, namespace=namespace, image=_value(request.image, "image"),
        replicas=placeholder("replicas") if request.replicas is None else request.replicas, kind=request.kind,
        port=request.port, env=dict(request.env), resources=dict(request.resources),
        data_path=product.data_path if product else ("/data" if request.kind == "StatefulSet" else None),
        secret_env=product.secret_env if product else (), service_type=request.service_type)
    what = f"{request.kind} {name}" + (f" ({request.image})" if request.image else "")
    return [
        *_check_namespace(namespace),
        _create_namespace_manifest(namespace),
        step(f"Write the {what} manifest", "git_write_file",
             {"path": manifest_path(namespace, name), "content": workload_manifest(spec)}, Role.CHANGE),
        *_rollout(request, ticket_id, f"Deploy {name} to {namespace}"),
    ]


def _edit(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, name = _names(request)
    path = manifest_path(namespace, name)
    changes: dict[str, str] = {}
    if request.action is Action.SCALE:
        changes["replicas"] = _value(request.replicas, "replicas")
        what, message = f"Set {name}'s replicas to {changes['replicas']}", f"Scale {name} to {changes['replicas']}"
    elif request.action is Action.UPDATE_IMAGE:
        if request.image:
            changes["image"] = request.image
        else:
            changes["tag" if request.tag else "image"] = request.tag or placeholder("image")
        version = changes.get("image") or changes.get("tag")
        what, message = f"Change {name}'s image to {version}", f"Update {name} to {version}"
    elif request.action is Action.UPDATE_CONFIG:
        changes["env"] = ",".join(f"{k}={v}" for k, v in request.env.items()) or placeholder("config")
        what, message = f"Set {changes['env']} on {name}", f"Configure {name}"
    else:
        changes["restart"] = ticket_id
        what, message = f"Annotate {name}'s pod template so its pods roll", f"Restart {name}"
    return [
        *_check_workload(request),
        step(f"Read {path} from the repository", "git_read_file", {"path": path}, Role.CHECK),
        step(what, "git_write_file", {"path": path, "edit": {"from": path, "workload": name, **changes}},
             Role.CHANGE),
        *_rollout(request, ticket_id, message),
    ]


def _expose(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, name = _names(request)
    path = manifest_path(namespace, name)
    service = {"from": path, "workload": name, "type": request.service_type}
    if request.port is not None:
        service["port"] = str(request.port)
    return [
        *_check_workload(request),
        step(f"Read {path} for the workload's labels and ports", "git_read_file", {"path": path}, Role.CHECK),
        step(f"Write a {request.service_type} Service for {name}", "git_write_file",
             {"path": service_path(namespace, name), "service": service}, Role.CHANGE),
        *_rollout(request, ticket_id, f"Expose {name}"),
    ]


def _delete_workload(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, name = _names(request)
    path = manifest_path(namespace, name)
    return [
        *_check_workload(request),
        step(f"Delete {path} (the {_kube_kind(request)} {name})", "git_delete_file", {"path": path}, Role.CHANGE),
        *_rollout(request, ticket_id, f"Remove {name} from {namespace}", prune=True),
    ]


def _create_namespace(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, _ = _names(request)
    return [*_check_namespace(namespace), _create_namespace_manifest(namespace),
            *_rollout(request, ticket_id, f"Create the namespace {namespace}")]


def _delete_namespace(request: WorkRequest, ticket_id: str) -> list[DraftStep]:
    namespace, _ = _names(request)
    folder = f"apps/{namespace}/"
    return [
        *_check_namespace(namespace),
        step(f"List the manifests under {folder}", "git_list_files", {"path": folder.rstrip("/")}, Role.CHECK),
        step(f"Delete every manifest under {folder}, namespace.yaml last", "git_delete_file", {"path": folder},
             Role.CHANGE),
        # No sync: Argo CD cannot sync an application whose folder is gone; deleting the application (which
        # prunes the namespace) is a person's step after review, and no tool does it.
        *_rollout(request, ticket_id, f"Delete the namespace {namespace}")[:2],
    ]
