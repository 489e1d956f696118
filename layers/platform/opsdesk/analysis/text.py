"""How the analysis engine reads evidence text (opsdesk.analysis.engine): terms (tokenised, abbreviations expanded,
stemmed), the catalogue's phrases found in them, clauses and their markers; and the `Signal` every kind of evidence
becomes, with the helpers each kind shares (service relations, times, diminishing sums). Pure Python."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache

from opsdesk.analysis.catalogue import CATALOGUE, CauseEntry
from opsdesk.analysis.vocabulary import (
    ABBREVIATIONS,
    CONSEQUENCE_MARKERS,
    GENERIC_SERVICE_WORDS,
    NORMAL_MARKERS,
    SPECULATION_MARKERS,
    STOP_WORDS,
    WELL_KNOWN_PORTS,
)
from opsdesk.analysis.weights import DIMINISHING, LINE_LEAD_POINTS, LINE_SECONDARY_SHARE, LINE_TIE_MARGIN
from opsdesk.frozen import frozen

MAX_QUOTE = 80
MAX_QUOTED_TERMS = 5
TEXT_MENTIONS = "The incident text mentions "

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_PIECE = re.compile(r"\d+[xX](?![A-Za-z0-9])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_CLAUSE_BREAK = re.compile(r"[.!?;:](?=\s|$)|[,\n`]|\s[-\u2013\u2014]\s")
_MULTIPLIER = re.compile(r"\d+x", re.IGNORECASE)
_PERCENT = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?%")
HIGH_PERCENT = 85.0
"""A percentage at or above this is the term `highpct` ("CPU 97%" and "cpu at 100%" match "cpu 90%")."""
_NOT_A_LEVEL_BEFORE = re.compile(r"[+\u2212-]\s?$")
_NOT_A_LEVEL_AFTER = re.compile(
    r"\s*(?:free|left|idle|available|remaining|unused|headroom|higher|lower|more|less|up|down|increase|decrease|"
    r"growth|->|\u2192|to\s+\d|over\s+(?:last|the)|(?:week|day|month|year)\s+over|wow|dod|mom|yoy)(?!\w)",
    re.IGNORECASE)
"""A percentage that is not how full or busy a thing is: a change ("+45%", "35% -> 100%", "40% higher") or what is
left of it ("disk 4% free"): neither `highpct` nor `lowpct`."""
LOW_PERCENT = 50.0
"""A percentage below this is the term `lowpct` ("CPU 22%" matches "cpu 30%", a sign against CPU saturation;
"hit rate 4%" matches "hit rate 30%", a sign of a cache failure)."""
_VOID_BEFORE_NORMAL = re.compile(r"(?:\d+x|above|than|over|beyond|times|back to|not|return to|returns to)\s+"
                                 r"(?:a\s+|the\s+)?$", re.IGNORECASE)
MAX_HOST_CHARS = 253
_HOST = re.compile(r"(?<![\w.-])(?:\d{1,3}(?:\.\d{1,3}){3}|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)$", re.IGNORECASE)
"""An IPv4 address or a host name (it starts with a letter: a clock's "10" is none), right before a port's colon."""
_SOURCE_FILE = re.compile(r"\.(?:java|kt|scala|py|go|rb|js|ts|jsx|tsx|cs|cpp|cc|c|h|php|rs|swift|ex|exs|erl)$",
                          re.IGNORECASE)
_CLOCK_HOUR = re.compile(r"t\d{1,2}", re.IGNORECASE)
"""ISO 8601's time designator and hour ("2026-03-02T10:53"): the host pattern would take it for a name."""
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ion", ""), ("ed", ""), ("s", ""))


# ---------------------------------------------------------------------------------------------------- text
@frozen
class Token:
    term: str
    start: int
    end: int


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A light suffix stemmer: `connections`, `connection`, `connected` -> `connect`; `expired`, `expires` ->
    `expir`. Only consistency matters: the catalogue and the evidence go through the same function."""
    if not word.isalpha() or len(word) <= 3:
        return word
    for _ in range(2):
        for suffix, replacement in _SUFFIXES:
            if (word.endswith(suffix) and len(word) - len(suffix) >= 3
                    and not (suffix == "s" and word.endswith(("ss", "us", "is")))):
                word = word[: -len(suffix)] + replacement
                break
        else:
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def tokenize(text: str) -> list[Token]:
    """Normalised terms with their place in `text`: words split at camelCase, snake_case and punctuation, lower
    case, abbreviations expanded, stop words dropped, stemmed; `12x` becomes the term `xfold`, a percentage of at
    least HIGH_PERCENT the term `highpct` (below LOW_PERCENT `lowpct`), a well-known port after a host the service's
    name ("redis" for ":6379")."""
    tokens: list[Token] = []
    percents = [(m.span(), "highpct" if float(m.group(1)) >= HIGH_PERCENT else "lowpct")
                for m in _PERCENT.finditer(text) if not LOW_PERCENT <= float(m.group(1)) < HIGH_PERCENT
                and not _NOT_A_LEVEL_BEFORE.search(text, max(0, m.start() - 2), m.start())
                and not _NOT_A_LEVEL_AFTER.match(text, m.end())]
    upcoming = 0  # the percentages and the words are both in text order: one pass over each
    for word in _WORD.finditer(text):
        while upcoming < len(percents) and percents[upcoming][0][1] <= word.start():
            upcoming += 1
        if upcoming < len(percents) and percents[upcoming][0][0] <= word.start():
            (start, end), term = percents[upcoming]
            if not tokens or tokens[-1].start != start:
                tokens.append(Token(term, start, end))
            continue
        raw_word = word.group().replace("'", "")
        whole = raw_word.lower()
        if whole in WELL_KNOWN_PORTS and _after_a_host(text, word.start()):
            tokens.append(Token(stem(WELL_KNOWN_PORTS[whole]), word.start(), word.end()))
            continue
        pieces = ([(whole, 0, len(word.group()))] if whole in ABBREVIATIONS
                  else [(p.group().lower(), p.start(), p.end()) for p in _PIECE.finditer(raw_word)])
        for piece, start, end in pieces:
            if _MULTIPLIER.fullmatch(piece):
                tokens.append(Token("xfold", word.start() + start, word.start() + end))
                continue
            for part in ABBREVIATIONS.get(piece, piece).split():
                if part not in STOP_WORDS:
                    tokens.append(Token(stem(part), word.start() + start, word.start() + end))
    return tokens


def _after_a_host(text: str, at: int) -> bool:
    """Whether the number at `at` is a port after a host ("10.96.0.10:53", "cache-1:6379"), not a clock ("10:53",
    "T10:53:12Z") or a source line ("Pay.java:53")."""
    if at < 2 or text[at - 1] != ":":
        return False
    host = _HOST.search(text, max(0, at - 1 - MAX_HOST_CHARS), at - 1)
    return host is not None and not _SOURCE_FILE.search(host.group()) and not _CLOCK_HOUR.fullmatch(host.group())


def terms_of(text: str) -> tuple[str, ...]:
    return tuple(token.term for token in tokenize(text))


@frozen
class _Entry:
    cause: str
    points: float
    """Positive: supports the cause; negative: a contradicting phrase."""


@frozen
class _PhraseTable:
    by_first: Mapping[str, tuple[tuple[tuple[str, ...], tuple[_Entry, ...]], ...]]
    """First term -> (phrase terms, entries), longest phrase first."""


def _build_table(catalogue: Iterable[CauseEntry]) -> _PhraseTable:
    phrases: dict[tuple[str, ...], list[_Entry]] = {}
    for entry in catalogue:
        signed = [*entry.supports.items(), *entry.metrics.items()]
        signed += [(phrase, -weight) for phrase, weight in entry.contradicts.items()]
        for phrase, points in signed:
            terms = terms_of(phrase)
            if not terms:
                raise ValueError(f"{entry.cause}: the term {phrase!r} is only stop words")
            existing = phrases.setdefault(terms, [])
            same = next((e for e in existing if e.cause == entry.cause), None)
            if same is not None and (same.points > 0) != (points > 0):
                raise ValueError(f"{entry.cause}: {phrase!r} both supports and contradicts it")
            if same is None or abs(points) > abs(same.points):
                if same is not None:
                    existing.remove(same)
                existing.append(_Entry(entry.cause, points))
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[_Entry, ...]]]] = {}
    for terms, entries in phrases.items():
        by_first.setdefault(terms[0], []).append((terms, tuple(entries)))
    return _PhraseTable({first: tuple(sorted(items, key=lambda item: -len(item[0])))
                         for first, items in by_first.items()})


_TABLE = _build_table(CATALOGUE)
BY_CAUSE = {entry.cause: entry for entry in CATALOGUE}


@frozen
class _Match:
    entries: tuple[_Entry, ...]
    start: int
    end: int
    """Character span in the matched text."""


def match_phrases(tokens: list[Token]) -> list[_Match]:
    """Catalogue phrases in `tokens`, longest first at each place (a term inside a longer phrase belongs to it:
    "cpu throttling" is not "throttling")."""
    matches: list[_Match] = []
    index = 0
    while index < len(tokens):
        for terms, entries in _TABLE.by_first.get(tokens[index].term, ()):
            end = index + len(terms)
            if end <= len(tokens) and all(tokens[index + k].term == terms[k] for k in range(len(terms))):
                matches.append(_Match(entries, tokens[index].start, tokens[end - 1].end))
                index = end
                break
        else:
            index += 1
    return matches


def _markers(phrases: Iterable[str]) -> re.Pattern[str]:
    """The phrases as words of their own: not inside a hyphenated name ("the maybe-queue consumer")."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.IGNORECASE)


_NORMAL = _markers(NORMAL_MARKERS)
_CONSEQUENCE = _markers(CONSEQUENCE_MARKERS)
_SPECULATION = _markers(SPECULATION_MARKERS)


def has_normal_marker(clause: str) -> bool:
    return any(not _VOID_BEFORE_NORMAL.search(clause[: found.start()]) for found in _NORMAL.finditer(clause))


def has_consequence_marker(clause: str) -> bool:
    return _CONSEQUENCE.search(clause) is not None


def has_speculation_marker(clause: str) -> bool:
    return _SPECULATION.search(clause) is not None


def clauses(text: str) -> list[str]:
    return [part.strip() for part in _CLAUSE_BREAK.split(text) if part.strip()]


def quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"}"'


# ---------------------------------------------------------------------------------------------------- signals
@frozen
class Signal:
    cause: str
    group: str
    """text, alert, observation, change, past or feedback: points add up with diminishing returns within a group;
    `explained` (no points) says which cause would produce the hypothesis's signs (engine.explained_by)."""
    points: float
    sentence: str
    """Cites the item; on the supporting side when `supports`, else on the contradicting side."""
    evidence_id: str | None = None
    supports: bool = True
    item: str = ""
    """The item's short name for a claim: `alert HighErrorRate`, `Deployment v2.4.5 of payment-api`, a quote."""


def mask(text: str, name: str) -> str:
    """`text` with the mentions of `name` blanked: a service called order-events-consumer says nothing about a
    consumer lag."""
    if not name.strip():
        return text
    return re.sub(rf"(?<![\w-]){re.escape(name.strip())}(?![\w-])", lambda m: " " * len(m.group()), text,
                  flags=re.IGNORECASE)


def _words(service: str) -> set[str]:
    return {stem(part) for part in re.split(r"[^a-z0-9]+", service.lower())
            if part and part not in GENERIC_SERVICE_WORDS}


def relation(service: str, other: str) -> str:
    """same, related (they share a name part that is not generic: inventory-svc, inventory-worker) or other."""
    if service.strip().lower() == other.strip().lower():
        return "same"
    return "related" if _words(service) & _words(other) else "other"


def ago(minutes: float) -> str:
    """`12 minutes before detection`, `3 hours after detection`."""
    side = "before" if minutes >= 0 else "after"
    value = abs(minutes)
    if value < 1:
        return "at detection"
    if value < 90:
        amount = f"{round(value)} minute{'s' if round(value) != 1 else ''}"
    elif value < 36 * 60:
        hours = round(value / 60)
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        days = round(value / 1440)
        amount = f"{days} day{'s' if days != 1 else ''}"
    return f"{amount} {side} detection"


def minutes_before(detected_at: datetime, at: datetime) -> float:
    return (detected_at - at).total_seconds() / 60.0


def diminished(points: Iterable[float]) -> float:
    return sum(p * DIMINISHING**i for i, p in enumerate(sorted(points, reverse=True)))


def peak_points(matches: Iterable[_Match]) -> dict[str, float]:
    """Cause -> its strongest supporting term among `matches`."""
    peaks: dict[str, float] = {}
    for match in matches:
        for entry in match.entries:
            if entry.points > 0:
                peaks[entry.cause] = max(peaks.get(entry.cause, 0.0), entry.points)
    return peaks


def line_shares(peaks: Mapping[str, float]) -> dict[str, float]:
    """One line, one meaning: cause -> the share of its points a line (a clause of the incident's text, an alert, an
    observed event with its metadata) keeps, from each cause's strongest term in it. When the line's strongest term
    is diagnostic (LINE_LEAD_POINTS or more), a cause whose own strongest term is clearly weaker keeps
    LINE_SECONDARY_SHARE: its words there are mostly context ("name resolution failed while connecting to redis" is
    a DNS failure, not a cache failure)."""
    lead = max(peaks.values(), default=0.0)
    if lead < LINE_LEAD_POINTS:
        return dict.fromkeys(peaks, 1.0)
    return {cause: 1.0 if peak >= lead - LINE_TIE_MARGIN else LINE_SECONDARY_SHARE for cause, peak in peaks.items()}


def match_points(text: str) -> dict[str, float]:
    """Cause -> points of a short text (an alert, a change summary): diminishing sum of its positive terms minus
    its contradicting ones, each cause's positive sum kept at its share of the line (line_shares)."""
    positive: dict[str, list[float]] = {}
    negative: dict[str, float] = {}
    for match in match_phrases(tokenize(text)):
        for entry in match.entries:
            if entry.points > 0:
                positive.setdefault(entry.cause, []).append(entry.points)
            else:
                negative[entry.cause] = negative.get(entry.cause, 0.0) + entry.points
    causes = set(positive) | set(negative)
    shares = line_shares({cause: max(points) for cause, points in positive.items()})
    return {cause: diminished(positive.get(cause, [])) * shares.get(cause, 1.0) + negative.get(cause, 0.0)
            for cause in causes}
