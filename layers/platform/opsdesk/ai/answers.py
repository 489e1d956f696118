"""Reading what a model wrote into a tool call (Bedrock adapters of the copilot's hypotheses and aura's agent): texts
trimmed to a limit, lists of distinct texts, token counts that are non-negative integers or zero."""

from __future__ import annotations


def token_count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def trimmed(value: object, limit: int, *, keep_lines: bool = False) -> str:
    """A string within `limit` characters (an ellipsis where it was cut); whitespace collapsed unless `keep_lines`;
    anything else is ""."""
    if not isinstance(value, str):
        return ""
    text = value.strip() if keep_lines else " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def distinct_trimmed(value: object, limit: int, count: int) -> tuple[str, ...]:
    """At most `count` distinct non-empty texts of a list, each trimmed; anything but a list is ()."""
    if not isinstance(value, list):
        return ()
    texts = (trimmed(item, limit) for item in value)
    return tuple(dict.fromkeys(t for t in texts if t))[:count]
