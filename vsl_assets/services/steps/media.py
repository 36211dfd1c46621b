"""``video_file`` and ``audio_file``: download the stream, extract the audio."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vsl_assets.db import Audio, Source, Video, repo
from vsl_assets.errors import MediaError
from vsl_assets.media import extract_audio
from vsl_assets.media.download import fetch_video
from vsl_assets.media.probe import MediaInfo
from vsl_assets.services import insights
from vsl_assets.services.steps.common import StepInputs, StepResources, reusable
from vsl_assets.storage import remove_stale_temps

#: What the transcription engines are given: mono speech at 16 kHz.
SAMPLE_RATE_HZ = 16000


@dataclass(frozen=True)
class MediaResult:
    info: MediaInfo
    path: Path
    reused: bool
    #: The audio step's: the video's duration from its row (read with the write), for the check
    #: that the audio lasts as long; None when the video has no row.
    video_duration_s: float | None = None


def run_video(inputs: StepInputs, res: StepResources) -> MediaResult:
    layout, store = res.layout, res.store
    dest = layout.video_path(inputs.key)
    remove_stale_temps(layout.videos, inputs.key)
    info = None if inputs.force or not store.fetch(dest) else reusable(dest)
    reused = info is not None
    if info is None:
        with res.sessions() as s:
            source = repo.get_output(s, Source, inputs.key)
        # Without a resolved source (source_page not materialized) the URL is the stream.
        stream = source.stream_url if source is not None else inputs.url
        referer = source.referer if source is not None else None
        headers = tuple((source.headers or {}).items()) if source is not None else ()
        info = fetch_video(
            stream,
            dest,
            res.media.download_options(referer=referer, headers=headers),
            hls_options=res.media.hls_options(),
            log=inputs.log,
        )
    store.publish(dest)  # shared (when configured) before the row says it exists
    with res.sessions() as s, insights.counted(s, [inputs.url_id]):  # a point needs the video's length
        repo.upsert(
            s,
            Video,
            inputs.url_id,
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
    return MediaResult(info, dest, reused)


def run_audio(inputs: StepInputs, res: StepResources) -> MediaResult:
    layout, store, media = res.layout, res.store, res.media
    video = layout.video_path(inputs.key)
    dest = layout.audio_path(inputs.key, media.audio_ext)
    remove_stale_temps(layout.audio, inputs.key)
    if not store.fetch(video):
        raise MediaError("the video file is missing; materialize video_file first")
    info = None if inputs.force or not store.fetch(dest) else reusable(dest, newer_than=video)
    reused = info is not None
    if info is None:
        info = extract_audio(
            video,
            dest,
            fmt=media.audio_format,
            bitrate=media.audio_bitrate,
            sample_rate=SAMPLE_RATE_HZ,
            timeout_s=media.step_timeout_s,
            ffmpeg=media.ffmpeg or None,
        )
    store.publish(dest)
    with res.sessions() as s:
        video_row = repo.get_output(s, Video, inputs.key)
        video_duration_s = video_row.duration_s if video_row is not None else None
        repo.upsert(
            s,
            Audio,
            inputs.url_id,
            path=str(dest),
            size_bytes=info.size_bytes,
            duration_s=info.duration_s,
            codec=info.audio_codec,
            sample_rate=SAMPLE_RATE_HZ,
            channels=info.channels,
            bitrate=info.bitrate,
        )
    return MediaResult(info, dest, reused, video_duration_s)
