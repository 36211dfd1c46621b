"""The contract every transcription engine meets, so the pipeline can swap engines by config."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from vsl_assets.transcription.models import Transcript

#: Receives human-readable progress lines (e.g. Dagster's ``context.log.info``).
LogFn = Callable[[str], None]
#: Receives (fraction done 0-1, seconds left as measured, or None while unknown).
ProgressFn = Callable[[float, float | None], None]


@runtime_checkable
class Transcriber(Protocol):
    """An engine that turns an audio file into a :class:`Transcript`.

    ``engine`` and ``model`` describe the configuration that was asked for; the transcript's own
    ``model`` says what actually ran, which can differ when a local model had to fall back.
    Implementations raise :class:`~vsl_assets.errors.TranscriptionError` for failures that
    retrying cannot fix and :class:`~vsl_assets.errors.TransientTranscriptionError` for the rest.
    """

    engine: str
    model: str

    def transcribe(
        self,
        audio: Path,
        *,
        language: str | None,
        log: LogFn | None = None,
        checkpoint_dir: Path | None = None,
        progress: ProgressFn | None = None,
    ) -> Transcript:
        """Transcribe ``audio``; ``language`` is an ISO-639-1 code, or None to auto-detect.

        ``progress`` is called as the work advances with the fraction done and the seconds left
        at the speed measured so far (for the Swipe's percent and ETA).

        With ``checkpoint_dir``, each chunk's result is saved there as soon as it is known and an
        identical request of a later call is answered from it (never paid for twice).
        """
        ...
