"""Download a stream (HLS ``.m3u8`` or direct media) into an MP4 with ffmpeg ``-c copy``.

HLS goes through :mod:`~vsl_assets.media.hls`.  Direct media (an ``.mp4``/``.webm`` URL) is
fetched by our own guarded HTTP client — every connection, redirects included, is checked
against the network policy, with a byte cap and read timeouts — into a temp file that ffmpeg
then remuxes with only the ``file`` protocol and a whitelist of plain media demuxers, so a
hostile "video" that is really a playlist or a concat script cannot make ffmpeg open anything.
Failures become reasons a person understands ("HTTP 404 from the stream URL").
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx

from vsl_assets.core import deadline
from vsl_assets.core.humanize import human_bytes
from vsl_assets.errors import DownloadError, MediaError, TransientDownloadError, VslError, is_transient_status
from vsl_assets.media.audio import pcm_output_args
from vsl_assets.media.ffmpeg import USER_AGENT, FfmpegResult, find_ffmpeg, run_ffmpeg, says_invalid_data
from vsl_assets.media.hls import HlsOptions, NotHlsError, download_hls
from vsl_assets.media.hls.client import tls_context
from vsl_assets.media.hls.pipe import grow_pipe
from vsl_assets.media.isobmff import TO_THE_END, box_header
from vsl_assets.media.probe import MediaInfo, probe
from vsl_assets.net.guard import STRICT, NetPolicy, check_url, guard_client_kwargs
from vsl_assets.net.urls import redact_url
from vsl_assets.storage import TEMP_PREFIX, atomic_path


@dataclass(frozen=True)
class DownloadOptions:
    #: ffmpeg ``-rw_timeout``: a connection that delivers nothing for this long fails.
    read_timeout_s: float = 30.0
    #: Wall-clock cap for the whole download.
    step_timeout_s: float = 4 * 3600.0
    #: Longest media kept; also stops a live stream that never ends.
    max_duration_s: float = 4 * 3600.0
    user_agent: str = USER_AGENT
    referer: str | None = None
    #: Extra request headers players check (Origin, yt-dlp's per-format headers).
    headers: tuple[tuple[str, str], ...] = ()
    #: A direct media file larger than this is refused (before, or while, downloading it).
    max_bytes: int = 16 * 1024**3
    max_redirects: int = 5
    connect_timeout_s: float = 10.0
    #: What the address guard lets through (``NetPolicy.from_settings`` at the edge; strict by default).
    net: NetPolicy = STRICT
    #: ffmpeg binary (``VSL_FFMPEG``, handed in); None = :func:`~vsl_assets.media.ffmpeg.find_ffmpeg`.
    ffmpeg: str | None = None


#: Demuxers ffmpeg may use on a downloaded direct-media file: containers of audio/video only.
#: Not hls, concat, playlists, image sequences or anything else that opens other files/URLs.
MEDIA_DEMUXERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mpegts,flv,avi,asf,mp3,aac,ogg,wav"


#: How ffmpeg says a track's codec cannot be stored in an MP4 as it is (VP8, Theora, Vorbis...).
_NOT_IN_MP4 = ("Could not find tag for codec", "codec not currently supported in container")

#: The one re-encode when a codec cannot be copied into an MP4: H.264 and AAC, which every browser plays.
REENCODE_CODECS = (
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "23",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-b:a",
    "128k",
)


def codec_not_in_mp4(stderr: str) -> bool:
    """ffmpeg refused to copy a track into an MP4 because the container has no tag for its codec."""
    return any(phrase in stderr for phrase in _NOT_IN_MP4)


def _remux_failure(result: FfmpegResult) -> VslError:
    """Why ffmpeg could not remux a downloaded file (it reads only that file: no network errors)."""
    err = result.stderr
    detail = result.tail()
    if codec_not_in_mp4(err):
        return DownloadError("the video's codec cannot be stored as MP4 and could not be converted", detail=detail)
    if "not on whitelist" in err:
        return DownloadError("the stream URL is not a plain media file (ffmpeg refused its format)", detail=detail)
    if says_invalid_data(err):
        return DownloadError("the stream URL is not a playable video stream (invalid data)", detail=detail)
    if "does not contain any stream" in err:
        return DownloadError("the stream URL contains no audio or video stream", detail=detail)
    return DownloadError(f"ffmpeg could not read the downloaded stream (exit code {result.returncode})", detail=detail)


#: Text formats ffmpeg could be asked to follow, by their first bytes, and what a person calls them.
_SCRIPT_SIGNATURES = ((b"#EXTM3U", "an HLS playlist"), (b"ffconcat", "an ffmpeg concat script"))


def _refuse_scripts(path: Path) -> None:
    """A "video" that is really a playlist or a script is refused by us, not left to ffmpeg.

    ffmpeg's format whitelist refuses it too, but builds word the refusal differently (5.x says
    "not on whitelist", 7.x "Invalid data"), so the reason a person reads would depend on which
    ffmpeg is installed.  Checked here, the reason is the same everywhere; the whitelist stays as
    a second line of defence.
    """
    with path.open("rb") as fh:
        head = fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    for signature, what in _SCRIPT_SIGNATURES:
        if head.startswith(signature):
            raise DownloadError(f"the stream URL is not a plain media file (it is {what}, which is not followed)")


def _request_headers(opts: DownloadOptions) -> dict[str, str]:
    headers = {"User-Agent": opts.user_agent, "Accept": "*/*"}
    if opts.referer:
        headers["Referer"] = opts.referer
    headers.update({k: v for k, v in opts.headers if k.lower() not in ("referer", "user-agent")})
    return headers


def _status_error(code: int) -> VslError:
    if is_transient_status(code):
        return TransientDownloadError(f"HTTP {code} from the stream URL")
    return DownloadError(f"HTTP {code} from the stream URL")


#: How far into a file :class:`_PcmTee` looks for an MP4's index before it gives up on the file.
_HEAD_MAX = 4 * 1024 * 1024
#: Blocks (of up to 1 MiB) queued for :class:`_PcmTee`'s decoder before the download waits for it.
_QUEUE_BLOCKS = 64


def index_first(head: bytes) -> bool | None:
    """Whether a reader of a pipe can decode the file that starts with ``head``: for an MP4 (ISO BMFF,
    a ``ftyp`` box first) whether its index (``moov``) comes before its media (``mdat``), as in a
    "faststart" file; without the index first ffmpeg reads nothing from a pipe and still exits 0.
    Any other container: True.  None: these bytes do not tell yet."""
    if len(head) < 8:
        return None
    if head[4:8] != b"ftyp":
        return True
    offset = 0
    while (box := box_header(head, offset)) is not None:
        if box.kind == b"moov":
            return True
        if box.kind == b"mdat":
            return False
        if box.size == TO_THE_END or box.size < box.header:  # nothing after it, or a broken size: no index first
            return False
        offset += box.size
    return None


def _has_samples(wav: Path) -> bool:
    try:
        with wave.open(str(wav)) as w:
            return w.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


class _PcmTee:
    """A second ffmpeg that decodes the direct media's bytes, as they arrive, into the 16 kHz mono
    PCM WAV a local transcription reads (``media.audio.decode_pcm``'s output): the HLS download's
    tee (``media.hls.remux``) for a single file.  Best effort: a file ffmpeg cannot read from a pipe
    (an MP4 whose index is at its end: :func:`index_first`), no audio track, or a codec it cannot
    decode leave no PCM, and the download goes on as if none had been asked for.

    A thread feeds the decoder from a queue of up to :data:`_QUEUE_BLOCKS` blocks, so the download
    never waits on it (on a busy machine, a download coupled to another process's turns on the CPU
    took half as long again on 127.0.0.1); what is queued when the download ends is decoded while
    the remux runs."""

    def __init__(self, pcm: Path, opts: DownloadOptions) -> None:
        self.pcm = pcm
        cmd = [opts.ffmpeg or find_ffmpeg(), "-nostdin", "-hide_banner", "-y", "-loglevel", "error"]
        # The remux's own limits: plain media demuxers only, nothing but this pipe, its length cap.
        cmd += ["-protocol_whitelist", "pipe", "-format_whitelist", MEDIA_DEMUXERS, "-i", "pipe:0"]
        cmd += ["-t", str(opts.max_duration_s), *pcm_output_args(), str(pcm)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert self.proc.stdin is not None
        grow_pipe(self.proc.stdin.fileno())
        #: The file's first bytes, held until :func:`index_first` says whether a pipe can read it.
        self._head: bytes | None = b""
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_BLOCKS)
        self._ended = False
        #: The decoder stopped reading (or was stopped): nothing more is written, no PCM.
        self._broken = False
        self._feeder = threading.Thread(target=self._feed, args=(self.proc.stdin,), name="pcm-tee", daemon=True)
        self._feeder.start()

    def _feed(self, stdin: IO[bytes]) -> None:
        while (block := self._blocks.get()) is not None:
            if self._broken:
                continue  # drained, so that the downloader never waits on a full queue
            try:
                stdin.write(block)
            except OSError:  # it stopped reading (BrokenPipeError): it could not decode this file
                self._broken = True
        with contextlib.suppress(OSError):
            stdin.close()  # end of input: it decodes what it has and exits

    def write(self, block: bytes) -> None:
        if self._ended or self._broken:
            return
        if self._head is not None:  # held back until the file's layout says a pipe can read it
            self._head += block
            readable = index_first(self._head)
            if readable is None and len(self._head) < _HEAD_MAX:
                return
            block, self._head = self._head, None
            if not readable:
                self.drop()
                return
        self._blocks.put(block)

    def end_input(self) -> None:
        """Every byte is written: it decodes the rest while the remux runs."""
        if self._ended:
            return
        if self._head is not None and not self._broken:  # a file shorter than what decides
            head, self._head = self._head, None
            if index_first(head):
                self._blocks.put(head)
            else:
                self._broken = True
        self._ended = True
        self._blocks.put(None)

    def finish(self, timeout_s: float) -> bool:
        """Wait for it; whether the PCM is whole (otherwise it is removed)."""
        self.end_input()
        give_up = time.monotonic() + max(0.1, timeout_s)
        self._feeder.join(timeout=max(0.1, timeout_s))
        try:
            ok = not self._broken and self.proc.wait(timeout=max(0.1, give_up - time.monotonic())) == 0
        except subprocess.TimeoutExpired:
            ok = False
        if ok and not self._broken and self._head is None and _has_samples(self.pcm):
            return True
        self.drop()
        return False

    def drop(self) -> None:
        """Stop it and remove what it wrote."""
        self._broken = True
        if self.proc.poll() is None:
            self.proc.kill()  # a write under way fails now, and the feeder drains the queue
        self.proc.wait()
        self.end_input()
        self._feeder.join()
        self.pcm.unlink(missing_ok=True)


def _fetch_file(
    url: str, dest: Path, opts: DownloadOptions, log: Callable[[str], None] | None, tee: _PcmTee | None = None
) -> int:
    """Stream ``url`` into ``dest`` through the guarded client (and into ``tee``); returns the bytes written."""
    timeout = httpx.Timeout(deadline.remaining(opts.read_timeout_s), connect=opts.connect_timeout_s)
    written = 0
    started = last = time.monotonic()
    try:
        with (
            httpx.Client(
                headers=_request_headers(opts),
                timeout=timeout,
                follow_redirects=True,
                max_redirects=opts.max_redirects,
                **guard_client_kwargs(opts.net, verify=tls_context()),
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise _status_error(response.status_code)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype in ("text/html", "application/xhtml+xml"):
                raise DownloadError(f"the stream URL returned a web page ({ctype}), not a video")
            declared = int(response.headers.get("content-length") or 0) or None
            if declared is not None and declared > opts.max_bytes:
                raise DownloadError(
                    f"the video is {human_bytes(declared)}, more than the limit of {human_bytes(opts.max_bytes)} "
                    "(VSL_MAX_DOWNLOAD_MB)"
                )
            with dest.open("wb") as fh:
                for block in response.iter_bytes(1 << 20):
                    written += len(block)
                    if written > opts.max_bytes:
                        raise DownloadError(
                            f"the video is larger than the limit of {human_bytes(opts.max_bytes)} (VSL_MAX_DOWNLOAD_MB)"
                        )
                    fh.write(block)
                    if tee is not None:
                        tee.write(block)
                    deadline.check()
                    now = time.monotonic()
                    if log is not None and now - last >= 30:
                        last = now
                        log(f"downloaded {written / 1e6:.1f} MB ({written / 1e6 / (now - started):.1f} MB/s)")
            if declared is not None and written != declared:
                raise TransientDownloadError(f"the stream URL's body ended after {written} of {declared} bytes")
    except httpx.TooManyRedirects:
        raise DownloadError(
            "the stream URL redirected too many times (redirect loop?)", detail=redact_url(url)
        ) from None
    except httpx.UnsupportedProtocol:
        raise DownloadError("the stream URL redirected to a non-HTTP URL", detail=redact_url(url)) from None
    except httpx.TimeoutException as exc:
        deadline.check()
        what = (
            "connection to the stream URL server timed out"
            if isinstance(exc, httpx.ConnectTimeout)
            else ("the stream URL server stopped sending data (read timeout)")
        )
        raise TransientDownloadError(what, detail=redact_url(url)) from None
    except httpx.ConnectError as exc:
        raise TransientDownloadError("could not connect to the stream URL server", detail=str(exc)) from None
    except httpx.TransportError as exc:
        raise TransientDownloadError(
            f"the connection to the stream URL server broke ({type(exc).__name__})", detail=redact_url(url)
        ) from None
    if written == 0:
        raise DownloadError("the stream URL returned an empty body")
    return written


def _remux(raw: Path, out: Path, opts: DownloadOptions, codecs: tuple[str, ...]) -> FfmpegResult:
    """The downloaded file's first video and audio track into the MP4 ``out``, with ``codecs``."""
    return run_ffmpeg(
        [
            "-loglevel",
            "warning",
            "-protocol_whitelist",
            "file",
            "-format_whitelist",
            MEDIA_DEMUXERS,
            "-i",
            str(raw),
            "-t",
            str(opts.max_duration_s),
            "-map",
            "0:v:0?",
            "-map",
            "0:a:0?",
            *codecs,
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(out),
        ],
        timeout_s=opts.step_timeout_s,
        ffmpeg=opts.ffmpeg,
    )


def download_direct(
    url: str,
    dest: Path,
    options: DownloadOptions | None = None,
    log: Callable[[str], None] | None = None,
    *,
    pcm: Path | None = None,
) -> MediaInfo:
    """Fetch the direct media at ``url`` into the MP4 ``dest`` (atomically); return what it holds.

    ``pcm``: also decode its audio into that 16 kHz mono PCM WAV while the bytes arrive (best effort,
    :class:`_PcmTee`): it exists afterwards only when whole, and the download succeeded."""
    opts = options or DownloadOptions()
    check_url(url, policy=opts.net)  # a clear reason before any connection; the client checks every hop again
    started = time.monotonic()
    tee: _PcmTee | None = None
    teed = False
    with atomic_path(dest) as tmp:
        raw = tmp.with_name(f"{TEMP_PREFIX}{dest.stem}-source")
        try:
            if pcm is not None:
                with contextlib.suppress(OSError):  # no process: no PCM
                    tee = _PcmTee(pcm, opts)
            size = _fetch_file(url, raw, opts, log, tee)
            if tee is not None:
                tee.end_input()
            _refuse_scripts(raw)
            result = _remux(raw, tmp, opts, ("-c", "copy"))
            if result.returncode != 0 and codec_not_in_mp4(result.stderr):
                # A WebM of VP8 (or an Ogg of Theora) has no MP4 tag: convert it once instead of refusing it.
                if log is not None:
                    log("the video's codec cannot be copied into an MP4: converting it to H.264/AAC")
                result = _remux(raw, tmp, opts, REENCODE_CODECS)
            if result.returncode == 0 and tee is not None:
                teed = tee.finish(deadline.remaining(opts.read_timeout_s))
        finally:
            raw.unlink(missing_ok=True)
            if tee is not None and not teed:
                tee.drop()
        try:
            if result.returncode != 0:
                raise _remux_failure(result)
            try:
                info = probe(tmp)
            except MediaError as exc:
                raise DownloadError(f"the download is not readable media: {exc.reason}") from None
            if info.duration_s <= 0:
                raise DownloadError("the stream has no duration (empty or not a video)")
        except BaseException:
            if pcm is not None:
                pcm.unlink(missing_ok=True)  # a failed download leaves neither file
            raise
        if log is not None:
            log(
                f"downloaded {redact_url(url)}: {size / 1e6:.1f} MB, {info.duration_s:.1f} s of media "
                f"in {time.monotonic() - started:.1f} s"
            )
    return probe(dest)


def fetch_video(
    stream_url: str,
    dest: Path,
    options: DownloadOptions | None = None,
    *,
    hls: bool | None = None,
    hls_options: HlsOptions | None = None,
    log: Callable[[str], None] | None = None,
    pcm: Path | None = None,
) -> MediaInfo:
    """Download a resolved stream: HLS with concurrent fragments, anything else with ffmpeg.

    ``hls=None`` decides by the URL; a URL that turns out not to be a playlist falls back to
    ffmpeg, which handles direct media and names the problem when it is not media at all.
    ``pcm``: where the download also writes its audio as 16 kHz mono PCM WAV while it downloads
    (best effort, see :func:`~vsl_assets.media.hls.download_hls` and :func:`download_direct`: the
    caller decodes the video when the file is not there).
    """
    opts = options or DownloadOptions()
    if hls is None:
        hls = ".m3u8" in urlsplit(stream_url).path.lower()
    if hls:
        base = hls_options or HlsOptions()
        extra = {k: v for k, v in opts.headers if k.lower() not in ("referer", "user-agent")}
        tuned = replace(
            base,
            referer=opts.referer or base.referer,
            headers={**dict(base.headers), **extra},
            read_timeout_s=opts.read_timeout_s,
            step_timeout_s=opts.step_timeout_s,
            max_duration_s=opts.max_duration_s,
            net=opts.net,
            ffmpeg=base.ffmpeg or opts.ffmpeg,
        )
        try:
            return download_hls(stream_url, dest, tuned, log, pcm=pcm)
        except NotHlsError:
            if log is not None:
                log("the stream URL is not an HLS playlist; downloading it as a media file")
    return download_direct(stream_url, dest, opts, log, pcm=pcm)


def download_stream(
    url: str,
    dest: Path,
    options: DownloadOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> MediaInfo:
    """Download whatever stream ``url`` is (HLS or direct media) into the MP4 ``dest``."""
    return fetch_video(url, dest, options, log=log)
