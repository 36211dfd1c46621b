"""HTTP for playlists, segments and keys: one pooled client, retries with backoff, the byte budget."""

from __future__ import annotations

import asyncio
import functools
import random
import ssl

import httpx

from vsl_assets.core.humanize import human_bytes
from vsl_assets.errors import DownloadError, TransientDownloadError
from vsl_assets.media.hls.failures import Failure, status_failure, transport_failure
from vsl_assets.media.hls.options import HlsOptions
from vsl_assets.media.hls.playlist import ByteRange, PlaylistError, is_playlist
from vsl_assets.net.urls import redact_url


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store every download's client verifies servers with, loaded once a process.

    httpx builds one per client by default: reading certifi's bundle costs ~30 ms on an idle
    machine and 0.1-0.2 s on a busy one, on the critical path of every download.  httpx honours
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` as it did, when the first download builds it."""
    return httpx.create_ssl_context()


class NotHlsError(DownloadError):
    """The URL answered with something other than an M3U8 playlist (a direct MP4, an HTML page).

    Not a verdict on the URL: the caller should hand it to ``download_direct``, which
    downloads direct media and gives the reason when it is not media at all.
    """


class Http:
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
                failure = Failure(f"no complete response within {self.opts.segment_timeout_s:.0f} s")
            except Failure as exc:
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
        self, url: str, label: str, attempts: int, failure: Failure, playlist: str | None
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
                    raise status_failure(response)
                body = await self._read(response, limit, playlist)
                final_url = str(response.url)
        except httpx.HTTPError as exc:
            raise transport_failure(exc) from None
        except httpx.InvalidURL as exc:
            raise Failure("invalid URL", retryable=False, transient=False, detail=str(exc)) from None
        if byterange is not None:
            if response.status_code != 206:  # the server ignored Range: cut the sub-range out
                body = body[byterange.offset : byterange.offset + byterange.length]
            if len(body) != byterange.length:
                raise Failure(
                    f"got {len(body)} bytes for a byte range of {byterange.length}", retryable=False, transient=False
                )
        if not body:
            raise Failure("empty response")
        return body, final_url

    async def _read(self, response: httpx.Response, limit: int | None, playlist: str | None) -> bytes:
        length_header = response.headers.get("content-length", "")
        expected = int(length_header) if length_header.isdigit() else None
        if limit is not None and expected is not None and expected > limit:
            raise Failure(f"{expected} bytes, more than the limit of {limit}", retryable=False, transient=False)
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
                raise Failure(f"more than the limit of {limit} bytes", retryable=False, transient=False)
            if self.received > self.opts.max_total_bytes:
                raise DownloadError(
                    f"the stream is larger than the limit of {human_bytes(self.opts.max_total_bytes)} (VSL_MAX_DOWNLOAD_MB)"
                )
        body = b"".join(chunks)
        if not checked:
            self._check_playlist(body, playlist)
        encoded = response.headers.get("content-encoding", "identity").lower() not in ("", "identity")
        if expected is not None and not encoded and len(body) != expected:
            raise Failure(f"the body ended after {len(body)} of {expected} bytes")
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
