"""The pipeline's assets, one per step and URL partition: ``tracked_step`` + one service call + metadata.

The work (reuse, store, checkpoints, the database row) is in :mod:`vsl_assets.services.steps`;
what is here is what only Dagster needs: the asset graph, pools, the run's bookkeeping and the
metadata shown in the UI.
"""

from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    Definitions,
    MaterializeResult,
    definitions,
    multi_asset,
)

from vsl_assets import settings
from vsl_assets.core import deadline
from vsl_assets.db import JobOutcome
from vsl_assets.defs import checks
from vsl_assets.defs.assets import metadata as md
from vsl_assets.defs.assets.step import (
    Step,
    StepConfig,
    begin_step,
    end_step,
    fail_step,
    pipeline_asset,
    retry_policy,
    run_step,
    step_resources,
)
from vsl_assets.defs.jobs import follow_the_audio
from vsl_assets.defs.partitions import vsl_urls
from vsl_assets.defs.resources import (
    BreakdownResource,
    DatabaseResource,
    MediaResource,
    SearchResource,
    StorageResource,
    TranscriberResource,
)
from vsl_assets.media.probe import probe
from vsl_assets.services import steps
from vsl_assets.services.steps.media import SAMPLE_RATE_HZ
from vsl_assets.settings import Settings


def source_page(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> Iterator[MaterializeResult]:
    result = run_step(context, config, db, media, steps.run_source, step_resources(db, storage, media))
    if result.alias_of:
        # Not materialized: Dagster skips the steps below for this run, so the video is not
        # downloaded, transcribed and analysed twice.  The URL's status is ``alias``.
        context.log.info(f"{context.partition_key} plays the same video as {result.alias_of}: not processed again")
        return
    yield MaterializeResult(metadata=md.source_metadata(result))


def video_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_video, step_resources(db, storage, media))
    return MaterializeResult(
        metadata=md.video_metadata(result), check_results=checks.selected(context, checks.video_checks(result.info))
    )


def audio_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_audio, step_resources(db, storage, media))
    return _audio_materialized(context, db, media, result)


def _audio_materialized(
    context: AssetExecutionContext,
    db: DatabaseResource,
    media: MediaResource,
    result: steps.MediaResult,
    asset: str | None = None,
    *,
    followed: bool = False,
) -> MaterializeResult:
    """``asset``: the asset's name where one op makes several (:func:`audio_and_transcript`);
    ``followed``: the run's time limit already follows the audio (set from the PCM's length)."""
    if not followed:
        follow_the_audio(context, db.session, context.partition_key, result.info.duration_s)
    found = checks.audio_checks(result.info.duration_s, result.video_duration_s)
    return MaterializeResult(
        asset_key=asset,
        metadata=md.audio_metadata(result, SAMPLE_RATE_HZ, media.audio_bitrate),
        check_results=checks.selected(context, found, asset),
    )


def transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource,
) -> MaterializeResult:
    result = run_step(
        context, config, db, media, steps.run_transcript, step_resources(db, storage, media, transcriber=transcriber)
    )
    return _transcript_materialized(context, storage, media, result)


def _transcript_materialized(
    context: AssetExecutionContext,
    storage: StorageResource,
    media: MediaResource,
    result: steps.TranscriptResult,
    asset: str | None = None,
) -> MaterializeResult:
    audio = storage.layout.audio_path(context.partition_key, media.audio_ext)
    found = checks.transcript_checks(result.transcript, result.audio_duration_s, audio, media.ffmpeg or None)
    return MaterializeResult(
        asset_key=asset,
        metadata=md.transcript_metadata(result),
        check_results=checks.selected(context, found, asset),
    )


def audio_and_transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource,
) -> Iterator[MaterializeResult]:
    """``audio_file`` and ``transcript`` in one op, so that the Opus encode is off the critical path.

    Two steps in a row cannot overlap under the in-process executor, and the encode of the stored
    audio costs about a fifth of a local transcription.  When a run makes both (and the audio is
    not already stored), the audio step runs in a thread while the transcription reads a lossless
    PCM decode of the video (~30x cheaper than the encode); the transcript is written only once the
    stored audio exists, so it is never older than its audio.  Each asset keeps its own ``jobs``
    row, status, failure record, checks and materialization; a run that selects one of them, an
    audio already stored, or the API engine (which uploads the stored audio) go one step after the
    other as before.  A retry of a transcription that failed here reads the PCM again (it decodes to
    the same bytes), so the chunk results it saved are reused.
    """
    wanted = {k.to_user_string() for k in context.selected_asset_keys}
    res = step_resources(db, storage, media, transcriber=transcriber)
    key = context.partition_key
    if (
        wanted == {"audio_file", "transcript"}
        and transcriber.engine == "local"
        # A retry after the transcription failed reads the PCM again, to reuse its checkpoints.
        and (not steps.audio_reusable(key, config.force, res) or steps.pcm_checkpoints(key, res))
    ):
        yield from _audio_beside_transcript(context, config, db, storage, media, res)
        return
    if "audio_file" in wanted:
        result = run_step(context, config, db, media, steps.run_audio, res, "audio_file")
        yield _audio_materialized(context, db, media, result, "audio_file")
    if "transcript" in wanted:
        done = run_step(context, config, db, media, steps.run_transcript, res, "transcript")
        yield _transcript_materialized(context, storage, media, done, "transcript")


class _AudioFailed(Exception):
    """The transcript is not stored: the audio it stands for failed (the audio step says why)."""


def _audio_beside_transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    res: steps.StepResources,
) -> Iterator[MaterializeResult]:
    audio_step = begin_step(context, db, media, "audio_file")
    audio_inputs = audio_step.inputs(context, config)
    steps.remove_stale_pcm(audio_inputs, res)
    background = steps.start_audio(audio_inputs, res)

    def audio_stored() -> None:
        if not background.succeeded():
            raise _AudioFailed()

    transcript_step: Step | None = None
    done: steps.TranscriptResult | None = None
    error: Exception | None = None
    pcm = None
    try:
        with deadline.step_deadline(media.step_timeout_s, "audio_file"):
            pcm = steps.decode_for_transcription(audio_inputs, res)
            # The run's time limit follows the audio before the transcription, as after audio_file.
            follow_the_audio(context, db.session, context.partition_key, probe(pcm).duration_s)
    except Exception as exc:  # the audio step, in its thread, says what is wrong with the video's audio
        if pcm is not None:
            pcm.unlink(missing_ok=True)
            pcm = None
        context.log.info(
            f"the video's audio could not be decoded beside the encode ({exc}): transcribing the stored audio"
        )
    try:
        if pcm is not None:
            transcript_step = begin_step(context, db, media, "transcript")
            try:
                with deadline.step_deadline(media.step_timeout_s, "transcript"):
                    inputs = transcript_step.inputs(context, config)
                    done = steps.run_transcript(inputs, res, pcm=pcm, before_store=audio_stored)
            except Exception as exc:
                error = exc
    except BaseException:
        background.thread.join()  # nothing of this op outlives it (the audio's own temp is its own)
        raise
    finally:
        if pcm is not None:
            pcm.unlink(missing_ok=True)
    try:
        audio = background.wait()
    except Exception as exc:
        if transcript_step is not None:
            end_step(db, transcript_step, outcome=JobOutcome.FAILED, error="its audio could not be stored")
        fail_step(context, db, audio_step, exc)
    audio_step.reused = audio.reused
    # A transcription under way keeps the URL "transcribing".
    end_step(db, audio_step, move_status=transcript_step is None)
    yield _audio_materialized(context, db, media, audio, "audio_file", followed=transcript_step is not None)
    if transcript_step is None:
        done = run_step(context, config, db, media, steps.run_transcript, res, "transcript")
    elif error is not None or done is None:
        fail_step(context, db, transcript_step, error or RuntimeError("no transcript"))
    else:
        transcript_step.reused = done.reused
        end_step(db, transcript_step)
    yield _transcript_materialized(context, storage, media, done, "transcript")


def breakdown(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    breakdown_engine: BreakdownResource,
) -> MaterializeResult:
    result = run_step(
        context,
        config,
        db,
        media,
        steps.run_breakdown,
        step_resources(db, storage, media, breakdown_engine=breakdown_engine),
    )
    found = checks.breakdown_checks(result.breakdown, result.audio_duration_s)
    return MaterializeResult(
        metadata=md.breakdown_metadata(result, breakdown_engine.min_confidence),
        check_results=checks.selected(context, found),
    )


def search_index(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    search: SearchResource,
) -> MaterializeResult:
    result = run_step(
        context, config, db, media, steps.run_search_index, step_resources(db, storage, media, search=search)
    )
    return MaterializeResult(metadata=md.search_metadata(result))


_AUDIO_DESCRIPTION = (
    "Mono 16 kHz compressed audio of the video (Opus in Ogg by default), small enough for the Whisper API."
)
_TRANSCRIPT_DESCRIPTION = (
    "The transcript (segments with timestamps) from the OpenAI Whisper API or local faster-whisper."
)


def _overlap(s: Settings) -> bool:
    """One op for the audio and the transcript only where the encode can overlap a transcription: one
    run per URL and the local engine.  With the API engine (which uploads the stored audio, so the two
    run one after the other anyway) the audio keeps its own op in the ``ffmpeg`` pool, so a URL waiting
    for a transcription slot has its audio made and reads ``downloaded``, not ``downloading``."""
    return not s.split_stages and s.engine == "local"


def _audio_and_transcript_assets(s: Settings) -> list[AssetsDefinition]:
    """Two ops: for split stages (the download stage, its own run, queue and worker, ends with the
    audio) and for the API engine."""
    return [
        pipeline_asset(
            s,
            pool="ffmpeg",
            deps=["video_file"],
            kinds={"ffmpeg"},
            description=_AUDIO_DESCRIPTION,
            check_specs=checks.check_specs("audio_file"),
        )(audio_file),
        pipeline_asset(
            s,
            # Read where the run executes: a GPU worker started with VSL_TRANSCRIPTION_POOL=transcription_gpu
            # claims that pool's slots (one per GPU), CPU workers the "transcription" pool's.
            pool=s.transcription_pool,
            deps=["audio_file"],
            kinds={"whisper"},
            description=_TRANSCRIPT_DESCRIPTION,
            check_specs=checks.check_specs("transcript"),
        )(transcript),
    ]


def _audio_and_transcript_op(s: Settings) -> AssetsDefinition:
    """One op for both (:func:`audio_and_transcript`), when one run makes every step of a URL.

    It claims the transcription pool (its long part); the encode it runs beside the transcription
    is bounded by that pool's slots instead of the ``ffmpeg`` pool's.
    """
    return multi_asset(
        name="audio_and_transcript",
        specs=[
            AssetSpec(
                "audio_file", deps=["video_file"], kinds={"ffmpeg"}, description=_AUDIO_DESCRIPTION, skippable=True
            ),
            AssetSpec(
                "transcript",
                deps=["audio_file"],
                kinds={"whisper"},
                description=_TRANSCRIPT_DESCRIPTION,
                skippable=True,
            ),
        ],
        check_specs=[*checks.check_specs("audio_file"), *checks.check_specs("transcript")],
        can_subset=True,
        partitions_def=vsl_urls,
        group_name="vsl",
        retry_policy=retry_policy(s.max_retries),
        pool=s.transcription_pool,
    )(audio_and_transcript)


def build_pipeline_assets(s: Settings) -> list[AssetsDefinition]:
    """The assets with what the settings decide when the code location loads: the retry policy and
    the transcription pool (a GPU worker loads it with ``VSL_TRANSCRIPTION_POOL=transcription_gpu``)."""
    return [
        pipeline_asset(
            s,
            output_required=False,  # a duplicate's page (same video as another URL) stops the run here
            kinds={"html"},
            description="What the URL points at: the player found on the page and the stream it plays.",
        )(source_page),
        pipeline_asset(
            s,
            pool="ffmpeg",
            deps=["source_page"],
            kinds={"ffmpeg"},
            description="The VSL video: its HLS stream (fragments fetched concurrently) or direct media, as storage/videos/<key>.mp4.",
            check_specs=checks.check_specs("video_file"),
        )(video_file),
        *([_audio_and_transcript_op(s)] if _overlap(s) else _audio_and_transcript_assets(s)),
        pipeline_asset(
            s,
            deps=["transcript"],
            kinds={"python"},
            description="Niche, lead type, awareness level, timed structure beats and offer (price, guarantee) of the VSL.",
            check_specs=checks.check_specs("breakdown"),
        )(breakdown),
        pipeline_asset(
            s,
            deps=["breakdown"],
            kinds={"sqlite", "postgres"},
            description="The VSL's transcript segments in the full-text index (embedded SQLite FTS5, or PostgreSQL "
            "when the app database is), with its niche, lead, awareness, pitch and price as filters.",
        )(search_index),
    ]


@definitions
def pipeline() -> Definitions:
    """Read at load, not at import: every load (``build_definitions``) sees the settings as they are."""
    return Definitions(assets=build_pipeline_assets(settings.current()))
