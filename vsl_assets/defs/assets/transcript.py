"""``transcript``: the audio transcribed by the configured engine, stored as JSON/TXT/SRT/VTT."""

import json
import shutil
import time
from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from vsl_assets import deadline, progress, settings
from vsl_assets.db import Audio, TranscriptRow, repo
from vsl_assets.defs.assets.media import audio_file
from vsl_assets.defs.assets.step import StepConfig, tracked_step, vsl_asset
from vsl_assets.defs.resources import DatabaseResource, MediaResource, StorageResource, TranscriberResource
from vsl_assets.errors import MediaError
from vsl_assets.humanize import clock, human_bytes
from vsl_assets.storage import StorageLayout, remove_stale_temps
from vsl_assets.transcription import Transcript, write_outputs
from vsl_assets.transcription.base import ProgressFn
from vsl_assets.transcription.languages import settle_language
from vsl_assets.transcription.quality import needs_review, quality_score

PREVIEW_SEGMENTS = 12
#: The job row's progress is written at most this often (and once at the end).
PROGRESS_WRITE_S = 5.0


def _progress_writer(db: DatabaseResource, job_id: int) -> ProgressFn:
    """Percent and ETA into the step's job row, for the Swipe; throttled to one write per 5 s."""
    last = [0.0]

    def write(fraction: float, seconds_left: float | None) -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - last[0] < PROGRESS_WRITE_S:
            return
        last[0] = now
        with db.session() as s:
            repo.set_job_progress(s, job_id, fraction, seconds_left)

    return write


def _existing(layout: StorageLayout, key: str, audio: Path) -> Transcript | None:
    """A transcript written after the current audio; JSON is written last, so it marks completeness."""
    path = layout.transcript_path(key, "json")
    if not path.is_file() or path.stat().st_mtime < audio.stat().st_mtime:
        return None
    if not all(layout.transcript_path(key, ext).is_file() for ext in ("txt", "srt", "vtt")):
        return None
    try:
        return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return None


def preview_markdown(t: Transcript) -> str:
    chunks = f", {t.chunk_count} chunks" if t.chunk_count > 1 else ""
    lines = [f"**{t.word_count} words**, language `{t.language or '?'}`, {t.engine} / {t.model}{chunks}", ""]
    lines += [f"> ⚠ {w.message}" for w in t.warnings]
    for seg in t.segments[:PREVIEW_SEGMENTS]:
        lines.append(f"- `[{clock(seg.start)}]` {seg.text.strip()}")
    if len(t.segments) > PREVIEW_SEGMENTS:
        lines.append(f"- … {len(t.segments) - PREVIEW_SEGMENTS} more segments")
    return "\n".join(lines)


@vsl_asset(
    # Read where the run executes: a GPU worker started with VSL_TRANSCRIPTION_POOL=transcription_gpu
    # claims that pool's slots (one per GPU), CPU workers the "transcription" pool's.
    pool=settings.current().transcription_pool,
    deps=[audio_file],
    kinds={"whisper"},
    description="The transcript (segments with timestamps) from the OpenAI Whisper API or local faster-whisper.",
)
def transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource,
) -> MaterializeResult:
    layout, store = storage.layout, storage.store
    key = context.partition_key
    audio = layout.audio_path(key, media.audio_ext)
    # JSON last: it marks a complete transcript, locally and in the shared store.
    outputs = [layout.transcript_path(key, ext) for ext in ("txt", "srt", "vtt", "json")]
    with tracked_step(context, db, media) as step:
        remove_stale_temps(layout.transcripts, key)
        if not store.fetch(audio):
            raise MediaError("the audio file is missing; materialize audio_file first")
        if not config.force:
            for path in outputs:
                store.fetch(path)
        checkpoints = layout.checkpoint_dir(key)
        if config.force:
            shutil.rmtree(checkpoints, ignore_errors=True)
        with db.session() as s:
            request = repo.transcribe_request(s, step.url_id)
        url_language = request.language
        # A re-transcription asked for (vsl retry --from transcript, the VSL page) never reuses.
        result = None if config.force or request.redo else _existing(layout, key, audio)
        if result is not None and url_language is not None and result.language != url_language:
            result = None  # the URL's language was set after this transcript was made
        step.reused = result is not None
        if result is None:
            with db.session() as s:
                audio_row = repo.get_output(s, Audio, key)
                rtf = progress.measured_rtf(s)
            if audio_row is not None and audio_row.duration_s:
                limit = progress.time_limit_s(
                    audio_row.duration_s, rtf, transcriber.time_factor, transcriber.min_time_s
                )
                deadline.tighten(
                    limit,
                    f"{transcriber.time_factor:g} x the measured real-time factor {rtf:.2f} x "
                    f"{audio_row.duration_s:.0f} s of audio, at least {transcriber.min_time_s:g} s: "
                    "VSL_TRANSCRIBE_TIME_FACTOR / VSL_TRANSCRIBE_MIN_TIME_S",
                )
                context.log.info(f"time limit of this transcription: {limit:.0f} s (real-time factor {rtf:.2f})")
            engine = transcriber.build(request.model)
            # Each chunk the engine returns is saved under `checkpoints` at once, so a failure
            # or a crash later in this step never makes a retry pay for it again.
            result = engine.transcribe(
                audio,
                language=url_language or transcriber.language_code,
                log=context.log.info,
                checkpoint_dir=checkpoints,
                progress=_progress_writer(db, step.job_id),
            )
            settle_language(
                result,
                url_language=url_language,
                allowed=transcriber.language_list,
                min_probability=transcriber.language_min_probability,
            )
            for warning in result.warnings:
                context.log.warning(f"transcript {warning.kind}: {warning.message}")
            write_outputs(result, layout, key)
        store.publish(*outputs)
        with db.session() as s:
            repo.upsert(
                s,
                TranscriptRow,
                step.url_id,
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
                repo.transcript_redone(s, step.url_id)
        shutil.rmtree(checkpoints, ignore_errors=True)
    json_path = layout.transcript_path(key, "json")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(json_path)),
            "text_path": MetadataValue.path(str(layout.transcript_path(key, "txt"))),
            "size_bytes": MetadataValue.int(json_path.stat().st_size),
            "size": human_bytes(json_path.stat().st_size),
            "duration_s": MetadataValue.float(float(result.duration_s or 0.0)),
            "language": result.language or "unknown",
            "language_probability": MetadataValue.float(float(result.language_probability or 0.0)),
            "language_source": result.language_source or "unknown",
            "warnings": MetadataValue.md("\n".join(f"- {w.kind}: {w.message}" for w in result.warnings) or "none"),
            "warning_count": MetadataValue.int(len(result.warnings)),
            "quality_score": MetadataValue.float(float(quality_score(result) or 0.0)),
            "needs_review": needs_review(result),
            "engine": result.engine,
            "model": result.model,
            "segment_count": MetadataValue.int(len(result.segments)),
            "word_count": MetadataValue.int(result.word_count),
            "chunk_count": MetadataValue.int(result.chunk_count),
            "billed_minutes": MetadataValue.float(float(result.billed_minutes or 0.0)),
            "estimated_cost_usd": MetadataValue.float(float(result.cost_usd or 0.0)),
            "preview": MetadataValue.md(preview_markdown(result)),
            "reused_existing": step.reused,
        }
    )
