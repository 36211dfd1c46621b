"""The engine-neutral transcript: what every engine returns and every writer reads.

Both engines (the OpenAI API and local faster-whisper) are normalised into these plain
dataclasses so that writers, the database layer and tests never depend on an engine's own
response types.  ``to_dict``/``from_dict`` are the stored JSON form of a transcript, so they must
round-trip exactly: a transcript read back from ``<key>.json`` equals the one that was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _float(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    # bool is an int subclass; a true/false time is a corrupt file, not 1.0/0.0 seconds.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name!r} must be a number, got {type(value).__name__}")
    return float(value)


def _optional_float(data: Mapping[str, Any], name: str) -> float | None:
    if data.get(name) is None:
        return None
    return _float(data, name)


def _int(data: Mapping[str, Any], name: str, default: int) -> int:
    value = data.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name!r} must be an integer, got {type(value).__name__}")
    return value


def _str(data: Mapping[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
    return value


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    if data.get(name) is None:
        return None
    return _str(data, name)


@dataclass
class Word:
    """One word with its time span; only engines asked for word timestamps fill these."""

    start: float
    end: float
    word: str
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "word": self.word, "probability": self.probability}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Word:
        return cls(
            start=_float(data, "start"),
            end=_float(data, "end"),
            word=_str(data, "word"),
            probability=_optional_float(data, "probability"),
        )


@dataclass
class Segment:
    """A stretch of speech with its times in seconds from the start of the audio."""

    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    #: faster-whisper's quality signals for the window the segment was decoded in (local engine
    #: only): mean token log-probability, probability of "no speech", and the text's gzip
    #: compression ratio (over 2.4: a repetition loop).  None where the engine gives none.
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
            "avg_logprob": self.avg_logprob,
            "no_speech_prob": self.no_speech_prob,
            "compression_ratio": self.compression_ratio,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Segment:
        words = data.get("words") or []
        if not isinstance(words, list):
            raise ValueError("'words' must be a list")
        return cls(
            start=_float(data, "start"),
            end=_float(data, "end"),
            text=_str(data, "text"),
            words=[Word.from_dict(w) for w in words],
            avg_logprob=_optional_float(data, "avg_logprob"),
            no_speech_prob=_optional_float(data, "no_speech_prob"),
            compression_ratio=_optional_float(data, "compression_ratio"),
        )


#: What a :class:`TranscriptWarning` is about (the UI labels each, ``label("warning", kind)``).
WARNING_KINDS = ("language", "coverage")
#: Where a transcript's language came from (``Transcript.language_source``).
LANGUAGE_SOURCES = ("detected", "engine", "url", "setting", "model")


@dataclass
class TranscriptWarning:
    """Something a person should know before trusting the transcript (shown, checked, never silent).

    ``kind`` is ``language`` (outside the team's languages, or detected unsure) or ``coverage``
    (speech the transcript has no text for).
    """

    kind: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptWarning:
        return cls(kind=_str(data, "kind"), message=_str(data, "message"))


@dataclass
class Transcript:
    """A finished transcription, plus which engine and model produced it.

    ``model`` is the model that actually ran (e.g. ``"tiny.en (bundled)"`` after a fallback),
    not the one that was asked for, so a poor transcript can be traced to its cause.

    ``chunk_count`` is how many requests (or local passes) the audio was split into;
    ``billed_minutes`` and ``cost_usd`` are set by the API engines only (audio seconds of all
    requests / 60, and that times the model's price per minute).  All three are absent from
    transcripts written before they existed and default on reading.

    ``language_source`` says where ``language`` came from: ``detected`` (chosen among the allowed
    languages; ``language_probability`` and ``language_note`` say how surely and how), ``engine``
    (what the API reported), ``url`` (the URL's own language), ``setting`` (``VSL_LANGUAGE``) or
    ``model`` (an English-only model).  ``warnings`` is what keeps the transcript from being
    shown as good.
    """

    text: str
    language: str | None
    segments: list[Segment]
    engine: str
    model: str
    duration_s: float | None
    chunk_count: int = 1
    billed_minutes: float | None = None
    cost_usd: float | None = None
    language_probability: float | None = None
    language_source: str | None = None
    language_note: str | None = None
    warnings: list[TranscriptWarning] = field(default_factory=list)
    #: Share of the VAD's speech time that transcript segments cover (0-1); None: not measured.
    speech_coverage: float | None = None

    @property
    def word_count(self) -> int:
        """Whitespace-separated tokens with a letter or digit; a stray "&" or "-" is no word."""
        return sum(1 for token in self.text.split() if any(c.isalnum() for c in token))

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "language": self.language,
            "engine": self.engine,
            "model": self.model,
            "duration_s": self.duration_s,
            "word_count": self.word_count,
            "chunk_count": self.chunk_count,
            "billed_minutes": self.billed_minutes,
            "cost_usd": self.cost_usd,
            "language_probability": self.language_probability,
            "language_source": self.language_source,
            "language_note": self.language_note,
            "warnings": [w.to_dict() for w in self.warnings],
            "speech_coverage": self.speech_coverage,
            "segments": [s.to_dict() for s in self.segments],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transcript:
        """Rebuild a transcript from :meth:`to_dict` output; ``word_count`` is derived, so ignored."""
        segments = data.get("segments") or []
        if not isinstance(segments, list):
            raise ValueError("'segments' must be a list")
        warnings = data.get("warnings") or []
        if not isinstance(warnings, list):
            raise ValueError("'warnings' must be a list")
        return cls(
            text=_str(data, "text"),
            language=_optional_str(data, "language"),
            segments=[Segment.from_dict(s) for s in segments],
            engine=_str(data, "engine"),
            model=_str(data, "model"),
            duration_s=_optional_float(data, "duration_s"),
            chunk_count=_int(data, "chunk_count", 1),
            billed_minutes=_optional_float(data, "billed_minutes"),
            cost_usd=_optional_float(data, "cost_usd"),
            language_probability=_optional_float(data, "language_probability"),
            language_source=_optional_str(data, "language_source"),
            language_note=_optional_str(data, "language_note"),
            warnings=[TranscriptWarning.from_dict(w) for w in warnings],
            speech_coverage=_optional_float(data, "speech_coverage"),
        )
