"""``transcript``: the audio transcribed by the configured engine, stored as JSON/TXT/SRT/VTT."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from vsl_assets.db import TranscriptRow, repo
from vsl_assets.errors import MediaError
from vsl_assets.services.steps.common import StepInputs, StepResources, required
from vsl_assets.storage import StorageLayout, remove_stale_temps
from vsl_assets.transcription import Transcript, write_outputs
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS


@dataclass(frozen=True)
class TranscriptResult:
    transcript: Transcript
    #: Every stored format by extension (``OUTPUT_EXTENSIONS``).
    paths: dict[str, Path]
    reused: bool


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


def run_transcript(inputs: StepInputs, res: StepResources) -> TranscriptResult:
    layout, store, key = res.layout, res.store, inputs.key
    audio = layout.audio_path(key, res.media.audio_ext)
    # JSON last: it marks a complete transcript, locally and in the shared store.
    outputs = {ext: layout.transcript_path(key, ext) for ext in OUTPUT_EXTENSIONS}
    remove_stale_temps(layout.transcripts, key)
    if not store.fetch(audio):
        raise MediaError("the audio file is missing; materialize audio_file first")
    if not inputs.force:
        for path in outputs.values():
            store.fetch(path)
    checkpoints = layout.checkpoint_dir(key)
    if inputs.force:
        shutil.rmtree(checkpoints, ignore_errors=True)
    result = None if inputs.force else _existing(layout, key, audio)
    reused = result is not None
    if result is None:
        engine = required(res.transcriber, "transcriber")
        # Each chunk the engine returns is saved under `checkpoints` at once, so a failure
        # or a crash later in this step never makes a retry pay for it again.
        result = engine.transcribe(audio, language=res.language, log=inputs.log, checkpoint_dir=checkpoints)
        write_outputs(result, layout, key)
    store.publish(*outputs.values())
    with res.sessions() as s:
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
        )
    shutil.rmtree(checkpoints, ignore_errors=True)
    return TranscriptResult(result, outputs, reused)
