"""The whole download: client, playlists, address check, remux into a temp file, checks of the result."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from vsl_assets.core import deadline as step_deadline
from vsl_assets.core.humanize import clock
from vsl_assets.errors import DownloadError, MediaError, TransientDownloadError
from vsl_assets.media.hls.client import Http, tls_context
from vsl_assets.media.hls.options import HlsOptions, Log
from vsl_assets.media.hls.ordered import Progress
from vsl_assets.media.hls.remux import remux
from vsl_assets.media.hls.tracks import Track, load_tracks
from vsl_assets.media.probe import MediaInfo, audio_gaps, probe
from vsl_assets.net.guard import NetPolicy, check_urls, guard_async_client_kwargs
from vsl_assets.net.urls import redact_url
from vsl_assets.storage import atomic_path

#: A hole this long in the downloaded audio fails the download (audio frames last 20-64 ms).
MAX_AUDIO_GAP_S = 0.5


def _client(opts: HlsOptions) -> httpx.AsyncClient:
    pool = opts.concurrency + 2  # + playlist and key requests
    # The guarded transport vets and pins the address of every connection (playlists, variants,
    # keys, segments and each redirect hop): a playlist must not point us at an intranet host.
    return httpx.AsyncClient(
        headers=opts.request_headers(),
        timeout=httpx.Timeout(
            connect=opts.connect_timeout_s,
            read=opts.read_timeout_s,
            write=opts.read_timeout_s,
            pool=opts.segment_timeout_s,
        ),
        follow_redirects=True,
        max_redirects=10,
        **guard_async_client_kwargs(
            opts.net,
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=30.0),
            verify=tls_context(),
        ),
    )


async def _check_addresses(tracks: list[Track], policy: NetPolicy) -> None:
    """Refuse the stream before any segment is fetched when a segment or key URL is forbidden.

    The transport would refuse each such request anyway, but only after the segments before it
    were downloaded (and with retries); checking every distinct host up front fails fast.
    """
    urls: list[str] = []
    for track in tracks:
        for item in track.items:
            urls.append(item.uri)
            if item.key is not None and item.key.uri is not None:
                urls.append(item.key.uri)
    await asyncio.to_thread(functools.partial(check_urls, urls, policy=policy))


def _describe(tracks: list[Track]) -> str:
    main = tracks[0]
    n = sum(len(t.playlist.segments) for t in tracks)
    kind = "fMP4" if main.has_init else "MPEG-TS"
    keys = {i.key.method for t in tracks for i in t.items if i.key is not None}
    extra = ", AES-128 encrypted" if keys else ""
    if len(tracks) > 1:
        extra += f", plus a separate audio rendition of {len(tracks[1].playlist.segments)} segments"
    return f"{n} segments, {main.playlist.duration_s:.1f} s, {kind}{extra}"


def _check_output(tmp: Path, tracks: list[Track]) -> MediaInfo:
    try:
        info = probe(tmp)
    except MediaError as exc:
        raise DownloadError(f"the download is not readable media: {exc.reason}") from None
    if info.video_codec is None and info.audio_codec is None:
        raise DownloadError("the stream contains no audio or video stream")
    expected = max(t.playlist.duration_s for t in tracks)
    tolerance = 1.0 + max(s.duration for t in tracks for s in t.playlist.segments)
    if abs(info.duration_s - expected) > tolerance:
        raise DownloadError(
            f"the downloaded video lasts {info.duration_s:.1f} s but the playlist announces {expected:.1f} s "
            "(segments are missing or unreadable)"
        )
    # Timestamps restart or jump at a discontinuity by design; elsewhere a jump is lost media.
    if info.has_audio and not any(t.has_discontinuity for t in tracks):
        gaps = audio_gaps(tmp, MAX_AUDIO_GAP_S)
        if gaps:
            missing = sum(g.length_s for g in gaps)
            where = ", ".join(clock(g.at_s) for g in gaps[:3]) + (", …" if len(gaps) > 3 else "")
            raise DownloadError(
                f"the downloaded video is missing {missing:.1f} s of audio at {where} "
                "(a segment arrived incomplete or unreadable)"
            )
    return info


async def _download(url: str, dest: Path, opts: HlsOptions, log: Log, pcm: Path | None) -> MediaInfo:
    started = time.monotonic()
    async with _client(opts) as client:
        http = Http(client, opts)
        try:
            tracks = await load_tracks(http, url, opts, log)
            await _check_addresses(tracks, opts.net)
            total = sum(len(t.playlist.segments) for t in tracks)
            log(f"HLS: {_describe(tracks)}; fetching {opts.concurrency} at a time")
            progress = Progress(total, log, opts.progress_interval_s)
            try:
                with atomic_path(dest) as tmp:
                    await remux(http, tracks, tmp, opts, progress, pcm)
                    info = _check_output(tmp, tracks)
            except BaseException:
                if pcm is not None:
                    pcm.unlink(missing_ok=True)  # the audio of a download that failed
                raise
        finally:
            await http.close()
    elapsed = time.monotonic() - started
    log(
        f"downloaded {redact_url(url)}: {progress.done} segments, {progress.bytes / 1e6:.1f} MB in {elapsed:.1f} s "
        f"({progress.bytes / 1e6 / max(elapsed, 1e-6):.1f} MB/s); {info.duration_s:.1f} s of media"
    )
    return dataclasses.replace(info, path=str(dest))


async def _bounded(url: str, dest: Path, opts: HlsOptions, log: Log, pcm: Path | None) -> MediaInfo:
    try:
        async with asyncio.timeout(step_deadline.remaining(opts.step_timeout_s)) as timer:
            return await _download(url, dest, opts, log, pcm)
    except TimeoutError:
        if timer.expired():
            step_deadline.check()
            raise TransientDownloadError(
                f"the HLS download did not finish within {opts.step_timeout_s:.0f} s and was stopped"
            ) from None
        raise


def download_hls(
    url: str,
    dest: Path,
    options: HlsOptions | None = None,
    log: Callable[[str], None] | None = None,
    *,
    pcm: Path | None = None,
) -> MediaInfo:
    """Download the HLS stream at ``url`` into the MP4 ``dest`` (atomically); return what it holds.

    With ``pcm``, the audio is also decoded into that 16 kHz mono PCM WAV while it downloads
    (``remux``'s tee), where it can be: afterwards the file exists only if it is whole and the
    download succeeded.

    Raises :class:`NotHlsError` when ``url`` is not an M3U8 playlist (fall back to ffmpeg),
    :class:`DownloadError` for what will not pass by itself (404, DRM, live, limits, bad data)
    and :class:`TransientDownloadError` for what may (timeouts, 429/5xx after all retries).
    Safe to call from a thread that runs an event loop (the work then runs on a helper thread).
    """
    opts = options or HlsOptions()

    def quiet(_message: str) -> None:
        return None

    coro = _bounded(url, dest, opts, log or quiet, pcm)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="download_hls") as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coro).result()
