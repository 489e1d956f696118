"""Ticket text as the reader takes it: disguises folded away (`plain`, `mixes_scripts`), where its code stands
(`code_spans`: fences, command lines and unfenced manifests, which the prose reader never reads as sentences), and
sentences whose quoted command is not asked for (`quotes_unasked_change`)."""

from __future__ import annotations

import bisect
import re
import unicodedata

FENCE = re.compile(r"(```|~~~).*?(?:\1|$)", re.DOTALL)
_COMMAND_START = (r"[ \t]*(?:>[ \t]*)?(?:(?:[-*]|\d{1,2}[.)])[ \t]+)?(?:[\w@:~./-]{0,60}[$#%][ \t]*)?"
                  r"(?:sudo[ \t]+)?(?:[\w./-]{0,60}/)?(?:kubectl|oc|k)[ \t]")
COMMAND_LINES = re.compile(rf"^{_COMMAND_START}[^\n]*(?:\n{_COMMAND_START}[^\n]*)*", re.MULTILINE)
"""Command lines standing alone in the prose (as list items, quoted, after a prompt or sudo), one block for lines
that follow each other. Inline `kubectl ...` spans inside a sentence stay prose: they carry its names and places."""
_MANIFEST_KEY = r"(?:apiVersion|kind|metadata|spec|data|stringData|type|immutable|status):"
MANIFEST_LINES = re.compile(rf"^(?:---[ \t]*\n)?apiVersion:[ \t]*\S[^\n]*"
                            rf"(?:\n(?:[ \t]+\S[^\n]*|{_MANIFEST_KEY}[^\n]*|-[ \t][^\n]*|---[ \t]*|#[^\n]*))*",
                            re.MULTILINE)
"""A Kubernetes manifest pasted without a fence: from an `apiVersion:` line at the start of a line, the lines that
follow as YAML does (indented, a manifest's own top-level keys, list items, `---`, comments), up to the first line
of prose or a blank line."""
QUOTED_CHANGE = re.compile(
    r"(?i)(?<![\w.-])(?:kubectl(?:\.exe)?|kubecolor|oc|k)\s+(?:-{1,2}\w[\w-]*(?:[= ](?!-)[\w./:-]+)?\s+)*"
    r"(?:delete|scale|set|rollout|create|expose|apply|patch|edit|drain|cordon|label|annotate|replace|run|taint|"
    r"autoscale)\b|\bhelm\s+(?:uninstall|delete|upgrade|install|rollback)\b|\bargocd\s+app\s+(?:delete|sync|set)\b")
"""A command that changes something, quoted inside a sentence (kubectl and its usual aliases, helm, argocd)."""
_SOMEONE = r"(?:you|u|som(?:e)?(?:one|body)|anyone|anybody|one\s+of\s+you)"
ASKER = (r"(?:(?:hi|hello|hey|dear)(?:\s+(?:team|all|folks|everyone|there|[a-z][a-z-]{0,20}))?\s*[,!.]\s*)?"
         rf"(?:(?:can|could|would|will)\s+{_SOMEONE}"
         r"(?:\s+with\s+(?:[\w-]+\s+)?(?:access|the\s+rights|rights|perms|permissions))?\s+|"
         rf"(?:i|we)(?:'d|\s+would)?\s+need\s+{_SOMEONE}\s+to\s+|need\s+{_SOMEONE}\s+to\s+)?"
         r"(?:please\s+|pls\s+|kindly\s+)?")
"""How an ask opens: a greeting, "can someone (with prod access)", "we'd need someone to", "please" (each
optional)."""
QUOTE_LEAD = re.compile(rf"(?!(?:a|an|the)\s)(?:just\s+|let'?s\s+|go\s+ahead\s+(?:and\s+)?(?:with\s+)?|"
                        r"(?:can|could)\s+(?:we|i)\s+(?:please\s+)?(?=get\s)|request\s+to\s+(?=run\s)|"
                        rf"(?:i'?m\s+|we'?re\s+)?hoping\s+{_SOMEONE}\s+(?:can|could)\s+(?=run\s|do\s)|"
                        rf"it'?d\s+be\s+(?:great|nice|awesome|good)\s+if\s+{_SOMEONE}\s+could\s+(?=run\s|do\s)|"
                        rf"(?:i|we)?\s*would\s+appreciate\s+(?:it\s+if\s+{_SOMEONE}\s+(?:could|would)\s+)?)?"
                        rf"{ASKER}(?:(?:run|apply|execute|do|perform|issue|get)\s+)?(?:(?:a|an|the)\s+)?",
                        re.IGNORECASE)
"""The clause right before a quoted command that asks for it: "please run", "can someone do a", "run", "could we
get a"."""
NEED_LEAD = re.compile(r"(?i)\b(?:needs?|requires?)\s*(?:(?:a|an|the)\s*|to\s+(?:run|do|apply|execute)\s*)?$|"
                       r"^(?:action(?:\s+item)?|request(?:ing)?|todo|to\s+do|fix|ask|needed|what'?s\s+needed)$")
"""A need stated right before the command: "we just need `kubectl ...`", "it needs a `kubectl rollout ...`"."""
CHANGE_ORDER = (rf"{ASKER}(?P<verb>restart|scale|roll\s+out|update|upgrade|bump|set|deploy|delete|expose|create)"
                r"(?:\s+(?:up|down|out|back))?\s+(?:the\s+)?(?P<object>[a-z0-9][a-z0-9-]*)"
                r"(?:\s+(?:deployment|statefulset|sts|namespace))?(?:\s+(?:in|on)\s+[a-z0-9][a-z0-9-]*)?"
                r"(?:\s+to\s+[\w.:-]+)?")
"""An order naming its object ("scale api to 6", "restart the checkout deployment"): the code or command after it
must act on that object (opsdesk.aura.intent_fences for blocks, `orders_quoted` for quoted commands)."""
CHANGE_LEAD = re.compile(rf"{CHANGE_ORDER}(?:\s+(?:please|pls|asap|now|today|for\s+(?:us|me)))*"
                         r"(?:\s+(?:with|by\s+running|using|via))?\s*", re.IGNORECASE)
"""A change ordered in words right before its command: "restart checkout:", "scale checkout to 4 with". (That the
command makes that change is checked on the whole reading: opsdesk.aura.intent, `_makes`.)"""
LEAD_VERBS = {"restart": r"\brollout\s+restart\b", "roll": r"\brollout\b", "scale": r"\bscale\b",
              "update": r"\bset\s", "upgrade": r"\bset\s+image\b", "bump": r"\bset\s+image\b", "set": r"\bset\s",
              "deploy": r"\bcreate\s+deploy", "create": r"\bcreate\b", "delete": r"\bdelete\b",
              "expose": r"\bexpose\b"}
"""The kubectl verb a change ordered in words must be carried out with ("restart api with `kubectl scale ...`" is
no such order: the command is set aside and the words stand)."""
THEN_THANKS = re.compile(r"(?i)\s*(?:[-,\u2013\u2014]\s*)?(?:please|pls|asap|thanks|thank\s+you|ty)\b")
"""A command that opens its clause and is followed by a please or a thanks: "`kubectl ...` please"."""
CONDITIONAL = re.compile(r"(?i)\s*(?:if|when|whenever|once|unless|in\s+case|should)\b")
"""A sentence opening on a condition orders nothing now: "If the queue backs up, run `kubectl scale ...`"."""
BACKQUOTED = re.compile(r"`([^`\n]{1,500})`")
"""A backquoted span of a sentence, its text the group."""
CLAUSE_BREAK = re.compile(r"[,;:.!?()]|\s[-\u2013\u2014]\s")
NOT_ASKED = re.compile(
    r"(?i)\b(?:not|never|dont|ran|tried|did|executed|typed|mistake|accident(?:ally)?|attacker|compromised|"
    r"previous(?:ly)?|yesterday|earlier|last\s+(?:time|week|night)|suggested|wrote|said|says|posted|avoid|nobody|"
    r"no\s+one|under\s+no)\b|n't\b")
"""What makes a sentence's quoted command a record, someone else's or a thing not to do ("please do not run
`kubectl delete ...` like last time", "the attacker ran `kubectl delete namespace prod`")."""
FOLDED = {"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-", "\u00a0": " "}
LOOKALIKE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")
"""Scripts with letters that pass for Latin ones ("Іgnore" with a Cyrillic І, `kubectӏ`)."""


def plain(text: str) -> str:
    """Text as read: fullwidth forms as ASCII (a fullwidth ｀ fence), typographic apostrophes and hyphens as ASCII, no
    invisible characters (a zero-width space inside "run"). Dashes and ellipses stay: the prose reads them."""
    folded = (FOLDED.get(c, chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c) for c in text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def mixes_scripts(text: str) -> bool:
    """A word of Latin letters with a lookalike letter of another script in it: a disguise. (A word in Japanese
    next to "api", or a µ, is no disguise.)"""
    for word in re.findall(r"[^\W\d_]+", text):
        if word.isascii() or not any(c.isascii() for c in word):
            continue
        if any(unicodedata.name(c, "").startswith(LOOKALIKE_SCRIPTS) for c in word if not c.isascii()):
            return True
    return False


def code_spans(description: str) -> list[tuple[int, int]]:
    """Where the description's code is: fences, then command lines and unfenced manifests outside them, in order."""
    spans = [(m.start(), m.end()) for m in FENCE.finditer(description)]
    for pattern in (COMMAND_LINES, MANIFEST_LINES):
        taken = sorted(spans)
        starts = [start for start, _ in taken]
        for m in pattern.finditer(description):
            index = bisect.bisect_right(starts, m.start()) - 1
            if index < 0 or taken[index][1] <= m.start():
                spans.append((m.start(), m.end()))
    return sorted(spans)


def quotes_unasked_change(sentence: str) -> bool:
    """A sentence quoting a changing command outside backquotes that it does not order in so many words
    (`orders_quoted`): set aside whole, as its command's extent is unknown. Backquoted commands are set aside alone
    (opsdesk.aura.intent_quoted.read_quoted)."""
    bare = BACKQUOTED.sub(lambda m: " " * len(m.group(0)), sentence)
    quoted = QUOTED_CHANGE.search(bare)
    return quoted is not None and not orders_quoted(sentence, quoted.start(), len(sentence))


def orders_quoted(sentence: str, start: int, end: int) -> bool:
    """Whether the sentence orders the command quoted at [start, end) in so many words: the clause right before it
    asks or orders ("please run", "can someone do a", "run", "we just need", "what we need:", "restart checkout:",
    "scale checkout to 4 with", its object named in the command), or the command opens its clause and a please or
    a thanks follows it; and nothing in the sentence makes the command a record, someone else's, a condition or a
    thing not to do. A whitelist, as for fenced code: narration has endless wordings ("during the outage we used
    `kubectl delete ...`", "please make sure nobody runs `...`", "any idea why `...` hangs?")."""
    if NOT_ASKED.search(sentence) or CONDITIONAL.match(sentence):
        return False
    before = sentence[:start].rstrip(" `").rstrip(":").rstrip()
    lead = CLAUSE_BREAK.split(before)[-1].strip()
    if not lead:
        return THEN_THANKS.match(sentence, end) is not None
    if QUOTE_LEAD.fullmatch(f"{lead} ") is not None or NEED_LEAD.search(lead) is not None:
        return True
    order = CHANGE_LEAD.fullmatch(f"{lead} ")
    command = sentence[start:end].lower()
    return order is not None and re.search(rf"(?<![\w-]){re.escape(order['object'].lower())}(?![\w-])",
                                           command) is not None \
        and re.search(LEAD_VERBS[order["verb"].lower().split()[0]], command) is not None
