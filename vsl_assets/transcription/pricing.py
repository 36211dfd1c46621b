"""What each OpenAI transcription model accepts per request and what it costs.

One table for both, so a new model is one line here and the chunker and the cost report follow.
The limits carry a safety margin below the published ones (25 MB per upload for every model;
1,500 s of audio for the gpt-4o family): a request that would be refused costs a round trip and
a confusing error, a slightly smaller chunk costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ModelLimits:
    """Per-request limits a chunk must respect; None means no limit of that kind."""

    max_bytes: int | None
    max_duration_s: float | None


#: 25 MB is the API's upload limit; 24 MB leaves room for the multipart envelope and rounding.
UPLOAD_LIMIT_BYTES = 24_000_000

#: The gpt-4o transcription models refuse more than 1,500 s of audio per request.
GPT4O_MAX_DURATION_S = 1400.0

#: US dollars per minute of audio (billed per second), from OpenAI's pricing page.
PRICE_PER_MINUTE_USD: dict[str, float] = {
    "whisper-1": 0.006,
    "gpt-4o-transcribe": 0.006,
    "gpt-4o-mini-transcribe": 0.003,
}

MODEL_LIMITS: dict[str, ModelLimits] = {
    "whisper-1": ModelLimits(UPLOAD_LIMIT_BYTES, None),
    "gpt-4o-transcribe": ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S),
    "gpt-4o-mini-transcribe": ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S),
}

#: For models not in the table (snapshots, compatible servers): both limits, which is always safe.
DEFAULT_LIMITS = ModelLimits(UPLOAD_LIMIT_BYTES, GPT4O_MAX_DURATION_S)


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
