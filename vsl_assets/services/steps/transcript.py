"""``transcript``: the audio transcribed by the configured engine, stored as JSON/TXT/SRT/VTT."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from vsl_assets import progress
from vsl_assets.core import deadline
from vsl_assets.db import Audio, TranscriptRow, repo
from vsl_assets.errors import MediaError
from vsl_assets.media.probe import probe
from vsl_assets.services.ports import Sessions
from vsl_assets.services.steps.common import StepInputs, StepResources, required_value
from vsl_assets.storage import StorageLayout, remove_stale_temps
from vsl_assets.transcription import Transcript, write_outputs
from vsl_assets.transcription.base import ProgressFn
from vsl_assets.transcription.languages import settle_language
from vsl_assets.transcription.quality import needs_review, quality_score
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS

#: The job row's progress is written at most this often (and once at the end).
PROGRESS_WRITE_S = 5.0


@dataclass(frozen=True)
class TranscriptResult:
    transcript: Transcript
    #: Every stored format by extension (``OUTPUT_EXTENSIONS``).
    paths: dict[str, Path]
    reused: bool
    #: The audio's duration from its row (read with the write), what the checks measure against.
    audio_duration_s: float = 0.0


def _progress_writer(sessions: Sessions, job_id: int) -> ProgressFn:
    """Percent and ETA into the step's job row, for the Swipe; throttled to one write per 5 s."""
    last = [0.0]

    def write(fraction: float, seconds_left: float | None) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - last[0] < PROGRESS_WRITE_S:
            return
        last[0] = now
        with sessions() as s:
            repo.set_job_progress(s, job_id, fraction, seconds_left)

    return write


def _existing(layout: StorageLayout, key: str, audio: Path) -> Transcript | None:
    """A transcript written after the current audio; JSON is written last, so it marks completeness."""
    path = layout.transcript_path(key, "json")
    if not path.is_file() or path.stat().st_mtime < audio.stat().st_mtime:
        return None
    if not all(layout.transcript_path(key, ext).is_file() for ext in OUTPUT_EXTENSIONS):
        return None
    try:
        return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return None


def _audio_duration(s: Session, key: str) -> float:
    audio = repo.get_output(s, Audio, key)
    return audio.duration_s if audio is not None and audio.duration_s else 0.0


def run_transcript(
    inputs: StepInputs,
    res: StepResources,
    *,
    pcm: Path | None = None,
    before_store: Callable[[], None] | None = None,
) -> TranscriptResult:
    """Transcribe the stored audio, or reuse the transcript made from it.

    With ``pcm`` (the audio being stored right now, ``services.steps.media.start_audio``), the
    engine reads that lossless decode of the video instead, and nothing earlier is reused (the
    stored audio is new).  ``before_store`` runs before any transcript file is written: it waits
    for the stored audio, so the transcript is always newer than the audio it stands for.
    """
    layout, store, key = res.layout, res.store, inputs.key
    audio = layout.audio_path(key, res.media.audio_ext)
    # JSON last: it marks a complete transcript, locally and in the shared store.
    outputs = {ext: layout.transcript_path(key, ext) for ext in OUTPUT_EXTENSIONS}
    remove_stale_temps(layout.transcripts, key)
    if pcm is None and not store.fetch(audio):
        raise MediaError("the audio file is missing; materialize audio_file first")
    if not inputs.force and pcm is None:
        for path in outputs.values():
            store.fetch(path)
    checkpoints = layout.checkpoint_dir(key)
    if inputs.force:
        shutil.rmtree(checkpoints, ignore_errors=True)
    with res.sessions() as s:
        request = repo.transcribe_request(s, inputs.url_id)
    url_language = request.language
    # A re-transcription asked for (vsl retry --from transcript, the VSL page) never reuses.
    result = None if inputs.force or request.redo or pcm is not None else _existing(layout, key, audio)
    if result is not None and url_language is not None and result.language != url_language:
        result = None  # the URL's language was set after this transcript was made
    reused = result is not None
    if result is None:
        cfg = required_value(res.transcription, "transcription")
        with res.sessions() as s:
            audio_row = repo.get_output(s, Audio, key) if pcm is None else None
            rtf = progress.measured_rtf(s)
        seconds = probe(pcm).duration_s if pcm is not None else audio_row.duration_s if audio_row is not None else None
        if seconds:
            limit = progress.time_limit_s(seconds, rtf, cfg.time_factor, cfg.min_time_s)
            deadline.tighten(
                limit,
                f"{cfg.time_factor:g} x the measured real-time factor {rtf:.2f} x "
                f"{seconds:.0f} s of audio, at least {cfg.min_time_s:g} s: "
                "VSL_TRANSCRIBE_TIME_FACTOR / VSL_TRANSCRIBE_MIN_TIME_S",
            )
            inputs.log(f"time limit of this transcription: {limit:.0f} s (real-time factor {rtf:.2f})")
        engine = cfg.build(request.model)
        # Each chunk the engine returns is saved under `checkpoints` at once, so a failure
        # or a crash later in this step never makes a retry pay for it again.
        result = engine.transcribe(
            pcm or audio,
            language=url_language or cfg.language_code,
            log=inputs.log,
            checkpoint_dir=checkpoints,
            progress=_progress_writer(res.sessions, inputs.job_id) if inputs.job_id is not None else None,
        )
        settle_language(
            result,
            url_language=url_language,
            allowed=cfg.language_list,
            min_probability=cfg.language_min_probability,
        )
        for warning in result.warnings:
            inputs.log(f"transcript {warning.kind}: {warning.message}")
        if before_store is not None:
            before_store()
        write_outputs(result, layout, key)
    store.publish(*outputs.values())
    with res.sessions() as s:
        audio_duration_s = _audio_duration(s, key)
        repo.upsert(
            s,
            TranscriptRow,
            inputs.url_id,
            text=result.text,
            language=result.language,
            engine=result.engine,
            model=result.model,
            segments=[seg for seg in result.to_dict()["segments"]],
            duration_s=result.duration_s,
            word_count=result.word_count,
            chunk_count=result.chunk_count,
            billed_minutes=result.billed_minutes,
            cost_usd=result.cost_usd,
            language_probability=result.language_probability,
            language_source=result.language_source,
            language_note=result.language_note,
            warnings=[w.to_dict() for w in result.warnings],
            speech_coverage=result.speech_coverage,
            quality_score=quality_score(result),
            needs_review=needs_review(result),
        )
        if request.redo:
            repo.transcript_redone(s, inputs.url_id)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return TranscriptResult(result, outputs, reused, audio_duration_s)
