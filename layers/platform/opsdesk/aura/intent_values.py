"""The values a ticket sets, read from its scanned sentences (opsdesk.aura.intent_scan): a replica count by the
noun or verb beside the number, a version by the evidence the scan gave it, a port, and CPU, memory and storage
quantities by the resource word nearest each."""

from __future__ import annotations

import re
from collections.abc import Iterable

from opsdesk.aura.intent_scan import PORT, Scan
from opsdesk.aura.intent_words import CURRENT_COUNT, NUMBER, NUMBER_WORDS, RELATIVE, REPLICA_NOUN, Action


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


_REPLICA_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = tuple((re.compile(p), w) for p, w in (
    (rf"(?<![\w.-]){NUMBER}[\s-]*(?:[a-z]+[\s-]+)?{REPLICA_NOUN}\b", 3.0),
    (rf"\b{REPLICA_NOUN}\s*(?:to|=|:|of|at)\s*{NUMBER}(?!\w|\.\d)", 3.0),
    (rf"\bscal\w*\b[^.;]{{0,40}}?\bto\s+{NUMBER}(?!\w|\.\d)", 2.5),
    (rf"\b(?:to|up\s+to|down\s+to)\s+{NUMBER}(?!\w|\.\d|%)", 1.0),
    (rf"(?<![\w.-]){NUMBER}\s+(?:would|should|will)\s+be\s+(?:enough|plenty|sufficient)\b", 2.5),
    (rf"(?<![\w.-]){NUMBER}\s+in\s+total\b", 1.0),  # "more replicas, we need 5 in total": the count, not how many
    (rf"\btotal\s+of\s+{NUMBER}(?!\w|\.\d|%)", 1.0),  # more; after "up to 6" in the same ticket (the first wins)
))


_ANY_NUMBER = re.compile(rf"(?<![\w.-]){NUMBER}(?!\w|\.\d)")
"""In an answer to "how many replicas?", a number alone says it."""


def replicas_of(scans: Iterable[Scan], action: Action | None, *, generous: bool = False) -> int | None:
    best: tuple[float, int] | None = None
    patterns = _REPLICA_PATTERNS + ((_ANY_NUMBER, 0.5),) if generous else _REPLICA_PATTERNS
    scans = list(scans)
    # an answer to "how many?" with one number says it ("keep it at 3"); "it is 4 now, make it 6" says 6
    lone_number = generous and sum(len(_ANY_NUMBER.findall(s.masked)) for s in scans) == 1
    for s in scans:
        for pattern, weight in patterns:
            if weight <= 1.0 and action is not Action.SCALE:
                continue
            for match in pattern.finditer(s.masked):
                if RELATIVE.search(match.group(0)):
                    continue
                before = s.masked[max(0, match.start() - 40):match.start()].split()[-2:]  # linear in the text
                target = bool(before) and (before[-1].isdigit() or before[-1] in NUMBER_WORDS)  # "from 4 to 8"
                score = weight - (2.0 if CURRENT_COUNT & set(before) and not lone_number and not target else 0.0)
                if score > 0 and (best is None or score > best[0]):
                    best = (score, _number(match.group(1)))
    return best[1] if best else None


def version_of(scans: Iterable[Scan]) -> str | None:
    ranked = sorted(((evidence, i, version) for i, (version, evidence) in
                     enumerate(v for s in scans for v in s.versions)), reverse=True)
    return ranked[0][2] if ranked and ranked[0][0] > 0 else None


def port_of(scans: Iterable[Scan], *, generous: bool = False) -> int | None:
    for s in scans:
        for match in PORT.finditer(s.masked):
            port = int(match.group(1) or match.group(2))
            if 0 < port < 65536:
                return port
        if generous:
            numbers = [int(n) for n in re.findall(r"(?<![\w.])\d{1,5}(?![\w.])", s.masked)]
            if len(numbers) == 1 and 0 < numbers[0] < 65536:
                return numbers[0]
    return None


RESOURCE_WORDS = (("cpu", re.compile(r"\b(?:v?cpus?|cores?|millicores?)\b")),
                  ("storage", re.compile(r"\b(?:storage|disk|volumes?|pvc|persistent)\b")),
                  ("memory", re.compile(r"\b(?:memory|ram|mem)\b")))


def resources_of(scans: Iterable[Scan]) -> dict[str, str]:
    """CPU, memory and storage quantities, each by the resource word nearest it (after it first: "512Mi memory")."""
    found: dict[str, str] = {}
    for s in scans:
        for quantity, after, before in s.quantities:
            kind = _nearest(after, first=True) or _nearest(before, first=False)
            if kind is None and quantity.endswith("m"):
                kind = "cpu"
            if kind is not None:
                found.setdefault(kind, quantity)
        for match in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:v?cpus?|cores?)\b", s.masked):
            found.setdefault("cpu", match.group(1))
    return found


def _nearest(text: str, *, first: bool) -> str | None:
    hits = [(match.start(), kind) for kind, word in RESOURCE_WORDS for match in word.finditer(text)]
    if not hits:
        return None
    return min(hits)[1] if first else max(hits)[1]
