"""How a hypothesis of the analysis engine (opsdesk.analysis.engine) is worded: the symptom the incident names,
the claim of its cause (naming the change that carries it, or the items it rests on) and its evidence sentences."""

from __future__ import annotations

import re

from opsdesk.analysis.catalogue import CauseEntry
from opsdesk.analysis.text import MAX_QUOTED_TERMS, TEXT_MENTIONS, Signal
from opsdesk.analysis.vocabulary import DEFAULT_SYMPTOM, SYMPTOMS

_SYMPTOMS = tuple((phrase, re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z0-9])"))
                  for phrase, words in SYMPTOMS)


def symptom_of(title: str, description: str) -> str:
    for text in (title, description):
        lowered = text.lower()
        for phrase, pattern in _SYMPTOMS:
            if pattern.search(lowered):
                return phrase
    return DEFAULT_SYMPTOM


def claim_for(entry: CauseEntry, support: list[Signal], service: str, symptom: str) -> str:
    carrier = next((s for s in support if s.group == "change"), None)
    if entry.change_claim and carrier is not None:
        return entry.change_claim.format(change=carrier.item, symptom=symptom)
    claim = entry.claim.format(service=service, symptom=symptom)
    cited = [s.item for s in support if s.item][:2]
    return f"{claim} ({', '.join(cited)})" if cited else claim


def evidence_sentences(signals: list[Signal]) -> tuple[str, ...]:
    """The signals' sentences in order, the text's terms quoted together in one sentence (where the strongest
    stands)."""
    quotes = [s.sentence.removeprefix(TEXT_MENTIONS) for s in signals if s.sentence.startswith(TEXT_MENTIONS)]
    sentences: list[str] = []
    for signal in signals:
        if not signal.sentence.startswith(TEXT_MENTIONS):
            sentences.append(signal.sentence)
        elif signal.sentence.removeprefix(TEXT_MENTIONS) == quotes[0]:
            sentences.append(TEXT_MENTIONS + ", ".join(quotes[:MAX_QUOTED_TERMS]))
    return tuple(dict.fromkeys(sentences))
