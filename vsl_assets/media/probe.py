"""What a media file contains, read with PyAV (no ffprobe binary needed)."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vsl_assets.errors import MediaError


@dataclass(frozen=True)
class MediaInfo:
    path: str
    size_bytes: int
    duration_s: float
    container: str
    bitrate: int | None
    video_codec: str | None
    width: int | None
    height: int | None
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    audio_bitrate: int | None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _stream_duration(stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _codec(stream: Any) -> str | None:
    """The format's name ("mp3"), not the decoder's ("mp3float")."""
    if stream is None:
        return None
    codec = stream.codec_context.codec
    return getattr(codec, "canonical_name", None) or codec.name


def probe(path: Path) -> MediaInfo:
    """Raise :class:`MediaError` when the file is not readable media."""
    import av  # PyAV loads FFmpeg's libraries: only when something is probed

    try:
        size = path.stat().st_size
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            audio = next(iter(container.streams.audio), None)
            duration = container.duration / av.time_base if container.duration else None
            if duration is None:
                durations = [d for d in (_stream_duration(s) for s in container.streams) if d]
                duration = max(durations) if durations else 0.0
            return MediaInfo(
                path=str(path),
                size_bytes=size,
                duration_s=round(float(duration), 3),
                container=container.format.name,
                bitrate=container.bit_rate or None,
                video_codec=_codec(video),
                width=video.codec_context.width if video else None,
                height=video.codec_context.height if video else None,
                audio_codec=_codec(audio),
                sample_rate=audio.codec_context.sample_rate if audio else None,
                channels=audio.codec_context.channels if audio else None,
                audio_bitrate=(audio.codec_context.bit_rate or None) if audio else None,
            )
    except FileNotFoundError:
        raise MediaError(f"media file is missing: {path.name}") from None
    except av.FFmpegError as exc:
        raise MediaError(f"the file is not readable media ({exc.strerror or type(exc).__name__})") from None


@dataclass(frozen=True)
class Gap:
    """Missing media inside a track: ``length_s`` seconds with no packet, from ``at_s``."""

    at_s: float
    length_s: float


def audio_gaps(path: Path, min_gap_s: float = 0.5) -> list[Gap]:
    """Holes in the first audio track: stretches of at least ``min_gap_s`` with no audio packet.

    A remux with ``-c copy`` keeps the source timestamps, so a segment that arrived cut short
    leaves a jump in them while the overall duration still looks right.  Audio is what is
    checked: its frames last tens of milliseconds, whereas a slideshow VSL's video may
    legitimately hold one frame for seconds.  Only packet headers are read (no decoding).
    """
    import av  # PyAV loads FFmpeg's libraries: only when something is probed

    try:
        with av.open(str(path)) as container:
            stream = next(iter(container.streams.audio), None)
            if stream is None or stream.time_base is None:
                return []
            tb = float(stream.time_base)
            times = sorted(p.pts for p in container.demux(stream) if p.pts is not None)
    except av.FFmpegError as exc:
        raise MediaError(f"the file is not readable media ({exc.strerror or type(exc).__name__})") from None
    start = times[0] * tb if times else 0.0
    return [
        Gap(round(a * tb - start, 3), round((b - a) * tb, 3))
        for a, b in itertools.pairwise(times)
        if (b - a) * tb >= min_gap_s
    ]
