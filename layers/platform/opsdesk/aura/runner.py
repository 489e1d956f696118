"""The agent's real tools (opsdesk.aura.tools.ToolRunner): every call's arguments checked against the tool's
schema, then carried out by the git workspace, the cluster reader or the GitOps controller.

A refusal or failure is the call's outcome (ok=False, `error` naming what was wrong); only an outage (ToolOutage,
a remote or an API unreachable) propagates, so the turn is retried with the same call id. A fault of the tools
themselves is an outcome too: retrying the same call would meet it again."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from opsdesk.aura.cluster import ClusterReader, GitOpsController
from opsdesk.aura.git import Change, GitWorkspace
from opsdesk.aura.records import ToolRequest
from opsdesk.aura.tool_errors import ToolError, ToolOutage
from opsdesk.aura.tools import TOOLS, ToolOutcome, ToolSpec, working_branch
from opsdesk.aura.workspace_state import WorkspaceState

LOG = logging.getLogger(__name__)
MAX_ARG_CHARS = 1_000
MAX_ARG_CHARS_BY_NAME = {"content": 64 * 1024, "message": 4_000}
JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,)}

Handler = Callable[[str, str, Mapping[str, Any], Mapping[str, Any]], Change]
"""(ticket id, call id, arguments, workspace) → the result and the workspace after."""


def argument_errors(spec: ToolSpec, args: Any) -> list[str]:
    """What is wrong with a call's arguments by the tool's schema (object, properties, required, no others)."""
    if not isinstance(args, Mapping):
        return ["the arguments must be an object"]
    schema = spec.input_schema
    properties: Mapping[str, Any] = schema.get("properties", {})
    errors = [f"`{name}` is required" for name in schema.get("required", ()) if name not in args]
    for name, value in args.items():
        if name not in properties:
            errors.append(f"`{str(name)[:40]}` is not an argument of {spec.name}")
            continue
        expected = properties[name].get("type", "string")
        if not isinstance(value, JSON_TYPES.get(expected, (object,))) or (expected == "string"
                                                                           and isinstance(value, bool)):
            errors.append(f"`{name}` must be a {expected}")
        elif isinstance(value, str) and len(value) > MAX_ARG_CHARS_BY_NAME.get(name, MAX_ARG_CHARS):
            errors.append(f"`{name}` is longer than {MAX_ARG_CHARS_BY_NAME.get(name, MAX_ARG_CHARS)} characters")
    return errors


class AgentToolRunner:
    def __init__(self, git: GitWorkspace, cluster: ClusterReader, gitops: GitOpsController) -> None:
        self._git = git
        self._cluster = cluster
        self._gitops = gitops
        self._handlers: dict[str, Handler] = {
            "kubectl_get": self._kubectl_get,
            "git_read_file": self._git_read_file,
            "git_list_files": self._git_list_files,
            "git_write_file": lambda ticket, _, args, ws: self._git.write_file(ticket, ws, args["path"],
                                                                               args["content"]),
            "git_delete_file": lambda ticket, _, args, ws: self._git.delete_file(ticket, ws, args["path"]),
            "git_commit": lambda ticket, call, args, ws: self._git.commit(ticket, call, ws, args["message"]),
            "git_push": lambda ticket, _, args, ws: self._git.push(ticket, ws, branch=args.get("branch"),
                                                                   force=bool(args.get("force", False))),
            "argo_sync": self._argo_sync,
            "argo_health": lambda _, __, args, ws: Change(self._gitops.health(args["app"]).as_result(), dict(ws)),
        }
        missing = set(TOOLS) - set(self._handlers)
        assert not missing, f"tools without a handler: {missing}"

    def run(self, ticket_id: str, call_id: str, request: ToolRequest, workspace: Mapping[str, Any]) -> ToolOutcome:
        spec = TOOLS.get(request.tool)
        if spec is None:
            return _refused(f"unknown tool {request.tool[:60]!r}; the tools are {', '.join(TOOLS)}", workspace)
        errors = argument_errors(spec, request.args)
        if errors:
            return _refused(f"invalid arguments for {spec.name}: {'; '.join(errors)}", workspace)
        try:
            change = self._handlers[spec.name](ticket_id, call_id, request.args, workspace)
        except ToolOutage:
            raise
        except ToolError as exc:
            return _refused(str(exc), workspace)
        except Exception as exc:  # a fault in the tools: the call fails, the agent carries on or gives up
            LOG.exception("tool %s failed", spec.name)
            return _refused(f"{spec.name} failed unexpectedly ({type(exc).__name__})", workspace)
        return ToolOutcome(True, change.result, change.workspace)

    def _kubectl_get(self, _: str, __: str, args: Mapping[str, Any], workspace: Mapping[str, Any]) -> Change:
        found = self._cluster.get(args["kind"], args.get("namespace") or None, args.get("name") or None)
        return Change(found, dict(workspace))

    def _git_read_file(self, ticket_id: str, _: str, args: Mapping[str, Any],
                       workspace: Mapping[str, Any]) -> Change:
        return Change(self._git.read_file(ticket_id, workspace, args["path"]), dict(workspace))

    def _git_list_files(self, ticket_id: str, _: str, args: Mapping[str, Any],
                        workspace: Mapping[str, Any]) -> Change:
        return Change(self._git.list_files(ticket_id, workspace, args.get("path", "")), dict(workspace))

    def _argo_sync(self, ticket_id: str, _: str, args: Mapping[str, Any], workspace: Mapping[str, Any]) -> Change:
        # Without a revision: what this ticket pushed last, else its working branch.
        branch = working_branch(ticket_id)
        revision = args.get("revision") or WorkspaceState.of(workspace, branch).pushed or branch
        started = self._gitops.sync(args["app"], str(revision), bool(args.get("prune", False)))
        return Change(started.as_result(), dict(workspace))


def _refused(error: str, workspace: Mapping[str, Any]) -> ToolOutcome:
    return ToolOutcome(False, {"error": error}, dict(workspace))
