"""What each OpenAI transcription model accepts per request and what it costs.

One table for both, so a new model is one line here and the chunker and the cost report follow.
The limits carry a safety margin below the published ones (25 MB per upload for every model;
1,500 s of audio for the gpt-4o family): a request that would be refused costs a round trip and
a confusing error, a slightly smaller chunk costs nothing.

The gpt-4o family has a third, quieter limit: it writes at most 2,000 output tokens per request
(the models' published "max output tokens") and stops there *without an error*, so 1,500 s of
fast speech (~5,000 tokens) would come back as its first ~9 minutes.  Chunks for these models
are therefore sized so that fast speech fills at most 85 % of the output cap (:meth:`ModelLimits.
request_duration_s`, ~5 minutes), and a reply that still reaches the cap is detected from its
token usage and transcribed again in halves (:mod:`~vsl_assets.transcription.openai_engine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


#: Tokens per minute of fast sales speech: ~200 words per minute at ~1.65 tokens per word
#: (Portuguese and Spanish in GPT-4o's tokenizer, punctuation included; English is lower).
FAST_SPEECH_TOKENS_PER_MIN = 330.0
#: Share of a model's output cap that a chunk of fast speech may fill.
OUTPUT_BUDGET = 0.85


def output_limited_duration_s(max_output_tokens: int, tokens_per_min: float = FAST_SPEECH_TOKENS_PER_MIN) -> float:
    """Seconds of fast speech whose transcript fills ``OUTPUT_BUDGET`` of ``max_output_tokens``."""
    return 60.0 * OUTPUT_BUDGET * max_output_tokens / tokens_per_min


@dataclass(frozen=True)
class ModelLimits:
    """Per-request limits a chunk must respect; None means no limit of that kind."""

    max_bytes: int | None
    #: Audio seconds the model accepts per request (a longer upload is refused or cut short).
    max_duration_s: float | None
    #: Tokens of text the model writes per request at most; past it the text just stops.
    max_output_tokens: int | None = None

    def request_duration_s(self) -> float | None:
        """Longest audio per request: the duration limit, and the output cap's share of fast speech."""
        tokens = self.max_output_tokens
        limits = [x for x in (self.max_duration_s, output_limited_duration_s(tokens) if tokens else None) if x]
        return min(limits) if limits else None


#: 25 MB is the API's upload limit; 24 MB leaves room for the multipart envelope and rounding.
UPLOAD_LIMIT_BYTES = 24_000_000

#: The gpt-4o transcription models refuse more than 1,500 s of audio per request.
GPT4O_MAX_DURATION_S = 1400.0
#: ... and write at most 2,000 tokens per request (OpenAI's model pages: "2,000 max output tokens").
GPT4O_MAX_OUTPUT_TOKENS = 2000

#: US dollars per minute of audio (billed per second), from OpenAI's pricing page.
PRICE_PER_MINUTE_USD: dict[str, float] = {
    "whisper-1": 0.006,
    "gpt-4o-transcribe": 0.006,
    "gpt-4o-mini-transcribe": 0.003,
}

MODEL_LIMITS: dict[str, ModelLimits] = {
    "whisper-1": ModelLimits(UPLOAD_LIMIT_BYTES, None),
    "gpt-4o-transcribe": ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S, GPT4O_MAX_OUTPUT_TOKENS),
    "gpt-4o-mini-transcribe": ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S, GPT4O_MAX_OUTPUT_TOKENS),
}

#: For models not in the table (snapshots, compatible servers): all limits, which is always safe.
DEFAULT_LIMITS = ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S, GPT4O_MAX_OUTPUT_TOKENS)


def _lookup(table: dict[str, T], model: str) -> T | None:
    """Exact name first, then the longest table key the name starts with (dated snapshots)."""
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name)]
    return table[max(prefixes, key=len)] if prefixes else None


def limits_for(model: str) -> ModelLimits:
    found = _lookup(MODEL_LIMITS, model)
    if found is not None:
        return found
    return ModelLimits(UPLOAD_LIMIT_BYTES, None) if model.startswith("whisper") else DEFAULT_LIMITS


def price_per_minute(model: str) -> float | None:
    return _lookup(PRICE_PER_MINUTE_USD, model)


def billed_minutes(request_seconds: list[float]) -> float:
    """Minutes billed: the audio seconds of every successful request, summed, over 60."""
    return sum(request_seconds) / 60.0


def estimate_cost_usd(model: str, minutes: float) -> float | None:
    """Estimated cost in US dollars, or None for a model whose price is unknown."""
    price = price_per_minute(model)
    return None if price is None else round(minutes * price, 6)
