"""What AI calls cost, per model, in US dollars per million tokens (on-demand list prices of Amazon Bedrock in
us-east-1 when written, 2026-12). Costs are kept in millionths of a dollar (integers add up exactly)."""

from __future__ import annotations

from opsdesk.frozen import frozen


@frozen
class Price:
    input_per_million: float
    output_per_million: float


PRICES: dict[str, Price] = {
    "amazon.nova-micro-v1:0": Price(0.035, 0.14),
    "amazon.nova-lite-v1:0": Price(0.06, 0.24),
    "amazon.nova-pro-v1:0": Price(0.80, 3.20),
    "anthropic.claude-3-haiku-20240307-v1:0": Price(0.25, 1.25),
    "anthropic.claude-3-5-haiku-20241022-v1:0": Price(0.80, 4.00),
    "anthropic.claude-3-5-sonnet-20241022-v2:0": Price(3.00, 15.00),
    "opsdesk-offline-hypotheses": Price(0.06, 0.24),
    "opsdesk-offline-planner": Price(0.06, 0.24),
}
"""The offline engines are priced as the default Bedrock model (nova-lite): the figures show what the same work
would cost on Bedrock, so a team can judge the switch."""
FALLBACK = PRICES["amazon.nova-lite-v1:0"]


def cost_micros(model_id: str, input_tokens: int, output_tokens: int) -> int:
    """The cost of one call in millionths of a dollar, rounded up (a call is never free)."""
    price = PRICES.get(_base_model(model_id), FALLBACK)
    dollars_times_million = input_tokens * price.input_per_million + output_tokens * price.output_per_million
    # tokens x $/1M tokens = dollars x 1e6 / 1e6 ... i.e. micro-dollars = tokens x $/1M
    return max(1, round(dollars_times_million)) if input_tokens or output_tokens else 0


def _base_model(model_id: str) -> str:
    """Cross-region inference profiles (`us.amazon.nova-lite-v1:0`) cost what their model costs."""
    for prefix in ("us.", "eu.", "apac.", "global."):
        if model_id.startswith(prefix):
            return model_id.removeprefix(prefix)
    return model_id
