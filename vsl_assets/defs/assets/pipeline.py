"""The pipeline's assets, one per step and URL partition: ``tracked_step`` + one service call + metadata.

The work (reuse, store, checkpoints, the database row) is in :mod:`vsl_assets.services.steps`;
what is here is what only Dagster needs: the asset graph, pools, the run's bookkeeping and the
metadata shown in the UI.
"""

from dagster import AssetExecutionContext, MaterializeResult

from vsl_assets import settings
from vsl_assets.defs.assets import metadata as md
from vsl_assets.defs.assets.step import StepConfig, run_step, step_resources, vsl_asset
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


@vsl_asset(kinds={"html"}, description="What the URL points at: the player found on the page and the stream it plays.")
def source_page(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_source, step_resources(db, storage, media))
    return MaterializeResult(metadata=md.source_metadata(result))


@vsl_asset(
    pool="ffmpeg",
    deps=[source_page],
    kinds={"ffmpeg"},
    description="The VSL video: its HLS stream (fragments fetched concurrently) or direct media, as storage/videos/<key>.mp4.",
)
def video_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_video, step_resources(db, storage, media))
    return MaterializeResult(metadata=md.video_metadata(result))


@vsl_asset(
    pool="ffmpeg",
    deps=[video_file],
    kinds={"ffmpeg"},
    description="Mono 16 kHz compressed audio of the video (Opus in Ogg by default), small enough for the Whisper API.",
)
def audio_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    result = run_step(context, config, db, media, steps.run_audio, step_resources(db, storage, media))
    return MaterializeResult(metadata=md.audio_metadata(result, SAMPLE_RATE_HZ, media.audio_bitrate))


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
    result = run_step(
        context, config, db, media, steps.run_transcript, step_resources(db, storage, media, transcriber=transcriber)
    )
    return MaterializeResult(metadata=md.transcript_metadata(result))


@vsl_asset(
    deps=[transcript],
    kinds={"python"},
    description="Niche, lead type, awareness level, timed structure beats and offer (price, guarantee) of the VSL.",
)
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
    return MaterializeResult(metadata=md.breakdown_metadata(result))


@vsl_asset(
    deps=[breakdown],
    kinds={"sqlite", "postgres"},
    description="The VSL's transcript segments in the full-text index (embedded SQLite FTS5, or PostgreSQL "
    "when the app database is), with its niche, lead, awareness, pitch and price as filters.",
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
