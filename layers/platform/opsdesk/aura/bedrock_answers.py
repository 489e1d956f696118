"""What the agent's Bedrock brain (opsdesk.aura.bedrock) makes of the model's answers: the text before its first
tool call (the reasoning) and that call, the tokens it used, the plan it recorded and the move of a turn.
Separate from what the brain asks (opsdesk.aura.bedrock_prompts).

The model's answers are checked: a plan keeps the steps that name a known tool (at most MAX_PLAN_STEPS, texts
trimmed); a turn's tool call must name a tool offered and its arguments must fit the tool's JSON schema. Anything
else, an answer without the tool call, and Bedrock's own errors (`throttled` for its throttling codes; raised by
opsdesk.aura.bedrock) are ProviderErrors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opsdesk.ai.answers import distinct_trimmed, token_count, trimmed
from opsdesk.ai.provider import ProviderError
from opsdesk.aura.bedrock_prompts import (
    ASK_TOOL,
    CONTROL_TOOLS,
    FINISH_TOOL,
    GIVE_UP_TOOL,
    MAX_OPTIONS,
    MAX_PLAN_STEPS,
    PLAN_TOOL,
    done_steps,
)
from opsdesk.aura.brain import AgentState, AskQuestion, CallTool, Finish, GiveUp, Move, Replan, TicketBrief, Tokens
from opsdesk.aura.records import Plan, PlanStep, ToolRequest
from opsdesk.aura.tools import TOOLS

MAX_SUMMARY_CHARS = 600
MAX_STEP_CHARS = 300
MAX_RISKS = 10
MAX_RISK_CHARS = 300
MAX_REQUIRES = 10
MAX_KEY_CHARS = 64
MAX_QUESTION_CHARS = 500
MAX_OPTION_CHARS = 200
MAX_REASON_CHARS = 1000
MAX_REASONING_CHARS = 2000


def first_tool_use(response: Mapping[str, Any]) -> tuple[str, tuple[str, Mapping[str, Any]] | None]:
    """The text the model wrote before its first tool call, and that call (name, input); None without one."""
    content = ((response.get("output") or {}).get("message") or {}).get("content") or []
    texts: list[str] = []
    for block in content:
        if not isinstance(block, Mapping):
            continue
        tool_use = block.get("toolUse")
        if isinstance(tool_use, Mapping):
            value = tool_use.get("input")
            reasoning = trimmed("\n".join(texts), MAX_REASONING_CHARS, keep_lines=True)
            return reasoning, (str(tool_use.get("name", "")), value if isinstance(value, Mapping) else {})
        if isinstance(block.get("text"), str):
            texts.append(block["text"])
    return trimmed("\n".join(texts), MAX_REASONING_CHARS, keep_lines=True), None


def tokens_used(response: Mapping[str, Any]) -> Tokens:
    usage = response.get("usage") or {}
    return Tokens(token_count(usage.get("inputTokens")), token_count(usage.get("outputTokens")))


def _step(item: object) -> PlanStep | None:
    if not isinstance(item, Mapping):
        return None
    spec = TOOLS.get(str(item.get("tool", "")).strip())
    if spec is None:
        return None
    raw_args = item.get("args")
    known = spec.input_schema.get("properties", {})
    args = {k: v for k, v in raw_args.items() if k in known} if isinstance(raw_args, Mapping) else {}
    description = trimmed(item.get("description"), MAX_STEP_CHARS) or spec.description
    return PlanStep(description, spec.name, args, distinct_trimmed(item.get("requires"), MAX_KEY_CHARS, MAX_REQUIRES))


def validated_plan(tool_input: Mapping[str, Any], brief: TicketBrief) -> Plan:
    """The usable part of the model's plan: steps naming a known tool (arguments the tool does not take left out),
    at most MAX_PLAN_STEPS. An empty list is a plan with no steps (the summary says why: the agent fails the
    ticket with it); a list none of whose steps is usable is a ProviderError."""
    items = tool_input.get("steps")
    if not isinstance(items, list):
        raise ProviderError(f"The model's {PLAN_TOOL} input has no steps list")
    steps = tuple(step for step in map(_step, items) if step is not None)[:MAX_PLAN_STEPS]
    if items and not steps:
        raise ProviderError("None of the model's plan steps was usable")
    named = (t for t in distinct_trimmed(tool_input.get("estimatedTools"), MAX_KEY_CHARS, MAX_PLAN_STEPS) if t in TOOLS)
    estimated = tuple(dict.fromkeys((*(s.tool for s in steps), *named)))
    summary = trimmed(tool_input.get("summary"), MAX_SUMMARY_CHARS) or trimmed(f"Plan for: {brief.title}",
                                                                            MAX_SUMMARY_CHARS)
    return Plan(summary, steps, estimated, distinct_trimmed(tool_input.get("risks"), MAX_RISK_CHARS, MAX_RISKS))


def schema_problem(args: Mapping[str, Any], schema: Mapping[str, Any]) -> str | None:
    """Why `args` does not fit the JSON schema, or None when it does (jsonschema; without it, as installed on
    Lambda, the subset of JSON Schema the tool catalogue uses)."""
    try:
        import jsonschema  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError:
        return basic_schema_problem(args, schema)
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(dict(args)))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where}: {error.message}" if where else str(error.message)


_JSON_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "array": (list,), "string": (str,),
                                            "boolean": (bool,), "integer": (int,), "number": (int, float),
                                            "null": (type(None),)}


def basic_schema_problem(value: object, schema: Mapping[str, Any], where: str = "") -> str | None:
    """The JSON Schema keywords the tool catalogue uses: type, enum, minLength, properties, required,
    additionalProperties, items, maxItems."""
    at = where or "input"
    kind = schema.get("type")
    if isinstance(kind, str) and (not isinstance(value, _JSON_TYPES.get(kind, (object,)))
                                  or (isinstance(value, bool) and kind in ("integer", "number"))):
        return f"{at}: not of type {kind!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{at}: not one of {schema['enum']!r}"
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        return f"{at}: too short"
    if isinstance(value, Mapping):
        return _object_problem(value, schema, where)
    if isinstance(value, list):
        return _array_problem(value, schema, where)
    return None


def _array_problem(value: list[Any], schema: Mapping[str, Any], where: str) -> str | None:
    if len(value) > schema.get("maxItems", len(value)):
        return f"{where or 'input'}: too many items"
    problems = (basic_schema_problem(item, schema.get("items", {}), f"{where}/{n}".lstrip("/"))
                for n, item in enumerate(value))
    return next((p for p in problems if p), None)


def _object_problem(value: Mapping[str, Any], schema: Mapping[str, Any], where: str) -> str | None:
    at = where or "input"
    missing = [name for name in schema.get("required", ()) if name not in value]
    if missing:
        return f"{at}: {missing[0]!r} is a required property"
    properties = schema.get("properties", {})
    for name, item in value.items():
        if name in properties:
            problem = basic_schema_problem(item, properties[name], f"{where}/{name}".lstrip("/"))
            if problem:
                return problem
        elif schema.get("additionalProperties", True) is False:
            return f"{at}: additional property {name!r} is not allowed"
    return None


def step_for(tool: str, state: AgentState) -> int | None:
    """Best effort: the first plan step of this tool that no successful call has carried out yet."""
    done = done_steps(state)
    return next((i for i, step in enumerate(state.plan.steps) if step.tool == tool and i not in done), None)


def move_of(name: str, args: Mapping[str, Any], reasoning: str, state: AgentState) -> Move:
    """The move of the model's tool call: a call of an agent tool, or one of the control tools."""
    spec = TOOLS.get(name) or CONTROL_TOOLS.get(name)
    if spec is None:
        raise ProviderError(f"The model called a tool it was not offered ({trimmed(name, 64)!r})")
    problem = schema_problem(args, spec.input_schema)
    if problem is not None:
        raise ProviderError(f"The model's arguments for {name} do not fit its schema ({trimmed(problem, 300)})")
    if name in TOOLS:
        return CallTool(ToolRequest(name, dict(args), reasoning, step_for(name, state)))
    if name == ASK_TOOL:
        key = trimmed(args.get("key"), MAX_KEY_CHARS)
        question = trimmed(args.get("question"), MAX_QUESTION_CHARS)
        if not key or not question:
            raise ProviderError(f"The model's {ASK_TOOL} has no key or no question")
        options = distinct_trimmed(args.get("options"), MAX_OPTION_CHARS, MAX_OPTIONS)
        return AskQuestion(key, question, options, reasoning)
    text = trimmed(args.get("summary" if name == FINISH_TOOL else "reason"), MAX_REASON_CHARS)
    if not text:
        raise ProviderError(f"The model's {name} says nothing")
    if name == FINISH_TOOL:
        return Finish(text)
    return GiveUp(text) if name == GIVE_UP_TOOL else Replan(text)
