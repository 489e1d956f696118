"""The agent's brain on Amazon Bedrock (DESIGN.md §6): one non-streaming Converse call (`bedrock-runtime` Converse)
per plan and per turn, with tool use.

    plan     toolConfig {record_plan}, toolChoice {tool: record_plan}: the answer is the plan as the tool's input
    decide   toolConfig {every tool of opsdesk.aura.tools.TOOLS + ask_question, finish, give_up, replan},
             toolChoice {any}: the answer is exactly one call, the turn's move
    response output.message.content[] {text}* {toolUse: {name, input}}, usage {inputTokens, outputTokens}

The model only proposes. Whether a call runs, waits for a person's approval or is refused is decided in code (the
agent loop with opsdesk.aura.policy), so the prompts never let the model approve anything and never ask it to.

The prompts and tools the model is given (and the prompt-injection defences) are in opsdesk.aura.bedrock_prompts;
how its answers are checked is in opsdesk.aura.bedrock_answers. This module makes the calls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsdesk.ai.bedrock import ConverseClient, bedrock_errors
from opsdesk.ai.provider import ProviderError
from opsdesk.aura.bedrock_answers import first_tool_use, move_of, tokens_used, validated_plan
from opsdesk.aura.bedrock_prompts import (
    CONTROL_TOOLS,
    DECIDE_SYSTEM_PROMPT,
    PLAN_SYSTEM_PROMPT,
    PLAN_TOOL,
    PLAN_TOOL_DESCRIPTION,
    plan_input_schema,
    plan_prompt,
    turn_prompt,
)
from opsdesk.aura.brain import AgentState, PlanResult, TicketBrief, TurnDecision
from opsdesk.aura.tools import TOOLS


class BedrockAgentBrain:
    def __init__(self, client: ConverseClient, model_id: str, *, max_output_tokens: int = 2048,
                 temperature: float = 0.0) -> None:
        self._client = client
        self._model_id = model_id
        self._max_output_tokens = max_output_tokens
        self._temperature = temperature

    @property
    def model_id(self) -> str:
        return self._model_id

    # Requests (checked against botocore's service model in the tests)

    def plan_request(self, brief: TicketBrief, answers: Mapping[str, str],
                     denied: tuple[str, ...] = ()) -> dict[str, Any]:
        tool = {"name": PLAN_TOOL, "description": PLAN_TOOL_DESCRIPTION, "inputSchema": {"json": plan_input_schema()}}
        return self._request(PLAN_SYSTEM_PROMPT, plan_prompt(brief, answers, denied),
                             {"tools": [{"toolSpec": tool}], "toolChoice": {"tool": {"name": PLAN_TOOL}}})

    def decide_request(self, state: AgentState) -> dict[str, Any]:
        tools = [{"toolSpec": {"name": spec.name, "description": spec.description,
                               "inputSchema": {"json": dict(spec.input_schema)}}}
                 for spec in (*TOOLS.values(), *CONTROL_TOOLS.values())]
        return self._request(DECIDE_SYSTEM_PROMPT, turn_prompt(state), {"tools": tools, "toolChoice": {"any": {}}})

    def _request(self, system: str, prompt: str, tool_config: dict[str, Any]) -> dict[str, Any]:
        return {
            "modelId": self._model_id,
            "system": [{"text": system}],
            "messages": [{"role": "user", "content": [{"text": prompt}]}],
            "inferenceConfig": {"maxTokens": self._max_output_tokens, "temperature": self._temperature},
            "toolConfig": tool_config,
        }

    # AgentBrain

    def plan(self, brief: TicketBrief, answers: Mapping[str, str], *, denied: tuple[str, ...] = ()) -> PlanResult:
        response = self._converse(self.plan_request(brief, answers, denied))
        reasoning, call = first_tool_use(response)
        if call is None or call[0] != PLAN_TOOL:
            raise ProviderError(f"The model answered without calling {PLAN_TOOL} "
                                f"(stop reason {response.get('stopReason', 'unknown')})")
        plan = validated_plan(call[1], brief)
        return PlanResult(plan, reasoning or plan.summary, tokens_used(response))

    def decide(self, state: AgentState) -> TurnDecision:
        response = self._converse(self.decide_request(state))
        reasoning, call = first_tool_use(response)
        if call is None:
            raise ProviderError(f"The model answered without calling a tool "
                                f"(stop reason {response.get('stopReason', 'unknown')})")
        name, args = call
        return TurnDecision(move_of(name, args, reasoning, state), tokens_used(response))

    def _converse(self, params: dict[str, Any]) -> Mapping[str, Any]:
        with bedrock_errors():
            return self._client.converse(**params)
