"""Audio -> transcript: engines (OpenAI API, local faster-whisper), the transcript model, writers.

Plain Python with no Dagster imports; the asset layer picks an engine from settings and maps the
typed errors in :mod:`vsl_assets.errors` to run outcomes.
"""

from vsl_assets.transcription.base import LogFn, Transcriber
from vsl_assets.transcription.bundled import bundled_base_model_dir, bundled_tiny_en_model_dir
from vsl_assets.transcription.languages import language_code, request_language
from vsl_assets.transcription.models import Segment, Transcript, Word
from vsl_assets.transcription.pricing import PRICE_PER_MINUTE_USD, ModelLimits, estimate_cost_usd, limits_for
from vsl_assets.transcription.writers import (
    OUTPUT_EXTENSIONS,
    to_json,
    to_srt,
    to_txt,
    to_vtt,
    write_outputs,
)

_LAZY = {
    "LocalTranscriber": "vsl_assets.transcription.local_engine",
    "OpenAITranscriber": "vsl_assets.transcription.openai_engine",
    "SilenceOptions": "vsl_assets.transcription.chunking",
    "coverage": "vsl_assets.transcription.quality",
    "repetition": "vsl_assets.transcription.quality",
    "words_per_minute": "vsl_assets.transcription.quality",
    "word_error_rate": "vsl_assets.transcription.quality",
}


def __getattr__(name: str) -> object:
    """Engines load on first use: importing faster-whisper or openai costs ~0.5 s per run process."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "OUTPUT_EXTENSIONS",
    "PRICE_PER_MINUTE_USD",
    "LocalTranscriber",
    "LogFn",
    "ModelLimits",
    "OpenAITranscriber",
    "Segment",
    "SilenceOptions",
    "Transcriber",
    "Transcript",
    "Word",
    "bundled_base_model_dir",
    "bundled_tiny_en_model_dir",
    "coverage",
    "estimate_cost_usd",
    "language_code",
    "limits_for",
    "repetition",
    "request_language",
    "to_json",
    "to_srt",
    "to_txt",
    "to_vtt",
    "word_error_rate",
    "words_per_minute",
    "write_outputs",
]
