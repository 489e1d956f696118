"""Whether a ticket asks for its code to be carried out ("please run this for us:", "apply the manifest below").
Where its code is, is opsdesk.aura.intent_text's; what the code changes, opsdesk.aura.intent_code's.

Engineers paste the command or manifest they want run, and they paste logs, shell history, other people's
suggestions and phishing the same way; text addressed to the agent hides there too. A block of code is read only
when all of these hold:

- nothing in the ticket, code included, reads as talking to the agent (`INJECTION`), mixes a lookalike script into
  a Latin word, doubts where the code came from ("is this legit?", "phishing") or is a chat transcript;
- the sentence right before it (the title, when the block opens the description) is an ask and nothing else
  (`ASK`): an asking opening ("please", "can someone with access", or none), then either a verb that runs code
  ("run", "apply") and words that point at the code ("this", "the following", "for us", "on prod"), or a change
  verb whose object is the workload the code itself acts on ("scale api to 6, command:", a title "Expose
  inventory-api"), with at most a reason the asker lacks the rights ("we don't have prod rights"). "Please run this
  after the freeze", "update me on this", "Scale history:", "alice: please run this", a quoted "> please run this"
  are not asks. A block's lead is its own: an ask before one block does not cover the next;
- nothing after it in the ticket says it is a record, a question or not to be run ("that is what I ran by
  mistake", "is that safe?", "scratch the first block");
- opsdesk.aura.intent_code understands it exactly, and all blocks read make one change to one target.

A whitelist of what an ask looks like, not a list of what a refusal looks like: the ways to say "don't" are
endless, and a ticket worded otherwise is only asked what to do."""

from __future__ import annotations

import re

from opsdesk.aura.intent_code import MAX_COMMANDS, CodeRequest, one_change, parsed
from opsdesk.aura.intent_scan import SENTENCE_BREAK
from opsdesk.aura.intent_text import code_spans, mixes_scripts
from opsdesk.aura.intent_words import INJECTION, TITLE_TAG
from opsdesk.frozen import frozen

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
_TAIL = rf"\s*(?:[,;]\s*(?:{_REASON}|thanks|thank\s+you|commands?|manifests?|as\s+below))?\s*[:.!?]?"
RUN_ASK = re.compile(rf"{_ASKER}(?:run|apply|execute|do|perform)(?:\s+{_POINTER})*{_TAIL}")
CHANGE_ASK = re.compile(rf"{_ASKER}(?:roll\s+out|restart|scale|deploy|create|delete|expose)\s+(?:the\s+)?"
                        r"(?P<object>[a-z0-9][a-z0-9-]*)(?:\s+(?:deployment|statefulset|sts))?"
                        r"(?:\s+(?:in|on)\s+[a-z0-9][a-z0-9-]*)?(?:\s+to\s+[\w.:-]+)?"
                        rf"(?:\s+{_POINTER})*{_TAIL}")
"""An order naming its object, which must be the workload the code acts on: "scale api to 6, command:" before
`kubectl scale deploy/api`; not "Scale history:" or "Delete hangs in shop"."""
REASON_ONLY = re.compile(rf"{_REASON}\s*[:.!]?")
"""A sentence that only says why the asker asks ("can someone run this? we don't have the rights on this cluster:")."""
NOT_CARRIED_OUT = re.compile(
    r"\b(?:ran|tried|did|executed|applied|typed|output|logs?|history|already|earlier|yesterday|previous(?:ly)?|"
    r"mistake|accident(?:al|ally)?|suggest(?:s|ed|ion)?|propos(?:e|ed|al)|wrote|said|says|posted|found|attacker|"
    r"compromised|suspicious|malicious|careful|caution|warning|danger(?:ous)?|avoid|hold|wait|not|never|nobody|"
    r"instead|example|dont|didnt|shouldnt|wont|cant|kidding|joke|scratch|disregard|retract|cancel(?:led)?)\b"
    r"|n't\b|\?")
"""After a block, anywhere later in the ticket: what says it was a record, a question or a thing not to run."""
DISTRUST = re.compile(r"\b(?:phish(?:ing)?|spam|scam|fraud|fake|legit(?:imate)?|suspicious|malicious|attacker|"
                      r"compromised|social\s+engineering)\b|^\s*\S+\s+\d{1,2}:\d{2}(?:\s*[ap]m)?\s*$|^\s*\[\d{1,2}:\d{2}",
                      re.IGNORECASE | re.MULTILINE)
"""A ticket that doubts where its code came from, or a pasted chat transcript ("alice  10:05 AM"): none of its code
is anyone's ask to the agent."""


@frozen
class CodeBlock:
    text: str
    """The block as written (as segments() sets it aside)."""
    asked_for: bool


def code_blocks(title: str, description: str) -> list[CodeBlock]:
    spans = code_spans(description)
    refusals = [m.start() for m in NOT_CARRIED_OUT.finditer(REASON.sub(" ", description.lower()))]
    last_refusal = max(refusals, default=-1)  # one pass: every block is checked against what follows it
    blocks = []
    for index, (start, end) in enumerate(spans):
        before = description[spans[index - 1][1] if index else 0:start]
        code = description[start:end]
        opens = not before.strip() and not index
        asked = _asks_to_carry_out(title if opens else before, code, title=opens) and last_refusal < end
        blocks.append(CodeBlock(code.strip(), asked))
    return blocks


def asked_code(title: str, description: str) -> tuple[CodeRequest | None, tuple[str, ...]]:
    """The one change the code the ticket asks to carry out makes (None when there is none, when the ticket talks to
    the agent, disguises words, doubts its code, or when the blocks asked for are not one change), and the blocks."""
    whole = title + "\n" + description.replace("```", " ").replace("~~~", " ")
    if INJECTION.search(whole) or mixes_scripts(whole) or DISTRUST.search(whole):
        return None, ()
    asked = [block.text for block in code_blocks(title, description) if block.asked_for]
    requests = [parsed(text) for text in asked]
    if not requests or any(request is None for request in requests):
        return None, ()
    merged = one_change([request for request in requests if request is not None])
    if merged is None or len(merged.shown) > MAX_COMMANDS:
        return None, ()
    return merged, tuple(asked)


REASON = re.compile(_REASON)


def _asks_to_carry_out(before: str, code: str, *, title: bool) -> bool:
    """Whether the sentence right before the code is an ask for it (or the one before that, when the last only
    gives the reason: "can someone run this? we don't have the rights on this cluster:"). A quoted line ("> please
    run this:") is somebody else's ask."""
    sentences = [s.strip().lower().strip("*_") for s in SENTENCE_BREAK.split(before) if s.strip()]
    if len(sentences) > 1 and REASON_ONLY.fullmatch(sentences[-1]):
        sentences.pop()
    if not sentences or sentences[-1].startswith(">"):
        return False
    lead = TITLE_TAG.sub("", sentences[-1]).strip() if title else sentences[-1]
    if RUN_ASK.fullmatch(lead):
        return True
    order = CHANGE_ASK.fullmatch(lead)
    return order is not None and re.search(rf"(?<![\w-]){re.escape(order['object'])}(?![\w-])", code) is not None
