"""``video_file`` and ``audio_file``: download the stream, extract the audio."""


from pathlib import Path

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from vsl_assets.assets._step import RETRY_POLICY, StepConfig, media_metadata, tracked_step
from vsl_assets.db import Audio, UrlStatus, Video, repo
from vsl_assets.errors import MediaError
from vsl_assets.media import MediaInfo, download_stream, extract_audio, probe
from vsl_assets.partitions import vsl_urls
from vsl_assets.resources import DatabaseResource, MediaResource, StorageResource
from vsl_assets.storage import remove_stale_temps


def reusable(path: Path, newer_than: Path | None = None) -> MediaInfo | None:
    """A complete earlier output (files are renamed into place only when complete)."""
    if not path.is_file() or (newer_than is not None and path.stat().st_mtime < newer_than.stat().st_mtime):
        return None
    try:
        info = probe(path)
    except MediaError:
        return None
    return info if info.duration_s > 0 else None


@asset(
    partitions_def=vsl_urls,
    group_name="vsl",
    pool="ffmpeg",
    retry_policy=RETRY_POLICY,
    kinds={"ffmpeg"},
    description="The VSL video, downloaded from its HLS or direct media URL into storage/videos/<key>.mp4.",
)
def video_file(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    layout = storage.layout
    dest = layout.video_path(context.partition_key)
    with tracked_step(context, db, "video_file", UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADED) as step:
        remove_stale_temps(layout.videos, step.key)
        info = None if config.force else reusable(dest)
        step.reused = info is not None
        if info is None:
            info = download_stream(step.url, dest, media.download_options(), log=context.log.info)
        with db.session() as s:
            repo.upsert(
                s, Video, step.url_id,
                path=str(dest), size_bytes=info.size_bytes, duration_s=info.duration_s, container=info.container,
                video_codec=info.video_codec, audio_codec=info.audio_codec, width=info.width, height=info.height,
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


@asset(
    partitions_def=vsl_urls,
    group_name="vsl",
    pool="ffmpeg",
    retry_policy=RETRY_POLICY,
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
    layout = storage.layout
    video = layout.video_path(context.partition_key)
    dest = layout.audio_path(context.partition_key, media.audio_ext)
    sample_rate = 16000
    with tracked_step(context, db, "audio_file", UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADED) as step:
        remove_stale_temps(layout.audio, step.key)
        if not video.is_file():
            raise MediaError("the video file is missing; materialize video_file first")
        info = None if config.force else reusable(dest, newer_than=video)
        step.reused = info is not None
        if info is None:
            info = extract_audio(
                video, dest, fmt=media.audio_format, bitrate=media.audio_bitrate, sample_rate=sample_rate,
                timeout_s=media.step_timeout_s,
            )
        with db.session() as s:
            repo.upsert(
                s, Audio, step.url_id,
                path=str(dest), size_bytes=info.size_bytes, duration_s=info.duration_s, codec=info.audio_codec,
                sample_rate=sample_rate, channels=info.channels, bitrate=info.bitrate,
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
