"""Customer questions (tests/search/customer_*.json): documentation search quality and what the offline chat
answers, on a tuning set and a held-out set.

The held-out set was written before any tuning and is only measured: synonyms, weights and the chat's answer
decision are tuned against the tuning set. A case whose ``expected`` is empty is a question the corpus does not
answer: the chat should hand it off (cite no article), not answer it.

- search: precision@1, recall@5 and MRR (``search_quality.evaluate``) over the answerable questions;
- chat, answerable: the share where the reply's text cites (links) at least one expected article;
- chat, unanswerable: the share where the reply cites no article at all (the hand-off);
- how the chat answered: sure (the best article, stated), unsure (the best article, with a caveat), handed off.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsdesk.search.backend import SearchBackend
from scripts.benchlib.search_quality import Quality, evaluate

ROOT = Path(__file__).resolve().parents[2]
TUNING_SET = ROOT / "tests" / "search" / "customer_tuning.json"
HELD_OUT_SET = ROOT / "tests" / "search" / "customer_heldout.json"


def customer_cases(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text())["cases"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ChatReply:
    query: str
    expected: list[str]
    text: str
    cited: list[str]
    """URLs of the searchDocs results the reply's text links to, in the results' order."""
    confidence: str
    """"sure", "unsure" or "handoff", read from how the reply is worded."""

    @property
    def answerable(self) -> bool:
        return bool(self.expected)

    @property
    def cites_relevant(self) -> bool:
        return any(url in self.cited for url in self.expected)

    @property
    def handed_off(self) -> bool:
        return not self.cited


@dataclass(frozen=True)
class ChatQuality:
    answerable: int
    unanswerable: int
    cites: float
    """Answerable questions whose reply cites an expected article."""
    hands_off: float
    """Unanswerable questions whose reply cites no article."""
    answers: dict[str, int] = field(default_factory=dict)
    """How the answerable questions were answered: sure / unsure / handoff."""
    refusals: dict[str, int] = field(default_factory=dict)
    """How the unanswerable questions were answered: sure / unsure / handoff."""

    def as_dict(self) -> dict[str, Any]:
        return {"answerable": self.answerable, "unanswerable": self.unanswerable, "cites": self.cites,
                "hands_off": self.hands_off, "answers": self.answers, "refusals": self.refusals}


def ask_offline_chat(backend: SearchBackend) -> Callable[[str], tuple[str, list[str]]]:
    """A function asking the offline provider one question over `backend`: (reply text, result urls)."""
    from opsdesk.ai.offline import OfflineDocsProvider
    from opsdesk.ai.provider import ChatMessage, TextDelta, ToolResult
    from opsdesk.ai.tools import SearchDocsTool
    from opsdesk.support.chat import SYSTEM_PROMPT
    from opsdesk.support.docs import DEMO_PLANE_NAMES

    provider = OfflineDocsProvider()
    tool = SearchDocsTool(backend, limit=5, plane_slugs=DEMO_PLANE_NAMES)

    def ask(question: str) -> tuple[str, list[str]]:
        events = list(provider.stream([ChatMessage("user", question)], [tool], SYSTEM_PROMPT))
        text = "".join(e.text for e in events if isinstance(e, TextDelta))
        results = [c.url for e in events if isinstance(e, ToolResult) for c in e.citations]
        return text, results

    return ask


def _confidence(text: str, cited: list[str]) -> str:
    from opsdesk.ai.offline import UNSURE_MARK

    if not cited:
        return "handoff"
    return "unsure" if UNSURE_MARK in text else "sure"


def chat_replies(backend: SearchBackend, cases: list[dict[str, Any]]) -> list[ChatReply]:
    ask = ask_offline_chat(backend)
    replies = []
    for case in cases:
        text, results = ask(case["query"])
        cited = [url for url in results if url in text]
        replies.append(ChatReply(case["query"], case["expected"], text, cited, _confidence(text, cited)))
    return replies


def _counts(replies: list[ChatReply]) -> dict[str, int]:
    return {kind: sum(r.confidence == kind for r in replies) for kind in ("sure", "unsure", "handoff")}


def chat_quality(replies: list[ChatReply]) -> ChatQuality:
    answerable = [r for r in replies if r.answerable]
    unanswerable = [r for r in replies if not r.answerable]
    return ChatQuality(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        cites=statistics.mean(r.cites_relevant for r in answerable) if answerable else 0.0,
        hands_off=statistics.mean(r.handed_off for r in unanswerable) if unanswerable else 0.0,
        answers=_counts(answerable),
        refusals=_counts(unanswerable),
    )


@dataclass(frozen=True)
class SetQuality:
    name: str
    search: Quality
    chat: ChatQuality

    def as_dict(self) -> dict[str, Any]:
        return {"set": self.name, "search": self.search.as_dict(), "chat": self.chat.as_dict()}


def measure(backend: SearchBackend, name: str, cases: list[dict[str, Any]]) -> SetQuality:
    """Search quality over the answerable questions, chat quality over all of them."""
    answerable = [case for case in cases if case["expected"]]
    return SetQuality(name, evaluate(backend, answerable), chat_quality(chat_replies(backend, cases)))
