"""The engine contract and the one entry point callers use: :func:`analyze`.

Engines (``local`` rules, ``openai`` structured outputs) differ in how they read a transcript; what
every caller needs around them is the same and lives here: a transcript with no speech gets a
breakdown that says so without calling an engine, a missing language is guessed, and the
lead/awareness consistency note is added whichever engine labelled them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from vsl_assets.breakdown.labels import consistency_note
from vsl_assets.breakdown.language import guess_language
from vsl_assets.breakdown.models import Breakdown
from vsl_assets.errors import ConfigurationError
from vsl_assets.transcription.models import Segment

#: Receives human-readable progress lines (e.g. Dagster's ``context.log.info``).
LogFn = Callable[[str], None]


@runtime_checkable
class BreakdownEngine(Protocol):
    """Turns timed segments into a :class:`Breakdown`.

    ``language`` is an ISO-639-1 code or None (unknown).  Implementations fill ``engine`` and
    ``model`` in the breakdown, raise :class:`~vsl_assets.errors.PermanentError` subclasses for
    failures retrying cannot fix and :class:`~vsl_assets.errors.TransientError` ones for the rest.
    """

    engine: str
    model: str

    def analyze(self, segments: Sequence[Segment], language: str | None, *, log: LogFn | None = None) -> Breakdown:
        """Break down one transcript."""
        ...


#: What transcribers write for sounds that are not speech: "[Música]", "(applause)", "♪ ♪".
_NOT_SPEECH = re.compile(r"\[[^\]]*\]|\([^)]*\)|[♪♫]")


def has_speech(segments: Sequence[Segment]) -> bool:
    """Whether any segment has a word outside the "[Music]"-style sound tags."""
    return any(any(c.isalnum() for c in _NOT_SPEECH.sub("", s.text)) for s in segments)


def resolve_language(segments: Sequence[Segment], language: str | None) -> str | None:
    """The given code (normalised: "pt-BR" -> "pt"), else a guess from the words."""
    if language:
        return language.strip().lower().replace("_", "-").split("-")[0] or None
    return guess_language(s.text for s in segments)


def get_engine(engine: str | BreakdownEngine) -> BreakdownEngine:
    """An engine by name; only ``local`` needs no settings (the OpenAI engine is built from settings)."""
    if not isinstance(engine, str):
        return engine
    if engine == "local":
        from vsl_assets.breakdown.local_engine import LocalEngine

        return LocalEngine()
    raise ConfigurationError(
        f"breakdown engine {engine!r} needs settings: build it (e.g. OpenAIBreakdownEngine from the platform "
        "settings) and pass the engine object instead of its name"
        if engine == "openai"
        else f"unknown breakdown engine {engine!r}; use 'local' or 'openai'"
    )


def analyze(
    segments: Sequence[Segment],
    language: str | None = None,
    engine: str | BreakdownEngine = "local",
    *,
    log: LogFn | None = None,
) -> Breakdown:
    """Break down a transcript with ``engine`` (a name or an engine object)."""
    impl = get_engine(engine)
    lang = resolve_language(segments, language)
    if not has_speech(segments):
        return Breakdown(
            language=lang,
            engine=impl.engine,
            model=impl.model,
            status="no_speech",
            note="the transcript has no speech, so there is nothing to break down",
        )
    result = impl.analyze(segments, lang, log=log)
    if result.consistency is None:
        result = result.model_copy(update={"consistency": consistency_note(result.lead_type, result.awareness)})
    return result
