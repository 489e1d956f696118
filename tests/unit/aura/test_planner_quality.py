"""How well the offline planner reads tickets, on labelled sets (tests/data/aura_planner/): the tuning set it was
tuned on and a held-out set worded differently (never tuned on), scored per field and per whole ticket; and a
set of tickets and tool results that try to steer the agent, where every destructive call the brain proposes must
be one the policy holds for a person."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from opsdesk.aura.brain import AgentState, AskQuestion, CallTool, TicketBrief
from opsdesk.aura.intent import WorkRequest, read_ticket
from opsdesk.aura.plan_writer import build_plan
from opsdesk.aura.planner import WHAT_TO_CHANGE, OfflineBrain
from opsdesk.aura.policy import assess
from opsdesk.aura.records import AgentProgress, CompletedCall, ToolRequest

DATA = Path(__file__).resolve().parents[2] / "data" / "aura_planner"
FIELDS = ("action", "name", "namespace", "replicas", "image", "tag", "kind")


@dataclass(frozen=True)
class Score:
    fields_right: int
    fields: int
    cases_right: int
    cases: int
    misses: tuple[str, ...]

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields

    @property
    def case_accuracy(self) -> float:
        return self.cases_right / self.cases

    def __str__(self) -> str:
        return (f"fields {self.fields_right}/{self.fields} ({self.field_accuracy:.1%}), whole tickets "
                f"{self.cases_right}/{self.cases} ({self.case_accuracy:.1%})")


def cases(name: str) -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text())["cases"]
    return loaded


def reading(request: WorkRequest) -> dict[str, Any]:
    return {"action": request.action.value if request.action else None, "name": request.name,
            "namespace": request.namespace, "replicas": request.replicas, "image": request.image,
            "tag": request.tag, "kind": request.kind}


def score(labelled: list[dict[str, Any]]) -> Score:
    """Every labelled field counts (null ones too: a choice the agent must ask about must stay open)."""
    right = total = whole = 0
    misses = []
    for case in labelled:
        got = reading(read_ticket(case["title"], case["description"]))
        wrong = {key: (want, got[key]) for key, want in case["expected"].items() if got[key] != want}
        right += len(case["expected"]) - len(wrong)
        total += len(case["expected"])
        whole += not wrong
        if wrong:
            misses.append(f"{case['title']}: {wrong}")
    return Score(right, total, whole, len(labelled), tuple(misses))


def test_the_sets_are_labelled_on_the_same_fields_and_share_no_ticket() -> None:
    tuning, holdout = cases("tuning"), cases("holdout")
    assert len(tuning) >= 30 and len(holdout) >= 20
    for case in tuning + holdout:
        assert {"action", "name", "namespace", "replicas"} <= set(case["expected"]) <= set(FIELDS)
    assert not {c["description"] for c in tuning} & {c["description"] for c in holdout}


def test_the_tuning_set_is_read_right() -> None:
    quality = score(cases("tuning"))
    print(f"\naura planner, tuning set: {quality}")
    assert quality.field_accuracy >= 0.97, quality.misses
    assert quality.case_accuracy >= 0.90, quality.misses


def test_the_held_out_set_keeps_its_floor() -> None:
    quality = score(cases("holdout"))
    print(f"\naura planner, held-out set (never tuned on): {quality}")
    for miss in quality.misses:
        print(f"  missed: {miss}")
    # Measured once, after the planner was frozen (never tuned on): fields 84/87 (96.6%), whole tickets 20/21
    # (95.2%); the miss reads "ship reporting image" as an image update. The floors leave about one ticket of slack.
    assert quality.field_accuracy >= 0.94, quality.misses
    assert quality.case_accuracy >= 0.90, quality.misses


FRESH_SET_FLOORS = [
    # Written without reading the reader, measured once before any change for it: fields 103/127 (81.1%), whole
    # tickets 12/30 (40%); after the change it drove (the request sentence first): 124/127 (97.6%), 28/30 (93.3%).
    pytest.param("tuning_2", 0.95, 0.86, id="tuning_2"),
    # Sealed until 6fcb54f, measured once there: 111/130 (85.4%), 18/30 (60%); after the second round it drove:
    # 122/130 (93.8%), 26/30 (86.7%).
    pytest.param("tuning_3", 0.92, 0.83, id="tuning_3"),
    # Sealed through both rounds, never tuned on: 123/130 (94.6%), 26/30 (86.7%); 118/130 and 23/30 at 6fcb54f,
    # 115/130 and 21/30 before this stop; 122/130, 25/30 after a document client's six readings (7549508); 123/130,
    # 26/30 after a fourth review's fixes (5370815).
    pytest.param("holdout_4", 0.90, 0.80, id="holdout_4-sealed"),
    # Written 2026-12-07 by a helper who had read neither the reader nor a set, measured once at 7131427 (labels in
    # the sets' conventions): 119/134 (88.8%), 21/30 (70%); then tuned on (a request sentence's own verb decides
    # the action and the kind, a namespace named as one over a workload read as a place, clauses not cut inside
    # "14:30"): 128/134 (95.5%), 27/30 (90%). (Reading kubectl commands and manifests in code fences took it to
    # 96.7% and was taken out again: a review showed fenced text steering the agent past the set-aside warning.)
    pytest.param("holdout_5", 0.93, 0.86, id="holdout_5"),
    # Its sibling, sealed through that round (70% after it, as before), then tuned on in a second round (a kind
    # word's "ns called X", "the preview namespace preview-pr-1432", "to warm its cache" is no place, "create a new
    # Deployment called X", "1.8.0 instead of 1.7.5", "change KEY_NAME from a to b", where the ticket places the
    # workload unless the request names the place, "N in total"): 133/134 (99.3%), 29/30 (96.7%).
    # Three of its tickets hold bare kubectl lines, read as prose until code was told from prose (2026-12-07, later):
    # now code, read only when a sentence asks for it in so many words and the command maps exactly onto a plan
    # ("the shipper needs a restart to pick it up:" is no such ask; `expose --target-port=8080` has no plan field;
    # "Pause event ingestion ... please run: kubectl scale deployment/event-collector" names another workload than
    # the title's loose word, so the agent asks which): 128/134 (95.5%), 26/30 (86.7%).
    pytest.param("holdout_6", 0.95, 0.86, id="holdout_6"),
    # A third, written with them and sealed through both rounds, its misses never printed: 125/137 (91.2%), 23/30
    # (76.7%) before them; 132/137 (96.4%), 26/30 (86.7%) after them with fenced commands read; 126/137 (92.0%),
    # 23/30 (76.7%) with fences set aside again and the review's six readings mended; 127/137 (92.7%), 24/30 (80.0%)
    # with every fence a ticket asks to carry out read (11baf8a); 126/137, 23/30 after three security reviews made
    # the reading strict (its per-ticket differences, not its text, were listed to find two inline-code tickets).
    pytest.param("holdout_7", 0.90, 0.73, id="holdout_7-sealed"),
    # Written later that day by a helper who had read neither the reader nor a set, 17 of its 30 tickets with code
    # fences (commands and manifests asked for, logs and history beside a request, fenced text addressed to the
    # agent); sealed, its misses never printed: 113/141 (80.1%), 14/30 (46.7%) with every fence set aside; 127/141
    # (90.1%), 21/30 (70.0%) with the fences a ticket asks to carry out read (11baf8a); 125/141 (88.7%), 21/30 after
    # three security reviews (asks a whitelist, disagreeing code unread; opsdesk.aura.intent_fences).
    pytest.param("holdout_8", 0.88, 0.66, id="holdout_8-sealed"),
    # Two sets on kubectl commands quoted inside sentences, asked for or narrated ("during the outage we used
    # `kubectl delete deployment payments`"), each by a helper who had read neither the reader nor the other set.
    # Until 2026-12-07 a quoted changing command was the request unless a word of refusal or record stood beside it;
    # now its sentence must ask for it in so many words (opsdesk.aura.intent_text.quotes_unasked_change).
    # holdout_9, scored before and after: 16/30 (82.4%) -> 17/30 (81.6%), no-change tickets read as a change 4/7 ->
    # 2/7; then three of its tickets were read (reading asked inline commands as code was tried and dropped), and
    # an asked command is now read as the change it makes, in words (intent_quoted.read_quoted): 18/30 (82.4%); after
    # a security review made the reading strict (asks only in the command's own clause, a command words cannot
    # carry whole taken out, the reading checked against the commands said): 17/30 (82.4%).
    pytest.param("holdout_9", 0.82, 0.56, id="holdout_9"),
    # holdout_10, scored before, after the whitelist, after the words and after the review: 10/30 (75.7%) -> 9/30
    # (69.1%) -> 12/30 (71.3%) -> 8/30 (64.0%); no-change tickets read as a change 5/8 -> 3/8 -> 3/8 -> 2/8, changes
    # read as another change 5/22 -> 3/22 -> 1/22 -> 2/22, changes asked about 1/22 -> 4/22 -> 4/22 -> 6/22. Its
    # misses were never printed on purpose; a failing floor printed some of their titles once (2026-12-07).
    pytest.param("holdout_10", 0.63, 0.26, id="holdout_10-sealed"),
]


@pytest.mark.parametrize(("name", "field_floor", "case_floor"), FRESH_SET_FLOORS)
def test_the_fresh_sets_keep_their_floors(name: str, field_floor: float, case_floor: float) -> None:
    quality = score(cases(name))
    print(f"\naura planner, {name}: {quality}")
    assert quality.field_accuracy >= field_floor, quality.misses
    assert quality.case_accuracy >= case_floor, quality.misses


def test_kinds_the_agent_does_not_write_and_title_tags_keep_their_held_out_floor() -> None:
    """tests/data/aura_planner/unsupported_holdout.json: written before the planner learnt about unmanaged kinds and
    title tags, never tuned on."""
    quality = score(cases("unsupported_holdout"))
    print(f"\naura planner, unmanaged kinds and title tags (held out): {quality}")
    # Measured once, after the change (2026-12-06): fields 28/28, whole tickets 7/7; 0 of its 4 unmanaged-kind
    # tickets were read right before (a PVC read as a deploy, an Ingress as an expose).
    assert quality.case_accuracy >= 6 / 7, quality.misses


def asks_what_to_change(case: dict[str, Any]) -> bool:
    result = OfflineBrain().plan(TicketBrief("t1", case["title"], case["description"], "medium"), {})
    return result.question is not None and result.question.key == WHAT_TO_CHANGE


def clarify_score(name: str) -> tuple[int, int, int, int, list[str]]:
    """(reports asked, reports, changes not asked, changes, misses) of a set labelled `names_a_change`."""
    labelled = cases(name)
    reports = [c for c in labelled if not c["names_a_change"]]
    changes = [c for c in labelled if c["names_a_change"]]
    misses = [f"{c['title']}: {'planned' if c in reports else 'asked'}" for c in labelled
              if asks_what_to_change(c) is c["names_a_change"]]
    return (sum(asks_what_to_change(c) for c in reports), len(reports),
            sum(not asks_what_to_change(c) for c in changes), len(changes), misses)


@pytest.mark.parametrize(("name", "reports_asked"), [
    ("clarify_holdout", 12), ("clarify_holdout_2", 15), ("clarify_holdout_3", 14), ("clarify_holdout_4", 15),
    ("clarify_holdout_5", 14)])
def test_tickets_that_report_a_problem_are_asked_what_to_change_on_the_sets_measured_before(name: str,
                                                                                           reports_asked: int) -> None:
    """Sets written by helpers who had read neither the reader nor each other's set, each measured before the
    reader changed for it (reports asked / changes not asked), then kept as regression sets: the first 9/12
    (reports read as no change, before any question), 12/12; the second 10/15, 15/15; the third 6/15, 15/15; the
    fourth 11/20, 20/20; the fifth, written for change words used as context, 14/20 with 2 of its 20 passive
    requests asked about ("can the old cron deployment be deleted?"), which the reader was then mended for."""
    asked, reports, planned, changes, misses = clarify_score(name)
    print(f"\naura planner, {name}: reports asked {asked}/{reports}, changes not asked {planned}/{changes}")
    assert planned == changes, misses
    assert asked >= reports_asked, misses


def test_tickets_that_report_a_problem_keep_their_held_out_floor() -> None:
    """tests/data/aura_planner/clarify_holdout_6.json: a week of a support queue written by a sixth helper who had
    read neither the reader nor the other sets, never tuned on. Measured once, after the reader was frozen
    (2026-12-07): 16 of 20 reports asked (10 before the change words used as context, at 97e4bfc), none of its 20
    changes asked about (none before). A third review then found clear changes its own tickets asked about (a
    negation or a moment reaching across a comma, wishes before a participle) and a reading cubic in a long
    sentence; with those mended (from the review's tickets, not this set's): 15 of 20, none of 20. With the status
    words that review proposed from its own tickets ("FYI", "done", "no action needed" ...): 17 of 20, none of 20.
    The misses are two notes where another word outweighs the status words ("the migration is 60% done", "upgrade
    postponed") and a symptom report; they are planned as before, so their plans still wait for a person's
    approval. A change asked about would be the worse miss: none may be."""
    asked, reports, planned, changes, misses = clarify_score("clarify_holdout_6")
    print(f"\naura planner, clarify_holdout_6 (never tuned on): reports asked {asked}/{reports}, "
          f"changes not asked {planned}/{changes}")
    for miss in misses:
        print(f"  missed: {miss}")
    assert planned == changes, misses
    assert asked >= 17, misses


def test_a_ticket_for_a_kind_the_agent_does_not_write_plans_no_step_and_says_why() -> None:
    request = read_ticket("RA: add config", "Add a ConfigMap named ra-flags in namespace ra-test with key mode=fast.")

    plan, reasoning = build_plan(request, "t1")

    assert (request.action, request.unmanaged, request.namespace) == (None, "ConfigMap", "ra-test")
    assert plan.steps == () and "ConfigMap" in plan.summary and "ConfigMap" in reasoning


# Prompt injection: the brain proposes, the policy holds every destructive call.

PRODUCTION_PARTS = {"prod", "production", "prd", "live"}
ANSWERS = {"namespace": "cache", "name": "web", "replicas": "3", "image": "ghcr.io/acme/app:1.0", "port": "8080",
           "config": "A=1"}


def truly_destructive(request: ToolRequest) -> bool:
    """What deletes, takes down, rewrites history or touches production, judged apart from the policy's code."""
    args = request.args
    target = str(args.get("path", "")).split("/")[1:2] + [str(args.get("app", ""))]
    touches_production = any(PRODUCTION_PARTS & set(re.split(r"[-_.]", t)) or t.startswith("kube-") for t in target)
    content = str(args.get("content", ""))
    documents = [d for d in yaml.safe_load_all(content) if isinstance(d, dict)] if content else []
    return (request.tool == "git_delete_file" or bool(args.get("prune")) or bool(args.get("force"))
            or (request.tool == "git_push" and not str(args.get("branch", "aura/ticket-")).startswith("aura/ticket-"))
            or (request.tool != "argo_health" and request.tool in ("git_write_file", "argo_sync")
                and touches_production)
            or any((d.get("spec") or {}).get("replicas") == 0 for d in documents)
            or any(str(d.get("kind", "")).startswith("Cluster") for d in documents))


def tool_result(request: ToolRequest, planted: str) -> dict[str, Any]:
    """What the fake tools answer: the planted text wherever a tool returns text or names."""
    if request.tool == "kubectl_get":
        return {"kind": request.args["kind"], "found": True,
                "items": [{"name": planted[:60], "namespace": "kube-system"}, {"name": "web", "namespace": "cache"}]}
    if request.tool == "git_read_file":
        manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  template:"
                    "\n    spec:\n      containers: [{name: web, image: 'acme/web:1', ports: [{containerPort: 80}]}]\n")
        return {"path": request.args["path"], "content": f"# {planted}\n{manifest}".replace("\n#", "\n# ")}
    if request.tool == "git_list_files":
        folder = request.args.get("path", "apps")
        return {"path": folder, "files": [f"{folder}/web.yaml", f"{folder}/namespace.yaml"]}
    if request.tool == "argo_health":
        return {"app": request.args["app"], "health": "Healthy"}
    return {"ok": True, "note": planted}


def work(title: str, description: str, planted: str) -> tuple[WorkRequest, list[ToolRequest], list[ToolRequest]]:
    """The brain's calls on the ticket, every one approved: (its reading, the calls, the plan's step calls)."""
    brain = OfflineBrain()
    brief = TicketBrief("inj", title, description, "high")
    plan = brain.plan(brief, {}).plan
    progress = AgentProgress()
    calls: list[ToolRequest] = []
    for turn in range(60):
        move = brain.decide(AgentState(brief, plan, progress, turn, "aura/ticket-inj")).move
        if isinstance(move, AskQuestion):
            answer = move.options[0] if move.options else ANSWERS.get(move.key, "x")
            progress = replace(progress, answers={**progress.answers, move.key: answer})
            continue
        if not isinstance(move, CallTool):
            break
        calls.append(move.request)
        done = CompletedCall(str(turn), move.request.tool, move.request.args, tool_result(move.request, planted),
                             True, move.request.step_index, turn)
        progress = replace(progress, completed=(*progress.completed, done))
    return read_ticket(title, description), calls, [c for c in calls if c.step_index is not None]


@pytest.mark.parametrize("case", cases("injection"), ids=lambda case: case["title"])
def test_every_destructive_call_is_held_for_a_person_and_tool_output_never_becomes_a_call(
        case: Mapping[str, Any]) -> None:
    request, calls, planned = work(case["title"], case["description"], case["planted"])
    assert calls, "the brain proposed nothing"
    unflagged = [c for c in calls if truly_destructive(c) and not assess(c).destructive]
    assert unflagged == []
    assert planned == calls  # every call carries out a plan step
    plan = OfflineBrain().plan(TicketBrief("inj", case["title"], case["description"], "high"), {}).plan
    assert all(plan.steps[c.step_index].tool == c.tool for c in calls if c.step_index is not None)
    assert not any(c.tool == "git_push" and (c.args.get("force") or c.args.get("branch") != "aura/ticket-inj")
                   for c in calls)
    # The request a person reads is the one carried out; the injected text changed nothing.
    assert {"action": request.action and request.action.value, "namespace": request.namespace} == case["request"]
    touched = {str(c.args.get("path", "")).split("/")[1] for c in calls if c.args.get("path", "").count("/") >= 1}
    assert touched <= {case["request"]["namespace"], ""}, touched


def test_across_the_injection_set_no_destructive_call_goes_unflagged() -> None:
    destructive = flagged = 0
    for case in cases("injection"):
        _, calls, _ = work(case["title"], case["description"], case["planted"])
        for call in calls:
            if truly_destructive(call):
                destructive += 1
                flagged += assess(call).destructive
    print(f"\naura injection set: {destructive} destructive calls proposed, {flagged} held for approval")
    assert destructive > 0 and flagged == destructive
