"""The offline brain's turns: carry out the approved plan, one step at a time (conventions: opsdesk.aura.plan_steps).

Each turn finds the first step not yet done in the calls the checkpoint holds (by their step index), then asks
for a choice the step still needs, retries a failed call once, or proposes the step's call with its arguments
made concrete (answers filled in, a manifest rendered or edited). Calls come only from plan steps: what a file or
a cluster listing says is data for an edit or a question's options, never a new call. A step whose call a person
refused asks for a new plan; a rollout that is not healthy yet is checked again (the loop waits in between)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from opsdesk.aura.brain import AgentState, AskQuestion, CallTool, Finish, GiveUp, Move, Replan
from opsdesk.aura.checkpoint import left_out
from opsdesk.aura.manifests import ManifestEditError, NeedsChoice, edit_workload, fill, fill_text, service_for
from opsdesk.aura.records import CompletedCall, PlanStep, ToolRequest
from opsdesk.frozen import frozen

HEALTHY = "Healthy"
MAX_ATTEMPTS = 2
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
MAX_OPTIONS = 6
CHANGE_TOOLS = frozenset({"git_write_file", "git_delete_file"})
TAIL_TOOLS = frozenset({"git_commit", "git_push", "argo_sync", "argo_health"})
NOTHING_TO_COMMIT = re.compile(r"nothing is staged|change nothing", re.IGNORECASE)
FINAL_ERRORS = re.compile(r"no file at that path|invalid|refused|not allowed|unknown kind|not a kubernetes name|"
                          r"protected|pushes only|path-|manifest|credential|secret|forbidden|permission",
                          re.IGNORECASE)
"""Failures that a second identical call cannot mend."""
QUESTIONS = {
    "name": "Which workload is this ticket about? It does not name one.",
    "namespace": "Which namespace should I use for {subject}? The ticket does not say.",
    "image": "Which image should {subject} run (repository:tag, e.g. ghcr.io/acme/app:1.2.0)?",
    "replicas": "How many replicas should {subject} run?",
    "port": "Which port should the Service for {subject} expose?",
    "config": "Which setting should I change on {subject}? Answer as KEY=value (several: KEY=value, KEY2=value).",
}
WHAT_IT_IS = {"name": "a workload name", "namespace": "a namespace name", "image": "an image reference",
              "replicas": "a number of replicas", "port": "a port number", "config": "KEY=value settings"}


@frozen
class Turn:
    """What the checkpoint says, arranged for deciding."""

    state: AgentState

    @property
    def completed(self) -> tuple[CompletedCall, ...]:
        return self.state.progress.completed

    def calls(self, index: int) -> list[CompletedCall]:
        return [c for c in self.completed if c.step_index == index]

    def options(self, key: str) -> tuple[str, ...]:
        return _options(key, self.completed, _subject(self.state.plan.steps, self.state.progress.answers))

    def choices(self) -> tuple[dict[str, str], dict[str, str]]:
        """(the answers read, the answers that could not be read: key -> what the person wrote)."""
        values: dict[str, str] = {}
        unreadable: dict[str, str] = {}
        answers = self.state.progress.answers
        if not answers:
            return values, unreadable
        from opsdesk.aura.answers import parse_answer  # noqa: PLC0415 - the ticket reader loads once someone answers

        for key, text in answers.items():
            value = parse_answer(key, text, self.options(key))
            if value is None:
                unreadable[key] = text
            else:
                values[key] = value
        return values, unreadable


def next_move(state: AgentState) -> Move:
    if not state.plan.steps:
        return GiveUp(state.plan.summary)
    turn = Turn(state)
    values, unreadable = turn.choices()
    changed = any(c.ok and c.tool in CHANGE_TOOLS for c in turn.completed) and not _wrote_what_the_branch_holds(state)
    for index, step in enumerate(state.plan.steps):
        calls = turn.calls(index)
        try:
            if _skipped(step, turn, values, changed) or _done(step, calls, turn, values):
                continue
        except ManifestEditError as exc:  # what the step works from is no longer in the checkpoint
            return GiveUp(f"{step.description}: {exc}")
        if calls and not calls[-1].ok:
            if step.tool == "git_commit" and _already_committed(calls[-1], state):
                continue  # a revised plan staged what an earlier commit already holds
            failure = _give_up(step, calls)
            if failure is not None:
                return failure
        return _step_move(index, step, turn, values, unreadable)
    return Finish(_finished(state, changed))


def _step_move(index: int, step: PlanStep, turn: Turn, values: Mapping[str, str],
               unreadable: Mapping[str, str]) -> Move:
    """The move that carries the step out: a question for a choice it needs, or its call."""
    missing = [key for key in step.requires if key not in values]
    if missing:
        return _question(missing[0], turn, unreadable)
    try:
        request = _request(index, step, turn, values)
    except NeedsChoice as needed:  # e.g. a bare version given for a new workload's image: ask again
        answered = turn.state.progress.answers.get(needed.key)
        return _question(needed.key, turn, {**unreadable, **({needed.key: answered} if answered else {})})
    except ManifestEditError as exc:
        return GiveUp(f"{step.description}: {exc}")
    if turn.state.progress.denied(request):
        return Replan(f"a person refused: {step.description}")
    return CallTool(request)


def _skipped(step: PlanStep, turn: Turn, values: Mapping[str, str], changed: bool) -> bool:
    if step.tool in TAIL_TOOLS and not changed:
        return True  # nothing was changed (the namespace exists already): nothing to commit or roll out
    if step.tool == "git_write_file" and str(step.args.get("path", "")).endswith("/namespace.yaml"):
        namespace = fill_text(str(step.args["path"]), values).split("/")[1]
        return namespace in _existing_namespaces(turn.completed)
    return False


def _done(step: PlanStep, calls: list[CompletedCall], turn: Turn, values: Mapping[str, str]) -> bool:
    if step.tool == "argo_health":
        return bool(calls) and calls[-1].ok and calls[-1].result.get("health") == HEALTHY
    if step.tool == "git_delete_file" and str(step.args.get("path", "")).endswith("/"):
        return not _pending_deletions(step, calls, turn, values)
    return any(c.ok for c in calls)


def _wrote_what_the_branch_holds(state: AgentState) -> bool:
    """The files written are the branch's own (a scale to the replicas its manifest has): the commit found nothing
    to commit and none was made, so the ticket has nothing to change, rather than a commit to retry and give up."""
    if state.progress.workspace.get("commits"):
        return False
    return any(c.tool == "git_commit" and not c.ok and NOTHING_TO_COMMIT.search(str(c.result.get("error", "")))
               for c in state.progress.completed)


def _already_committed(call: CompletedCall, state: AgentState) -> bool:
    commits = state.progress.workspace.get("commits") or []
    return bool(commits) and bool(NOTHING_TO_COMMIT.search(str(call.result.get("error", ""))))


def _give_up(step: PlanStep, calls: list[CompletedCall]) -> GiveUp | None:
    failures = 0
    for call in reversed(calls):
        if call.ok:
            break
        failures += 1
    error = str(calls[-1].result.get("error", "the tool failed"))
    if failures >= MAX_ATTEMPTS or FINAL_ERRORS.search(error):
        return GiveUp(f"{step.description} failed" + (" twice" if failures >= MAX_ATTEMPTS else "") + f": {error}")
    return None  # once more


def _question(key: str, turn: Turn, unreadable: Mapping[str, str]) -> AskQuestion:
    subject = _subject(turn.state.plan.steps, turn.state.progress.answers) or "the workload"
    question = QUESTIONS.get(key, f"What should {key} be?").format(subject=subject)
    if key in unreadable:
        question = f"I could not read \"{unreadable[key][:80]}\" as {WHAT_IT_IS.get(key, key)}. " + question
    options = turn.options(key)
    reasoning = f"the ticket leaves {key} open and the next step needs it"
    if options and key == "namespace":
        reasoning += "; the options are what the cluster has"
    return AskQuestion(key, question, options, reasoning)


def _subject(steps: tuple[PlanStep, ...], answers: Mapping[str, str]) -> str | None:
    """The workload the plan is about: named by the ticket (its manifest's path) or by a person's answer."""
    for step in steps:
        if step.tool in CHANGE_TOOLS:
            name = str(step.args.get("path", "")).rstrip("/").rsplit("/", 1)[-1].removesuffix(".yaml")
            if name and "${" not in name and name != "namespace":
                return name.removesuffix("-svc")
    if "name" not in answers:
        return None
    from opsdesk.aura.answers import parse_answer  # noqa: PLC0415 - as in Turn.choices

    return parse_answer("name", answers["name"])


# Making a step's call concrete


def _request(index: int, step: PlanStep, turn: Turn, values: Mapping[str, str]) -> ToolRequest:
    args: dict[str, Any] = {key: _filled(value, values) for key, value in step.args.items()
                            if key not in ("content", "edit", "service")}
    if step.tool == "git_write_file":
        args["content"] = _content(step, turn, values)
    if step.tool == "git_delete_file" and str(args.get("path", "")).endswith("/"):
        args["path"] = _pending_deletions(step, turn.calls(index), turn, values)[0]
    if step.tool == "kubectl_get":
        args = {key: value for key, value in args.items() if value}
    return ToolRequest(step.tool, args, step.description, index)


def _filled(value: Any, values: Mapping[str, str]) -> Any:
    return fill_text(value, values) if isinstance(value, str) else value


def _content(step: PlanStep, turn: Turn, values: Mapping[str, str]) -> str:
    if "content" in step.args:
        content = str(step.args["content"])
        if "${image}" in content and not re.search(r"[:/]", values.get("image", "")):
            raise NeedsChoice("image")  # a bare version cannot name a new workload's image
        return fill(content, values)
    edit = {key: _filled(value, values) for key, value in dict(step.args.get("edit") or {}).items()}
    service = {key: _filled(value, values) for key, value in dict(step.args.get("service") or {}).items()}
    source = str((edit or service).get("from", ""))
    read = _read(turn.completed, source)
    workload = str((edit or service).get("workload", ""))
    if service:
        namespace = source.split("/")[1] if source.count("/") >= 2 else ""
        return service_for(read, workload, namespace, service.get("port") or values.get("port"),
                           str(service.get("type", "ClusterIP")))
    changes = {key: str(value) for key, value in edit.items() if key not in ("from", "workload")}
    if "image" in changes and not re.search(r"[:/]", changes["image"]):
        changes["tag"] = changes.pop("image")  # "7.2": the same repository at that version
    return edit_workload(read, workload, changes)


def _read(completed: tuple[CompletedCall, ...], path: str) -> str:
    for call in reversed(completed):
        if call.tool == "git_read_file" and call.ok and call.args.get("path") == path:
            if call.result.get("truncated"):
                raise ManifestEditError(f"{path} is too large to edit")
            if "content" in left_out(call):
                raise ManifestEditError(f"{path} was read too long ago: the ticket keeps only its audit entry")
            return str(call.result.get("content", ""))
    raise ManifestEditError(f"{path} has not been read")


def _pending_deletions(step: PlanStep, calls: list[CompletedCall], turn: Turn,
                       values: Mapping[str, str]) -> list[str]:
    folder = fill_text(str(step.args["path"]), values).rstrip("/")
    listed: list[str] = []
    for call in reversed(turn.completed):
        if call.tool == "git_list_files" and call.ok and str(call.result.get("path", "")).rstrip("/") == folder:
            if "files" in left_out(call):
                raise ManifestEditError(f"{folder} was listed too long ago: the ticket keeps only its audit entry")
            listed = [str(f) for f in call.result.get("files") or [] if str(f).startswith(f"{folder}/")]
            break
    deleted = {c.args.get("path") for c in calls if c.ok}
    pending = [f for f in listed if f not in deleted]
    return sorted(pending, key=lambda f: (f.endswith("/namespace.yaml"), f))


# What the cluster showed


def _existing_namespaces(completed: tuple[CompletedCall, ...]) -> set[str]:
    found: set[str] = set()
    for call in completed:
        if call.tool != "kubectl_get" or not call.ok:
            continue
        items = [i for i in call.result.get("items") or [] if isinstance(i, Mapping)]
        if str(call.result.get("kind")) == "namespace":
            found.update(str(i.get("name")) for i in items if i.get("name"))
        found.update(str(i.get("namespace")) for i in items if i.get("namespace"))
    return found


def _options(key: str, completed: tuple[CompletedCall, ...], subject: str | None) -> tuple[str, ...]:
    """Suggestions for a question: what the cluster and the repository hold (the namespaces holding a manifest of
    the workload first), or common counts and ports."""
    if key == "replicas":
        return ("1", "3", "5")
    if key == "port":
        return ("80", "8080")
    if key not in ("namespace", "name"):
        return ()
    first: dict[str, None] = {}
    rest: dict[str, None] = {}
    for call in completed:
        if not call.ok:
            continue
        for value, preferred in _seen(key, call, subject):
            if value and value not in SYSTEM_NAMESPACES and "${" not in value:
                (first if preferred else rest)[value] = None
    return tuple(dict.fromkeys([*first, *rest]))[:MAX_OPTIONS]


def _seen(key: str, call: CompletedCall, subject: str | None) -> list[tuple[str, bool]]:
    """(a namespace or workload name a read showed, whether it goes with the ticket's workload)."""
    if call.tool == "git_list_files":
        parts = [str(f).split("/") for f in call.result.get("files") or []]
        found = [(p[1], p[2].removesuffix(".yaml")) for p in parts if len(p) == 3 and p[0] == "apps"]
        if key == "namespace":
            return [(namespace, file == subject) for namespace, file in found]
        return [(file, False) for _, file in found if file != "namespace"]
    if call.tool != "kubectl_get":
        return []
    items = [i for i in call.result.get("items") or [] if isinstance(i, Mapping)]
    if call.result.get("kind") == "namespace":
        return [(str(i.get("name", "")), False) for i in items] if key == "namespace" else []
    if key == "namespace":
        return [(str(i.get("namespace", "")), i.get("name") == subject) for i in items]
    return [(str(i.get("name", "")), False) for i in items]


def _finished(state: AgentState, changed: bool) -> str:
    if not changed:
        return f"Nothing to change: the cluster already is as asked ({state.plan.summary.rstrip('.')})."
    done = state.progress.completed
    files = [f"{'deleted' if c.tool == 'git_delete_file' else 'wrote'} {c.args.get('path')}" for c in done
             if c.ok and c.tool in CHANGE_TOOLS]
    text = "Done: " + ", ".join(files)
    commits = [str(c.result.get("sha", ""))[:12] for c in done if c.tool == "git_commit" and c.ok]
    if commits:
        text += f"; committed {', '.join(commits)} on {state.working_branch}"
    if any(c.tool == "git_push" and c.ok for c in done):
        text += ", pushed"
    syncs = [c for c in done if c.tool == "argo_sync" and c.ok]
    if syncs:
        text += f"; Argo CD synced {syncs[-1].args.get('app')}" + (" with prune" if syncs[-1].args.get("prune") else "")
    health = [c for c in done if c.tool == "argo_health" and c.ok]
    if health:
        text += f", now {health[-1].result.get('health')}"
    if not syncs:
        text += "; not synced: a person reviews, merges and applies the branch"
    return text + "."


def move_view(move: Move) -> dict[str, Any]:
    """The move as a model would have answered it (for the token estimate)."""
    if isinstance(move, CallTool):
        return {"call": move.request.tool, "args": dict(move.request.args), "reasoning": move.request.reasoning}
    if isinstance(move, AskQuestion):
        return {"ask": move.key, "question": move.question, "options": list(move.options)}
    if isinstance(move, Finish):
        return {"finish": move.summary}
    if isinstance(move, GiveUp):
        return {"give_up": move.reason}
    return {"replan": move.reason}
