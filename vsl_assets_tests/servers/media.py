"""Real-ffmpeg fixture generation.

Fixtures are produced by the same ffmpeg family the pipeline uses, so the
tests exercise genuine H.264/AAC/MPEG-TS/HLS bitstreams instead of
hand-written byte blobs that no demuxer would ever emit.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO

import av

__all__ = ["audio_duration", "ffmpeg_exe", "loop_audio", "make_hls", "make_mp4", "run_ffmpeg"]

# Encoder per output extension: ffmpeg's defaults depend on build flags
# (e.g. .ogg may default to a missing libvorbis), so be explicit.
_AUDIO_CODECS: dict[str, list[str]] = {
    ".opus": ["-c:a", "libopus", "-b:a", "32k"],
    ".ogg": ["-c:a", "libopus", "-b:a", "32k"],
    ".oga": ["-c:a", "libopus", "-b:a", "32k"],
    ".webm": ["-c:a", "libopus", "-b:a", "32k"],
    ".m4a": ["-c:a", "aac", "-b:a", "64k"],
    ".mp4": ["-c:a", "aac", "-b:a", "64k"],
    ".aac": ["-c:a", "aac", "-b:a", "64k"],
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".flac": ["-c:a", "flac"],
}


def ffmpeg_exe() -> str:
    """Locate ffmpeg; CI images lack a system one, imageio-ffmpeg ships a static build."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(args: list[str], *, timeout: float = 120.0) -> None:
    """Run ffmpeg and surface its stderr, which is the only useful diagnostic."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed with exit code {proc.returncode}: {' '.join(cmd)}\n{proc.stderr[-4000:]}")


def audio_duration(source: Path | BinaryIO) -> float:
    """Container duration in seconds (of a file or an in-memory upload)."""
    with av.open(str(source) if isinstance(source, Path) else source) as container:
        if container.duration is not None:
            return float(container.duration) / 1_000_000
        durations = [
            float(s.duration * s.time_base)
            for s in container.streams
            if s.duration is not None and s.time_base is not None
        ]
    if not durations:
        raise ValueError(f"cannot determine duration of {source}")
    return max(durations)


def _av_inputs_and_maps(
    audio: Path | None,
    *,
    duration_s: float | None,
    width: int,
    height: int,
    fps: int,
    segment_s: float,
    with_audio: bool,
) -> list[str]:
    if duration_s is not None:
        duration = duration_s
    elif audio is not None:
        duration = audio_duration(audio)
    else:
        raise ValueError("duration_s is required when no audio file is given")
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}"]
    if with_audio:
        if audio is None:
            args += ["-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono"]
        else:
            args += ["-i", str(audio)]
    args += ["-map", "0:v:0"]
    if with_audio:
        # apad + -t gives an exact length whether the audio is longer or
        # shorter than the requested duration.
        args += ["-map", "1:a:0", "-af", "apad", "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "44100"]
    args += [
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-b:v",
        "150k",
        "-maxrate",
        "200k",
        "-bufsize",
        "400k",
        # Keyframes on segment boundaries so HLS segments have the requested length.
        "-force_key_frames",
        f"expr:gte(t,n_forced*{segment_s})",
        "-t",
        f"{duration:.3f}",
    ]
    return args


def make_hls(
    out_dir: Path,
    audio: Path | None,
    *,
    duration_s: float | None = None,
    segment_s: float = 2.0,
    width: int = 320,
    height: int = 240,
    fps: int = 10,
    with_audio: bool = True,
) -> Path:
    """Build a VOD HLS stream (index.m3u8 + seg_NNN.ts) like a typical VSL CDN serves."""
    out_dir.mkdir(parents=True, exist_ok=True)
    playlist = out_dir / "index.m3u8"
    args = _av_inputs_and_maps(
        audio,
        duration_s=duration_s,
        width=width,
        height=height,
        fps=fps,
        segment_s=segment_s,
        with_audio=with_audio,
    )
    args += [
        "-f",
        "hls",
        "-hls_time",
        f"{segment_s}",
        "-hls_playlist_type",
        "vod",
        "-hls_segment_type",
        "mpegts",
        "-hls_segment_filename",
        str(out_dir / "seg_%03d.ts"),
        str(playlist),
    ]
    run_ffmpeg(args)
    return playlist


def make_mp4(
    out_path: Path,
    audio: Path | None,
    *,
    duration_s: float | None = None,
    segment_s: float = 2.0,
    width: int = 320,
    height: int = 240,
    fps: int = 10,
    with_audio: bool = True,
) -> Path:
    """The same content as make_hls, as one progressive MP4 (a "direct media URL")."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    args = _av_inputs_and_maps(
        audio,
        duration_s=duration_s,
        width=width,
        height=height,
        fps=fps,
        segment_s=segment_s,
        with_audio=with_audio,
    )
    # faststart: moov up front so HTTP readers need no Range seek to the end.
    args += ["-movflags", "+faststart", "-f", "mp4", str(out_path)]
    run_ffmpeg(args)
    return out_path


def loop_audio(src: Path, out_path: Path, total_s: float) -> Path:
    """Repeat a short clip to build long-audio fixtures (chunking, size limits)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    codec = _AUDIO_CODECS.get(out_path.suffix.lower(), [])
    run_ffmpeg(
        [
            "-stream_loop",
            "-1",
            "-i",
            str(src),
            "-vn",
            "-map",
            "0:a:0",
            "-t",
            f"{total_s:.3f}",
            *codec,
            str(out_path),
        ]
    )
    return out_path
