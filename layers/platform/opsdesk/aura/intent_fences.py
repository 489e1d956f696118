"""Code fences a ticket asks the agent to run or apply ("please run this for us:", "apply the manifest below").

A fence is set aside by default (opsdesk.aura.intent_scan.segments): pasted logs, shell history and text that talks
to the agent live there. One is read only when all of these hold:

- it holds kubectl commands or manifest lines and nothing else (prose in a fence is never read);
- no line of it, and nothing else in the ticket, reads as talking to the agent (`INJECTION`);
- the sentence right before it (the title, when the fence opens the description) asks for it to be carried out: a
  request or an order with an executing verb, not a report of what was run, a question about it or a request to
  review it.

What such a fence asks becomes sentences of a ticket form ("Namespace: shop", "Replicas: 3") or the command
itself, which opsdesk.aura.intent reads beside the prose; the plan names every line read from a fence."""

from __future__ import annotations

import re

from opsdesk.aura.intent_words import ASKING, INJECTION, REQUEST_SENTENCE, TITLE_TAG
from opsdesk.frozen import frozen

FENCE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
MAX_FENCE_LINES = 60
"""A longer block is a file or a log, not a request: it stays set aside (and reading stays linear)."""
COMMAND_LINE = re.compile(r"(?:\$\s*)?(kubectl\s+[^\n]+)$")
MANIFEST_LINE = re.compile(r"(?:-\s+)?[\w./\"'-]+\s*:(?:\s+[^\n]*)?$|-\s+[^\n]+$|---$")
"""A manifest's line: `key: value`, `key:`, a list item or a document break."""
MANIFEST_FIELD = re.compile(r"(?:-\s+)?(kind|name|namespace|image|replicas)\s*:\s*[\"']?([A-Za-z0-9][\w./:@-]*)[\"']?$")
ENV_VALUE = re.compile(r"value\s*:\s*[\"']?([^\"'\s]+)[\"']?$")
WORKLOAD_KINDS = {"deployment": "Deployment", "statefulset": "StatefulSet"}

EXECUTING = re.compile(r"\b(?:run|apply|execute|exec|do|perform|use|deploy|create|scale|restart|roll(?:\s+out)?|"
                       r"update|set|change|delete|remove|expose|bump|patch|push|make|move)\b")
"""A verb that opens an order to carry the block out ("run this", "apply the following")."""
NOT_CARRIED_OUT = re.compile(r"\b(?:ran|tried|did|executed|applied|output|logs?|history|already|current(?:ly)?|"
                             r"earlier|yesterday|review|check|verify|explain|understand|safe|wrong|why|see|look|"
                             r"before\s+any)\b")
"""What says the block is a record, a question or a thing to look at, not an order: "here is what I ran", "the
current manifest", "can you review this"."""
NEGATED_ORDER = re.compile(r"\b(?:don'?t|do\s+not|never|not|nobody|no\s+one)\s+(?:\w+\s+){0,2}?(?:run|apply|execute|"
                           r"exec|do|perform|use)\b")
"""An order not to carry it out ("don't run this", "please do not apply"); not "I don't have prod rights"."""
ORDER_OPENING = re.compile(rf"\s*(?:[-*]\s*)?(?:{EXECUTING.pattern[2:-2]})\b")
LEAD_REACH = 300
"""How much text before a fence its lead sentence is looked for in (linear in the ticket)."""


@frozen
class CodeBlock:
    text: str
    """The fence as written (as segments() sets it aside)."""
    lines: tuple[str, ...]
    """What it asks, as sentences the reader reads; empty when it is not commands and manifests only."""
    asked_for: bool
    """The sentence before it asks for it to be carried out."""


def code_blocks(title: str, description: str) -> list[CodeBlock]:
    """Every fence of the description, with what it asks and whether the ticket asks to carry it out."""
    blocks = []
    for match in FENCE.finditer(description):
        before = FENCE.sub(" ", description[max(0, match.start() - LEAD_REACH):match.start()])
        lead = _last_sentence(before) or TITLE_TAG.sub("", title).strip()
        blocks.append(CodeBlock(match.group(0).strip(), tuple(_commands_and_manifest(match.group(0))),
                                _asks_to_carry_out(lead)))
    return blocks


def readable_blocks(title: str, description: str) -> list[CodeBlock]:
    """The fences the reader reads: asked for, commands and manifests only, and in a ticket with nothing that talks
    to the agent outside them."""
    outside = FENCE.sub(" ", description)
    if INJECTION.search(title) or INJECTION.search(outside):
        return []
    return [block for block in code_blocks(title, description) if block.asked_for and block.lines]


def _last_sentence(text: str) -> str:
    pieces = [piece.strip() for piece in re.split(r"(?<=[.!?;])\s+|\n\s*\n", text) if piece.strip()]
    return pieces[-1] if pieces else ""


def _asks_to_carry_out(lead: str) -> bool:
    lowered = lead.lower().strip()
    if not lowered or ASKING.match(lowered) or INJECTION.search(lowered):  # "is it safe to run this?"; not "can you"
        return False
    if NOT_CARRIED_OUT.search(lowered) or NEGATED_ORDER.search(lowered):
        return False
    return bool(REQUEST_SENTENCE.search(lowered) or ORDER_OPENING.match(lowered))


def _commands_and_manifest(fenced: str) -> list[str]:
    """What a fence asks, when it is kubectl commands or manifest lines and nothing else: each command; a whole
    workload manifest as a ticket form's lines ("New deployment: api", "Namespace: shop", "Image: ...",
    "Replicas: 3"), another kind as "Kind: DaemonSet"; an env list's `name`/`value` pairs as `KEY=value`. Empty for
    anything else."""
    lines = fenced.strip().strip("`").splitlines()
    if lines and re.fullmatch(r"[\w+-]*", lines[0].strip()):
        lines = lines[1:]  # the fence's language ("yaml", "bash") or nothing
    lines = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    if not lines or len(lines) > MAX_FENCE_LINES or any(INJECTION.search(line) for line in lines):
        return []
    if not all(COMMAND_LINE.match(line) or MANIFEST_LINE.match(line) for line in lines):
        return []
    read = [found.group(1) for line in lines if (found := COMMAND_LINE.match(line))]
    whole = any(re.match(r"(?:kind|metadata)\s*:", line) for line in lines)  # else `name:` is a container's or env's
    fields: dict[str, str] = {}
    for index, line in enumerate(lines):
        found = MANIFEST_FIELD.match(line)
        if found is None:
            continue
        key, value = found.group(1).lower(), found.group(2)
        if key == "name" and index + 1 < len(lines) and (pair := ENV_VALUE.match(lines[index + 1])):
            read.append(f"{value}={pair.group(1)}")  # an env list's item
        elif key == "image" or whole:
            fields.setdefault(key, value)
    kind = fields.pop("kind", None)
    name = fields.pop("name", None)
    if kind is not None and kind.lower() in WORKLOAD_KINDS and name is not None:
        read.append(f"New {kind.lower()}: {name}")
    elif kind is not None:
        read += [f"Kind: {kind}", *([f"Name: {name}"] if name else [])]
    return read + [f"{key.capitalize()}: {value}" for key, value in fields.items()]
