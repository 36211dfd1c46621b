"""``video_file`` and ``audio_file``: download the stream, extract the audio."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from vsl_assets.db import Audio, Source, Video, repo
from vsl_assets.defs.assets.source import source_page
from vsl_assets.defs.assets.step import StepConfig, media_metadata, reusable, tracked_step, vsl_asset
from vsl_assets.defs.resources import DatabaseResource, MediaResource, StorageResource
from vsl_assets.errors import MediaError
from vsl_assets.media import extract_audio
from vsl_assets.media.download import fetch_video
from vsl_assets.storage import remove_stale_temps


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
    layout, store = storage.layout, storage.store
    dest = layout.video_path(context.partition_key)
    with tracked_step(context, db, media) as step:
        remove_stale_temps(layout.videos, step.key)
        info = None if config.force or not store.fetch(dest) else reusable(dest)
        step.reused = info is not None
        if info is None:
            with db.session() as s:
                source = repo.get_output(s, Source, step.key)
            # Without a resolved source (source_page not materialized) the URL is the stream.
            stream = source.stream_url if source is not None else step.url
            referer = source.referer if source is not None else None
            headers = tuple((source.headers or {}).items()) if source is not None else ()
            info = fetch_video(
                stream,
                dest,
                media.download_options(referer=referer, headers=headers),
                hls_options=media.hls_options(),
                log=context.log.info,
            )
        store.publish(dest)  # shared (when configured) before the row says it exists
        with db.session() as s:
            repo.upsert(
                s,
                Video,
                step.url_id,
                path=str(dest),
                size_bytes=info.size_bytes,
                duration_s=info.duration_s,
                container=info.container,
                video_codec=info.video_codec,
                audio_codec=info.audio_codec,
                width=info.width,
                height=info.height,
                bitrate=info.bitrate,
            )
    return MaterializeResult(
        metadata={
            **media_metadata(info, step.reused),
            "video_codec": info.video_codec or "none",
            "audio_codec": info.audio_codec or "none",
            "resolution": f"{info.width}x{info.height}" if info.width else "audio only",
        }
    )


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
    layout, store = storage.layout, storage.store
    video = layout.video_path(context.partition_key)
    dest = layout.audio_path(context.partition_key, media.audio_ext)
    sample_rate = 16000
    with tracked_step(context, db, media) as step:
        remove_stale_temps(layout.audio, step.key)
        if not store.fetch(video):
            raise MediaError("the video file is missing; materialize video_file first")
        info = None if config.force or not store.fetch(dest) else reusable(dest, newer_than=video)
        step.reused = info is not None
        if info is None:
            info = extract_audio(
                video,
                dest,
                fmt=media.audio_format,
                bitrate=media.audio_bitrate,
                sample_rate=sample_rate,
                timeout_s=media.step_timeout_s,
            )
        store.publish(dest)
        with db.session() as s:
            repo.upsert(
                s,
                Audio,
                step.url_id,
                path=str(dest),
                size_bytes=info.size_bytes,
                duration_s=info.duration_s,
                codec=info.audio_codec,
                sample_rate=sample_rate,
                channels=info.channels,
                bitrate=info.bitrate,
            )
    return MaterializeResult(
        metadata={
            **media_metadata(info, step.reused),
            "codec": info.audio_codec or "unknown",
            "sample_rate_hz": MetadataValue.int(sample_rate),
            "channels": MetadataValue.int(info.channels or 0),
            "target_bitrate": media.audio_bitrate,
        }
    )
