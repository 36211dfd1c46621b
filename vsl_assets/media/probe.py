"""What a media file contains, read with PyAV (no ffprobe binary needed)."""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vsl_assets.errors import MediaError
from vsl_assets.media.isobmff import box_in


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

    An MP4 (what every download is remuxed to) is answered from its sample table, where the mov
    muxer writes each sample's duration as the step to the next one's timestamp: a few
    milliseconds instead of a walk over every packet (~20,000 for 7.6 minutes of AAC, ~0.1-0.4 s,
    on the download's critical path).  Anything else is demuxed with PyAV.
    """
    table = mp4_audio_durations(path)
    if table is not None:
        timescale, runs = table
        return _gaps_from_durations(timescale, runs, min_gap_s)
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


def _gaps_from_durations(timescale: int, runs: list[tuple[int, int]], min_gap_s: float) -> list[Gap]:
    """The gaps of a track whose samples last ``runs`` (``(count, duration)`` in ``timescale``
    units, as an MP4's ``stts`` lists them): a sample followed by the next one ``min_gap_s`` or
    more later.  The last sample's duration is its own (nothing follows it), so it is no gap."""
    total = sum(count for count, _ in runs)
    gaps: list[Gap] = []
    at = seen = 0
    for count, duration in runs:
        long = duration >= min_gap_s * timescale
        for i in range(count if long else 0):
            if seen + i + 1 < total:
                gaps.append(Gap(round((at + i * duration) / timescale, 3), round(duration / timescale, 3)))
        at += count * duration
        seen += count
    return gaps


#: Boxes that hold other boxes on the way from ``moov`` to an audio track's sample durations.
_MP4_PATH = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
#: An MP4's ``stts`` with more entries than this is not read from its table (PyAV demuxes it).
_MP4_MAX_ENTRIES = 10_000_000


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of each ISO BMFF box in ``data[start:end]``."""
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        box = box_in(data, pos, end - pos)
        if box is None or pos + box[2] > end:
            return
        kind, header, size = box
        yield kind, pos + header, pos + size
        pos += size


def _read_moov(path: Path) -> bytes | None:
    """The ``moov`` box of an MP4 (at its start with ``+faststart``, else after ``mdat``), read
    without reading the media; None when the file has no top-level ``moov`` (not an MP4)."""
    with path.open("rb") as fh:
        size_total = path.stat().st_size
        pos = 0
        while pos + 8 <= size_total:
            fh.seek(pos)
            box = box_in(fh.read(16), 0, size_total - pos)
            if box is None:
                return None
            kind, _, size = box
            if kind == b"moov":
                fh.seek(pos)
                return fh.read(size)
            if kind == b"moof":
                return None  # fragmented: the samples are described in every fragment
            pos += size
    return None


def mp4_audio_durations(path: Path) -> tuple[int, list[tuple[int, int]]] | None:
    """The first audio track's timescale and sample durations (``stts``: ``(count, duration)``
    runs) from an MP4's sample table; None when ``path`` is not a plain (unfragmented) MP4 with an
    audio track this reader understands, and the caller demuxes it instead."""
    try:
        moov = _read_moov(path)
    except OSError:
        return None
    if moov is None:
        return None
    try:
        if any(kind == b"mvex" for kind, _, _ in _boxes(moov, 8)):
            return None  # fragments follow: the sample table does not hold them all
        for kind, start, end in _boxes(moov, 8):
            if kind != b"trak":
                continue
            found = _audio_track_durations(moov, start, end)
            if found is not None:
                return found
    except struct.error:
        return None
    return None


def _audio_track_durations(data: bytes, start: int, end: int) -> tuple[int, list[tuple[int, int]]] | None:
    mdia = next(((s, e) for k, s, e in _boxes(data, start, end) if k == b"mdia"), None)
    if mdia is None:
        return None
    boxes = {k: (s, e) for k, s, e in _boxes(data, *mdia)}
    if b"hdlr" not in boxes or b"mdhd" not in boxes or b"minf" not in boxes:
        return None
    hs, _ = boxes[b"hdlr"]
    if data[hs + 8 : hs + 12] != b"soun":
        return None
    ms, _ = boxes[b"mdhd"]
    version = data[ms]
    (timescale,) = struct.unpack_from(">I", data, ms + (20 if version == 1 else 12))
    stbl = next(((s, e) for k, s, e in _boxes(data, *boxes[b"minf"]) if k == b"stbl"), None)
    if stbl is None or timescale <= 0:
        return None
    stts = next(((s, e) for k, s, e in _boxes(data, *stbl) if k == b"stts"), None)
    if stts is None:
        return None
    ss, se = stts
    (count,) = struct.unpack_from(">I", data, ss + 4)
    if count > _MP4_MAX_ENTRIES or ss + 8 + 8 * count > se:
        return None
    values = struct.unpack_from(f">{2 * count}I", data, ss + 8)
    return timescale, list(zip(values[0::2], values[1::2], strict=True))
