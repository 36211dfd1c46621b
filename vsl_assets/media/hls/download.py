"""Concurrent HLS download: fetch segments N at a time, remux them in order with ffmpeg ``-c copy``.

Why not ``ffmpeg -i URL``: ffmpeg's HLS demuxer fetches one segment at a time, so every segment
pays the CDN's full request latency (90 segments x 150 ms = 14 s for a 3-minute video), and it
skips a segment it cannot fetch with only a warning.  Here one pooled HTTP client fetches
``concurrency`` segments at once, retries each one (exponential backoff with jitter), and never
skips one: a gap in the audio is a broken transcript.  The ordered bytes are streamed into
ffmpeg's input pipe while later segments are still downloading, through a bounded reorder buffer
(``reorder_window`` segments, default 2 x concurrency), so no segment touches the disk and the
remux overlaps the download.  The MP4 is written through :func:`atomic_path`: a failure leaves
no file and no temp file behind.

Supported: master playlists (variant chosen by ``HlsOptions.variant_policy``; a separate audio
rendition, ``#EXT-X-MEDIA TYPE=AUDIO`` with a URI, is downloaded too and muxed as the audio
track), MPEG-TS and fMP4 (``#EXT-X-MAP``) segments, ``#EXT-X-BYTERANGE``, and
``#EXT-X-KEY METHOD=AES-128`` (explicit IV or the media sequence number).  Refused with a
:class:`DownloadError`: DRM (``SAMPLE-AES``, any ``KEYFORMAT`` other than ``identity``), live
playlists (no ``#EXT-X-ENDLIST``), ``#EXT-X-GAP`` segments, a change of init section mid-stream,
and streams over the duration/segment/byte limits.

A URL that does not answer with an M3U8 playlist raises :class:`NotHlsError` after reading only
its first bytes: the caller should then fall back to :func:`vsl_assets.media.download.download_direct`,
which handles direct media files.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import math
import os
import random
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vsl_assets import deadline as step_deadline
from vsl_assets.errors import ConfigurationError, DownloadError, MediaError, TransientDownloadError, is_transient_status
from vsl_assets.humanize import clock, human_bytes
from vsl_assets.media.ffmpeg import USER_AGENT, find_ffmpeg
from vsl_assets.media.hls_playlist import (
    ByteRange,
    Key,
    MasterPlaylist,
    MediaPlaylist,
    PlaylistError,
    Rendition,
    Variant,
    drm_system,
    is_playlist,
    parse_playlist,
)
from vsl_assets.media.probe import MediaInfo, audio_gaps, probe
from vsl_assets.netguard import check_urls, guard_async_client_kwargs
from vsl_assets.storage import atomic_path
from vsl_assets.urls import redact_url

__all__ = [
    "HlsOptions",
    "NotHlsError",
    "PlaylistError",
    "choose_audio_rendition",
    "choose_variant",
    "download_hls",
]

Log = Callable[[str], None]


class NotHlsError(DownloadError):
    """The URL answered with something other than an M3U8 playlist (a direct MP4, an HTML page).

    Not a verdict on the URL: the caller should hand it to ``download_direct``, which
    downloads direct media and gives the reason when it is not media at all.
    """


_POLICY_RE = re.compile(r"^\s*best\s*<=\s*(\d+)\s*p?\s*$")


def _parse_policy(policy: str) -> tuple[str, int | None]:
    text = policy.strip().lower()
    if text in ("best", "smallest"):
        return text, None
    match = _POLICY_RE.match(text)
    if match:
        return "best<=", int(match.group(1))
    raise ConfigurationError(
        f"unknown HLS variant policy {policy!r}: use best, smallest or best<=HEIGHT (e.g. best<=720)"
    )


@dataclass(frozen=True)
class HlsOptions:
    #: Which variant of a master playlist: "best<=720" (the best with height <= 720, else the
    #: lowest above), "best" (highest resolution, then bandwidth) or "smallest".
    variant_policy: str = "best<=720"
    #: Segment requests in flight at once (also the HTTP connection pool size).
    concurrency: int = 8
    #: Segments downloaded ahead of the one ffmpeg needs next (memory bound); None = 2 x concurrency.
    reorder_window: int | None = None
    #: Attempts per request for transient failures (timeouts, resets, 408/425/429/5xx).
    attempts: int = 4
    #: Attempts per segment/key for 4xx answers (403/404/410...): one retry absorbs a CDN edge
    #: hiccup.  A playlist answering 4xx is not retried.
    client_error_attempts: int = 2
    #: First retry delay; doubled per attempt, jittered x0.5-1.5, capped at ``backoff_max_s``.
    backoff_s: float = 0.5
    backoff_max_s: float = 10.0
    connect_timeout_s: float = 10.0
    #: A response that delivers no byte for this long fails (and is retried).
    read_timeout_s: float = 30.0
    #: Wall-clock cap for one request (a server dripping bytes forever).
    segment_timeout_s: float = 300.0
    #: Wall-clock cap for the whole download.
    step_timeout_s: float = 4 * 3600.0
    max_segments: int = 20_000
    max_total_bytes: int = 16 * 1024**3
    #: A playlist announcing more media than this is refused before any segment is fetched.
    max_duration_s: float = 4 * 3600.0
    max_playlist_bytes: int = 8 * 1024**2
    user_agent: str = USER_AGENT
    referer: str | None = None
    origin: str | None = None
    #: Extra request headers (e.g. from the resolver); they win over the ones above.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Download a separate audio rendition and mux it (False: keep only the variant's own tracks).
    audio_rendition: bool = True
    #: Progress is logged at most this often (and at each 10 % step, at most once a second).
    progress_interval_s: float = 5.0
    #: ffmpeg binary; None = :func:`find_ffmpeg`.
    ffmpeg: str | None = None

    def __post_init__(self) -> None:
        _parse_policy(self.variant_policy)
        if self.concurrency < 1 or self.attempts < 1 or self.client_error_attempts < 1:
            raise ConfigurationError("HLS concurrency and attempts must be at least 1")
        if self.reorder_window is not None and self.reorder_window < 1:
            raise ConfigurationError("the HLS reorder window must be at least 1 segment")

    @property
    def window(self) -> int:
        return max(self.reorder_window or 2 * self.concurrency, 1)

    def request_headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept": "*/*"}
        if self.referer:
            headers["Referer"] = self.referer
        if self.origin:
            headers["Origin"] = self.origin
        headers.update(self.headers)
        return headers


# -- variant choice ------------------------------------------------------------------------------


def choose_variant(master: MasterPlaylist, policy: str = "best<=720") -> Variant:
    """Pick one variant; audio-only variants are considered only when there is nothing else.

    Variants without RESOLUTION rank below any with one; when no variant declares a resolution,
    "best<=N" cannot judge heights and takes the highest bandwidth.
    """
    kind, cap = _parse_policy(policy)
    pool = [v for v in master.variants if not v.audio_only] or list(master.variants)

    def rank(v: Variant) -> tuple[int, int]:
        return (v.height or 0, v.bandwidth)

    if kind == "best":
        return max(pool, key=rank)
    if kind == "smallest":
        return min(pool, key=rank)
    assert cap is not None
    known = [v for v in pool if v.height is not None]
    if not known:
        return max(pool, key=lambda v: v.bandwidth)
    under = [v for v in known if v.height is not None and v.height <= cap]
    return max(under, key=rank) if under else min(known, key=rank)


def choose_audio_rendition(master: MasterPlaylist, variant: Variant) -> Rendition | None:
    """The variant's audio rendition that needs its own download, or None (audio is muxed in).

    The DEFAULT=YES rendition of the variant's AUDIO group, else the first AUTOSELECT=YES, else
    the first; a chosen rendition without URI means the audio is inside the variant's segments.
    """
    group = master.audio_renditions(variant.audio_group) if variant.audio_group else ()
    if not group:
        return None
    chosen = next((r for r in group if r.default), None) or next((r for r in group if r.autoselect), group[0])
    return chosen if chosen.uri else None


# -- HTTP with retries ---------------------------------------------------------------------------


class _Failure(Exception):
    """One failed request attempt, classified for the retry loop."""

    def __init__(
        self,
        cause: str,
        *,
        retryable: bool = True,
        transient: bool = True,
        status: int | None = None,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retryable = retryable
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        self.detail = detail or cause


def _status_failure(response: httpx.Response) -> _Failure:
    code = response.status_code
    retry_after = None
    header = response.headers.get("retry-after", "").strip()
    if header.isdigit():
        retry_after = float(header)
    transient = is_transient_status(code)
    return _Failure(
        f"HTTP {code}",
        transient=transient,
        retryable=transient or 400 <= code < 500,
        status=code,
        retry_after=retry_after,
    )


def _chain_text(exc: BaseException) -> str:
    """The messages of an exception and its causes (anyio hides "refused" two levels down)."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(texts) < 8:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            texts.append("connection refused")
        texts.append(str(current) or type(current).__name__)
        current = current.__cause__ or current.__context__
    return "; ".join(texts)


def _transport_failure(exc: httpx.HTTPError) -> _Failure:
    text = _chain_text(exc)
    cause: str
    if isinstance(exc, httpx.ConnectTimeout):
        cause = "connection timed out"
    elif isinstance(exc, httpx.ReadTimeout):
        cause = "the server stopped sending data (read timeout)"
    elif isinstance(exc, httpx.PoolTimeout):
        cause = "no free connection (pool timeout)"
    elif isinstance(exc, httpx.TimeoutException):
        cause = "timed out"
    elif isinstance(exc, httpx.UnsupportedProtocol):
        return _Failure(
            "unsupported protocol (only http/https are allowed)", retryable=False, transient=False, detail=text
        )
    elif isinstance(exc, httpx.TooManyRedirects):
        return _Failure("too many redirects", retryable=False, transient=False, detail=text)
    elif isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "refused" in lowered:
            cause = "connection refused"
        elif "name or service not known" in lowered or "name resolution" in lowered or "nodename" in lowered:
            cause = "the host name does not resolve"
        else:
            cause = "could not connect"
    elif isinstance(exc, httpx.RemoteProtocolError):
        cause = "the connection closed before the response was complete"
    elif isinstance(exc, httpx.NetworkError):
        cause = "connection reset" if "reset" in text.lower() else "network error"
    else:
        cause = f"request failed ({type(exc).__name__})"
    return _Failure(cause, detail=text)


class _Http:
    """One pooled client, the retry policy, the byte budget and the AES key cache."""

    def __init__(self, client: httpx.AsyncClient, opts: HlsOptions) -> None:
        self.client = client
        self.opts = opts
        self.slots = asyncio.Semaphore(opts.concurrency)
        self.received = 0
        self._keys: dict[str, asyncio.Task[bytes]] = {}

    async def get(
        self,
        url: str,
        label: str,
        *,
        byterange: ByteRange | None = None,
        limit: int | None = None,
        playlist: str | None = None,
    ) -> tuple[bytes, str]:
        """Body and final URL of ``url``, retried; ``playlist`` names it when it must be M3U8."""
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout(self.opts.segment_timeout_s):
                    return await self._get_once(url, byterange, limit, playlist)
            except TimeoutError:
                failure = _Failure(f"no complete response within {self.opts.segment_timeout_s:.0f} s")
            except _Failure as exc:
                failure = exc
            if failure.transient:
                allowed = self.opts.attempts
            else:  # a 4xx playlist is answer enough; a 4xx segment may be a CDN edge hiccup
                allowed = 1 if playlist is not None else min(self.opts.attempts, self.opts.client_error_attempts)
            if not failure.retryable or attempt >= allowed:
                raise self._give_up(url, label, attempt, failure, playlist) from None
            delay = min(self.opts.backoff_max_s, self.opts.backoff_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
            if failure.retry_after is not None:
                delay = max(delay, min(failure.retry_after, self.opts.backoff_max_s))
            await asyncio.sleep(delay)

    def _give_up(
        self, url: str, label: str, attempts: int, failure: _Failure, playlist: str | None
    ) -> DownloadError | TransientDownloadError:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if playlist is not None and failure.status is not None:
            reason = f"HTTP {failure.status} from the {label}{tries}"
        elif playlist is not None:
            reason = f"the {label} could not be fetched{tries} ({failure.cause})"
        else:
            reason = f"{label} could not be downloaded{tries} ({failure.cause})"
        kind = TransientDownloadError if failure.transient else DownloadError
        # Retried here with backoff already: Dagster must not retry the step on top (4 x 3 requests).
        return kind(reason, detail=f"{redact_url(url)}: {failure.detail}", retried=attempts > 1)

    async def _get_once(
        self, url: str, byterange: ByteRange | None, limit: int | None, playlist: str | None
    ) -> tuple[bytes, str]:
        headers = {"Range": byterange.header} if byterange is not None else None
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                if not 200 <= response.status_code < 300:
                    raise _status_failure(response)
                body = await self._read(response, limit, playlist)
                final_url = str(response.url)
        except httpx.HTTPError as exc:
            raise _transport_failure(exc) from None
        except httpx.InvalidURL as exc:
            raise _Failure("invalid URL", retryable=False, transient=False, detail=str(exc)) from None
        if byterange is not None:
            if response.status_code != 206:  # the server ignored Range: cut the sub-range out
                body = body[byterange.offset : byterange.offset + byterange.length]
            if len(body) != byterange.length:
                raise _Failure(
                    f"got {len(body)} bytes for a byte range of {byterange.length}", retryable=False, transient=False
                )
        if not body:
            raise _Failure("empty response")
        return body, final_url

    async def _read(self, response: httpx.Response, limit: int | None, playlist: str | None) -> bytes:
        length_header = response.headers.get("content-length", "")
        expected = int(length_header) if length_header.isdigit() else None
        if limit is not None and expected is not None and expected > limit:
            raise _Failure(f"{expected} bytes, more than the limit of {limit}", retryable=False, transient=False)
        chunks: list[bytes] = []
        size = 0
        checked = playlist is None
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            self.received += len(chunk)
            if not checked and size >= 16:
                self._check_playlist(b"".join(chunks), playlist)
                checked = True
            if limit is not None and size > limit:
                raise _Failure(f"more than the limit of {limit} bytes", retryable=False, transient=False)
            if self.received > self.opts.max_total_bytes:
                raise DownloadError(
                    f"the stream is larger than the limit of {human_bytes(self.opts.max_total_bytes)} (VSL_MAX_DOWNLOAD_MB)"
                )
        body = b"".join(chunks)
        if not checked:
            self._check_playlist(body, playlist)
        encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        if expected is not None and not encoded and len(body) != expected:
            raise _Failure(f"the body ended after {len(body)} of {expected} bytes")
        return body

    @staticmethod
    def _check_playlist(head: bytes, playlist: str | None) -> None:
        if playlist is None or is_playlist(head):
            return
        if playlist == "stream URL":
            raise NotHlsError("the URL is not an HLS playlist (no #EXTM3U header); try it as direct media")
        raise PlaylistError(f"the {playlist} is not an HLS playlist (no #EXTM3U header)")

    async def playlist(self, url: str, what: str) -> tuple[str, str]:
        body, final_url = await self.get(url, what, limit=self.opts.max_playlist_bytes, playlist=what)
        return body.decode("utf-8", errors="replace"), final_url

    async def key(self, uri: str, label: str) -> bytes:
        """Fetch each key URI once, however many segments wait for it."""
        task = self._keys.get(uri)
        if task is None:
            task = asyncio.ensure_future(self._fetch_key(uri, label))
            self._keys[uri] = task
        return await asyncio.shield(task)

    async def _fetch_key(self, uri: str, label: str) -> bytes:
        body, _ = await self.get(uri, f"the decryption key (needed by {label})", limit=1024)
        if len(body) != 16:
            raise DownloadError(
                f"the decryption key has {len(body)} bytes instead of 16 (the key URL may need a login or a Referer)"
            )
        return body

    async def close(self) -> None:
        for task in self._keys.values():
            task.cancel()
        await asyncio.gather(*self._keys.values(), return_exceptions=True)


def _decrypt(data: bytes, key: bytes, iv: bytes, label: str) -> bytes:
    if len(data) % 16:
        raise DownloadError(f"{label} could not be decrypted (its size is not a multiple of 16 bytes)")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(plain) + unpadder.finalize()
    except ValueError:
        raise DownloadError(f"{label} could not be decrypted (wrong key or IV)") from None


# -- what to download ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    label: str
    uri: str
    byterange: ByteRange | None
    key: Key | None
    iv: bytes | None
    is_segment: bool


@dataclass
class _Track:
    #: "" for the main stream, "audio " for a separate audio rendition.
    prefix: str
    playlist: MediaPlaylist
    items: list[_Item]

    @property
    def has_init(self) -> bool:
        return bool(self.items) and not self.items[0].is_segment

    @property
    def has_discontinuity(self) -> bool:
        """Timestamps may restart or jump at an ``EXT-X-DISCONTINUITY`` (stitched clips, ads)."""
        return any(s.discontinuity for s in self.playlist.segments)


def _iv(key: Key | None, sequence: int) -> bytes | None:
    if key is None:
        return None
    return key.iv if key.iv is not None else sequence.to_bytes(16, "big")


def _human_s(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _drm_reason(key: Key) -> str:
    why = drm_system(key.method, key.keyformat, key.uri) or f"{key.method} encryption in the HLS playlist"
    return f"the video is DRM-protected ({why}); it cannot be downloaded"


def _track(playlist: MediaPlaylist, prefix: str, opts: HlsOptions) -> _Track:
    """Refuse what cannot be downloaded faithfully, before any segment is fetched."""
    segments = playlist.segments
    n = len(segments)
    if playlist.is_live:
        raise DownloadError(
            f"the stream is live (no end marker in the {prefix}playlist); only finished (VOD) streams can be downloaded"
        )
    for s in segments:
        for key in (s.key, s.init.key if s.init else None):
            if key is not None and not key.is_clear_aes128:
                if key.method in ("AES-128", "SAMPLE-AES", "SAMPLE-AES-CTR") or key.keyformat != "identity":
                    raise DownloadError(_drm_reason(key))
                raise DownloadError(f"the stream uses an unsupported encryption method ({key.method})")
    if len({s.init for s in segments}) > 1:
        raise DownloadError("the stream switches init sections (EXT-X-MAP) mid-way; this is not supported")
    for i, s in enumerate(segments, 1):
        if s.gap:
            raise DownloadError(f"the playlist marks {prefix}segment {i} of {n} as missing (EXT-X-GAP)")
    if n > opts.max_segments:
        raise DownloadError(f"the {prefix}stream has {n} segments, more than the limit of {opts.max_segments}")
    if playlist.duration_s > opts.max_duration_s:
        raise DownloadError(
            f"the video lasts {_human_s(playlist.duration_s)}, longer than the limit of {_human_s(opts.max_duration_s)}"
        )
    items: list[_Item] = []
    init = segments[0].init
    if init is not None:
        items.append(
            _Item(
                f"the {prefix}init segment (EXT-X-MAP)",
                init.uri,
                init.byterange,
                init.key,
                _iv(init.key, init.sequence),
                False,
            )
        )
    for i, s in enumerate(segments, 1):
        items.append(_Item(f"{prefix}segment {i} of {n}", s.uri, s.byterange, s.key, _iv(s.key, s.sequence), True))
    return _Track(prefix, playlist, items)


async def _tracks(http: _Http, url: str, opts: HlsOptions, log: Log) -> list[_Track]:
    text, final_url = await http.playlist(url, "stream URL")
    top = parse_playlist(text, final_url)
    if isinstance(top, MediaPlaylist):
        return [_track(top, "", opts)]
    variant = choose_variant(top, opts.variant_policy)
    rendition = choose_audio_rendition(top, variant) if opts.audio_rendition else None
    audio = f", audio rendition {rendition.name or rendition.group_id!r}" if rendition else ""
    log(
        f"HLS master playlist: {len(top.variants)} variants; chose {variant.describe()} "
        f"(policy {opts.variant_policy}){audio}"
    )
    wanted = [(variant.uri, "variant playlist")]
    if rendition is not None and rendition.uri is not None:
        wanted.append((rendition.uri, "audio playlist"))
    fetched = await asyncio.gather(*(http.playlist(u, what) for u, what in wanted))
    tracks = []
    for (_, what), (body, final) in zip(wanted, fetched, strict=True):
        playlist = parse_playlist(body, final)
        if not isinstance(playlist, MediaPlaylist):
            raise PlaylistError(f"the {what} is a master playlist, not a list of segments")
        tracks.append(_track(playlist, "audio " if what == "audio playlist" else "", opts))
    return tracks


# -- ordered, windowed fetching ------------------------------------------------------------------


class _Progress:
    def __init__(self, total: int, log: Log, interval_s: float) -> None:
        self.total = max(total, 1)
        self.log = log
        self.interval_s = interval_s
        self.started = time.monotonic()
        self.done = 0
        self.bytes = 0
        self._last_log = self.started
        self._last_step = 0

    def add(self, nbytes: int) -> None:
        self.done += 1
        self.bytes += nbytes
        now = time.monotonic()
        step = self.done * 10 // self.total
        since = now - self._last_log
        if self.done < self.total and (since >= self.interval_s or (step > self._last_step and since >= 1.0)):
            self._last_log, self._last_step = now, step
            self.log(self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-6)
        rate = self.bytes / elapsed
        eta = (self.total - self.done) * elapsed / self.done if self.done else math.inf
        return (
            f"HLS: {self.done}/{self.total} segments ({100 * self.done / self.total:.0f} %), "
            f"{self.bytes / 1e6:.1f} MB, {rate / 1e6:.1f} MB/s, ETA {eta:.0f} s"
        )


class _Ordered:
    """Items of one track, fetched concurrently but handed out in order, at most ``window`` ahead."""

    def __init__(self, http: _Http, track: _Track, window: int, progress: _Progress) -> None:
        self.http = http
        self.items = track.items
        self.window = window
        self.progress = progress
        self._tasks: dict[int, asyncio.Task[bytes]] = {}
        self._next = 0

    async def get(self, index: int) -> bytes:
        while self._next < len(self.items) and self._next < index + self.window:
            self._tasks[self._next] = asyncio.ensure_future(self._fetch(self.items[self._next]))
            self._next += 1
        try:
            return await self._tasks[index]
        finally:
            self._tasks.pop(index, None)

    async def _fetch(self, item: _Item) -> bytes:
        async with self.http.slots:
            data, _ = await self.http.get(item.uri, item.label, byterange=item.byterange)
        if item.key is not None and item.key.uri is not None and item.iv is not None:
            key = await self.http.key(item.key.uri, item.label)
            if len(data) > 256 * 1024:
                data = await asyncio.to_thread(_decrypt, data, key, item.iv, item.label)
            else:
                data = _decrypt(data, key, item.iv, item.label)
        if item.is_segment:
            self.progress.add(len(data))
        return data

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# -- feeding ffmpeg ------------------------------------------------------------------------------


class _PipeWriter(asyncio.Protocol):
    """Non-blocking writes into a pipe with back-pressure (no thread can be left blocked in write)."""

    def __init__(self) -> None:
        self.transport: asyncio.WriteTransport | None = None
        self.lost = False
        self._paused = False
        self._waiter: asyncio.Future[None] | None = None

    @classmethod
    async def open(cls, fd: int) -> _PipeWriter:
        loop = asyncio.get_running_loop()
        pipe = os.fdopen(fd, "wb", buffering=0)
        try:
            transport, protocol = await loop.connect_write_pipe(cls, pipe)
        except BaseException:
            pipe.close()
            raise
        protocol.transport = transport
        transport.set_write_buffer_limits(high=1024 * 1024)
        return protocol

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        self._waiter = None

    async def write(self, data: bytes) -> None:
        if self.lost or self.transport is None:
            raise BrokenPipeError
        self.transport.write(data)
        while self._paused and not self.lost:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        if self.lost:
            raise BrokenPipeError

    def finish(self) -> None:
        """Close after the buffered bytes are written: ffmpeg then sees end of input."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None and not self.lost:
            self.transport.abort()


def _input_format(track: _Track, first: bytes) -> str | None:
    if track.has_init:
        return "mov"
    if first[:1] == b"\x47" and (len(first) <= 188 or first[188] == 0x47):
        return "mpegts"
    return None  # packed audio etc.: let ffmpeg probe it


def _ffmpeg_failure(returncode: int, stderr: str) -> DownloadError:
    detail = "\n".join(stderr.strip().splitlines()[-12:])
    if "Invalid data found" in stderr or "could not find codec parameters" in stderr.lower():
        return DownloadError("the downloaded segments are not a playable video stream (invalid data)", detail=detail)
    if "does not contain any stream" in stderr:
        return DownloadError("the stream contains no audio or video stream", detail=detail)
    return DownloadError(f"ffmpeg could not remux the downloaded segments (exit code {returncode})", detail=detail)


async def _feed(ordered: _Ordered, writer: _PipeWriter, first: bytes) -> bool:
    """Write every item in order; False when ffmpeg stopped reading (its exit code says why)."""
    try:
        await writer.write(first)
        for index in range(1, len(ordered.items)):
            await writer.write(await ordered.get(index))
    except BrokenPipeError:
        return False
    writer.finish()
    return True


async def _remux(http: _Http, tracks: list[_Track], out: Path, opts: HlsOptions, progress: _Progress) -> None:
    ordered = [_Ordered(http, t, opts.window, progress) for t in tracks]
    writers: list[_PipeWriter] = []
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
                _grow_pipe(write_fd)
                writers.append(await _PipeWriter.open(write_fd))
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


def _grow_pipe(fd: int) -> None:
    """Bigger pipe buffer (Linux): fewer wake-ups per segment; harmless where unsupported."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1024 * 1024)


# -- the whole download --------------------------------------------------------------------------


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
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=30.0)
        ),
    )


async def _check_addresses(tracks: list[_Track]) -> None:
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
    await asyncio.to_thread(check_urls, urls)


def _describe(tracks: list[_Track]) -> str:
    main = tracks[0]
    n = sum(len(t.playlist.segments) for t in tracks)
    kind = "fMP4" if main.has_init else "MPEG-TS"
    keys = {i.key.method for t in tracks for i in t.items if i.key is not None}
    extra = ", AES-128 encrypted" if keys else ""
    if len(tracks) > 1:
        extra += f", plus a separate audio rendition of {len(tracks[1].playlist.segments)} segments"
    return f"{n} segments, {main.playlist.duration_s:.1f} s, {kind}{extra}"


#: A hole this long in the downloaded audio fails the download (audio frames last 20-64 ms).
MAX_AUDIO_GAP_S = 0.5
#: At a discontinuity, a timestamp jump longer than this is closed up by ffmpeg.
DISCONTINUITY_JUMP_S = 3


def _check_output(tmp: Path, tracks: list[_Track]) -> MediaInfo:
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


async def _download(url: str, dest: Path, opts: HlsOptions, log: Log) -> MediaInfo:
    started = time.monotonic()
    async with _client(opts) as client:
        http = _Http(client, opts)
        try:
            tracks = await _tracks(http, url, opts, log)
            await _check_addresses(tracks)
            total = sum(len(t.playlist.segments) for t in tracks)
            log(f"HLS: {_describe(tracks)}; fetching {opts.concurrency} at a time")
            progress = _Progress(total, log, opts.progress_interval_s)
            with atomic_path(dest) as tmp:
                await _remux(http, tracks, tmp, opts, progress)
                info = _check_output(tmp, tracks)
        finally:
            await http.close()
    elapsed = time.monotonic() - started
    log(
        f"downloaded {redact_url(url)}: {progress.done} segments, {progress.bytes / 1e6:.1f} MB in {elapsed:.1f} s "
        f"({progress.bytes / 1e6 / max(elapsed, 1e-6):.1f} MB/s); {info.duration_s:.1f} s of media"
    )
    return dataclasses.replace(info, path=str(dest))


async def _bounded(url: str, dest: Path, opts: HlsOptions, log: Log) -> MediaInfo:
    try:
        async with asyncio.timeout(step_deadline.remaining(opts.step_timeout_s)) as timer:
            return await _download(url, dest, opts, log)
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
) -> MediaInfo:
    """Download the HLS stream at ``url`` into the MP4 ``dest`` (atomically); return what it holds.

    Raises :class:`NotHlsError` when ``url`` is not an M3U8 playlist (fall back to ffmpeg),
    :class:`DownloadError` for what will not pass by itself (404, DRM, live, limits, bad data)
    and :class:`TransientDownloadError` for what may (timeouts, 429/5xx after all retries).
    Safe to call from a thread that runs an event loop (the work then runs on a helper thread).
    """
    opts = options or HlsOptions()

    def quiet(_message: str) -> None:
        return None

    coro = _bounded(url, dest, opts, log or quiet)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="download_hls") as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coro).result()
