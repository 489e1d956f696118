"""The offline provider: answers from the documentation it retrieves, with no model and no network.

For the user's latest question it
1. turns the question into a keyword query (dropping filler words; a short follow-up such as "and in
   production?" borrows the keywords of the user's previous message),
2. calls the same `searchDocs` tool a model would call, and streams the call and its result,
3. ranks the articles close to the best one, putting troubleshooting articles first for a problem and how-to
   guides first for a how-to question (`Selection.choose`),
4. weighs the evidence that the best of them answers the question (`Evidence`): how much of the question its
   title and excerpt say (in the question's words, or in the documentation's words the synonym list maps them
   to, `opsdesk.search.synonyms`), its title alone, the search's own relevance, its lead over the next result,
   and whether the top results agree on a plane,
5. writes the answer: sure (the best article with its excerpt, the others listed, each cited with its title and
   URL), unsure (the same, saying the article may not cover the case and suggesting an issue if it does not), or
   none (it says plainly that nothing relevant was found and cites nothing).

Deciding from several kinds of evidence rather than one relevance threshold matters because a question in the
customer's words can match its article weakly (the right article at 0.15-0.2) while an unrelated question matches
incidental words as strongly. The weights and the two cut-offs (`EVIDENCE_WEIGHTS`, `Selection`) were set on the
tuning questions of tests/search/; `make bench` reports the answers on those and on held-out questions.

The text streams in several pieces (an opening line before the search, then one per paragraph), so a client
shows the first words at once. Tokens are estimated (`opsdesk.ai.usage.estimate_tokens`): the input is what it
read (the question, and the search results), the output what it wrote.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from enum import Enum

from opsdesk.ai.answer_evidence import (
    Confidence,
    Evidence,
    question_concepts,
)
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
from opsdesk.frozen import frozen

OFFLINE_MODEL_ID = "offline-docs"
UNSURE_MARK = "though I'm not certain"
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
    "it", "it's", "its", "just", "keeps", "know", "let", "like", "me", "mine", "my", "need", "needs", "no",
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
    """The words of `text` that can tell articles apart, in order, once each. "keep" before an -ing word says
    that something goes on ("consumers keep rebalancing") and is dropped; otherwise it means to retain ("keep
    logs for 90 days") and stays."""
    seen: dict[str, None] = {}
    found = _WORD.findall(text.lower())
    for word, following in zip(found, [*found[1:], ""], strict=True):
        if word in FILLER_WORDS or word in seen or (word == "keep" and following.endswith("ing")):
            continue
        seen[word] = None
    return list(seen)


def search_query(messages: Sequence[ChatMessage]) -> str:
    """Keywords of the latest user message; a short follow-up adds those of the user's previous message."""
    questions = [m.content for m in messages if m.role == "user"]
    latest = keywords(questions[-1])
    if follows_up(questions):
        latest += [word for word in keywords(questions[-2]) if word not in latest]
    if not latest:
        return questions[-1].strip()[:200]
    return " ".join(latest[:MAX_QUERY_TERMS])


def follows_up(questions: Sequence[str]) -> bool:
    """Whether the latest question is a follow-up of the one before ("and in production?"): too few keywords of
    its own to search with."""
    return len(questions) > 1 and len(keywords(questions[-1])) < FOLLOW_UP_TERMS


PLANE_WORDS = frozenset({"plane", "planes"})
"""What the product calls its areas: "the Observability plane" names one, and "plane" then finds nothing more."""


def plane_slugs(tools: Sequence[Tool]) -> tuple[str, ...]:
    """The plane slugs searchDocs takes (its `planeSlug` enum), if it lists them."""
    for tool in tools:
        if tool.spec.name == SEARCH_DOCS:
            plane = tool.spec.input_schema.get("properties", {}).get("planeSlug", {})
            return tuple(str(slug) for slug in plane.get("enum", ()))
    return ()


def named_plane(question: str, slugs: Sequence[str]) -> str | None:
    """The one plane the question names as a plane: a slug of several words as written ("data-platform"), or its
    words followed by "plane" ("the Observability plane", "App CI/CD plane", "Identity & Access plane"). A
    plane's word alone is a topic ("observability for my pipeline"), not the area; two planes named restrict to
    neither."""
    text = " ".join(_WORD.findall(question.lower().replace("/", "")))  # "CI/CD" is the slug's "cicd"
    spaced = text.replace("-", " ")
    named = {slug for slug in slugs
             if ("-" in slug and re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", text))
             or re.search(rf"(?<!\w){re.escape(slug.replace('-', ' '))} planes?\b", spaced)}
    return named.pop() if len(named) == 1 else None


def topic_words(query: str, plane: str) -> list[str]:
    """The query's words that ask about something in the plane: not "plane", not the plane's own name."""
    own = set(plane.split("-")) | PLANE_WORDS
    return [word for word in query.split() if word.replace("/", "") not in own and "'" not in word]


def asked_plane(questions: Sequence[str], slugs: Sequence[str]) -> str | None:
    """The plane the latest question names, or for a follow-up the one the question before named (its words are
    searched too)."""
    named = named_plane(questions[-1], slugs)
    if named is None and follows_up(questions):
        named = named_plane(questions[-2], slugs)
    return named


def intent_of(question: str) -> Intent:
    text = question.lower().strip()
    if text.startswith(HOW_TO_OPENINGS):
        return Intent.HOW_TO
    if set(_WORD.findall(text)) & PROBLEM_WORDS or "n't" in text or "not working" in text:
        return Intent.PROBLEM
    return Intent.QUESTION


@frozen
class Decision:
    confidence: Confidence
    articles: list[DocResult]
    """What the answer cites, best first (empty when the confidence is NONE)."""
    evidence: Evidence | None


@frozen
class Selection:
    min_relevance: float = 0.25
    """An article listed besides the best one must score at least this (embedded backend's relevance)."""
    relative_cut: float = 0.6
    """Keep articles scoring at least this share of the best one."""
    max_articles: int = 3
    sure_score: float = 1.2
    """Evidence score at least this: the best article is the answer."""
    unsure_score: float = 0.7
    """Evidence score at least this (and below ``sure_score``): the best article, said to be possibly not it;
    below: nothing is offered. Both set on the tuning questions: ``unsure_score`` midway between the unanswerable
    questions' scores and the answerable ones'."""

    def choose(self, results: list[DocResult], intent: Intent) -> list[DocResult]:
        """The articles an answer would cite, best first: those close to the best (``relative_cut``), troubleshooting
        articles first for a problem and how-to guides first for a how-to question among near-equals; the best
        always, the others only from ``min_relevance``."""
        if not results:
            return []
        best = max(r.relevance for r in results)
        relevant = [r for r in results if r.relevance >= best * self.relative_cut]
        preferred = PREFERRED_TYPES.get(intent.value, ())
        ranked = sorted(relevant, key=lambda r: r.relevance + (TYPE_BONUS if r.type in preferred else 0.0),
                        reverse=True)
        return [ranked[0], *(r for r in ranked[1:] if r.relevance >= self.min_relevance)][: self.max_articles]

    def decide(self, query: str, questions: Sequence[str], results: list[DocResult], intent: Intent) -> Decision:
        """Answer, answer with a caveat, or hand off: from the evidence that the best article covers the query."""
        articles = self.choose(results, intent)
        concepts = question_concepts(query, questions)
        if not articles or not concepts:
            return Decision(Confidence.NONE, [], None)
        evidence = Evidence.of(concepts, articles[0], results)
        if evidence.score >= self.sure_score:
            return Decision(Confidence.SURE, articles, evidence)
        if evidence.score >= self.unsure_score:
            return Decision(Confidence.UNSURE, articles, evidence)
        return Decision(Confidence.NONE, [], evidence)


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

        plane = asked_plane([m.content for m in messages if m.role == "user"], plane_slugs(tools))
        searched, opened = query, False
        if plane is not None and not topic_words(query, plane):  # about the plane itself: what it documents
            yield say("Let me list what the documentation covers there.")
            opened = True
            call = ToolCall(f"offline-{uuid.uuid4().hex[:12]}", SEARCH_DOCS, {"planeSlug": plane})
            yield call
            result = call_tool(tools, call)
            yield result
            if result.output is not None and doc_results(result.output):
                for paragraph in compose_overview(doc_results(result.output)):
                    yield say(paragraph)
                read = question + "\n" + tool_result_text(result)
                yield UsageReport(OFFLINE_MODEL_ID, TokenUsage(estimate_tokens(read),
                                                               estimate_tokens("".join(written))))
                return
        if plane is not None:  # within the plane, "plane" matches nothing that tells its articles apart
            query = " ".join(w for w in query.split() if w not in PLANE_WORDS) or query
        if not opened:  # a plane listed empty has said what it looks for already
            yield say(_opening(intent, query))
        call = ToolCall(f"offline-{uuid.uuid4().hex[:12]}", SEARCH_DOCS,
                        {"query": query, **({"planeSlug": plane} if plane else {})})
        yield call
        result = call_tool(tools, call)
        yield result
        if plane is not None and result.output is not None and not doc_results(result.output):
            # Nothing in the plane says the words ("infrastructure" in no Infrastructure article): every plane
            query = searched
            call = ToolCall(f"offline-{uuid.uuid4().hex[:12]}", SEARCH_DOCS, {"query": query})
            yield call
            result = call_tool(tools, call)
            yield result
        if result.output is None:
            yield say(f"\n\nI couldn't search the documentation just now ({result.error}). Please try again in a "
                      "moment, or file an issue so the support team can help.")
        else:
            questions = [m.content for m in messages if m.role == "user"][-2:]
            decision = self._selection.decide(query, questions, doc_results(result.output), intent)
            for paragraph in compose_answer(query, intent, decision.articles, decision.confidence):
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


def compose_answer(query: str, intent: Intent, articles: list[DocResult],
                   confidence: Confidence = Confidence.SURE) -> list[str]:
    """The answer's paragraphs (each streamed as its own text event), every article cited by title and URL.
    How it opens says how sure it is; with no articles (or ``Confidence.NONE``) it says nothing matched."""
    if not articles or confidence is Confidence.NONE:
        return [
            f"\n\nI couldn't find anything in the documentation that matches “{query}”.",
            " Try naming the service, the exact error message or the step that fails"
            + (", or file an issue so the support team can look into it." if intent is Intent.PROBLEM else "."),
        ]
    best, others = articles[0], articles[1:]
    described = f"**{best.title}** (a {TYPE_NAMES.get(best.type, best.type)} for {best.plane})"
    if confidence is Confidence.SURE:
        opening = f"\n\nThe closest match is {described}:"
    else:
        opening = f"\n\nThis article looks related, {UNSURE_MARK} it covers your case: {described}."
    paragraphs = [opening, f"\n\n> {_quote(best.excerpt, best.title)}", f"\n\nRead it here: {best.url}"]
    if others:
        listed = "".join(f"\n- **{a.title}** ({TYPE_NAMES.get(a.type, a.type)}, {a.plane}): {a.url}" for a in others)
        paragraphs.append(("\n\nAlso relevant:" if confidence is Confidence.SURE else "\n\nAlso worth a look:")
                          + listed)
    if confidence is Confidence.UNSURE:
        paragraphs.append("\n\nIf this isn't it, file an issue with the error message and what you tried, and the "
                          "support team will look into it.")
    elif intent is Intent.PROBLEM:
        paragraphs.append("\n\nIf these don't solve it, file an issue with the error message and what you tried.")
    return paragraphs


def compose_overview(articles: list[DocResult]) -> list[str]:
    """What a plane documents: its articles listed, each cited by title and URL."""
    listed = "".join(f"\n- **{a.title}** ({TYPE_NAMES.get(a.type, a.type)}): {a.url}" for a in articles)
    return [f"\n\nThe {articles[0].plane} documentation includes:" + listed,
            "\n\nAsk about any of them, or describe what you are trying to do in that area."]


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
