"""Hypotheses from a model on Amazon Bedrock: one non-streaming Converse call (`bedrock-runtime` Converse) whose
`toolConfig` holds the record_hypotheses tool and whose `toolChoice` forces it, so the answer is the tool's input,
a JSON list, not prose.

    request  system, the evidence prompt (opsdesk.analysis.providers.evidence_prompt), toolConfig + toolChoice
    response output.message.content[] {toolUse: {name: record_hypotheses, input: {hypotheses: [...]}}},
             usage {inputTokens, outputTokens}

The model's list is checked before anyone sees it: unknown causes and items without a claim or a confidence are
dropped, confidences clamped to [0, 1] (a percentage, "85%" or 85, is read as one), the interval fixed so that
lower <= score <= upper, one hypothesis per cause (the most confident), re-ranked by confidence. An answer without
the tool call, or whose every item was unusable, is a ProviderError; so are Bedrock's errors (`throttled` for its
throttling codes)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from opsdesk.ai.answers import distinct_trimmed, token_count, trimmed
from opsdesk.ai.bedrock import ConverseClient, bedrock_errors
from opsdesk.ai.provider import ProviderError
from opsdesk.ai.usage import TokenUsage
from opsdesk.analysis.catalogue import CATALOGUE_BY_CAUSE
from opsdesk.analysis.engine import interval
from opsdesk.analysis.evidence import EvidenceBundle, Hypothesis
from opsdesk.analysis.providers import (
    DEFAULT_LIMIT,
    HYPOTHESES_TOOL,
    MAX_EVIDENCE_SENTENCES,
    SYSTEM_PROMPT,
    TOOL_DESCRIPTION,
    HypothesisResult,
    evidence_prompt,
    tool_input_schema,
)

MAX_CLAIM_CHARS = 300
MAX_DESCRIPTION_CHARS = 1200
MAX_SENTENCE_CHARS = 400
PERCENT_FROM = 2.0


class BedrockHypothesisProvider:
    def __init__(self, client: ConverseClient, model_id: str, *, limit: int = DEFAULT_LIMIT,
                 max_output_tokens: int = 2048, temperature: float = 0.0) -> None:
        self._client = client
        self._model_id = model_id
        self._limit = limit
        self._max_output_tokens = max_output_tokens
        self._temperature = temperature

    @property
    def model_id(self) -> str:
        return self._model_id

    def request(self, bundle: EvidenceBundle, feedback: Mapping[str, float] | None = None) -> dict[str, Any]:
        """The Converse parameters (checked against botocore's service model in the tests)."""
        return {
            "modelId": self._model_id,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": [{"role": "user",
                          "content": [{"text": evidence_prompt(bundle, feedback, limit=self._limit)}]}],
            "inferenceConfig": {"maxTokens": self._max_output_tokens, "temperature": self._temperature},
            "toolConfig": {
                "tools": [{"toolSpec": {"name": HYPOTHESES_TOOL, "description": TOOL_DESCRIPTION,
                                        "inputSchema": {"json": tool_input_schema(self._limit)}}}],
                "toolChoice": {"tool": {"name": HYPOTHESES_TOOL}},
            },
        }

    def generate(self, bundle: EvidenceBundle, *, feedback: Mapping[str, float] | None = None) -> HypothesisResult:
        with bedrock_errors():
            response = self._client.converse(**self.request(bundle, feedback))
        tool_input = _tool_input(response)
        if tool_input is None:
            raise ProviderError(f"The model answered without calling {HYPOTHESES_TOOL} "
                                f"(stop reason {response.get('stopReason', 'unknown')})")
        hypotheses = validated_hypotheses(tool_input, self._limit)
        usage = response.get("usage") or {}
        tokens = TokenUsage(token_count(usage.get("inputTokens")), token_count(usage.get("outputTokens")))
        return HypothesisResult(hypotheses, self._model_id, tokens)


def _tool_input(response: Mapping[str, Any]) -> Mapping[str, Any] | None:
    content = ((response.get("output") or {}).get("message") or {}).get("content") or []
    for block in content:
        tool_use = block.get("toolUse") if isinstance(block, Mapping) else None
        if isinstance(tool_use, Mapping) and tool_use.get("name") == HYPOTHESES_TOOL:
            value = tool_use.get("input")
            return value if isinstance(value, Mapping) else {}
    return None


def probability(value: object) -> float | None:
    """A confidence as the model wrote it, in [0, 1]: numbers and numeric strings, clamped; written with `%`, or
    from 2 to 100, it is a percentage (85 -> 0.85; 1.7 is an overshoot -> 1.0); anything else (missing, NaN, text)
    is None."""
    if isinstance(value, bool):
        return None
    percent = False
    if isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%"))
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    number = float(value)
    if percent or PERCENT_FROM <= number <= 100.0:
        number /= 100.0
    return min(1.0, max(0.0, number))


def _sentences(value: object) -> tuple[str, ...]:
    return distinct_trimmed(value, MAX_SENTENCE_CHARS, MAX_EVIDENCE_SENTENCES)


def _hypothesis(item: object) -> Hypothesis | None:
    if not isinstance(item, Mapping):
        return None
    entry = CATALOGUE_BY_CAUSE.get(str(item.get("cause", "")).strip())
    claim = trimmed(item.get("claim"), MAX_CLAIM_CHARS)
    score = probability(item.get("confidence_score"))
    if entry is None or not claim or score is None:
        return None
    supporting = _sentences(item.get("supporting_evidence"))
    contradicting = _sentences(item.get("contradicting_evidence"))
    default_lower, default_upper = interval(score, len(supporting) + len(contradicting))
    lower = probability(item.get("confidence_lower"))
    upper = probability(item.get("confidence_upper"))
    return Hypothesis(
        cause=entry.cause, claim=claim,
        description=trimmed(item.get("description"), MAX_DESCRIPTION_CHARS) or entry.description,
        confidence_score=score,
        confidence_lower=min(score, default_lower if lower is None else lower),
        confidence_upper=max(score, default_upper if upper is None else upper),
        rank=0, supporting_evidence=supporting, contradicting_evidence=contradicting,
    )


def validated_hypotheses(tool_input: Mapping[str, Any], limit: int = DEFAULT_LIMIT) -> tuple[Hypothesis, ...]:
    """The usable hypotheses of the model's tool input, one per cause, ranked by confidence (ties keep the
    model's order), at most `limit`."""
    items = tool_input.get("hypotheses")
    if not isinstance(items, list):
        raise ProviderError(f"The model's {HYPOTHESES_TOOL} input has no hypotheses list")
    best: dict[str, tuple[int, Hypothesis]] = {}
    for position, item in enumerate(items):
        hypothesis = _hypothesis(item)
        if hypothesis is None:
            continue
        kept = best.get(hypothesis.cause)
        if kept is None or hypothesis.confidence_score > kept[1].confidence_score:
            best[hypothesis.cause] = (position, hypothesis)
    if items and not best:
        raise ProviderError("None of the model's hypotheses was usable")
    ranked = sorted(best.values(), key=lambda pair: (-pair[1].confidence_score, pair[0]))
    return tuple(replace(h, rank=rank) for rank, (_, h) in enumerate(ranked[: max(0, limit)], start=1))
