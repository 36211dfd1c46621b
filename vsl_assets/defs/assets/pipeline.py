"""The pipeline's assets, one per step and URL partition: ``run_step`` (one service call) + metadata.

The work (reuse, store, checkpoints, the database row) is in :mod:`vsl_assets.services.steps`;
what is here is what only Dagster needs: the asset graph, pools, the run's bookkeeping and the
metadata shown in the UI.
"""

import functools
from collections.abc import Iterator

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Definitions,
    MaterializeResult,
    definitions,
    multi_asset,
)

from vsl_assets import settings
from vsl_assets.db import UrlStatus
from vsl_assets.defs import checks
from vsl_assets.defs.assets import metadata as md
from vsl_assets.defs.assets.step import (
    DagsterSteps,
    StepConfig,
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
from vsl_assets.services import steps
from vsl_assets.services.steps.media import SAMPLE_RATE_HZ
from vsl_assets.settings import Settings

#: The op that makes the audio beside the transcription (local engine, one run per URL).
AUDIO_AND_TRANSCRIPT = "audio_and_transcript"


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
    beside = _audio_made_beside_transcription(context)
    done = UrlStatus.DOWNLOADED if beside else None
    # Going on to the transcription, the download also decodes the audio for it as it arrives.
    run = functools.partial(steps.run_video, pcm=beside)
    result = run_step(context, config, db, media, run, step_resources(db, storage, media), done_status=done)
    return MaterializeResult(
        metadata=md.video_metadata(result), check_results=checks.selected(context, checks.video_checks(result.info))
    )


def _audio_made_beside_transcription(context: AssetExecutionContext) -> bool:
    """Whether this run goes on to :func:`audio_and_transcript`, which waits for a transcription
    slot before it makes the audio: the video is then all the URL has to wait with, and it reads
    ``downloaded`` ("waiting for transcription") as it does where the audio has its own op, so the
    between-steps beat and reconciliation (a run killed while it waits) see it the same way."""
    if not context.job_def.graph.has_node_named(AUDIO_AND_TRANSCRIPT):
        return False
    planned = context.run.step_keys_to_execute
    return planned is None or AUDIO_AND_TRANSCRIPT in planned


def audio_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    return next(_media_steps(context, config, db, storage, media))


def transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource,
) -> MaterializeResult:
    return next(_media_steps(context, config, db, storage, media, transcriber))


def audio_and_transcript(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource,
) -> Iterator[MaterializeResult]:
    """``audio_file`` and ``transcript`` in one op, so that the Opus encode is off the critical path
    (:mod:`vsl_assets.services.steps.beside`)."""
    yield from _media_steps(context, config, db, storage, media, transcriber)


def _media_steps(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    transcriber: TranscriberResource | None = None,
) -> Iterator[MaterializeResult]:
    """The audio and transcript steps this op makes, in order: beside each other when the op makes
    both with the local engine and the audio is not already stored; otherwise (a run that selects
    one of them, an audio already stored, the API engine, which uploads the stored audio, or an op
    of its own) one step after the other."""
    wanted = [a for a in ("audio_file", "transcript") if AssetKey(a) in context.selected_asset_keys]
    res = step_resources(db, storage, media, transcriber=transcriber)
    if (
        len(wanted) == 2
        and transcriber is not None
        and transcriber.engine == "local"
        and steps.goes_beside(context.partition_key, config.force, res)
    ):
        for done in steps.audio_beside_transcript(DagsterSteps(context, config, db, media), res):
            yield _materialized(context, storage, media, done)
        return
    steps.discard_downloaded_pcm(context.partition_key, res)
    if "audio_file" in wanted:
        audio = run_step(context, config, db, media, steps.run_audio, res, "audio_file")
        follow_the_audio(context, db.session, context.partition_key, audio.info.duration_s)
        yield _materialized(context, storage, media, audio)
    if "transcript" in wanted:
        yield _materialized(
            context, storage, media, run_step(context, config, db, media, steps.run_transcript, res, "transcript")
        )


def _materialized(
    context: AssetExecutionContext,
    storage: StorageResource,
    media: MediaResource,
    result: steps.MediaResult | steps.TranscriptResult,
) -> MaterializeResult:
    """The audio's or the transcript's materialization: its metadata and its checks, from what the
    step holds."""
    if isinstance(result, steps.MediaResult):
        asset = "audio_file"
        metadata = md.audio_metadata(result, SAMPLE_RATE_HZ, media.audio_bitrate)
        found = checks.audio_checks(result.info.duration_s, result.video_duration_s)
    else:
        asset = "transcript"
        audio = storage.layout.audio_path(context.partition_key, media.audio_ext)
        metadata = md.transcript_metadata(result)
        found = checks.transcript_checks(result.transcript, result.audio_duration_s, audio, media.ffmpeg or None)
    return MaterializeResult(asset_key=asset, metadata=metadata, check_results=checks.selected(context, found, asset))


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
        name=AUDIO_AND_TRANSCRIPT,
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
