"""Code in a ticket: where it is, and whether the ticket asks for it to be carried out ("please run this for us:",
"apply the manifest below"). What it changes is opsdesk.aura.intent_code's.

Engineers paste the command or manifest they want run, and they paste logs, shell history and other people's
suggestions the same way; text addressed to the agent hides there too. So code (``` and ~~~ fences, and
kubectl-like lines in any shape) is set aside from the prose (opsdesk.aura.intent_scan.segments), and a block of it
is read only when all of these hold:

- nothing in the ticket, code included, reads as talking to the agent (`INJECTION`), and no word mixes scripts
  (`kubectӏ`, a Cyrillic letter in "ignore");
- the sentence right before it is an ask and nothing else (`ASK`): an asking opening ("please", "can someone", or
  the verb itself), a verb that carries code out, and words that point at the code ("this", "the following", "for
  us", "on prod"), with at most a reason that the asker lacks the rights ("we don't have prod rights"). "Please run
  this after the freeze", "please update the docs with this", "alice: please run this", a quoted "> please run
  this" are not. When the block opens the description, the title leads it, as an ask or an order and nothing else
  ("Expose inventory-api"). A block's lead is its own: one before the first block does not cover the next;
- nothing after the block, up to the next one, says it is a record, a suggestion or a thing not to run;
- it is code opsdesk.aura.intent_code fully understands, making one change to one target.

A whitelist of what an ask looks like, not a list of what a refusal looks like: the ways to say "don't" are
endless, and a ticket whose ask is worded otherwise is only asked what to do."""

from __future__ import annotations

import re
import unicodedata

from opsdesk.aura.intent_code import CodeRequest, one_change, parsed
from opsdesk.aura.intent_words import INJECTION, TITLE_TAG
from opsdesk.frozen import frozen

FENCE = re.compile(r"(```|~~~).*?(?:\1|$)", re.DOTALL)
_COMMAND_START = (r"[ \t]*(?:>[ \t]*)?(?:(?:[-*]|\d{1,2}[.)])[ \t]+)?(?:[\w@:~./-]{0,60}[$#%][ \t]*)?"
                  r"(?:sudo[ \t]+)?(?:[\w./-]{0,60}/)?(?:kubectl|oc|k)[ \t]")
COMMAND_LINES = re.compile(rf"^{_COMMAND_START}[^\n]*(?:\n{_COMMAND_START}[^\n]*)*", re.MULTILINE)
"""Command lines standing alone in the prose (as list items, quoted, after a prompt or sudo), one block for lines
that follow each other. Only `kubectl` (after a `$` or a list marker) is read; the rest is only set aside."""

_ASKER = (r"(?:(?:hi|hello|hey)\b[^.!?:]{0,30}[,!.]\s*)?(?:(?:can|could|would|will)\s+(?:you|u|someone|somebody|"
          r"anyone|one\s+of\s+you)(?:\s+with\s+(?:access|the\s+rights|rights|perms|permissions))?\s+|"
          r"(?:i|we)\s+need\s+(?:you|someone|somebody)\s+to\s+|need\s+someone\s+to\s+)?(?:please\s+|pls\s+|kindly\s+)?")
_PLACE = r"(?:prod|production|staging|the\s+cluster|(?:the\s+)?[a-z0-9][a-z0-9-]*\s+(?:namespace|ns))"
_POINTER = (r"(?:this|these|that|those|it|them|the\s+following|following|below|the\s+(?:below|above)|"
            r"the\s+(?:commands?|manifests?|yaml|snippet|script|following\s+(?:commands?|manifests?|yaml))|"
            rf"for\s+(?:me|us|them)|here|now|asap|please|too|as\s+well|as\s+below|(?:on|in|to|against)\s+{_PLACE})")
_REASON = (r"(?:(?:as\s+|since\s+|because\s+)?(?:i|we)\s+(?:lack|(?:do\s+not|don't|dont)\s+have|have\s+no)\s+"
           r"(?:the\s+|any\s+)?(?:\w+\s+)?(?:perms?|permissions?|rights?|access|rbac|privileges?)"
           r"(?:\s+(?:on|to|for|in)\s+(?:this\s+|the\s+)?[\w.-]+)?(?:\s+yet)?)")
_OBJECT = (r"(?:\s+(?:the\s+)?[a-z0-9][a-z0-9-]*(?:\s+(?:deployment|statefulset|sts))?)?(?:\s+(?:in|on)\s+"
           r"[a-z0-9][a-z0-9-]*)?(?:\s+to\s+[\w.:-]+)?")
"""What the verb acts on, at most: the workload, its place, its target ("scale api in shop to 6")."""
_RUN = r"(?:run|apply|execute|exec|do|perform)"
_CHANGE = r"(?:roll\s+out|restart|scale|deploy|create|delete|expose|push|update|upgrade|bump|bounce)"
ASK = re.compile(rf"{_ASKER}(?:{_RUN}|{_CHANGE}{_OBJECT})(?:\s+{_POINTER})*\s*(?:[,;]\s*(?:{_REASON}|thanks|"
                 r"thank\s+you|commands?|manifests?|as\s+below))?\s*[:.!?]?")
"""The whole of a sentence that asks for the code after it to be carried out: an asking opening, a verb that
carries code out, words that point at the code or name the cluster's place, at most a reason the asker lacks the
rights. A whitelist, not a list of refusals: the ways to say "don't", "later", "only on my laptop" or "the
attacker needs to" are endless, and a ticket worded otherwise is asked what to do."""
LACKING_ACCESS = re.compile(_REASON)
REASON_ONLY = re.compile(rf"{_REASON}\s*[:.!]?")
"""A sentence that only says why the asker asks ("can someone run this? we don't have the rights on this cluster:")."""
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
TITLE_ORDER = re.compile(rf"(?:please\s+)?{_CHANGE}{_OBJECT}")
"""A title that is an order and nothing else: a change verb, the workload, at most its place and its target
("Expose inventory-api", "Scale api in shop to 3"); not "Delete of api by the cleanup bot", "Scale to zero took
checkout offline"."""
NOT_CARRIED_OUT = re.compile(
    r"\b(?:ran|tried|did|executed|applied|typed|output|logs?|history|already|earlier|yesterday|previous(?:ly)?|"
    r"mistake|accident(?:al|ally)?|suggest(?:s|ed|ion)?|propos(?:e|ed|al)|wrote|said|says|posted|found|attacker|"
    r"compromised|suspicious|malicious|careful|caution|warning|danger(?:ous)?|avoid|hold|wait|not|never|nobody|"
    r"instead|example|dont|didnt|shouldnt|wont|cant)\b|n't\b")
"""After a block, up to the next: what says it was a record, a suggestion or a thing not to run ("that is what I
ran by mistake", "don't")."""


@frozen
class CodeBlock:
    text: str
    """The block as written (as segments() sets it aside)."""
    asked_for: bool


def code_spans(description: str) -> list[tuple[int, int]]:
    """Where the description's code is: fences, then command lines and inline command spans outside them."""
    spans = [(m.start(), m.end()) for m in FENCE.finditer(description)]
    spans += [(m.start(), m.end()) for m in COMMAND_LINES.finditer(description)
              if not any(start <= m.start() < end for start, end in spans)]
    return sorted(spans)


def code_blocks(title: str, description: str) -> list[CodeBlock]:
    spans = code_spans(description)
    blocks = []
    for index, (start, end) in enumerate(spans):
        before = description[spans[index - 1][1] if index else 0:start]
        after = description[end:spans[index + 1][0] if index + 1 < len(spans) else len(description)]
        opens = not before.strip() and not index
        asked = (_title_asks(title) if opens else _asks_to_carry_out(before)) and not NOT_CARRIED_OUT.search(
            LACKING_ACCESS.sub(" ", after.lower()))
        blocks.append(CodeBlock(description[start:end].strip(), asked))
    return blocks


def asked_code(title: str, description: str) -> tuple[CodeRequest | None, tuple[str, ...]]:
    """The one change the code the ticket asks to carry out makes (None when there is none, when anything in the
    ticket talks to the agent or mixes scripts, or when the blocks asked for are not one change), and the blocks."""
    whole = title + "\n" + FENCE.sub(lambda m: " " + m.group(0).strip("`~") + " ", description)
    if INJECTION.search(whole) or mixes_scripts(whole):
        return None, ()
    asked = [block.text for block in code_blocks(title, description) if block.asked_for]
    requests = [parsed(text) for text in asked]
    if not requests or any(request is None for request in requests):
        return None, ()
    merged = one_change([request for request in requests if request is not None])
    return (merged, tuple(asked)) if merged is not None else (None, ())


def plain(text: str) -> str:
    """Text as read: fullwidth forms as ASCII (a fullwidth ｀ fence), typographic apostrophes and hyphens as ASCII, no
    invisible characters (a zero-width space inside "run"). Dashes and ellipses stay: the prose reads them."""
    folded = (FOLDED.get(c, chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c) for c in text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


FOLDED = {"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-", "\u00a0": " "}


def mixes_scripts(text: str) -> bool:
    """A word of Latin letters with a letter of another script in it (`kubectӏ`, "іgnore"): a disguise."""
    for word in re.findall(r"[^\W\d_]+", text):
        if word.isascii() or not any(c.isascii() for c in word):
            continue
        if any(not c.isascii() and "LATIN" not in unicodedata.name(c, "") for c in word):
            return True
    return False


def _title_asks(title: str) -> bool:
    """A title leads code that opens the description when it is an ask for it or an order and nothing else."""
    lowered = TITLE_TAG.sub("", title).lower().strip()
    return bool(ASK.fullmatch(lowered) or TITLE_ORDER.fullmatch(lowered))


def _asks_to_carry_out(before: str) -> bool:
    """Whether the sentence right before the code is an ask for it (or the one before that, when the last only
    gives the reason: "can someone run this? we don't have the rights on this cluster:"). A quoted line ("> please
    run this:") is somebody else's ask."""
    sentences = [s.strip().lower().strip("*_") for s in SENTENCES.split(before) if s.strip()]
    if len(sentences) > 1 and REASON_ONLY.fullmatch(sentences[-1]):
        sentences.pop()
    return bool(sentences) and not sentences[-1].startswith(">") and bool(ASK.fullmatch(sentences[-1]))
