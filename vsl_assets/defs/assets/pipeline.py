"""The pipeline's assets, one per step and URL partition: ``tracked_step`` + one service call + metadata.

The work (reuse, store, checkpoints, the database row) is in :mod:`vsl_assets.services.steps`;
what is here is what only Dagster needs: the asset graph, pools, the run's bookkeeping and the
metadata shown in the UI.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetsDefinition, Definitions, MaterializeResult, definitions

from vsl_assets import settings
from vsl_assets.defs.assets import metadata as md
from vsl_assets.defs.assets.step import StepConfig, pipeline_asset, run_step, step_resources
from vsl_assets.defs.jobs import follow_the_audio
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
    return MaterializeResult(metadata=md.video_metadata(result))


def audio_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_audio, step_resources(db, storage, media))
    follow_the_audio(context, db.session, context.partition_key, result.info.duration_s)
    return MaterializeResult(metadata=md.audio_metadata(result, SAMPLE_RATE_HZ, media.audio_bitrate))


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
    return MaterializeResult(metadata=md.transcript_metadata(result))


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
    return MaterializeResult(metadata=md.breakdown_metadata(result, breakdown_engine.min_confidence))


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
        )(video_file),
        pipeline_asset(
            s,
            pool="ffmpeg",
            deps=["video_file"],
            kinds={"ffmpeg"},
            description="Mono 16 kHz compressed audio of the video (Opus in Ogg by default), small enough for the Whisper API.",
        )(audio_file),
        pipeline_asset(
            s,
            # Read where the run executes: a GPU worker started with VSL_TRANSCRIPTION_POOL=transcription_gpu
            # claims that pool's slots (one per GPU), CPU workers the "transcription" pool's.
            pool=s.transcription_pool,
            deps=["audio_file"],
            kinds={"whisper"},
            description="The transcript (segments with timestamps) from the OpenAI Whisper API or local faster-whisper.",
        )(transcript),
        pipeline_asset(
            s,
            deps=["transcript"],
            kinds={"python"},
            description="Niche, lead type, awareness level, timed structure beats and offer (price, guarantee) of the VSL.",
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
