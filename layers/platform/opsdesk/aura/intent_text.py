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
    r"(?i)\b(?:kubectl|oc)\s+(?:-{1,2}[\w-]+(?:[= ](?!-)[\w./:-]+)?\s+)*(?:delete|scale|set|rollout|create|expose|"
    r"apply|patch|edit|drain|cordon|label|annotate|replace|run|taint|autoscale)\b|\bhelm\s+(?:uninstall|delete|upgrade|"
    r"install|rollback)\b")
"""A command that changes something, quoted inside a sentence."""
ASKER = (r"(?:(?:hi|hello|hey|dear)(?:\s+(?:team|all|folks|everyone|there|[a-z][a-z-]{0,20}))?\s*[,!.]\s*)?"
         r"(?:(?:can|could|would|will)\s+(?:you|u|someone|somebody|"
         r"anyone|one\s+of\s+you)(?:\s+with\s+(?:access|the\s+rights|rights|perms|permissions))?\s+|"
         r"(?:i|we)\s+need\s+(?:you|someone|somebody)\s+to\s+|need\s+someone\s+to\s+)?(?:please\s+|pls\s+|kindly\s+)?")
"""How an ask opens: a greeting, "can someone (with access)", "we need you to", "please" (each optional)."""
QUOTE_LEAD = re.compile(rf"(?!(?:a|an|the)\s){ASKER}(?:(?:run|apply|execute|do|perform|issue)\s+)?(?:(?:a|an|the)\s+)?",
                        re.IGNORECASE)
"""The clause right before a quoted command that asks for it: "please run", "can someone do a", "run"."""
NEED_LEAD = re.compile(r"(?i)\bneeds?\s*(?:(?:a|an|the)\s*|to\s+(?:run|do|apply|execute)\s*)?$")
"""A need stated right before the command: "we just need `kubectl ...`", "it needs a `kubectl rollout ...`"."""
ASKS_FOR_IT = re.compile(
    r"(?i)\b(?:please|pls|plz|kindly|asap|(?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone)|"
    r"(?:i|we)\s+need|needs?\s+(?:you|someone|somebody|a|an)\b|(?:i|we)\s+would\s+like|(?:i|we)'d\s+like|"
    r"requesting)\b|\?\s*$")
"""Words of a sentence that ask for what it quotes ("`kubectl rollout restart deploy/api` please", "we need a
`kubectl scale ...`", a question)."""
CLAUSE_BREAK = re.compile(r"[,;:.!?()]|\s[-\u2013\u2014]\s")
NOT_ASKED = re.compile(
    r"(?i)\b(?:not|never|dont|ran|tried|did|executed|typed|mistake|accident(?:ally)?|attacker|compromised|"
    r"previous(?:ly)?|yesterday|earlier|last\s+(?:time|week|night)|suggested|wrote|avoid)\b|n't\b")
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
    """A sentence quoting a changing command it does not ask for: set aside, as the prose reader would otherwise take
    the quoted verb for the request ("during the outage we used `kubectl delete deployment payments`", "please do
    not run `kubectl delete ...` like last time"). A sentence asks for its quoted command only in so many words: the
    clause before the command orders it ("please run", "can someone do a", "we just need"), or the sentence asks
    ("... please", "we need a ...", a question), and nothing in it makes the command a record, someone else's or a
    thing not to do. A whitelist, as for fenced code: narration has endless wordings."""
    quoted = QUOTED_CHANGE.search(sentence)
    if quoted is None:
        return False
    return bool(NOT_ASKED.search(sentence)) or not (_ordered(sentence, quoted) or ASKS_FOR_IT.search(sentence))


def _ordered(sentence: str, quoted: re.Match[str]) -> bool:
    """Whether the clause right before the quoted command orders it: an ask ("please run", "can someone do a",
    "run") or a need ("we just need", "what we need:")."""
    before = sentence[:quoted.start()].rstrip(" `").rstrip(":").rstrip()
    lead = CLAUSE_BREAK.split(before)[-1].strip()
    return bool(lead) and (QUOTE_LEAD.fullmatch(f"{lead} ") is not None or NEED_LEAD.search(lead) is not None)
