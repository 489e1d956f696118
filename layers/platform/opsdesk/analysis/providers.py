"""Who ranks hypotheses for an incident (DESIGN.md §6, §6b): the offline engine (opsdesk.analysis.engine, the
default and the local stack's) or a model on Amazon Bedrock (opsdesk.analysis.bedrock), behind one interface.

Both are asked the same question: the prompt `evidence_prompt` writes and the `record_hypotheses` tool whose input
is the ranked list (`tool_input_schema`). Bedrock answers by calling the tool; the offline provider computes the
list and reports the tokens the same exchange would have cost (opsdesk.ai.usage.estimate_tokens over the system
prompt, the prompt and the tool on the way in, its JSON answer on the way out), so usage analytics count comparable
numbers whichever provider answered."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from opsdesk.ai.usage import TokenUsage, estimate_tokens
from opsdesk.analysis.catalogue import CATALOGUE
from opsdesk.analysis.engine import rank_hypotheses
from opsdesk.analysis.evidence import CAUSE_CLASSES, EvidenceBundle, Hypothesis
from opsdesk.analysis.text import ago
from opsdesk.frozen import frozen

OFFLINE_MODEL_ID = "opsdesk-offline-hypotheses"
HYPOTHESES_TOOL = "record_hypotheses"
DEFAULT_LIMIT = 5
MAX_EVIDENCE_SENTENCES = 10
SYSTEM_PROMPT = (
    "You are the incident analyst of an SRE team. From the evidence of one incident, rank the most likely root "
    "causes. Use only the cause classes listed. Weigh what happened close to the detection time and on the "
    "incident's own service most; a change long before the detection, after it or on an unrelated service weighs "
    "little. Past incidents show what was confirmed (or rejected) on this project before; project feedback is a "
    "prior, not proof. Every evidence sentence names the item it rests on and ends with its id in brackets. "
    "Confidences are probabilities between 0 and 1 with confidence_lower <= confidence_score <= confidence_upper; "
    "make the interval narrower the more evidence there is. Answer only by calling the record_hypotheses tool."
)


@frozen
class HypothesisResult:
    hypotheses: tuple[Hypothesis, ...]
    """Ranked: rank 1 first, confidences descending."""
    model_id: str
    usage: TokenUsage


class HypothesisProvider(Protocol):
    @property
    def model_id(self) -> str: ...

    def generate(self, bundle: EvidenceBundle, *, feedback: Mapping[str, float] | None = None) -> HypothesisResult:
        """Rank hypotheses for the bundle's incident. `feedback`: the project's per-cause prior (positive after
        confirmations, negative after rejections). Raises opsdesk.ai.provider.ProviderError when a model fails."""
        ...


class ModelSettings(Protocol):
    """What the factory reads (opsdesk.settings.ChatSettings and HypothesisSettings have it)."""

    @property
    def ai_provider(self) -> str: ...

    @property
    def bedrock_model_id(self) -> str: ...

    @property
    def bedrock_region(self) -> str | None: ...

    @property
    def aws_region(self) -> str: ...


# ---------------------------------------------------------------------------------------------------- the question
def tool_input_schema(limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """JSON Schema of the record_hypotheses tool's input: the ranked hypotheses."""
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    sentences = {"type": "array", "items": {"type": "string"}, "maxItems": MAX_EVIDENCE_SENTENCES}
    hypothesis = {
        "type": "object",
        "properties": {
            "cause": {"type": "string", "enum": list(CAUSE_CLASSES), "description": "The cause class."},
            "claim": {"type": "string", "description": "One sentence naming the service and the evidence, e.g. "
                                                       "'Deployment v2.4.5 of payment-api caused the errors'."},
            "description": {"type": "string", "description": "How this cause produces what was observed."},
            "confidence_score": {**probability, "description": "Probability that this is the root cause."},
            "confidence_lower": probability,
            "confidence_upper": probability,
            "supporting_evidence": {**sentences, "description": "Sentences citing the items for it, with ids."},
            "contradicting_evidence": {**sentences,
                                       "description": "Sentences citing the items against it, with ids."},
        },
        "required": ["cause", "claim", "description", "confidence_score", "confidence_lower", "confidence_upper",
                     "supporting_evidence", "contradicting_evidence"],
    }
    return {
        "type": "object",
        "properties": {"hypotheses": {"type": "array", "items": hypothesis, "minItems": 1, "maxItems": limit,
                                      "description": "Most likely first."}},
        "required": ["hypotheses"],
    }


MAX_PROMPT_OBSERVATIONS = 200
"""The newest events a prompt shows (a prompt's tokens are paid for; the engine reads them all)."""
TOOL_DESCRIPTION = "Record the ranked root-cause hypotheses of the incident (most likely first)."


def _time(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _line(text: str) -> str:
    return " ".join(text.split())


def evidence_prompt(bundle: EvidenceBundle, feedback: Mapping[str, float] | None = None, *,
                    limit: int = DEFAULT_LIMIT) -> str:
    """The user message: the incident, every evidence item with its id, the project's feedback and the cause
    classes."""
    facts = bundle.incident
    detected = facts.detected_at
    lines = [
        f"Incident on service {facts.service_name} (severity {facts.severity}), detected {_time(detected)}.",
        f"Title: {_line(facts.title)}",
        "Description:",
        facts.description.strip() or "(none)",
        "",
        "Alerts:" if bundle.alerts else "Alerts: none",
    ]
    for alert in bundle.alerts:
        before = (detected - alert.starts_at).total_seconds() / 60
        lines.append(f"- [{alert.id}] {alert.name} on {alert.service} ({alert.severity}, {alert.status}), started "
                     f"{_time(alert.starts_at)} ({ago(before)}): {_line(alert.summary)}")
    lines.append("Changes:" if bundle.changes else "Changes: none")
    for change in bundle.changes:
        before = (detected - change.at).total_seconds() / 60
        version = f" {change.version}" if change.version else ""
        lines.append(f"- [{change.id}] {change.kind}{version} of {change.service} at {_time(change.at)} "
                     f"({ago(before)}): {_line(change.summary)}")
    if bundle.observations:
        shown = sorted(bundle.observations, key=lambda o: (o.at, o.id))[-MAX_PROMPT_OBSERVATIONS:]
        lines.append(f"Events ({len(shown)} of {len(bundle.observations)}, newest last):")
        for observation in shown:
            before = (detected - observation.at).total_seconds() / 60
            details = "; ".join(f"{k}={v}" for k, v in list(observation.details.items())[:6])
            lines.append(f"- [{observation.id}] {observation.kind} {observation.level} from {observation.source} at "
                         f"{_time(observation.at)} ({ago(before)}): {_line(observation.message)[:300]}"
                         + (f" ({_line(details)[:200]})" if details else ""))
    lines.append("Past incidents of this project:" if bundle.past_incidents else "Past incidents: none")
    for past in bundle.past_incidents:
        outcome = f"confirmed cause {past.confirmed_cause}" if past.confirmed_cause else "cause never confirmed"
        if past.rejected_causes:
            outcome += f"; rejected {', '.join(past.rejected_causes)}"
        lines.append(f"- [{past.id}] {past.ref} on {past.service_name}, {_time(past.detected_at)}: "
                     f"{_line(past.title)} ({outcome}). {_line(past.description)}")
    priors = {cause: weight for cause, weight in (feedback or {}).items() if cause in CAUSE_CLASSES and weight}
    if priors:
        lines.append("Project feedback (prior per cause; positive: confirmed before, negative: rejected before):")
        lines += [f"- {cause}: {weight:+.2f}" for cause, weight in sorted(priors.items())]
    lines += ["", "Cause classes:"]
    lines += [f"- {entry.cause}: {entry.description}" for entry in CATALOGUE]
    lines += ["", f"Call {HYPOTHESES_TOOL} with at most {limit} hypotheses, most likely first."]
    return "\n".join(lines)


def hypotheses_tool_input(hypotheses: Sequence[Hypothesis]) -> dict[str, Any]:
    """Hypotheses in the tool's input shape (what the offline provider answers with)."""
    return {"hypotheses": [
        {"cause": h.cause, "claim": h.claim, "description": h.description, "confidence_score": h.confidence_score,
         "confidence_lower": h.confidence_lower, "confidence_upper": h.confidence_upper,
         "supporting_evidence": list(h.supporting_evidence), "contradicting_evidence": list(h.contradicting_evidence)}
        for h in hypotheses
    ]}


def request_tokens(prompt: str, limit: int = DEFAULT_LIMIT) -> int:
    """The estimated input of one request: system prompt, prompt and the tool's definition."""
    tool = json.dumps({"name": HYPOTHESES_TOOL, "description": TOOL_DESCRIPTION,
                       "inputSchema": tool_input_schema(limit)}, separators=(",", ":"))
    return estimate_tokens(SYSTEM_PROMPT) + estimate_tokens(prompt) + estimate_tokens(tool)


# ---------------------------------------------------------------------------------------------------- providers
class OfflineHypothesisProvider:
    """The engine, with the token usage the same question would have cost a model."""

    def __init__(self, *, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit

    @property
    def model_id(self) -> str:
        return OFFLINE_MODEL_ID

    def generate(self, bundle: EvidenceBundle, *, feedback: Mapping[str, float] | None = None) -> HypothesisResult:
        hypotheses = tuple(rank_hypotheses(bundle, limit=self._limit, feedback=feedback))
        answer = json.dumps(hypotheses_tool_input(hypotheses), separators=(",", ":"), ensure_ascii=False)
        usage = TokenUsage(request_tokens(evidence_prompt(bundle, feedback, limit=self._limit), self._limit),
                           estimate_tokens(answer))
        return HypothesisResult(hypotheses, OFFLINE_MODEL_ID, usage)


def hypothesis_provider(settings: ModelSettings) -> HypothesisProvider:
    """`AI_PROVIDER=bedrock`: Bedrock's Converse API with `BEDROCK_MODEL_ID` (in `BEDROCK_REGION`, default the
    function's region); otherwise the offline engine."""
    if settings.ai_provider == "bedrock":
        # Imported only where Bedrock answers: boto3's client creation is cold-start time the offline default
        # does not need.
        from opsdesk.ai.factory import bedrock_runtime_client  # noqa: PLC0415
        from opsdesk.analysis.bedrock import BedrockHypothesisProvider  # noqa: PLC0415

        client = bedrock_runtime_client(settings.bedrock_region or settings.aws_region)
        return BedrockHypothesisProvider(client, settings.bedrock_model_id)
    return OfflineHypothesisProvider()
