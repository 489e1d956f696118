"""The provider interface: the offline engine's answer and usage, and the factory's choice."""

from __future__ import annotations

import json
from types import SimpleNamespace

from opsdesk.ai.usage import estimate_tokens
from opsdesk.analysis.bedrock import BedrockHypothesisProvider
from opsdesk.analysis.engine import rank_hypotheses
from opsdesk.analysis.providers import (
    OFFLINE_MODEL_ID,
    HypothesisProvider,
    OfflineHypothesisProvider,
    evidence_prompt,
    hypotheses_tool_input,
    hypothesis_provider,
    request_tokens,
)
from tests.unit.analysis.builders import alert, bundle, change, incident

EVIDENCE = bundle(incident("payment-api 5xx", "Errors since the release"),
                  alerts=(alert("HighErrorRate", minutes_before=3),), changes=(change(minutes_before=9),))


def settings(provider: str) -> SimpleNamespace:
    return SimpleNamespace(ai_provider=provider, bedrock_model_id="anthropic.claude-3-haiku-20240307-v1:0",
                           bedrock_region="us-east-1", aws_region="eu-west-1")


def test_the_offline_provider_answers_with_the_engine_s_ranking() -> None:
    provider: HypothesisProvider = OfflineHypothesisProvider()

    result = provider.generate(EVIDENCE, feedback={"bad_deploy": 0.5})

    assert provider.model_id == result.model_id == OFFLINE_MODEL_ID == "opsdesk-offline-hypotheses"
    assert list(result.hypotheses) == rank_hypotheses(EVIDENCE, feedback={"bad_deploy": 0.5})
    assert result.hypotheses[0].cause == "bad_deploy"


def test_the_offline_provider_counts_the_tokens_the_same_exchange_would_cost_a_model() -> None:
    result = OfflineHypothesisProvider().generate(EVIDENCE)

    answer = json.dumps(hypotheses_tool_input(result.hypotheses), separators=(",", ":"), ensure_ascii=False)
    assert result.usage.input_tokens == request_tokens(evidence_prompt(EVIDENCE))
    assert result.usage.output_tokens == estimate_tokens(answer)
    assert result.usage.input_tokens > estimate_tokens(evidence_prompt(EVIDENCE)) > 100
    assert result.usage.output_tokens > 50


def test_more_evidence_costs_more_input_tokens() -> None:
    small = OfflineHypothesisProvider().generate(bundle(incident("payment-api 5xx")))
    large = OfflineHypothesisProvider().generate(EVIDENCE)

    assert large.usage.input_tokens > small.usage.input_tokens


def test_the_offline_provider_respects_its_limit() -> None:
    evidence = bundle(incident("Everything broken", "5xx, DNS NXDOMAIN, x509 expired, 429s, disk full, OOMKilled"))

    assert len(OfflineHypothesisProvider(limit=2).generate(evidence).hypotheses) == 2


def test_the_factory_returns_the_offline_engine_by_default() -> None:
    provider = hypothesis_provider(settings("offline"))

    assert isinstance(provider, OfflineHypothesisProvider)


def test_the_factory_returns_bedrock_with_the_configured_model_when_asked() -> None:
    provider = hypothesis_provider(settings("bedrock"))

    assert isinstance(provider, BedrockHypothesisProvider)
    assert provider.model_id == "anthropic.claude-3-haiku-20240307-v1:0"


def test_the_prompt_shows_the_newest_events_with_their_ids_levels_sources_and_metadata() -> None:
    from dataclasses import replace
    from datetime import timedelta

    from opsdesk.analysis.evidence import ObservationEvidence
    from opsdesk.analysis.providers import MAX_PROMPT_OBSERVATIONS

    detected = EVIDENCE.incident.detected_at
    observations = tuple(
        ObservationEvidence(id=f"event-{n}", kind="log", message=f"line {n}", level="error", source="api-1",
                            at=detected - timedelta(seconds=MAX_PROMPT_OBSERVATIONS + 10 - n),
                            details={"status": "503"})
        for n in range(MAX_PROMPT_OBSERVATIONS + 10))

    prompt = evidence_prompt(replace(EVIDENCE, observations=observations))

    assert f"Events ({MAX_PROMPT_OBSERVATIONS} of {MAX_PROMPT_OBSERVATIONS + 10}, newest last):" in prompt
    assert "[event-0]" not in prompt and "[event-9]" not in prompt
    last = f"event-{MAX_PROMPT_OBSERVATIONS + 9}"
    assert f"- [{last}] log error from api-1 at " in prompt and "(status=503)" in prompt
