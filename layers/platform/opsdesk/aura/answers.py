"""Reading a person's answer to the agent's question (a namespace, a name, a count, an image, settings), with the
ticket reader's scanner: generous about wording, None when the answer does not say (the agent asks again)."""

from __future__ import annotations

import re

from opsdesk.aura.intent_scan import Scan, namespace_scores, scan, segments
from opsdesk.aura.intent_values import port_of, replicas_of
from opsdesk.aura.intent_words import Action
from opsdesk.aura.manifest_checks import DNS_LABEL

IMAGE_ANSWER = re.compile(r"[A-Za-z0-9][\w./:@-]*")


def parse_answer(key: str, text: str, options: tuple[str, ...] = ()) -> str | None:
    """A person's answer to the question for `key`, read generously and normalised: "use the cache namespace
    please" -> "cache", "three" or "3 replicas" -> "3", "redis:7.2" -> "redis:7.2", "LOG_LEVEL=debug" ->
    "LOG_LEVEL=debug". None when the answer does not say (the agent asks again)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    readers = {"namespace": lambda: _answer_name("namespace", cleaned, options),
               "name": lambda: _answer_name("name", cleaned, options),
               "replicas": lambda: _text(replicas_of([scan_answer(cleaned)], Action.SCALE, generous=True)),
               "port": lambda: _text(port_of([scan_answer(cleaned)], generous=True)),
               "image": lambda: _answer_image(cleaned),
               "config": lambda: _answer_settings(cleaned)}
    reader = readers.get(key)
    return reader() if reader else cleaned


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _answer_settings(text: str) -> str | None:
    env = scan_answer(text).env
    return ",".join(f"{k}={v}" for k, v in env.items()) if env else None


def scan_answer(text: str) -> Scan:
    trusted, _ = segments("", text)
    return scan(trusted[0]) if trusted else scan(segments("", ".")[0][0])


DEFERRING = re.compile(r"\b(?:you\s+(?:choose|decide|pick)|up\s+to\s+you|any(?:\s+of\s+them)?|whatever|"
                       r"doesn'?t\s+matter|your\s+call|the\s+first(?:\s+one)?|default)\b")
UNKNOWING = re.compile(r"\b(?:don'?t|do\s+not)\s+know\b|\bdunno\b|\bnot\s+sure\b|\bno\s+idea\b|\bunsure\b")


def _answer_name(key: str, text: str, options: tuple[str, ...]) -> str | None:
    lowered = text.lower()
    if UNKNOWING.search(lowered):
        return None
    for option in options:  # an offered option, named anywhere in the answer
        if re.search(rf"(?<![\w-]){re.escape(option.lower())}(?![\w-])", lowered):
            return option.lower()
    if options and DEFERRING.search(lowered) and not re.search(r"\bdefault\b", " ".join(options)):
        return options[0].lower()  # "up to you": the first suggestion
    answer = scan_answer(text)
    if key == "namespace":
        scores = namespace_scores([answer])
        if scores:
            return max(scores.items(), key=lambda item: item[1])[0]
    words = [w.text for w in answer.words if DNS_LABEL.fullmatch(w.text)]
    plain = [w for w in words if w not in _ANSWER_FILLER]
    return plain[0] if len(plain) == 1 or (plain and len(words) <= 3) else None


_ANSWER_FILLER = frozenset({"use", "the", "a", "in", "into", "to", "please", "pls", "namespace", "ns", "one", "go",
                            "with", "put", "it", "let", "lets", "let's", "s", "i", "think", "should", "be", "maybe",
                            "deploy", "there", "name", "call", "called", "ok", "okay", "yes", "sure", "just",
                            "workload", "deployment", "app", "is", "its", "it's", "thanks", "thank", "you"})


def _answer_image(text: str) -> str | None:
    answer = scan_answer(text)
    if answer.images:
        return answer.images[0]
    if answer.versions:
        return answer.versions[0][0]
    tokens = [t.strip(".,;:!?()'\"`") for t in text.split()]
    refs = [t for t in tokens if IMAGE_ANSWER.fullmatch(t) and (":" in t or "/" in t)]
    return refs[0] if refs else None
