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
from opsdesk.aura.intent_text import ASKER, CHANGE_ORDER, code_spans, mixes_scripts
from opsdesk.aura.intent_words import INJECTION, TITLE_TAG
from opsdesk.aura.policy import is_production
from opsdesk.frozen import frozen

_PLACE = r"(?:prod|production|staging|the\s+cluster|(?:the\s+)?[a-z0-9][a-z0-9-]*\s+(?:namespace|ns))"
_POINTER = (r"(?:this|these|that|those|it|them|the\s+following|following|below|the\s+(?:below|above)|"
            r"(?:the|this|these)\s+(?:commands?|manifests?|yaml|snippet|script|following\s+(?:commands?|manifests?|yaml))|"
            rf"for\s+(?:me|us|them)|here|now|asap|please|too|as\s+well|as\s+below|(?:on|in|to|against)\s+{_PLACE})")
_REASON = (r"(?:(?:as\s+|since\s+|because\s+)?(?:i|we)\s+(?:lack|(?:do\s+not|don't|dont)\s+have|have\s+no)\s+"
           r"(?:the\s+|any\s+)?(?:\w+\s+)?(?:perms?|permissions?|rights?|access|rbac|privileges?)"
           r"(?:\s+(?:on|to|for|in)\s+(?:this\s+|the\s+)?[\w.-]+)?(?:\s+yet)?)")
_TAIL = rf"\s*(?:[,;]\s*(?:{_REASON}|thanks|thank\s+you|commands?|manifests?|as\s+below))?\s*[:.!?]?"
RUN_ASK = re.compile(rf"{ASKER}(?:run|apply|execute|do|perform)(?:\s+{_POINTER})*{_TAIL}")
CHANGE_ASK = re.compile(rf"{CHANGE_ORDER}(?:\s+{_POINTER})*{_TAIL}")
"""An order naming its object, which must be the workload the code acts on: "scale api to 6, command:" before
`kubectl scale deploy/api`; not "Scale history:" or "Delete hangs in shop"."""
TITLE_REFUSAL = re.compile(r"\b(?:do\s+not|don'?t|never)\s+(?:run|apply|use|merge|execute)\b|\bnot\s+(?:yet\s+)?"
                           r"approved\b|\b(?:draft|wip|wontfix|rejected|declined|attacker|compromised)\b|"
                           r"for\s+the\s+record|for\s+reference", re.IGNORECASE)
"""A title that says its code is not to be run ("[DO NOT RUN] Scale api", "DRAFT - not yet approved", "Wrong
command run on api (for the record)")."""
REASON_ONLY = re.compile(rf"{_REASON}\s*[:.!]?")
THANKS = re.compile(r"(?:thanks|thank\s+you|ty|cheers)(?:\s+(?:a\s+lot|in\s+advance))?\s*[.!]*")
PLACE_NAMED = re.compile(r"\b(?:on|in|to|against)\s+(?:(?P<stage>prod|production|staging)\b|(?:the\s+)?"
                         r"(?P<namespace>[a-z0-9][a-z0-9-]*)\s+(?:namespace|ns)\b)")
CODE_NAMESPACE = re.compile(r"(?:-n[ =]?|--namespace[ =])([a-z0-9][a-z0-9-]*)|^\s*namespace:\s*([a-z0-9-]+)",
                            re.MULTILINE)
"""A sentence that only says why the asker asks ("can someone run this? we don't have the rights on this cluster:")."""
NOT_CARRIED_OUT = re.compile(
    r"\b(?:ran|tried|did|executed|applied|typed|output|logs?|history|already|earlier|yesterday|previous(?:ly)?|"
    r"mistake|accident(?:al|ally)?|suggest(?:s|ed|ion)?|propos(?:e|ed|al)|wrote|said|says|posted|found|attacker|"
    r"compromised|suspicious|malicious|careful|caution|warning|danger(?:ous)?|avoid|hold|wait|not|never|nobody|"
    r"instead|example|dont|didnt|shouldnt|wont|wontfix|cant|kidding|joke|scratch|disregard|retract|cancel(?:led)?|"
    r"oops|wrong|ignore|resolved|leave|reference|nevermind|sorry|thought|whichever)\b|\bno\s+(?:action|need)\b|"
    r"never\s+mind|"
    r"n't\b|\?")
"""After a block, anywhere later in the ticket: what says it was a record, a question or a thing not to run."""
DISTRUST = re.compile(r"\b(?:phish(?:ing)?|spam|scam|fraud|fake|legit(?:imate)?|suspicious|malicious|attacker|"
                      r"compromised|social\s+engineering|forwarded)\b|\b(?:wrote|posted|said|says)\b[^\n.]{0,40}:|"
                      r"^[ \t]*from:|^[ \t]*\S+[ \t]+\d{1,2}:\d{2}(?:[ \t]*[ap]m)?[ \t]*$|^[ \t]*\[\d{1,2}:\d{2}",
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
    lowered = REASON.sub(lambda m: " " * len(m.group(0)), description.lower())  # same length: positions hold
    refusals = [m.start() for m in NOT_CARRIED_OUT.finditer(lowered)]
    last_refusal = max(refusals, default=-1)  # one pass: every block is checked against what follows it
    blocks = []
    for index, (start, end) in enumerate(spans):
        before = description[spans[index - 1][1] if index else 0:start]
        code = description[start:end]
        opens = not before.strip() and not index
        asked = last_refusal < end and (_title_asks(title, code) if opens else _asks_to_carry_out(before, code))
        blocks.append(CodeBlock(code.strip(), asked))
    return blocks


def asked_code(title: str, description: str) -> tuple[CodeRequest | None, tuple[str, ...]]:
    """The one change the code the ticket asks to carry out makes (None when there is none, when the ticket talks to
    the agent, disguises words, doubts its code, its title refuses it, or when the blocks asked for are not one
    change), and the blocks."""
    whole = title + "\n" + description.replace("```", " ").replace("~~~", " ")
    if INJECTION.search(whole) or mixes_scripts(whole) or DISTRUST.search(whole) or TITLE_REFUSAL.search(title):
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


def _title_asks(title: str, code: str) -> bool:
    """A title leads code that opens the description when, its tracker tags aside, it is an ask for the code and
    nothing in it refuses ("[DO NOT RUN] Scale api", "[WONTFIX] Expose api")."""
    return not TITLE_REFUSAL.search(title) and _asks_to_carry_out(TITLE_TAG.sub("", title), code)


def _asks_to_carry_out(before: str, code: str) -> bool:
    """Whether the sentence right before the code is an ask for it (a last sentence that only gives the reason or
    thanks aside: "can someone run this? we don't have the rights on this cluster:"), naming no place the code does
    not act in. A quoted line ("> please run this:") is somebody else's ask."""
    sentences = [s.strip().lower().strip("*_` ") for s in re.split(r"(?<=[.!?;])\s+|\n+", before) if s.strip()]
    while len(sentences) > 1 and (REASON_ONLY.fullmatch(sentences[-1]) or THANKS.fullmatch(sentences[-1])):
        sentences.pop()
    if not sentences or sentences[-1].startswith(">"):
        return False
    lead = sentences[-1]
    order = CHANGE_ASK.fullmatch(lead)
    if not RUN_ASK.fullmatch(lead) and (order is None or not _targets(order["object"], code)):
        return False
    place = PLACE_NAMED.search(lead)
    return place is None or _acts_in(place, code)


def _targets(word: str, code: str) -> bool:
    """Whether the code names `word` as what it acts on, not only as the namespace it acts in (`-n staging`)."""
    return re.search(rf"(?<![\w-])(?<!-n )(?<!-n=)(?<!--namespace )(?<!--namespace=){re.escape(word)}(?![\w-])",
                     code) is not None


def _acts_in(place: re.Match[str], code: str) -> bool:
    """Whether the code acts in the place the ask names ("on prod", "in the shop namespace"); code naming no
    namespace takes the prose's."""
    found = CODE_NAMESPACE.search(code)
    if found is None:
        return True
    namespace = found.group(1) or found.group(2)
    if place["namespace"]:
        return namespace == place["namespace"]
    if place["stage"] in ("prod", "production"):
        return is_production(namespace)
    return place["stage"] != "staging" or "stag" in namespace
