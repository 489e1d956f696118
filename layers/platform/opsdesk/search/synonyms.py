"""The domain's synonyms: what customers say, mapped to what the documentation calls it. The list is data
(``synonyms.txt`` next to this module, shipped in the layer); both engines read it:

- the embedded engine (``sqlite_fts``) finds the rules' phrases in a query and also searches what they map to;
- the OpenSearch adapter builds a ``synonym_graph`` filter of a search-time analyzer from ``solr_rules()``.

The file is in the Solr synonym format that OpenSearch reads, one rule a line, ``#`` starts a comment::

    rollback, roll back, revert               equivalent: any of them also searches the others
    old version back, bad release => rollback, roll back, previous release
                                              a query saying the left side also searches the right side

Phrases are matched on a query's *content words*: lower-cased letter/digit runs (as the engines tokenise) with
filler words dropped (``MATCH_STOP_WORDS``: "how do I get the old version back" is matched as
"old version back"), each word folded by a light stemmer (``fold``: "reverted", "reverting" and "reverts"
all match "revert"). Rules lose their filler words the same way, on both sides: a searched phrase is searched
as its content words in a row ("passes on retry" would search "passes retry", which no article says), so write
the right-hand side as contiguous documentation words without fillers. OpenSearch stems with its English
stemmer instead of ``fold``: the two agree on the regular endings the rules use.

Loaded on first use (``domain_synonyms()``), not at import: a function that never searches pays nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
MAX_PHRASE_WORDS = 6

_WORD = re.compile(r"[^\W_]+")

# Words that carry no meaning of their own in a question: English function words, what people say around a
# question, and the pieces tokenisation leaves of contractions ("didn't" -> "didn", "t"). A superset of the
# offline chat's filler words (tested), so the chat's keyword queries match the same phrases as full questions.
MATCH_STOP_WORDS = frozenset((
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "anyone", "anything", "are", "aren",
    "as", "at", "be", "been", "before", "being", "but", "by", "can", "cannot", "cant", "could", "couldn", "d",
    "did", "didn", "do", "does", "doesn", "doing", "don", "done", "for", "from", "get", "gets", "getting", "got",
    "had", "hadn", "has", "hasn", "have", "haven", "having", "hello", "help", "hey", "hi", "how", "i", "if", "im",
    "in", "into", "is", "isn", "it", "its", "just", "keeps", "know", "let", "like", "ll", "m", "me", "mine",
    "my", "need", "needs", "no", "not", "now", "of", "on", "or", "our", "please", "re", "really", "s", "seem",
    "seems", "should", "shouldn", "so", "some", "someone", "something", "still", "t", "tell", "than", "thank",
    "thanks", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "tried",
    "try", "trying", "us", "ve", "very", "want", "was", "wasn", "way", "we", "were", "weren", "what", "whats",
    "when", "where", "which", "while", "who", "why", "will", "with", "won", "would", "wouldn", "you", "your",
))

_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_MIN_STEM = 3


@lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """A light English stemmer for matching phrases: one of -ies/-ing/-ed/-es/-s off (keeping at least three
    letters; -ss stays), then a final -e. "releases", "released", "releasing" and "release" all fold to
    "releas"; "access" stays "access". Applied to both sides of a match, so only consistency matters."""
    word = word.lower()
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM and not word.endswith("ss"):
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Letter/digit runs, lower-cased: the tokens SQLite's unicode61 and OpenSearch's standard tokenizer see."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """The words of ``text`` without ``MATCH_STOP_WORDS``, in order (repeats kept)."""
    return [word for word in words(text) if word not in MATCH_STOP_WORDS]


class SynonymMatch(NamedTuple):
    """One rule phrase found in a query: the content words it covered and the phrases to search as well."""

    start: int
    """Index of the first covered word in the query's content words."""
    said: tuple[str, ...]
    """The covered content words, as written (lower-cased)."""
    alternatives: tuple[str, ...]
    """What to search too: phrases of words separated by one space (may include what was said)."""


class SynonymSet:
    """Parsed rules: folded left-hand phrase -> the right-hand phrases, merged over every rule that has it."""

    def __init__(self, mapping: dict[tuple[str, ...], tuple[str, ...]], written: dict[str, tuple[str, ...]],
                 version: str) -> None:
        self._mapping = mapping
        self._written = written
        """Each left-hand phrase as written (content words), and the folded phrase it is matched as."""
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(mapping, key=len, reverse=True):
            self._by_first.setdefault(phrase[0], []).append(phrase)
        self.version = version
        """First 16 hex digits of the SHA-256 of the source text: names the set an index was built with."""

    @classmethod
    def parse(cls, text: str) -> SynonymSet:
        """Parse the file's text; raises ``ValueError`` naming the line of a rule that cannot be used."""
        import hashlib  # noqa: PLC0415 - only here, on first use: the import is most of this module's cost

        mapping: dict[tuple[str, ...], list[str]] = {}
        known: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        written: dict[str, tuple[str, ...]] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            left, arrow, right = line.partition("=>")
            said = _phrases(left, number)
            searched = _phrases(right, number) if arrow else said
            if not said or not searched:
                raise ValueError(f"synonyms line {number}: a rule needs phrases on both sides: {raw.strip()!r}")
            folded_targets = [(target, _folded(target)) for target in searched]
            for phrase in said:
                key = written[phrase] = _folded(phrase)
                targets, seen = mapping.setdefault(key, []), known.setdefault(key, set())
                # One target per folded form: "timeout" and "timeouts" search the same stemmed term.
                for target, folded in folded_targets:
                    if folded not in seen:
                        seen.add(folded)
                        targets.append(target)
        version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        return cls({phrase: tuple(targets) for phrase, targets in mapping.items()}, written, version)

    def __len__(self) -> int:
        return len(self._mapping)

    def matches(self, text: str) -> list[SynonymMatch]:
        """Rule phrases found in ``text``, left to right, longest first, not overlapping."""
        return self.rewrite(text)[1]

    def rewrite(self, text: str) -> tuple[list[str], list[SynonymMatch]]:
        """``text`` as the documentation would say it: its content words that no rule phrase covered (in order,
        once each), and the matches, whose alternatives stand for the words they covered."""
        said = content_words(text)
        folded = [fold(word) for word in said]
        found: list[SynonymMatch] = []
        position = 0
        while position < len(folded):
            for phrase in self._by_first.get(folded[position], ()):
                end = position + len(phrase)
                if tuple(folded[position:end]) == phrase:
                    found.append(SynonymMatch(position, tuple(said[position:end]), self._mapping[phrase]))
                    position = end
                    break
            else:
                position += 1
        covered = {index for match in found for index in range(match.start, match.start + len(match.said))}
        kept = list(dict.fromkeys(word for index, word in enumerate(said) if index not in covered))
        return kept, found

    def solr_rules(self) -> list[str]:
        """The rules in Solr's explicit form, one per left-hand phrase as written, without its filler words
        (``"old version back => rollback, roll back"``), for an OpenSearch ``synonym_graph`` filter placed after a
        stop filter of ``MATCH_STOP_WORDS`` and the English stemmer: the matches the embedded engine makes."""
        return [f"{phrase} => {', '.join(self._mapping[folded])}" for phrase, folded in sorted(self._written.items())]

    def left_phrases(self) -> Iterator[tuple[str, ...]]:
        return iter(self._mapping)


def _phrases(side: str, number: int) -> list[str]:
    phrases: list[str] = []
    for part in side.split(","):
        if not words(part):
            continue
        content = content_words(part)
        if not content:
            raise ValueError(f"synonyms line {number}: {part.strip()!r} is only filler words")
        if len(content) > MAX_PHRASE_WORDS:
            raise ValueError(f"synonyms line {number}: {part.strip()!r} is longer than {MAX_PHRASE_WORDS} words")
        phrases.append(" ".join(content))
    return phrases


def _folded(phrase: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in phrase.split())


@cache
def domain_synonyms() -> SynonymSet:
    """The synonyms shipped with the layer, read and parsed once per process, on first use."""
    return SynonymSet.parse(SYNONYMS_FILE.read_text(encoding="utf-8"))


def expanded_terms(matches: Iterable[SynonymMatch]) -> list[str]:
    """Every alternative phrase of ``matches``, once each, in order."""
    return list(dict.fromkeys(alternative for match in matches for alternative in match.alternatives))
