"""Changing commands quoted inside a sentence (`kubectl rollout restart deploy/api -n shop` in backquotes): taken out
of the sentence unless it orders them in so many words (opsdesk.aura.intent_text.orders_quoted), and else given to the
prose reader as the change they make, in words."""

from __future__ import annotations

import re

from opsdesk.aura.intent_code import CodeRequest, parsed
from opsdesk.aura.intent_text import BACKQUOTED, QUOTED_CHANGE, orders_quoted
from opsdesk.aura.intent_words import Action
from opsdesk.frozen import frozen

PLAIN_VALUE = re.compile(r"[\w./:@-]+")
"""A setting's value the prose reader takes whole (no space, quote, comma or semicolon to end it early)."""


@frozen
class QuotedReading:
    """A sentence as the prose reader takes it, with its backquoted changing commands weighed
    (`read_quoted`)."""

    text: str
    set_aside: tuple[str, ...] = ()
    """The commands it quotes without ordering them: a record, someone else's, a thing not to do."""
    said: tuple[CodeRequest, ...] = ()
    """The commands it orders, said in words in `text`: the whole reading must make their change
    (opsdesk.aura.intent)."""


def read_quoted(sentence: str) -> QuotedReading:
    """The sentence with each backquoted changing command it does not order taken out (the rest of the sentence
    stays prose: "scale checkout to 4 with `...`" still asks), and each one it orders said in words the prose reader
    takes: `kubectl rollout restart deploy/api -n shop` is "restart the api deployment in namespace shop"
    (kubectl's own words read as English: `deploy/api` as a deploy). Only a command intent_code reads exactly and
    that words carry whole is said; an ordered one that is not is taken out too, and the agent asks."""
    if "`" not in sentence:
        return QuotedReading(sentence)
    parts: list[str] = []
    set_aside: list[str] = []
    said: list[CodeRequest] = []
    last = 0
    for quoted in BACKQUOTED.finditer(sentence):
        command = quoted.group(1)
        if QUOTED_CHANGE.search(command) is None:
            continue
        parts.append(sentence[last:quoted.start()])
        last = quoted.end()
        if not orders_quoted(sentence, quoted.start(), quoted.end()):
            set_aside.append(command.strip())
            parts.append(" ")
            continue
        request = parsed(command) if command.lstrip().startswith("kubectl") else None
        words = _in_words(request) if request is not None else None
        if words is None or request is None:  # its own words would be read as English: asked about instead
            set_aside.append(command.strip())
            parts.append(" ")
            continue
        parts.append(words)
        said.append(request)
    parts.append(sentence[last:])
    return QuotedReading("".join(parts), tuple(set_aside), tuple(said))


def _in_words(request: CodeRequest) -> str | None:
    """The change in words, or None when words would not carry all of it (a count, port or image missing, a value
    with spaces)."""
    if request.unmanaged is not None or request.action is None or request.name is None:
        return None
    if any(not PLAIN_VALUE.fullmatch(value) for value in request.env.values()):
        return None
    workload = f"the {request.name} {(request.kind or 'Deployment').lower()}"
    place = f" in namespace {request.namespace}" if request.namespace else ""
    settings = " ".join(f"{key}={value}" for key, value in request.env.items())
    said = {
        Action.SCALE: f"scale {workload}{place} to {request.replicas} replicas" if request.replicas is not None
        else None,
        Action.RESTART: f"restart {workload}{place}",
        Action.UPDATE_IMAGE: f"update {workload}{place} to {request.image}" if request.image else None,
        Action.UPDATE_CONFIG: f"set {settings} on {workload}{place}" if settings else None,
        Action.DELETE_WORKLOAD: f"delete {workload}{place}",
        Action.EXPOSE: f"expose {workload}{place} on port {request.port}" if request.port is not None else None,
        Action.DEPLOY: f"deploy {workload} with image {request.image}{place}"
        + (f" with {request.replicas} replicas" if request.replicas is not None else "") if request.image else None,
        Action.CREATE_NAMESPACE: f"create the namespace {request.name}",
        Action.DELETE_NAMESPACE: f"delete the namespace {request.name}",
    }
    return said.get(request.action)
