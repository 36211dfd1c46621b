"""Feeding ffmpeg: each track's ordered bytes go into its own input pipe; ffmpeg remuxes them (``-c copy``) to MP4."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

from vsl_assets.errors import DownloadError
from vsl_assets.media.ffmpeg import find_ffmpeg, says_invalid_data
from vsl_assets.media.hls.client import Http
from vsl_assets.media.hls.options import HlsOptions
from vsl_assets.media.hls.ordered import Ordered, Progress
from vsl_assets.media.hls.pipe import PipeWriter, grow_pipe
from vsl_assets.media.hls.tracks import Track

#: At a discontinuity, a timestamp jump longer than this is closed up by ffmpeg.
DISCONTINUITY_JUMP_S = 3


def _input_format(track: Track, first: bytes) -> str | None:
    if track.has_init:
        return "mov"
    if first[:1] == b"\x47" and (len(first) <= 188 or first[188] == 0x47):
        return "mpegts"
    return None  # packed audio etc.: let ffmpeg probe it


def _ffmpeg_failure(returncode: int, stderr: str) -> DownloadError:
    detail = "\n".join(stderr.strip().splitlines()[-12:])
    if says_invalid_data(stderr):
        return DownloadError("the downloaded segments are not a playable video stream (invalid data)", detail=detail)
    if "does not contain any stream" in stderr:
        return DownloadError("the stream contains no audio or video stream", detail=detail)
    return DownloadError(f"ffmpeg could not remux the downloaded segments (exit code {returncode})", detail=detail)


async def _feed(ordered: Ordered, writer: PipeWriter, first: bytes) -> bool:
    """Write every item in order; False when ffmpeg stopped reading (its exit code says why)."""
    try:
        await writer.write(first)
        for index in range(1, len(ordered.items)):
            await writer.write(await ordered.get(index))
    except BrokenPipeError:
        return False
    writer.finish()
    return True


async def remux(http: Http, tracks: list[Track], out: Path, opts: HlsOptions, progress: Progress) -> None:
    ordered = [Ordered(http, t, opts.window, progress) for t in tracks]
    writers: list[PipeWriter] = []
    read_fds: list[int] = []
    proc: asyncio.subprocess.Process | None = None
    feeders: list[asyncio.Task[bool]] = []
    with tempfile.TemporaryFile("w+b") as errfile:
        try:
            # ffmpeg starts once each track's first bytes are known (they decide the input format);
            # by then the rest of the first window is already downloading.
            firsts = await asyncio.gather(*(o.get(0) for o in ordered))
            cmd = [opts.ffmpeg or find_ffmpeg(), "-nostdin", "-hide_banner", "-y", "-loglevel", "warning"]
            for track, first in zip(tracks, firsts, strict=True):
                read_fd, write_fd = os.pipe()
                read_fds.append(read_fd)
                grow_pipe(write_fd)
                writers.append(await PipeWriter.open(write_fd))
                fmt = _input_format(track, first)
                if track.has_discontinuity:
                    # Let ffmpeg close timestamp jumps over 3 s instead of keeping them as holes
                    # (its default is 10 s).
                    cmd += ["-dts_delta_threshold", str(DISCONTINUITY_JUMP_S)]
                cmd += ["-protocol_whitelist", "pipe"] + (["-f", fmt] if fmt else []) + ["-i", f"pipe:{read_fd}"]
            if len(tracks) > 1:
                cmd += ["-map", "0:v:0?", "-map", "1:a:0"]
            else:
                cmd += ["-map", "0:v:0?", "-map", "0:a:0?"]
            cmd += ["-c", "copy", "-movflags", "+faststart", "-f", "mp4", str(out)]
            proc = await asyncio.create_subprocess_exec(
                *cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errfile, pass_fds=read_fds
            )
            for fd in read_fds:
                os.close(fd)
            read_fds.clear()
            feeders = [asyncio.ensure_future(_feed(o, w, f)) for o, w, f in zip(ordered, writers, firsts, strict=True)]
            pending: set[asyncio.Task[bool]] = set(feeders)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    task.result()  # a segment that could not be fetched: raise now
                if any(not t.result() for t in done):
                    break  # ffmpeg stopped reading: its exit status explains
            returncode = await proc.wait()
            if returncode != 0:
                errfile.seek(0)
                raise _ffmpeg_failure(returncode, errfile.read().decode("utf-8", errors="replace"))
            if not all(t.done() and t.result() for t in feeders):
                raise DownloadError("ffmpeg stopped reading the segments before the end of the stream")
        finally:
            for task in feeders:
                task.cancel()
            await asyncio.gather(*feeders, return_exceptions=True)
            for o in ordered:
                await o.close()
            if proc is not None and proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
            for w in writers:
                w.abort()
            for fd in read_fds:
                os.close(fd)
