"""The offline provider: answers from the documentation it retrieves, with no model and no network.

For the user's latest question it
1. turns the question into a keyword query (dropping filler words; a short follow-up such as "and in
   production?" borrows the keywords of the user's previous message),
2. calls the same `searchDocs` tool a model would call, and streams the call and its result,
3. keeps the articles that are relevant enough (at least `min_relevance`, and close to the best one), putting
   troubleshooting articles first for a problem and how-to guides first for a how-to question,
4. writes the answer from those articles: the best one with its excerpt, the others listed, each cited with its
   title and URL; or says plainly that nothing relevant was found.

The text streams in several pieces (an opening line before the search, then one per paragraph), so a client
shows the first words at once. Tokens are estimated (`opsdesk.ai.usage.estimate_tokens`): the input is what it
read (the question, and the search results), the output what it wrote.

Relevance thresholds are absolute for the embedded backend (SQLite FTS5, where relevance is comparable across
queries); with OpenSearch, whose relevance is relative to the best hit, the best hit always passes.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from opsdesk.ai.provider import (
    ChatMessage,
    ProviderError,
    ProviderEvent,
    TextDelta,
    Tool,
    ToolCall,
    UsageReport,
    call_tool,
    tool_result_text,
)
from opsdesk.ai.tools import SEARCH_DOCS, DocResult, doc_results
from opsdesk.ai.usage import TokenUsage, estimate_tokens

OFFLINE_MODEL_ID = "offline-docs"
MAX_QUERY_TERMS = 12
FOLLOW_UP_TERMS = 2
"""A question with fewer keywords than this is read as a follow-up of the user's previous message."""
_WORD = re.compile(r"[\w][\w'.\-/]*[\w]|[\w]")
# Words that say nothing about which article helps: English function words and what people say around a question.
FILLER_WORDS = frozenset((
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "anyone", "anything", "are", "as",
    "at", "be", "been", "before", "being", "but", "by", "can", "can't", "cannot", "cant", "could", "did", "didn't",
    "do", "does", "doesn't", "doing", "don't", "done", "for", "from", "get", "gets", "getting", "got", "had", "has",
    "have", "having", "hello", "help", "hey", "hi", "how", "i", "i'm", "if", "im", "in", "into", "is", "isn't",
    "it", "it's", "its", "just", "keep", "keeps", "know", "let", "like", "me", "mine", "my", "need", "needs", "no",
    "not", "now", "of", "on", "or", "our", "please", "really", "seem", "seems", "should", "so", "some", "someone",
    "something", "still", "tell", "than", "thank", "thanks", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "tried", "try", "trying", "us", "very", "want", "was", "way", "we",
    "were", "what", "whats", "when", "where", "which", "while", "who", "why", "will", "with", "won't", "would",
    "you", "your"
))
PROBLEM_WORDS = frozenset((
    "broken", "cannot", "cant", "crash", "crashes", "crashing", "denied", "down", "error", "errors", "exception",
    "fail", "failed", "failing", "fails", "failure", "hang", "hanging", "hangs", "lag", "lost", "missing",
    "refused", "slow", "stuck", "timed", "timeout", "timeouts", "timing", "unable", "unavailable", "wrong"
))
HOW_TO_OPENINGS = ("how ", "how's ", "can i ", "can we ", "what is the best way", "is there a way", "where do i ",
                   "where can i ", "what's the best way", "show me how")
PREFERRED_TYPES = {"problem": ("troubleshooting",), "how_to": ("how-to", "tutorial")}
TYPE_BONUS = 0.05
TYPE_NAMES = {"how-to": "how-to guide", "troubleshooting": "troubleshooting guide", "reference": "reference",
              "tutorial": "tutorial"}


class Intent(Enum):
    PROBLEM = "problem"
    HOW_TO = "how_to"
    QUESTION = "question"


def keywords(text: str) -> list[str]:
    """The words of `text` that can tell articles apart, in order, once each."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in FILLER_WORDS and word not in seen:
            seen[word] = None
    return list(seen)


def search_query(messages: Sequence[ChatMessage]) -> str:
    """Keywords of the latest user message; a short follow-up adds those of the user's previous message."""
    questions = [m.content for m in messages if m.role == "user"]
    latest = keywords(questions[-1])
    if len(latest) < FOLLOW_UP_TERMS and len(questions) > 1:
        latest += [word for word in keywords(questions[-2]) if word not in latest]
    if not latest:
        return questions[-1].strip()[:200]
    return " ".join(latest[:MAX_QUERY_TERMS])


def intent_of(question: str) -> Intent:
    text = question.lower().strip()
    if text.startswith(HOW_TO_OPENINGS):
        return Intent.HOW_TO
    if set(_WORD.findall(text)) & PROBLEM_WORDS or "n't" in text or "not working" in text:
        return Intent.PROBLEM
    return Intent.QUESTION


@dataclass(frozen=True)
class Selection:
    min_relevance: float = 0.25
    """Below this an article is not worth showing (embedded backend: unrelated questions score 0.1-0.2)."""
    relative_cut: float = 0.6
    """Keep articles scoring at least this share of the best one."""
    max_articles: int = 3

    def choose(self, results: list[DocResult], intent: Intent) -> list[DocResult]:
        if not results:
            return []
        best = max(r.relevance for r in results)
        floor = max(self.min_relevance, best * self.relative_cut)
        relevant = [r for r in results if r.relevance >= floor]
        preferred = PREFERRED_TYPES.get(intent.value, ())
        ranked = sorted(relevant, key=lambda r: r.relevance + (TYPE_BONUS if r.type in preferred else 0.0),
                        reverse=True)
        return ranked[: self.max_articles]


class OfflineDocsProvider:
    def __init__(self, selection: Selection | None = None) -> None:
        self._selection = selection or Selection()

    @property
    def model_id(self) -> str:
        return OFFLINE_MODEL_ID

    def stream(self, messages: Sequence[ChatMessage], tools: Sequence[Tool], system: str) -> Iterator[ProviderEvent]:
        if not any(t.spec.name == SEARCH_DOCS for t in tools):
            raise ProviderError("The offline assistant answers from the documentation and needs the searchDocs tool")
        question = next(m.content for m in reversed(messages) if m.role == "user")
        query = search_query(messages)
        intent = intent_of(question)
        written: list[str] = []

        def say(text: str) -> TextDelta:
            written.append(text)
            return TextDelta(text)

        yield say(_opening(intent, query))
        call = ToolCall(f"offline-{uuid.uuid4().hex[:12]}", SEARCH_DOCS, {"query": query})
        yield call
        result = call_tool(tools, call)
        yield result
        if result.output is None:
            yield say(f"\n\nI couldn't search the documentation just now ({result.error}). Please try again in a "
                      "moment, or file an issue so the support team can help.")
        else:
            for paragraph in compose_answer(query, intent, self._selection.choose(doc_results(result.output), intent)):
                yield say(paragraph)
        read = question + "\n" + tool_result_text(result)
        yield UsageReport(OFFLINE_MODEL_ID, TokenUsage(estimate_tokens(read), estimate_tokens("".join(written))))


def _opening(intent: Intent, query: str) -> str:
    match intent:
        case Intent.PROBLEM:
            return f"Let me check the troubleshooting guides and documentation for “{query}”."
        case Intent.HOW_TO:
            return f"Let me find the documentation on “{query}”."
        case _:
            return f"Let me search the documentation for “{query}”."


def compose_answer(query: str, intent: Intent, articles: list[DocResult]) -> list[str]:
    """The answer's paragraphs (each streamed as its own text event), every article cited by title and URL."""
    if not articles:
        return [
            f"\n\nI couldn't find anything in the documentation that matches “{query}”.",
            " Try naming the service, the exact error message or the step that fails"
            + (", or file an issue so the support team can look into it." if intent is Intent.PROBLEM else "."),
        ]
    best, others = articles[0], articles[1:]
    paragraphs = [
        f"\n\nThe closest match is **{best.title}** (a {TYPE_NAMES.get(best.type, best.type)} for {best.plane}):",
        f"\n\n> {_quote(best.excerpt, best.title)}",
        f"\n\nRead it here: {best.url}",
    ]
    if others:
        listed = "".join(f"\n- **{a.title}** ({TYPE_NAMES.get(a.type, a.type)}, {a.plane}): {a.url}" for a in others)
        paragraphs.append("\n\nAlso relevant:" + listed)
    if intent is Intent.PROBLEM:
        paragraphs.append("\n\nIf these don't solve it, file an issue with the error message and what you tried.")
    return paragraphs


def _quote(excerpt: str, title: str) -> str:
    """An excerpt as a readable quote: one line, without the title it may open with (articles start with their
    heading), its cut ends marked with an ellipsis."""
    text = " ".join(excerpt.split())
    if text.startswith(title) and len(text) > len(title):
        text = text[len(title):].lstrip()
    if text.startswith("..."):
        text = "…" + text.removeprefix("...").lstrip()
    if text.endswith("..."):
        text = text.removesuffix("...").rstrip() + "…"
    return text
