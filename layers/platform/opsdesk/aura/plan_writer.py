"""The offline planner's plans (DESIGN.md §6): from the work a ticket asks for (opsdesk.aura.intent), the steps
(opsdesk.aura.plan_steps), a summary, the reasoning shown with it and the risks a person weighs before approving.
A revised plan leaves out the actions a person refused.

Imported with a ticket's first plan, not with the agent: most kicks carry out a plan already approved, and reading
tickets (the intent patterns and the software catalogue) is a tenth of the worker's cold start."""

from __future__ import annotations

import re
from collections.abc import Callable

from opsdesk.aura.intent import Action, read_ticket
from opsdesk.aura.plan_steps import DraftStep, Role, draft_steps
from opsdesk.aura.records import Plan
from opsdesk.aura.work_request import WorkRequest

__all__ = ["build_plan", "describe", "read_ticket", "risks_of"]

LOW_CONFIDENCE = 0.25
_TOOL_ARG = re.compile(r"'(path|app)': '([^']*)'")
_DRIFT_ROLES = {Role.PUSH: (Role.PUSH, Role.SYNC, Role.HEALTH), Role.SYNC: (Role.SYNC, Role.HEALTH),
                Role.NAMESPACE: (Role.NAMESPACE,)}
"""A refused step of these roles is left out with the ones after it that need it; a refused change ends the plan."""


def build_plan(request: WorkRequest, ticket_id: str, denied: tuple[str, ...] = ()) -> tuple[Plan, str]:
    """The plan for the request, and the reasoning shown with it."""
    reasoning = describe(request)
    drafts = draft_steps(request, ticket_id)
    if request.unmanaged is not None:
        summary = (f"Cannot proceed: the ticket asks for a {request.unmanaged}, and this agent writes only {MANAGED}. "
                   "A person does it, or the ticket is reworded as a change to one of those.")
        return Plan(summary, (), (), (f"{request.unmanaged} is outside what this agent writes",)), reasoning
    if not drafts:
        summary = ("Cannot proceed: the ticket does not say what to change (deploy, scale, update, restart, expose "
                   "or delete a workload, or create or delete a namespace).")
        return Plan(summary, (), (), ("nothing to do without a clearer ticket",)), reasoning
    kept, dropped, blocker = _without_refused(drafts, denied)
    if blocker is not None:
        summary = (f"Cannot proceed: a person refused {blocker.step.description.lower()}, and the ticket asks for "
                   "nothing else.")
        return Plan(summary, (), (), (f"refused: {blocker.step.description}",)), reasoning
    steps = tuple(d.step for d in kept)
    tools = tuple(dict.fromkeys(s.tool for s in steps))
    risks = tuple(dict.fromkeys((*risks_of(request, kept), *(_dropped_risk(d) for d in dropped))))
    return Plan(_summary(request, dropped), steps, tools, risks), reasoning


MANAGED = "Deployments, StatefulSets, their Services and namespaces"
"""What the agent's manifests can be (opsdesk.aura.plan_steps)."""


def describe(request: WorkRequest) -> str:
    if request.unmanaged is not None:
        return f"The ticket asks for a {request.unmanaged}, which this agent does not write (it writes {MANAGED})."
    if request.action is None:
        return "The ticket names no change the planner recognises."
    read = [f"action {request.action.value}"]
    for label, value in (("workload", request.name), ("kind", request.kind if request.name else None),
                         ("namespace", request.namespace), ("image", request.image), ("version", request.tag),
                         ("replicas", request.replicas), ("port", request.port)):
        if value is not None:
            read.append(f"{label} {value}")
    if request.env:
        read.append("settings " + ", ".join(f"{k}={v}" for k, v in request.env.items()))
    text = "Read the ticket as: " + "; ".join(read) + "."
    if request.open_choices():
        text += " Open, to ask: " + ", ".join(request.open_choices()) + "."
    if request.read_from_code:
        text += " Read from code the ticket asks to carry out: " + "; ".join(request.read_from_code) + "."
    if request.set_aside:
        text += (f" Set aside {len(request.set_aside)} passage(s) not read as the request (code not asked for or "
                 "not agreeing with the ticket, or text addressed to the agent).")
    return text


def _summary(request: WorkRequest, dropped: list[DraftStep]) -> str:
    name, namespace = request.name or "the workload", request.namespace or "a namespace still to choose"
    summaries = {
        Action.DEPLOY: f"Deploy {name} as a {request.kind} in {namespace}",
        Action.SCALE: f"Scale {name} in {namespace} to {_or_open(request.replicas)} replicas",
        Action.UPDATE_IMAGE: f"Update {name} in {namespace} to {_or_open(request.image or request.tag)}",
        Action.UPDATE_CONFIG: f"Change the settings of {name} in {namespace}",
        Action.RESTART: f"Restart {name} in {namespace} (rolling)",
        Action.DELETE_WORKLOAD: f"Delete {name} from {namespace}",
        Action.EXPOSE: f"Expose {name} in {namespace} with a {request.service_type} Service",
        Action.CREATE_NAMESPACE: f"Create the namespace {namespace}",
        Action.DELETE_NAMESPACE: f"Delete every manifest of the namespace {namespace} on the working branch (the "
                                 "namespace goes when a person merges and deletes its Argo CD application)",
    }
    summary = summaries[request.action] if request.action else "Nothing to do"
    roles = {d.role for d in dropped}
    if Role.PUSH in roles:
        summary += "; stops at a commit on the working branch (pushing was refused)"
    elif Role.SYNC in roles:
        summary += "; stops at the push: a person syncs after review (the sync was refused)"
    return summary + "."


def _or_open(value: object) -> str:
    return "an open choice of" if value is None else str(value)


def risks_of(request: WorkRequest, drafts: list[DraftStep]) -> list[str]:
    risks: list[str] = []
    name, namespace = request.name or "the workload", request.namespace or "<namespace>"
    if request.production:
        risks.append(f"targets production ({namespace}): every change there waits for a person's approval")
    if any(d.role is Role.NAMESPACE for d in drafts) and request.action is not Action.CREATE_NAMESPACE:
        risks.append(f"the namespace {namespace} may already exist: the check decides whether its manifest is written")
    if request.open_choices():
        risks.append("the ticket leaves open: " + ", ".join(request.open_choices()) + " (the agent asks first)")
    risks.extend(_action_risks(request, name, namespace))
    if request.read_from_code:
        risks.append("part of the request was read from code the ticket asks to carry out; check every line: "
                     + "; ".join(request.read_from_code))
    if request.set_aside:
        risks.append(f"the ticket holds {len(request.set_aside)} passage(s) not read as the request (addressed to the "
                     "agent, or code not asked for or not agreeing with the ticket); the first: "
                     + request.set_aside[0][:120])
    if request.confidence < LOW_CONFIDENCE:
        risks.append("the ticket reads ambiguously: check that the plan does what it asks")
    return risks


RiskRule = Callable[[WorkRequest, str, str], list[str]]
"""(the request, the workload's name, the namespace) -> what could go wrong."""


def _action_risks(request: WorkRequest, name: str, namespace: str) -> list[str]:
    risks: dict[Action, RiskRule] = {
        Action.DEPLOY: _deploy_risks,
        Action.SCALE: lambda r, n, _: [f"scaling to zero takes {n} offline (downtime) until it is scaled up again"
                                       if r.replicas == 0 else
                                       f"scaling down lowers {n}'s capacity; the current count is read first"],
        Action.UPDATE_IMAGE: lambda r, n, _: [
            f"{n}'s pods are replaced one by one: capacity dips during the rollout",
            "a new image that fails to start leaves the rollout unhealthy; the agent watches health"],
        Action.UPDATE_CONFIG: lambda r, n, _: [f"{n}'s pods are replaced one by one: capacity dips during the rollout"],
        Action.RESTART: lambda r, n, _: [f"{n}'s pods are replaced one by one: capacity dips during the rollout"],
        Action.EXPOSE: lambda r, n, _: [f"a LoadBalancer makes {n} reachable from outside the cluster"]
                                       if r.service_type == "LoadBalancer" else [],
        Action.DELETE_WORKLOAD: lambda r, n, _: [
            f"deletes {n} from the cluster (the sync prunes it); data on its volumes may be lost"],
        Action.DELETE_NAMESPACE: lambda r, _, ns: [
            f"deletes the namespace {ns} and everything in it once applied: data loss; each file deletion waits "
            "for approval",
            f"Argo CD cannot sync {ns} once its folder is gone: the agent stops at the push, and a person deletes "
            "the application after review"],
    }
    found: list[str] = risks[request.action](request, name, namespace) if request.action in risks else []
    if request.action in (Action.SCALE, Action.UPDATE_IMAGE, Action.UPDATE_CONFIG, Action.RESTART):
        found.append("the manifest is rewritten by the agent: YAML comments in it are not kept")
    return found


def _deploy_risks(request: WorkRequest, name: str, namespace: str) -> list[str]:
    product = request.product
    risks: list[str] = []
    if product and request.image == product.image:
        risks.append(f"the ticket names no image: {product.image} is used")
    if request.kind == "StatefulSet":
        risks.append(f"data lives on a PersistentVolumeClaim per replica "
                     f"({request.resources.get('storage', '1Gi')}, the default storage class)")
        if request.replicas and request.replicas > 1 and product:
            risks.append(f"{request.replicas} replicas of {product.name} run as separate servers: replication "
                         "or clustering is not configured by this manifest")
    if product and product.secret_env:
        risks.append(f"expects a Secret {name}-credentials (key password) in {namespace}; secrets are not "
                     "written to git")
    risks.append(f"an existing {name}.yaml under apps/{namespace}/ would be replaced")
    return risks


def _dropped_risk(draft: DraftStep) -> str:
    return f"left out because a person refused it: {draft.step.description}"


def _without_refused(drafts: list[DraftStep], denied: tuple[str, ...]) -> tuple[
        list[DraftStep], list[DraftStep], DraftStep | None]:
    """(the steps kept, the refused ones left out, the refused change that leaves nothing to do or None)."""
    refused = [_refused_target(text) for text in denied]
    dropped: list[DraftStep] = []
    for draft in drafts:
        if any(_matches(draft, target) for target in refused):
            if draft.role not in _DRIFT_ROLES:
                return drafts, [], draft
            dropped.append(draft)
    skipped = {role for draft in dropped for role in _DRIFT_ROLES[draft.role]}
    kept = [d for d in drafts if d.role not in skipped]
    if dropped and not any(d.role in (Role.CHANGE, Role.NAMESPACE) for d in kept):
        return drafts, [], dropped[0]  # creating the namespace was the whole ticket
    return kept, dropped, None


def _refused_target(text: str) -> tuple[str, dict[str, str], bool]:
    """A refusal as the service words it (`<tool> {args}`): the tool, its path or app, whether it pruned."""
    tool = text.split(" ", 1)[0]
    return tool, dict(_TOOL_ARG.findall(text)), "'prune': True" in text


def _matches(draft: DraftStep, target: tuple[str, dict[str, str], bool]) -> bool:
    tool, args, prune = target
    if draft.step.tool != tool:
        return False
    path = str(draft.step.args.get("path", ""))
    if "path" in args:
        return args["path"] == path or (path.endswith("/") and args["path"].startswith(path))
    if "app" in args:
        return args["app"] == draft.step.args.get("app") and prune == bool(draft.step.args.get("prune"))
    return True
