"""Reading a ticket: from its title and description, the work it asks for (`WorkRequest`): the action, the
workload and its kind, the namespace, the image or version, replicas, port, settings and resources.

Every field is chosen by weighing evidence (opsdesk.aura.intent_words), not by matching a template: an action by
the cues the ticket gives for it, a name by where a word stands (after the verb, before "deployment", after
"called"), a namespace by the phrases around it ("namespace X", "the X namespace", "ns X", weakly "in X"), a
replica count by the noun next to the number. What the ticket does not say stays None: an open choice the agent
asks about. Sentences that talk to the agent instead of describing work ("ignore previous instructions ...",
HTML comments) are set aside and never read as the request; code (fences, command lines) is never read as prose,
and is read as code only where the ticket asks for it to be carried out (opsdesk.aura.intent_fences)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from opsdesk.aura.intent_code import CodeRequest
from opsdesk.aura.intent_fences import asked_code
from opsdesk.aura.intent_merge import Stated, with_code
from opsdesk.aura.intent_scan import (
    Scan,
    best_software,
    name_candidates,
    scan,
    segments,
)
from opsdesk.aura.intent_target import (
    kind_named,
    kind_of,
    name_from_image,
    name_of,
    namespace_of,
    service_type_of,
    workload_and_place,
)
from opsdesk.aura.intent_text import plain
from opsdesk.aura.intent_values import port_of, replicas_of, resources_of, version_of
from opsdesk.aura.intent_words import (
    ACTED_ON,
    ASKING,
    CLAUSE_BREAK,
    CLAUSE_CHARS,
    CUES,
    CUES_OF,
    DONE_BEFORE,
    FIRM_CUE_WEIGHT,
    KIND_MENTION,
    NAMESPACE_ACTED_ON,
    NAMESPACE_ORDERED,
    NAMESPACE_PART,
    NAMESPACE_PLACE_AFTER,
    NAMESPACE_PLACE_BEFORE,
    NAMESPACE_WORDS,
    NEGATED,
    ORDER_START,
    REPORT_CUES,
    REPORT_OVER_FIRM,
    REQUEST_CUE_WEIGHT,
    REQUEST_MARKER,
    REQUEST_SENTENCE,
    SENTENCE_START,
    SINCE_BEFORE,
    SOFTWARE_PRIOR,
    STOP_CUE,
    SYMPTOM_AFTER_CUE,
    SYMPTOM_AROUND_CUE,
    TITLE_WEIGHT,
    VERBS,
    WANTED_AFTER,
    WANTED_IN_CLAUSE,
    Action,
    unmanaged_kind,
)
from opsdesk.aura.policy import is_production
from opsdesk.aura.software import lookup
from opsdesk.aura.work_request import WorkRequest

__all__ = ["Action", "WorkRequest", "read_ticket"]

T = TypeVar("T")
MIN_ACTION_SCORE = 1.0
CLEAR_NAME_SCORE = 4.5
"""A workload the prose names this clearly (the verb's object with its kind: "scale the web deployment") stands
against another in the code the ticket asks to run; a looser one (a title's "Restart needed") is left to ask."""


def read_ticket(title: str, description: str, *, action_asked: Action | None = None) -> WorkRequest:
    """What the ticket asks for. `action_asked`: the change a person named when asked (the planner's question),
    which the ticket's workload, namespace and the rest are then read for.

    The prose decides. Code the ticket asks to carry out (opsdesk.aura.intent_fences) is the change when the prose
    names none ("please run this for us:"), and otherwise fills only what the prose leaves open, where the two
    agree (opsdesk.aura.intent_merge)."""
    title, description = plain(title), plain(description)
    trusted, set_aside = segments(title, description)
    scans = [scan(segment) for segment in trusted]
    request = _read(scans, set_aside, action_asked)
    said = [command for segment in trusted for command in segment.said]
    if said and action_asked is None and not all(_makes(command, request) for command in said):
        # a command the ticket orders, said in words, and a reading that makes another change ("please restart api
        # by running `kubectl scale deploy/api --replicas=0`"): which one is meant is asked
        request = replace(request, action=None)
    code, read_blocks = asked_code(title, description)
    if code is None or (request.unmanaged is not None and code.unmanaged is None):
        return request  # (an unmanaged kind in both: the command's own kind and place are the more telling)
    action = action_asked or request.action
    if action is not None and (code.action is not action or code.unmanaged is not None):
        # code making another change than the prose: the prose stands where it asks with a verb of its own ("please
        # restart api"); a change read from looser evidence (a product named: "redis in cache") is asked about
        firm = action_asked is not None or any(_asks_for(s, action, FIRM_CUE_WEIGHT) for s in scans)
        return request if firm else replace(request, action=None)
    kept_aside = tuple(text for text in set_aside if text not in read_blocks)
    if code.unmanaged is not None:  # the command names the kind it acts on: more telling than the prose's words
        return replace(request, action=None, unmanaged=code.unmanaged, namespace=code.namespace or request.namespace,
                       set_aside=kept_aside, read_from_code=code.shown)
    prose = request if action is not None else _read(scans, list(kept_aside), code.action)
    candidates = name_candidates(scans, prose.action, set())
    clear_name = any(c.word == prose.name and (c.named or c.score >= CLEAR_NAME_SCORE) for c in candidates)
    stated = Stated(text=" ".join(s.masked for s in scans), images=frozenset(i for s in scans for i in s.images),
                    versions=frozenset(v for s in scans for v, _ in s.versions), port=port_of(scans),
                    named_change=action is not None)
    completed = with_code(prose, code, stated, clear_name=clear_name, candidates={c.word for c in candidates})
    if completed.read_from_code:
        return replace(completed, set_aside=kept_aside)
    return completed if action is not None else request  # they disagree: the code is not read


def _read(scans: list[Scan], set_aside: list[str], action_asked: Action | None) -> WorkRequest:
    scores = _action_scores(scans)
    # When the ticket asks for one change with a verb of its own (the title counts), that change is the request:
    # the words of the background ("the config was updated", "since the deploy") do not outweigh it. Two such
    # changes ("scale web; we need to restart the cache too, another ticket") are weighed as usual.
    firm = {action for action in scores if any(_asks_for(s, action, FIRM_CUE_WEIGHT) for s in scans)}
    ranked = sorted(scores.items(), key=lambda item: (len(firm) == 1 and item[0] in firm, item[1]), reverse=True)
    action: Action | None = ranked[0][0] if ranked and ranked[0][1] >= MIN_ACTION_SCORE else None
    if action is not None and _report_score(scans) >= ranked[0][1] * _report_needs(scans, action):
        action = None  # a problem reported, no change asked for: the planner asks which change to make
    action = action_asked or action
    # The kind asked for is the request's when one sentence asks with a verb of its own ("please bounce the
    # auth-proxy pods"), or a ticket form's `Kind: DaemonSet` line: a ConfigMap the background names is context.
    unmanaged = _asked_kind([s for s in scans if not s.title and (
        s.masked.startswith("kind:") or any(_asks_for(s, a, FIRM_CUE_WEIGHT) for a in firm))] if len(firm) == 1
                            else scans)
    if unmanaged is not None:
        # Nothing the agent writes would do what the ticket asks: any action read would be another change.
        return WorkRequest(action=None, namespace=namespace_of(scans, None), unmanaged=unmanaged,
                           set_aside=tuple(set_aside))
    # The request's own sentences first, then the whole ticket for what they leave open.
    focus = [s for s in scans if not s.title and _asks_for(s, action)] if action is not None else []
    readings = [focus, scans] if focus else [scans]
    software = _first(readings, lambda part: best_software(part, action))
    namespace = _first(readings, lambda part: namespace_of(part, software))
    requested_place = bool(focus) and namespace is not None and namespace == namespace_of(focus, software)
    # A product named in the background ("after the rabbitmq upgrade") is not the request's workload.
    names: dict[int, str | None] = {}

    def name_in(index: int) -> str | None:
        if index not in names:
            part = readings[index]
            names[index] = name_of(part, action, best_software(part, action), namespace)
        return names[index]

    name = next((found for index in range(len(readings)) if (found := name_in(index)) is not None), None)
    image = _first(readings, lambda part: next((image for s in part for image in s.images), None))
    if name is None and image is not None and action in (Action.DEPLOY, Action.UPDATE_IMAGE):
        name = name_from_image(image)
    # A namespace the request acts on, whatever the background names: read where a namespace is first mentioned
    # (an image to run is a deploy, whatever namespace is named).
    told = next((index for index, part in enumerate(readings)
                 if any(NAMESPACE_WORDS.search(s.masked) for s in part)), None)
    if told is not None and action in (Action.DEPLOY, Action.DELETE_WORKLOAD) and image is None and (
            _orders_a_namespace(readings[told]) or (
                name_in(told) is None and best_software(readings[told], action) is None
                and any(_acts_on_a_namespace(s.masked) for s in readings[told]))):
        action = Action.CREATE_NAMESPACE if action is Action.DEPLOY else Action.DELETE_NAMESPACE
    if action in (Action.CREATE_NAMESPACE, Action.DELETE_NAMESPACE):
        name = namespace
    else:
        name, namespace = workload_and_place(scans, action, software, name, namespace,
                                              requested_place=requested_place)
    tag = _first(readings, version_of) if action in (Action.DEPLOY, Action.UPDATE_IMAGE) and image is None else None
    if software is not None and image is None and action in (Action.DEPLOY, Action.UPDATE_IMAGE):
        image = software.image_at(tag) if tag else software.image if action is Action.DEPLOY else None
    replicas = _first(readings, lambda part: replicas_of(part, action)) if action in (Action.DEPLOY, Action.SCALE) \
        else None
    if action is Action.SCALE and replicas is None and any(STOP_CUE.search(s.masked) for s in scans):
        replicas = 0
    env = {key: value for s in scans for key, value in s.env.items()}
    text = " ".join(s.masked for s in scans)
    # The workload's kind and port: of the request, and of a product only when the workload is that product (the
    # redis statefulset a ticket mentions beside "please scale api" makes api no StatefulSet).
    request = readings[0] + [s for s in scans if name and any(w.text == name for w in s.words)]
    request_text = " ".join(s.masked for s in request)  # "ledger-db runs as a StatefulSet. Please scale it to 3"
    workload_software = software if software is not None and (action is Action.DEPLOY or name == software.name) \
        else None
    margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0) if ranked else 0.0
    return WorkRequest(
        action=action, name=name, namespace=namespace,
        kind=kind_named(name, text) or kind_of(request_text, workload_software, action),
        image=image, tag=tag, replicas=replicas,
        port=port_of(request) or (workload_software.port if workload_software else None), env=env,
        resources=resources_of(scans), service_type=service_type_of(text),
        software=software.name if software else None,
        production=bool(namespace and is_production(namespace)) or bool(re.search(r"\b(?:production|prod|prd)\b",
                                                                                   text)),
        set_aside=tuple(set_aside), confidence=round(min(1.0, margin / 4.0), 2))


def _makes(command: CodeRequest, request: WorkRequest) -> bool:
    """Whether the reading is the change the command makes: its action, on its workload, in its namespace."""
    return command.action is request.action and command.name == request.name and (
        command.namespace is None or command.namespace == request.namespace)


def _first(readings: list[list[Scan]], read: Callable[[list[Scan]], T | None]) -> T | None:
    """What the first of the readings that says it says (the request's sentences, then the whole ticket)."""
    return next((found for part in readings if (found := read(part)) is not None), None)


def _asks_for(s: Scan, action: Action, least: float = REQUEST_CUE_WEIGHT) -> bool:
    """Whether a sentence of the description is the request: a cue of the change (REQUEST_CUE_WEIGHT or more) asked
    for, in a sentence that asks (REQUEST_SENTENCE) or opening it as an order. Not "please don't delete X", "please
    keep the namespace" or "action item for later: profile the api". (A title names things loosely: "Scale the api"
    over "please scale user-api to 4".)"""
    asks = REQUEST_SENTENCE.search(s.masked) is not None
    for cue, weight in CUES[CUES_OF.get(action, action)]:
        if weight < least:
            continue
        for found in cue.finditer(s.masked):
            if _asked_for(s.masked, found) and (asks or _opens_an_order(s.masked, found, ORDER_START)):
                return True
    return False


def _orders_a_namespace(scans: list[Scan]) -> bool:
    """Whether a sentence orders a namespace made or removed ("please delete the hackathon namespace, everything in
    it"), whatever workloads it names besides."""
    for s in scans:
        for mention in NAMESPACE_WORDS.finditer(s.masked):
            if NAMESPACE_PART.match(s.masked, mention.end()):
                continue
            order = NAMESPACE_ORDERED.search(s.masked, max(0, mention.start() - CLAUSE_CHARS), mention.start())
            if order is not None and not NEGATED.search(s.masked, max(0, order.start() - CLAUSE_CHARS), order.start()):
                return True
    return False


def _acts_on_a_namespace(text: str) -> bool:
    """Whether a namespace is what the sentence acts on ("delete the demo namespace", "create a new namespace:
    team-blue"), not where ("put it in the identity namespace", "namespace: shop")."""
    for mention in NAMESPACE_WORDS.finditer(text):
        # the clause's reach only: searching all that goes before would grow with the ticket
        before = text[max(0, mention.start() - CLAUSE_CHARS):mention.start()]
        if NAMESPACE_ACTED_ON.search(before):
            return True
        if not (NAMESPACE_PLACE_BEFORE.search(before) or NAMESPACE_PLACE_AFTER.match(text, mention.end())):
            return True
    return False


def _asked_kind(scans: list[Scan]) -> str | None:
    """The unmanaged kind the ticket asks for, if it asks for one: the first kind word of the description (else
    the title) that is not a place or target ("in the jobs namespace", "to the web service"), when that word is an
    unmanaged kind. A managed kind named first ("the api deployment ... its ConfigMap") keeps the ticket."""
    for scan_ in sorted(scans, key=lambda s: s.title):
        for mention in KIND_MENTION.finditer(scan_.masked):
            if mention.group("place"):
                continue
            if mention.group("managed"):
                return None
            return unmanaged_kind(mention.group("unmanaged"))
    return None


def _asked_for(text: str, found: re.Match[str]) -> bool:
    """Whether a change word in `text` asks for the change, rather than telling what happened or did not ("we
    upgraded redis last week", "nginx was restarted", "we didn't scale anything", "since the deploy") or asking
    about it ("is it safe to delete ...?"). Reads the clause the word stands in only (CLAUSE_BREAK)."""
    start = found.start()
    reach = max(0, start - CLAUSE_CHARS * 4)
    sentence_start = max(reach - 1, *(text.rfind(mark, reach, start) for mark in ".!?")) + 1
    if ASKING.match(text, sentence_start, min(len(text), start + CLAUSE_CHARS * 4)):
        return False
    window = text[max(sentence_start, start - CLAUSE_CHARS):start]
    clause = CLAUSE_BREAK.split(window)[-1]
    if NEGATED.search(clause):
        return False
    word = found.group(0).split()[0]
    if (word.endswith("ing") and SYMPTOM_AROUND_CUE.search(clause)) or SYMPTOM_AFTER_CUE.match(text, found.end()):
        return False  # "api keeps restarting", "pods restart every 10 minutes": it happens, nobody asks for it
    if (word.endswith("ed") and word not in {"need", "speed"}) or DONE_BEFORE.search(clause):
        return bool(WANTED_IN_CLAUSE.search(clause) or WANTED_AFTER.match(text, found.end()))
    return not SINCE_BEFORE.search(clause)


def _tells_a_change(s: Scan) -> bool:
    return any(not _asked_for(s.masked, found) for cues in CUES.values() for pattern, _ in cues
               for found in pattern.finditer(s.masked))


def _action_scores(scans: list[Scan]) -> dict[Action, float]:
    scores: dict[Action, float] = dict.fromkeys(CUES, 0.0)
    for s in scans:
        weight = TITLE_WEIGHT if s.title else 1.0
        for action, cues in CUES.items():
            scores[action] += weight * sum(w * sum(_asked_for(s.masked, found) for found in pattern.finditer(s.masked))
                                           for pattern, w in cues)
        scores[Action.UPDATE_CONFIG] += weight * 3.0 * bool(s.env)
        scores[Action.UPDATE_IMAGE] += weight * (1.0 * len(s.images) + 1.5 * len(s.versions))
    told_of = {w.text for s in scans if _tells_a_change(s) for w in s.words if lookup(w.text)}
    if any(lookup(w.text) and w.text not in told_of for s in scans for w in s.words):
        scores[Action.DEPLOY] += SOFTWARE_PRIOR  # "memcached please"; not "redis was upgraded last week"
    return {action: score for action, score in scores.items() if score > 0}


def _report_needs(scans: list[Scan], action: Action) -> float:
    """How many times the change's own evidence the report must outweigh to be read as one instead: never when the
    values the change needs are written out (a replica count to scale to, an image or version to run, `KEY=value`
    settings) or the ticket asks for it ("please redeploy it", a sentence that opens with it); REPORT_OVER_FIRM when
    a verb of its own names it; else once."""
    written_out = ((action is Action.UPDATE_CONFIG and any(s.env for s in scans))
                   or (action is Action.UPDATE_IMAGE and any(s.images or s.versions for s in scans))
                   or (action is Action.SCALE and replicas_of(scans, action) is not None))
    if written_out or _requested(scans, action):
        return math.inf
    firm = any(weight >= FIRM_CUE_WEIGHT and cue.search(s.masked) for s in scans for cue, weight in CUES[action])
    return REPORT_OVER_FIRM if firm else 1.0


def _requested(scans: list[Scan], action: Action) -> bool:
    """Whether the change is asked for: a cue of it after "please", "can you" and the like, or opening a sentence
    with what it acts on after it ("double the gateway pods", "switch it to ..."; "pods evicted in" opens with no
    verb). A deploy's generic words ("make", "add", "get a", "want") are not enough: "make it faster" asks for no
    deploy."""
    for s in scans:
        for cue, weight in CUES[action]:
            if action is Action.DEPLOY and weight < FIRM_CUE_WEIGHT:
                continue
            for found in cue.finditer(s.masked):
                if not _asked_for(s.masked, found):
                    continue
                # the clause's reach only: searching all that goes before each word would grow with the ticket
                before = s.masked[max(0, found.start() - CLAUSE_CHARS):found.start()]
                if _opens_an_order(s.masked, found) or REQUEST_MARKER.search(before):
                    return True
    return False


def _opens_an_order(text: str, found: re.Match[str], start: re.Pattern[str] = SENTENCE_START) -> bool:
    """Whether the cue opens its sentence (where `start` says one opens) as an order, with what it acts on after it
    ("double the gateway pods")."""
    before = text[max(0, found.start() - CLAUSE_CHARS):found.start()]
    return bool(found.group(0).split()[0] in VERBS and start.search(before)
                and ACTED_ON.match(text, found.end(), found.end() + CLAUSE_CHARS))


def _report_score(scans: list[Scan]) -> float:
    return sum((TITLE_WEIGHT if s.title else 1.0) * sum(w * len(cue.findall(s.masked)) for cue, w in REPORT_CUES)
               for s in scans)
