"""The Bedrock hypothesis provider at its boundary: a real bedrock-runtime client under botocore's Stubber, so every
request passes botocore's validation against the Converse service model, and the recorded responses
(recorded/converse_*.json, in Converse's response shape) pass its response validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from opsdesk.ai.provider import ProviderError
from opsdesk.ai.usage import TokenUsage
from opsdesk.analysis.bedrock import BedrockHypothesisProvider, probability, validated_hypotheses
from opsdesk.analysis.evidence import CAUSE_CLASSES
from opsdesk.analysis.providers import HYPOTHESES_TOOL, SYSTEM_PROMPT
from tests.unit.analysis.builders import alert, bundle, change, incident, past

MODEL = "amazon.nova-lite-v1:0"
RECORDED = Path(__file__).with_name("recorded")
EVIDENCE = bundle(
    incident("Payment API timeouts", "HikariPool-1 - Connection is not available, request timed out after 30000ms."),
    alerts=(alert("HikariPendingThreadsHigh", summary="hikaricp_pending_threads 180", minutes_before=5),),
    changes=(change(minutes_before=12, version="v2.4.5"),),
    past_incidents=(past("INC-445", "connection_pool_exhaustion", title="Payment API timeouts"),),
)


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / f"{name}.json").read_text())  # type: ignore[no-any-return]


@pytest.fixture
def client() -> Any:
    # The public endpoint, named: in a test session other fixtures set AWS_ENDPOINT_URL (moto) for the process.
    return boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com",
                        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def test_the_request_forces_the_hypotheses_tool_whose_schema_is_the_ranked_list(client: Any,
                                                                                  stubber: Stubber) -> None:
    provider = BedrockHypothesisProvider(client, MODEL)
    request = provider.request(EVIDENCE, {"bad_deploy": -1.0})
    stubber.add_response("converse", recorded("converse_hypotheses"), expected_params=request)

    provider.generate(EVIDENCE, feedback={"bad_deploy": -1.0})  # botocore validated the request on the way

    tool_config = request["toolConfig"]
    assert tool_config["toolChoice"] == {"tool": {"name": HYPOTHESES_TOOL}}
    [tool] = tool_config["tools"]
    assert tool["toolSpec"]["name"] == HYPOTHESES_TOOL
    schema = tool["toolSpec"]["inputSchema"]["json"]
    item = schema["properties"]["hypotheses"]["items"]
    assert item["properties"]["cause"]["enum"] == list(CAUSE_CLASSES)
    assert set(item["required"]) == {"cause", "claim", "description", "confidence_score", "confidence_lower",
                                     "confidence_upper", "supporting_evidence", "contradicting_evidence"}
    assert schema["properties"]["hypotheses"]["maxItems"] == 5
    assert request["system"] == [{"text": SYSTEM_PROMPT}]
    assert request["modelId"] == MODEL


def test_the_prompt_lists_every_evidence_item_with_its_id_and_the_project_feedback(client: Any) -> None:
    request = BedrockHypothesisProvider(client, MODEL).request(EVIDENCE, {"bad_deploy": -1.0})

    [message] = request["messages"]
    prompt = message["content"][0]["text"]
    for item in (*EVIDENCE.alerts, *EVIDENCE.changes, *EVIDENCE.past_incidents):
        assert f"[{item.id}]" in prompt
    assert "HikariPendingThreadsHigh on payment-api" in prompt
    assert "deployment v2.4.5 of payment-api" in prompt and "12 minutes before detection" in prompt
    assert "INC-445" in prompt and "confirmed cause connection_pool_exhaustion" in prompt
    assert "- bad_deploy: -1.00" in prompt
    assert all(f"- {cause}:" in prompt for cause in CAUSE_CLASSES)


def test_a_good_answer_becomes_hypotheses_re_ranked_by_confidence_with_bedrock_s_usage(client: Any,
                                                                                       stubber: Stubber) -> None:
    stubber.add_response("converse", recorded("converse_hypotheses"))

    result = BedrockHypothesisProvider(client, MODEL).generate(EVIDENCE)

    assert result.model_id == MODEL
    assert result.usage == TokenUsage(2143, 412)
    assert [(h.cause, h.rank) for h in result.hypotheses] == [
        ("bad_deploy", 1), ("connection_pool_exhaustion", 2), ("slow_queries", 3)]
    top = result.hypotheses[0]
    assert top.claim == "Deployment v2.4.5 of payment-api leaks connections in the refund path"
    assert (top.confidence_lower, top.confidence_score, top.confidence_upper) == (0.5, 0.71, 0.86)
    assert top.supporting_evidence == ("Deployment v2.4.5 of payment-api 12 minutes before detection [change-1]",)


def test_a_malformed_answer_keeps_only_usable_hypotheses_with_fixed_confidences(client: Any,
                                                                                stubber: Stubber) -> None:
    stubber.add_response("converse", recorded("converse_malformed"))

    result = BedrockHypothesisProvider(client, MODEL).generate(EVIDENCE)

    by_cause = {h.cause: h for h in result.hypotheses}
    assert [h.cause for h in result.hypotheses] == ["disk_full", "memory_leak", "dns_failure"]
    assert [h.rank for h in result.hypotheses] == [1, 2, 3]
    assert by_cause["disk_full"].confidence_score == 1.0  # 1.7 overshoots: clamped
    leak = by_cause["memory_leak"]
    assert leak.claim == "payment-api leaks memory"  # the more confident of the two memory_leak answers
    assert leak.confidence_score == 0.85
    assert leak.confidence_lower <= 0.85 <= leak.confidence_upper
    assert leak.supporting_evidence == ("Heap at 98% [alert-2]",)
    assert leak.contradicting_evidence == ()
    dns = by_cause["dns_failure"]
    assert (dns.confidence_lower, dns.confidence_score) == (0.0, 0.0)
    for hypothesis in result.hypotheses:
        assert 0 <= hypothesis.confidence_lower <= hypothesis.confidence_score <= hypothesis.confidence_upper <= 1
    assert result.usage == TokenUsage(1980, 377)


def test_an_answer_without_the_tool_call_is_a_provider_error(client: Any, stubber: Stubber) -> None:
    stubber.add_response("converse", recorded("converse_text_only"))

    with pytest.raises(ProviderError, match="without calling record_hypotheses") as raised:
        BedrockHypothesisProvider(client, MODEL).generate(EVIDENCE)

    assert not raised.value.throttled


def test_a_throttled_request_is_a_throttled_provider_error(client: Any, stubber: Stubber) -> None:
    stubber.add_client_error("converse", service_error_code="ThrottlingException",
                             service_message="Too many requests, please wait before trying again.",
                             http_status_code=429)

    with pytest.raises(ProviderError) as raised:
        BedrockHypothesisProvider(client, MODEL).generate(EVIDENCE)

    assert raised.value.throttled
    assert "ThrottlingException" in raised.value.message


def test_a_refused_request_is_a_provider_error_that_is_not_throttled(client: Any, stubber: Stubber) -> None:
    stubber.add_client_error("converse", service_error_code="ValidationException",
                             service_message="The model does not support tool choice.", http_status_code=400)

    with pytest.raises(ProviderError) as raised:
        BedrockHypothesisProvider(client, MODEL).generate(EVIDENCE)

    assert not raised.value.throttled


def test_an_answer_whose_every_hypothesis_is_unusable_is_a_provider_error() -> None:
    with pytest.raises(ProviderError, match="usable"):
        validated_hypotheses({"hypotheses": [{"cause": "cosmic_rays", "claim": "x", "confidence_score": 0.5}]})
    with pytest.raises(ProviderError, match="no hypotheses list"):
        validated_hypotheses({"hypotheses": "bad_deploy"})


def test_the_limit_keeps_the_most_confident() -> None:
    items = [{"cause": cause, "claim": f"{cause} claim", "confidence_score": n / 20}
             for n, cause in enumerate(CAUSE_CLASSES)]

    kept = validated_hypotheses({"hypotheses": items}, limit=3)

    assert [h.cause for h in kept] == list(reversed(CAUSE_CLASSES))[:3]


@pytest.mark.parametrize(("written", "read"), [
    (0.4, 0.4), ("0.4", 0.4), ("85%", 0.85), ("1.5%", 0.015), (85, 0.85), (1, 1.0), (1.7, 1.0), (250, 1.0),
    (-0.2, 0.0),
    (True, None), ("high", None), (float("nan"), None), (None, None),
])
def test_confidences_are_read_as_probabilities(written: object, read: float | None) -> None:
    assert probability(written) == (pytest.approx(read) if read is not None else None)
