"""The evidence opsdesk.aura.intent weighs, found in each sentence of a ticket: images, versions, settings
(`KEY=value`) and quantities are lifted out first and masked, so their digits and words are never taken for
replica counts or names; then words are scored by where they stand."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from opsdesk.aura.intent_code import CodeRequest
from opsdesk.aura.intent_quoted import read_quoted
from opsdesk.aura.intent_text import code_spans, mixes_scripts, quotes_unasked_change
from opsdesk.aura.intent_words import (
    AUXILIARIES,
    CUE_SPELLINGS,
    CUES,
    CUES_OF,
    FORM_NAME_KEYS,
    FUNCTION_WORDS,
    INJECTION,
    KIND_NOUNS,
    NAMING_WORDS,
    NOT_NAMES,
    NOT_NAMESPACES,
    NOUNS,
    OPENERS,
    PLACE_WORDS,
    PLACED,
    PRONOUNS,
    REFERENT_REACH,
    SKIPPED_BEFORE_OBJECT,
    STAGES,
    SUBJECT_FOLLOWERS,
    TIME_WORDS,
    TITLE_TAG,
    VERBS,
    WORKLOAD_NOUNS,
    Action,
)
from opsdesk.aura.software import Software, lookup, one_edit_apart
from opsdesk.frozen import frozen

ARTICLES = frozenset({"the", "a", "an", "our", "my", "this", "that", "its"})
POSSESSIVES = frozenset({"its", "their", "his", "her", "our", "my", "your"})
NAME = r"([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
WORD = re.compile(r"[a-z0-9]+(?:['_-][a-z0-9]+)*|[(:]")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+")
ENV_PAIR = re.compile(r"(?<![\w.-])([A-Z][A-Z0-9_]*)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s,;]+)|"
                      r"\b(?:[Ss]et|[Cc]hange|[Uu]pdate|[Ss]witch)\s+(?:the\s+)?"
                      r"(?:(?:env(?:ironment)?\s+var(?:iable)?|config(?:uration)?|setting)\s+)?"
                      r"([A-Z][A-Z0-9_]{2,}(?=\s+to\s)|[A-Z][A-Z0-9]*_[A-Z0-9_]+(?=\s+from\s))\s+"
                      r"(?:from\s+[^\s,;]+\s+)?to\s+([^\s,;]+)")
"""`KEY=value`, or "set/change KEY to value" (and "from a to b" only for a KEY_WITH_UNDERSCORES: "update NGINX
from 1.25 to 1.27" is an upgrade, not a setting)."""
IMAGE_TOKEN = re.compile(r"(?:[a-z0-9.-]+(?::\d+)?/)*[a-z0-9][a-z0-9._-]*(?::[\w][\w.-]{0,127})?"
                         r"(?:@sha256:[a-f0-9]{64})?", re.IGNORECASE)
NOT_IMAGE_PREFIXES = ("ns/", "namespace/", "apps/", "deployment/", "deploy/", "sts/", "statefulset/", "svc/")
QUANTITY = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(mi|gi|ti|ki|mb|gb|tb|m|g)\b")
VERSION = re.compile(r"(?<![\w./:=-])(v?\d+(?:\.\d+){1,3}(?:-[0-9a-z.]+)?)(?![\w/:-])(?!\.\d)|"
                     r"\b(?:version|tag)\s+(v?\d+)\b(?!\.\d)")
PORT = re.compile(r"\bport\s*[:=]?\s*(\d{2,5})\b|\b(?:on|listens\s+on|listening\s+on)\s+:?(\d{2,5})\b")


@frozen
class Segment:
    text: str
    title: bool
    said: tuple[CodeRequest, ...] = ()
    """Commands the sentence orders, said in words in `text` (opsdesk.aura.intent_quoted.read_quoted)."""


@frozen
class Word:
    text: str
    start: int
    index: int


@dataclass
class Scan:
    title: bool
    masked: str
    words: list[Word]
    images: list[str] = field(default_factory=list)
    versions: list[tuple[str, int]] = field(default_factory=list)
    """(version, its evidence as the new version: `to 7.2` for, `from 6.2` against)."""
    env: dict[str, str] = field(default_factory=dict)
    quantities: list[tuple[str, str, str]] = field(default_factory=list)
    """(quantity as Kubernetes writes it, the words after it, the words before it)."""


@dataclass
class Candidate:
    word: str
    score: float = 0.0
    named: bool = False
    """Given as a name: after "called", "named", "as", a kind, or in quotes."""


def segments(title: str, description: str) -> tuple[list[Segment], list[str]]:
    """The ticket's sentences, and apart from them the ones that talk to the agent (HTML comments, "ignore
    previous instructions ...") and its code (fences, kubectl lines)."""
    set_aside: list[str] = []
    trusted: list[Segment] = []
    body = description
    set_aside.extend(match.group(0).strip() for match in HTML_COMMENT.finditer(body))
    body = HTML_COMMENT.sub(" . ", body)
    spans = code_spans(body)  # fences and kubectl lines: read, if asked for, by opsdesk.aura.intent_fences
    set_aside.extend(body[start:end].strip() for start, end in spans)
    for start, end in reversed(spans):
        body = body[:start] + " . " + body[end:]
    pieces = [(TITLE_TAG.sub("", title), True)] + [(piece, False) for piece in SENTENCE_BREAK.split(body)]
    for text, is_title in pieces:
        if not text.strip().strip("."):
            continue
        if INJECTION.search(text) or mixes_scripts(text) or quotes_unasked_change(text):
            # "іgnore" with a Cyrillic і, or "please do not run `kubectl delete ...`", is no plain request
            set_aside.append(text.strip())
        else:
            reading = read_quoted(text.strip())
            set_aside.extend(reading.set_aside)
            trusted.append(Segment(reading.text, is_title, reading.said))
    return trusted, set_aside


def scan(segment: Segment) -> Scan:
    raw = segment.text
    env = {m.group(1) or m.group(3): (m.group(2) or m.group(4)).strip("'\"").rstrip(".")
           for m in ENV_PAIR.finditer(raw)}
    text = ENV_PAIR.sub(" ", raw)
    images: list[str] = []
    for token in text.split():
        # `kubectl set image deployment/web web=ghcr.io/acme/web:v5`: the image is what the container is set to
        image = _image_of(token.rsplit("=", 1)[-1] if "=" in token else token)
        if image is not None:
            images.append(image)
            text = text.replace(token, " ", 1)
    lowered = text.lower()
    quantities = [(_quantity(m.group(1), m.group(2)), lowered[m.end():m.end() + 16],
                   lowered[max(0, m.start() - 16):m.start()]) for m in QUANTITY.finditer(lowered)]
    lowered = QUANTITY.sub(" ", lowered)
    versions = [(m.group(1) or m.group(2), _version_evidence(lowered[:m.start()])) for m in VERSION.finditer(lowered)]
    masked = VERSION.sub(lambda m: " " if m.group(1) else m.group(0).split()[0] + " ", lowered)
    masked = WORD.sub(lambda m: _spelled(m.group(0)), masked)
    words = [Word(m.group(0), m.start(), i) for i, m in enumerate(WORD.finditer(masked))]
    return Scan(segment.title, masked, words, images, versions, env, quantities)


def _spelled(word: str) -> str:
    """A cue word misspelt by one letter, spelt right; any other word as it is. A cue's own forms ("scaled",
    "upgrades") are no misspellings: their tense says whether the change is asked for (opsdesk.aura.intent)."""
    if len(word) < 6 or word in NOT_NAMES or lookup(word) is not None:
        return word
    return next((cue for cue in CUE_SPELLINGS if one_edit_apart(word, cue) and not _inflected(word, cue)), word)


def _inflected(word: str, cue: str) -> bool:
    return word in {f"{cue}d", f"{cue}s", f"{cue}ed", f"{cue}es", f"{cue}ing", f"{cue[:-1]}ing"}


def _image_of(token: str) -> str | None:
    """An image reference: a tag (`redis:7.2`) or a registry host (`ghcr.io/acme/web`) makes a token one."""
    stripped = token.strip("()[]{},;!?\"'`").rstrip(".")
    if stripped.lower().startswith(("image:", "image=")):
        stripped = stripped[len("image:"):]
    lowered = stripped.lower()
    if (not stripped or "://" in lowered or lowered.startswith(NOT_IMAGE_PREFIXES) or lowered.endswith(":")
            or not IMAGE_TOKEN.fullmatch(stripped)):
        return None
    last = stripped.rsplit("/", 1)[-1]
    repository = last.split(":")[0].split("@")[0]
    has_tag = ":" in last or "@" in last
    has_registry = "/" in stripped and "." in stripped.split("/")[0]
    if not (has_tag or has_registry) or repository.lower() in NOT_NAMES:
        return None  # `ns:cache`, `replicas:3`
    return stripped if re.search(r"[a-z]", repository, re.IGNORECASE) else None  # not 14:30 or 8080:80


def _quantity(number: str, unit: str) -> str:
    units = {"mi": "Mi", "gi": "Gi", "ti": "Ti", "ki": "Ki", "mb": "Mi", "gb": "Gi", "tb": "Ti", "m": "m", "g": "Gi"}
    return f"{number}{units[unit]}"


def _version_evidence(before: str) -> int:
    tail = before.split()[-3:]
    if tail[-2:] == ["instead", "of"] or (tail and tail[-1] in ("replacing", "than", "over")):
        return -2  # "1.8.0 instead of 1.7.5": the one it replaces
    if tail and tail[-1] in ("to", "version", "tag", "at", "onto", "->"):
        return 2
    if any(word in ("from", "on", "currently", "was", "is") for word in tail[-2:]):
        return -2
    return 1


# Names


def best_software(scans: list[Scan], action: Action | None) -> Software | None:
    scores: dict[str, float] = defaultdict(float)
    found: dict[str, Software] = {}
    objects = _objects(scans, action)
    for number, s in enumerate(scans):
        for word in s.words:
            software = lookup(word.text)
            if software is None:
                continue
            found[software.name] = software
            previous = s.words[word.index - 1].text if word.index else ""
            scores[software.name] += 3.0 + (1.0 if s.title else 0.0) + (2.0 if (number, word.index) in objects else 0.0)
            if previous in ("to", "by", "than", "with", "replaced"):
                scores[software.name] -= 1.5  # "we moved to redis", "replaced by postgres"
    if not scores:
        return None
    best = max(scores, key=lambda key: scores[key])
    return found[best] if scores[best] > 0 else None


CLAUSE_PUNCTUATION = re.compile(r"[,;.!?)]")
QUOTED = re.compile(r"[`'\"]([a-z0-9]+(?:['_-][a-z0-9]+)*)[`'\"]")
"""A word between quotes or backticks: a name the ticket spells out."""


def name_candidates(scans: list[Scan], action: Action | None, exclude: set[str]) -> list[Candidate]:
    by_word: dict[str, Candidate] = {}
    settings = {part for s in scans for key in s.env for part in key.lower().split("_")}
    # The thing after "set"/"configure" is the setting; the workload is what it is set on or for.
    objects = _objects(scans, action) if action is not Action.UPDATE_CONFIG else set()
    preposition_weight = 2.0 if action in (Action.UPDATE_CONFIG, Action.EXPOSE) else 0.5
    quoted_words = [set(QUOTED.findall(s.masked)) for s in scans]
    for number, s in enumerate(scans):
        for word in s.words:
            text = word.text
            before = s.words[word.index - 1].text if word.index else ""
            after = s.words[word.index + 1].text if word.index + 1 < len(s.words) else ""
            # A common noun is a name only when the ticket says so: "the worker deployment".
            spelled_out = text in NOUNS and (after in KIND_NOUNS or before in NAMING_WORDS)
            if ((text in NOT_NAMES and not spelled_out) or text in exclude or text in settings or text.isdigit()
                    or ("-" in text and all(part in VERBS or part in FUNCTION_WORDS for part in text.split("-")))
                    or not text[0].isalnum() or "_" in text or "'" in text or lookup(text)):
                continue
            candidate = by_word.setdefault(text, Candidate(text))
            preceding = next((w.text for w in reversed(s.words[:word.index]) if w.text not in ARTICLES), "")
            quoted = text in quoted_words[number]
            called = word.index >= 2 and before == "it" and s.words[word.index - 2].text in ("call", "name")
            as_done = before == "as" and text.endswith("ed")  # "as discussed", "as agreed": no name follows
            form_value = before == ":" and word.index >= 2 and s.words[word.index - 2].text in FORM_NAME_KEYS
            # "the ledger-writer statefulset, restarting it ...": a kind word names what follows it, not across a
            # comma
            adjacent = word.index > 0 and not CLAUSE_PUNCTUATION.search(
                s.masked, s.words[word.index - 1].start + len(before), word.start)
            if (before in NAMING_WORDS and adjacent and not as_done) or quoted or called or form_value:
                candidate.named = True
                candidate.score += 3.0
            candidate.score += (3.0 if after in WORKLOAD_NOUNS else 0.0) + (1.5 if "-" in text else 0.0)
            candidate.score += (2.0 if (number, word.index) in objects else 0.0) + (1.0 if s.title else 0.0)
            if PLACED.match(s.masked, word.start + len(text)):
                candidate.score += 1.5  # "notification-svc in ns comms": a workload is what stands in a namespace
            opens = all(w.text in OPENERS or not w.text.isalnum() for w in s.words[:word.index])
            candidate.score += (1.5 if opens and after in SUBJECT_FOLLOWERS else 0.0)
            candidate.score += preposition_weight if preceding in ("for", "on", "of") else 0.0
    return _merge_parts(list(by_word.values()))


def _merge_parts(candidates: list[Candidate]) -> list[Candidate]:
    """A word that is part of a longer candidate ("api" of "user-api") is evidence for the longer one."""
    by_word = {c.word: c for c in candidates}
    for candidate in candidates:
        if "-" not in candidate.word:
            continue
        for part in candidate.word.split("-"):
            inner = by_word.get(part)
            if inner is not None and inner is not candidate:
                candidate.score += 0.5 * inner.score
                candidate.named = candidate.named or inner.named
                inner.score, inner.named = 0.0, False
    return [c for c in candidates if c.score > 0]


def _referent(s: Scan, before: int) -> Word | None:
    """What "it" stands for: the nearest word before the cue (at word index `before`) that reads as a workload's
    name (hyphenated, a product, before a workload noun or a place) and is not a place ("the problem is api in
    platform: please scale it" -> api); else nothing, and the name is read from the rest of the ticket."""
    for index in range(before - 1, max(-1, before - REFERENT_REACH), -1):
        word = s.words[index]
        previous = s.words[index - 1].text if index > 0 else ""
        if previous in PLACE_WORDS or word.text in AUXILIARIES:
            continue  # a place ("in platform")
        following = s.words[index + 1].text if index + 1 < len(s.words) else ""
        happening = previous in AUXILIARIES and word.text.endswith(("ing", "ed"))  # "is restarting in a loop"
        plain = (word.text[0].isalnum() and word.text not in NOT_NAMES and word.text not in FUNCTION_WORDS
                 and word.text not in VERBS and not happening)
        named = "-" in word.text or lookup(word.text) is not None or following in WORKLOAD_NOUNS or following == "in"
        if plain and named:
            return word  # "api in platform", "checkout-api", "the web deployment": a name, not "slow" or "friday"
    return None


def product_is_object(scans: list[Scan], action: Action | None, software: Software) -> bool:
    """Whether the product is what the change acts on ("restart redis for checkout-api": redis)."""
    return any(lookup(scans[number].words[index].text) is software for number, index in _objects(scans, action))


def _objects(scans: list[Scan], action: Action | None) -> set[tuple[int, int]]:
    """The words right after a cue of the action ("restart [the] frontend"), and right before its past participle
    ("the frontend restarted"): (scan number, word index)."""
    found: set[tuple[int, int]] = set()
    if action is None:
        return found
    base = CUES_OF.get(action, action)
    for number, s in enumerate(scans):
        starts = [w.start for w in s.words]
        for pattern, _ in CUES[base]:
            for match in pattern.finditer(s.masked):
                at = bisect.bisect_left(starts, match.end())
                following = (s.words[k] for k in range(at, len(s.words)))
                target = next((w for w in following if w.text not in SKIPPED_BEFORE_OBJECT), None)
                if target is not None and target.text in PRONOUNS:
                    target = _referent(s, bisect.bisect_left(starts, match.start()))
                    if target is None and number > 0:  # "ledger-db runs as a StatefulSet. Please scale it"
                        earlier = _referent(scans[number - 1], len(scans[number - 1].words))
                        if earlier is not None:
                            found.add((number - 1, earlier.index))
                if target is not None:
                    found.add((number, target.index))
                cue_start = bisect.bisect_left(starts, match.start())
                if match.group(0).split()[0].endswith("ed") and cue_start > 0:
                    found.add((number, cue_start - 1))  # "I'd like web-frontend scaled to 6"
    return found


# Namespace, numbers


_NAMESPACE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = tuple((re.compile(p), w) for p, w in (
    (rf"\bnamespace\s*(?:[:=]|name\s*[:=]|(?:is\s+)?called|(?:is\s+)?named|should\s+be|will\s+be|of)?\s*[`'\"]?{NAME}",
     4.0),
    (rf"\bnamespace\s+is\s+[`'\"]?{NAME}", 3.0),  # "namespace is identity"; not over "the jobs namespace is stuck"
    (rf"--namespace[= ]{NAME}", 4.0),
    (rf"\bnamespace\b[^.;]{{0,80}}?\b(?:call|name)\s+it\s+{NAME}", 4.5),
    # "the preview namespace preview-pr-1432": the word before is what kind of namespace, the name after is its name
    (rf"{NAME}[`'\"]?\s+namespace\b(?!\s+[`'\"]?[a-z0-9]+(?:-[a-z0-9]+)+)", 4.0),
    (rf"\bns\s*(?:[:=/]|(?:is\s+)?called|(?:is\s+)?named)?\s*{NAME}", 3.5),
    (rf"{NAME}\s+ns\b", 3.5),
    (rf"(?:^|\s)-n\s+{NAME}", 3.0),
    (rf"{NAME}\s+(?:env|environment)\b(?!\s+var)", 1.5),
    (rf"\b(?:in|into)\s+(?:the\s+)?{NAME}\b", 1.05),  # a place more often than "to"/"from" X: it wins a tie
    (rf"\b(?:to|from)\s+(?:the\s+)?{NAME}\b", 1.0),
))


def namespace_scores(scans: list[Scan]) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for s in scans:
        for pattern, weight in _NAMESPACE_PATTERNS:
            for match in pattern.finditer(s.masked):
                value = match.group(1)
                after = s.masked[match.end():match.end() + 80].split()[:1]  # the next word only: linear
                if value in NOT_NAMESPACES or value.isdigit():
                    continue
                described = bool(after) and (after[0] in WORKLOAD_NOUNS
                                             or (after[0] in NOUNS and after[0] not in TIME_WORDS))
                infinitive = weight <= 1.0 and bool(after) and after[0] in POSSESSIVES  # "to warm its cache"
                if weight < 1.5 and (value in STAGES or described or infinitive):
                    # "to the web deployment", "to stale settings": what the noun is, not a place
                    continue
                scores[value] = max(scores[value], weight) + (0.1 if weight >= 1.5 else 0.0)
    return dict(scores)
