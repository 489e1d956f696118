"""Token usage: what a provider reports per call, and the per-day totals kept for each tenant.

Bedrock reports the tokens its model counted (the stream's `metadata` event). The offline provider has no
tokenizer, so it estimates with `estimate_tokens`; either way every call is recorded the same way."""

from __future__ import annotations

import re

from opsdesk.frozen import frozen

# Runs of letters, runs of digits, and single other non-space characters (punctuation, symbols).
_PIECES = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")
LETTERS_PER_TOKEN = 6
DIGITS_PER_TOKEN = 3


def estimate_tokens(text: str) -> int:
    """A word-piece estimate of what a BPE tokenizer makes of `text`: a word of up to 6 letters is one token and
    each further 6 letters one more (`deployment` 2, `configuration` 3), digits count in threes, and every
    punctuation mark or symbol is a token of its own. It is an estimate, not any model's tokenizer: it exists so
    that calls of the offline provider are recorded in the same units as Bedrock's measured counts."""
    total = 0
    for piece in _PIECES.findall(text):
        if piece.isdigit():
            total += 1 + (len(piece) - 1) // DIGITS_PER_TOKEN
        elif piece.isalpha():
            total += 1 + (len(piece) - 1) // LETTERS_PER_TOKEN
        else:
            total += 1
    return total


@frozen
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)


@frozen
class UsageTotals:
    """One tenant's AI usage on one UTC day with one model: tokens in and out, the model calls that used them and
    the requests (chats) that made those calls."""

    day: str
    """yyyy-mm-dd (UTC)."""
    model_id: str
    input_tokens: int
    output_tokens: int
    calls: int
    requests: int
