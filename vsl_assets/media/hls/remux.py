"""Feeding ffmpeg: each track's ordered bytes go into its own input pipe; ffmpeg remuxes them (``-c copy``) to MP4.

On request the audio track's bytes are also teed into a second ffmpeg that decodes them to the 16 kHz
mono PCM WAV a local transcription reads (``media.audio.decode_pcm``'s output), while the segments
are still arriving: the transcription then starts on it as soon as the download ends, instead of
decoding the MP4 again.  The tee is best effort: if it cannot decode the audio (no audio track, a
codec this ffmpeg cannot decode), it is dropped and the download goes on as if it had not been asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

from vsl_assets.errors import DownloadError
from vsl_assets.media.audio import pcm_output_args
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


class _Tee:
    """The second ffmpeg of :func:`remux` (the PCM decode) and its input pipe; ``writer`` is None
    once it stopped reading (its exit status is then not awaited: the PCM is dropped)."""

    def __init__(self, proc: asyncio.subprocess.Process, writer: PipeWriter) -> None:
        self.proc = proc
        self.writer: PipeWriter | None = writer

    async def write(self, data: bytes) -> None:
        if self.writer is None:
            return
        try:
            await self.writer.write(data)
        except BrokenPipeError:
            self.drop()

    def finish(self) -> None:
        if self.writer is not None:
            self.writer.finish()

    def drop(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None

    async def ended_well(self) -> bool:
        """Whether it decoded every byte it was given (its input is closed by now)."""
        returncode = await self.proc.wait()
        return self.writer is not None and returncode == 0

    async def stop(self) -> None:
        self.drop()
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await self.proc.wait()


async def _feed(ordered: Ordered, writer: PipeWriter, first: bytes, tee: _Tee | None = None) -> bool:
    """Write every item in order (to the tee too); False when ffmpeg stopped reading (its exit
    code says why)."""
    try:
        for index in range(len(ordered.items)):
            data = first if index == 0 else await ordered.get(index)
            await writer.write(data)
            if tee is not None:
                await tee.write(data)
    except BrokenPipeError:
        return False
    writer.finish()
    if tee is not None:
        tee.finish()
    return True


def _input_args(track: Track, first: bytes, fd: int) -> list[str]:
    fmt = _input_format(track, first)
    return ["-protocol_whitelist", "pipe"] + (["-f", fmt] if fmt else []) + ["-i", f"pipe:{fd}"]


async def _start_tee(ffmpeg: str, track: Track, first: bytes, pcm: Path) -> _Tee:
    """The PCM decode of ``track`` (the stream's audio) into ``pcm``, fed through its own pipe."""
    read_fd, write_fd = os.pipe()
    try:
        grow_pipe(write_fd)
        cmd = [ffmpeg, "-nostdin", "-hide_banner", "-y", "-loglevel", "error", *_input_args(track, first, read_fd)]
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            *pcm_output_args(),
            str(pcm),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=[read_fd],
        )
    except BaseException:
        os.close(write_fd)
        raise
    finally:
        os.close(read_fd)
    try:
        writer = await PipeWriter.open(write_fd)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
    return _Tee(proc, writer)


async def remux(
    http: Http, tracks: list[Track], out: Path, opts: HlsOptions, progress: Progress, pcm: Path | None = None
) -> bool:
    """Remux the tracks into the MP4 ``out``; with ``pcm``, also decode the audio into that WAV
    (best effort).  Returns whether ``pcm`` was written whole (False: it does not exist).

    The tee is not started for a stream with discontinuities: the MP4 closes their timestamp
    jumps (``-dts_delta_threshold``), and the transcription must hear what the MP4 holds."""
    ordered = [Ordered(http, t, opts.window, progress) for t in tracks]
    writers: list[PipeWriter] = []
    read_fds: list[int] = []
    proc: asyncio.subprocess.Process | None = None
    feeders: list[asyncio.Task[bool]] = []
    tee: _Tee | None = None
    teed = False
    with tempfile.TemporaryFile("w+b") as errfile:
        try:
            # ffmpeg starts once each track's first bytes are known (they decide the input format);
            # by then the rest of the first window is already downloading.
            firsts = await asyncio.gather(*(o.get(0) for o in ordered))
            ffmpeg = opts.ffmpeg or find_ffmpeg()
            cmd = [ffmpeg, "-nostdin", "-hide_banner", "-y", "-loglevel", "warning"]
            for track, first in zip(tracks, firsts, strict=True):
                read_fd, write_fd = os.pipe()
                read_fds.append(read_fd)
                grow_pipe(write_fd)
                writers.append(await PipeWriter.open(write_fd))
                if track.has_discontinuity:
                    # Let ffmpeg close timestamp jumps over 3 s instead of keeping them as holes
                    # (its default is 10 s).
                    cmd += ["-dts_delta_threshold", str(DISCONTINUITY_JUMP_S)]
                cmd += _input_args(track, first, read_fd)
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
            audio = len(tracks) - 1  # the separate audio rendition, or the one track
            if pcm is not None and not any(t.has_discontinuity for t in tracks):
                with contextlib.suppress(OSError):  # no tee (no process or pipe left): no PCM
                    tee = await _start_tee(ffmpeg, tracks[audio], firsts[audio], pcm)
            feeders = [
                asyncio.ensure_future(_feed(o, w, f, tee if i == audio else None))
                for i, (o, w, f) in enumerate(zip(ordered, writers, firsts, strict=True))
            ]
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
            teed = tee is not None and await tee.ended_well()
        finally:
            if tee is not None:
                await tee.stop()
            if pcm is not None and not teed:
                pcm.unlink(missing_ok=True)
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
    return teed
