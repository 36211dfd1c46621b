"""Download a stream (HLS ``.m3u8`` or direct media) into an MP4 with ffmpeg ``-c copy``.

ffmpeg's HLS demuxer skips a segment it cannot fetch with only a warning; a gap in the audio
is a broken transcript, so any skipped segment fails the download instead of passing silently.
ffmpeg's messages are turned into reasons a person understands ("HTTP 404 from the stream URL").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from vsl_assets.errors import DownloadError, MediaError, TransientDownloadError, VslError
from vsl_assets.media.ffmpeg import NETWORK_PROTOCOLS, USER_AGENT, FfmpegResult, run_ffmpeg
from vsl_assets.media.hls import HlsOptions, NotHlsError, download_hls
from vsl_assets.media.probe import MediaInfo, probe
from vsl_assets.netguard import check_url
from vsl_assets.storage import atomic_path
from vsl_assets.urls import redact_url


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


_HTTP_STATUS = re.compile(r"(?:Server returned|HTTP error) (\d{3})")
_SEGMENT_FAILED = re.compile(r"Failed to open segment (\d+)|Unable to open key file|skipping.*segment", re.I)


def _reason_from_stderr(result: FfmpegResult, what: str) -> VslError:
    err = result.stderr
    detail = result.tail()
    status = _HTTP_STATUS.search(err)
    if "Server returned 4XX Client Error" in err and not status:
        return DownloadError(f"HTTP 4xx client error from the {what}", detail=detail)
    if status:
        code = int(status.group(1))
        if code in (408, 425, 429) or code >= 500:
            return TransientDownloadError(f"HTTP {code} from the {what}", detail=detail)
        return DownloadError(f"HTTP {code} from the {what}", detail=detail)
    if "Server returned 5XX" in err:
        return TransientDownloadError(f"HTTP 5xx server error from the {what}", detail=detail)
    for needle, reason in (
        ("Connection refused", f"connection refused by the {what} server"),
        ("Connection timed out", f"connection to the {what} server timed out"),
        ("timed out", f"the {what} server stopped sending data (read timeout)"),
        ("Connection reset", f"connection reset by the {what} server"),
        ("Name or service not known", f"the {what} host name does not resolve"),
        ("Temporary failure in name resolution", f"DNS lookup of the {what} host failed"),
        ("I/O error", f"network I/O error while reading the {what}"),
    ):
        if needle in err:
            return TransientDownloadError(reason, detail=detail)
    if "not on whitelist" in err:
        return DownloadError(f"the {what} refers to a forbidden protocol (only http/https are allowed)", detail=detail)
    if "Invalid data found" in err or "could not find codec parameters" in err.lower():
        return DownloadError(f"the {what} is not a playable video stream (invalid data)", detail=detail)
    if "does not contain any stream" in err or "Output file does not contain any stream" in err:
        return DownloadError(f"the {what} contains no audio or video stream", detail=detail)
    return DownloadError(f"ffmpeg could not download the {what} (exit code {result.returncode})", detail=detail)


def download_stream(
    url: str,
    dest: Path,
    options: DownloadOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> MediaInfo:
    """Fetch ``url`` into ``dest`` (atomically) and return what the file contains."""
    opts = options or DownloadOptions()
    # ffmpeg resolves and connects by itself: vet the URL now.  Its redirects (and a rebinding
    # DNS answer between this check and its connect) are not covered; HLS goes through
    # download_hls, whose client checks every connection.
    check_url(url)
    lines = ([("Referer", opts.referer)] if opts.referer else []) + [
        (k, v) for k, v in opts.headers if k.lower() not in ("referer", "user-agent")
    ]
    headers = "".join(f"{k}: {v}\r\n" for k, v in lines)
    args = [
        "-loglevel", "warning",
        "-protocol_whitelist", NETWORK_PROTOCOLS,
        "-rw_timeout", str(int(opts.read_timeout_s * 1_000_000)),
        "-user_agent", opts.user_agent,
    ]
    if headers:
        args += ["-headers", headers]
    state = {"last": 0.0}

    def on_progress(block: dict[str, str]) -> None:
        if log is None:
            return
        seconds = int(block.get("out_time_us", "0") or 0) / 1e6 if block.get("out_time_us", "N/A") != "N/A" else 0.0
        size = int(block.get("total_size", "0") or 0) if block.get("total_size", "N/A") != "N/A" else 0
        if block.get("progress") == "end" or seconds - state["last"] >= 30:
            state["last"] = seconds
            log(f"downloaded {seconds:.0f} s of media, {size / 1e6:.1f} MB, speed {block.get('speed', '?')}")

    with atomic_path(dest) as tmp:
        result = run_ffmpeg(
            [
                *args,
                "-i", url,
                "-t", str(opts.max_duration_s),
                "-map", "0:v:0?", "-map", "0:a:0?",
                "-c", "copy",
                "-movflags", "+faststart",
                "-f", "mp4",
                str(tmp),
            ],
            timeout_s=opts.step_timeout_s,
            progress=on_progress,
        )
        if result.returncode != 0:
            raise _reason_from_stderr(result, "stream URL")
        skipped = _SEGMENT_FAILED.search(result.stderr)
        if skipped:
            inner = _reason_from_stderr(result, "stream segment")
            reason = "a segment of the stream could not be downloaded"
            if not isinstance(inner, DownloadError) or "exit code" not in inner.reason:
                reason += f" ({inner.reason})"
            raise TransientDownloadError(reason, detail=result.tail())
        try:
            info = probe(tmp)
        except MediaError as exc:
            raise DownloadError(f"the download is not readable media: {exc.reason}") from None
        if info.duration_s <= 0:
            raise DownloadError("the stream has no duration (empty or not a video)")
        if log is not None:
            log(f"downloaded {redact_url(url)}: {info.size_bytes} bytes, {info.duration_s:.1f} s in {result.elapsed_s:.1f} s")
    return probe(dest)


def fetch_video(
    stream_url: str,
    dest: Path,
    options: DownloadOptions | None = None,
    *,
    hls: bool | None = None,
    hls_options: HlsOptions | None = None,
    log: Callable[[str], None] | None = None,
) -> MediaInfo:
    """Download a resolved stream: HLS with concurrent fragments, anything else with ffmpeg.

    ``hls=None`` decides by the URL; a URL that turns out not to be a playlist falls back to
    ffmpeg, which handles direct media and names the problem when it is not media at all.
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
        )
        try:
            return download_hls(stream_url, dest, tuned, log)
        except NotHlsError:
            if log is not None:
                log("the stream URL is not an HLS playlist; downloading it with ffmpeg")
    return download_stream(stream_url, dest, opts, log)
