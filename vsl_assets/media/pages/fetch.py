"""The resolver's only door to the network: bounded, browser-like HTTP GETs.

Sales pages are untrusted: one may be endless, redirect forever or stall mid-body, and a "page"
URL may turn out to be a two-hour MP4.  Every request here has connect/read timeouts, a byte
cap read in a streaming way (a video is sniffed, never downloaded), and a redirect limit; every
failure becomes a typed error whose reason names what was being fetched ("HTTP 404 from the
page").  Requests look like a browser's (User-Agent, Accept-Language, Referer/Origin) because
many VSL hosts and player CDNs refuse anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from vsl_assets.errors import is_transient_status
from vsl_assets.media.pages.errors import HttpStatusError, NetworkError, TooManyRedirectsError, TransientHttpError
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.net.guard import guard_client_kwargs, install_guard
from vsl_assets.net.urls import redact_url

#: Content types under which servers send HLS playlists.
HLS_TYPES = frozenset(
    {
        "application/vnd.apple.mpegurl",
        "application/x-mpegurl",
        "application/mpegurl",
        "audio/mpegurl",
        "audio/x-mpegurl",
        "video/mpegurl",
        "video/x-mpegurl",
    }
)
#: Enough bytes to recognise a media container without downloading the media.
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Fetched:
    """A response whose body was read up to a limit."""

    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                return value.strip("\"' ")
        return None

    @property
    def stream_kind(self) -> str | None:
        """``"hls"``, ``"media"`` or ``None`` (a document), from the type and the first bytes."""
        return sniff(self.content_type, self.body)


def sniff(content_type: str, head: bytes) -> str | None:
    """Classify a body: servers mislabel playlists as text/plain and media as octet-stream."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"#EXTM3U") or content_type in HLS_TYPES:
        return "hls"
    if content_type.startswith(("video/", "audio/")) or content_type in ("application/mp4", "application/ogg"):
        return "media"
    if head[4:8] == b"ftyp" or head.startswith(b"\x1aE\xdf\xa3") or head.startswith(b"OggS"):
        return "media"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:  # MPEG-TS sync bytes
        return "media"
    return None


class Fetcher:
    """One HTTP client shared by every request of a resolution (connection reuse, one UA)."""

    def __init__(self, options: ResolveOptions, client: httpx.Client | None = None) -> None:
        self.options = options
        self._owns_client = client is None
        self.timeout = httpx.Timeout(
            options.read_timeout_s, connect=options.connect_timeout_s, pool=options.connect_timeout_s
        )
        # Every request and redirect hop goes through the address guard (vsl_assets.net.guard):
        # a sales page must not be able to make us fetch 169.254.169.254 or an intranet host.
        if client is None:
            client = httpx.Client(
                timeout=self.timeout,
                follow_redirects=True,
                max_redirects=options.max_redirects,
                **guard_client_kwargs(options.net),
            )
        else:
            install_guard(client, options.net)
        self.client = client

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def headers(self, *, referer: str | None = None, origin: bool = False, accept: str | None = None) -> dict[str, str]:
        """Browser-like request headers; ``origin`` for what a player requests via XHR/fetch."""
        headers = {
            "User-Agent": self.options.user_agent,
            "Accept-Language": self.options.accept_language,
            "Accept": accept or "*/*",
        }
        if referer:
            headers["Referer"] = referer
            if origin:
                headers["Origin"] = origin_of(referer)
        return headers

    def get(
        self,
        url: str,
        *,
        what: str,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        sniff_media: bool = True,
    ) -> Fetched:
        """GET ``url``, reading at most ``max_bytes`` (only a sniff when the body is media).

        ``what`` names the resource in error reasons: "page", "stream URL", "vturb player script".
        """
        request_headers = headers if headers is not None else self.headers()
        try:
            with self.client.stream(
                "GET", url, headers=request_headers, timeout=self.timeout, follow_redirects=True
            ) as response:
                _raise_for_status(response, what)
                head_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                limit = max_bytes
                if sniff_media and sniff(head_type, b"") == "media":
                    limit = min(limit, SNIFF_BYTES)
                body = bytearray()
                truncated = False
                for chunk in response.iter_bytes():
                    body += chunk
                    if sniff_media and len(body) >= SNIFF_BYTES and sniff(head_type, bytes(body)) == "media":
                        limit = min(limit, SNIFF_BYTES)
                    if len(body) >= limit:
                        truncated = len(body) > limit or not _at_end(response)
                        del body[limit:]
                        break
                return Fetched(str(response.url), response.status_code, response.headers, bytes(body), truncated)
        except httpx.TooManyRedirects:
            raise TooManyRedirectsError(
                f"the {what} redirected too many times (redirect loop?)", detail=redact_url(url)
            ) from None
        except httpx.TimeoutException as exc:
            raise NetworkError(
                f"the {what} did not respond in time ({type(exc).__name__})", detail=redact_url(url)
            ) from None
        except httpx.ConnectError as exc:
            host = urlsplit(url).hostname or "?"
            raise NetworkError(f"could not connect to the {what} host {host}", detail=str(exc)) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise NetworkError(f"the connection to the {what} broke ({type(exc).__name__})", detail=str(exc)) from None
        except httpx.UnsupportedProtocol:
            raise HttpStatusError(400, f"{what} (redirect to a non-HTTP URL)") from None
        except httpx.InvalidURL as exc:
            raise HttpStatusError(400, f"{what} (invalid URL: {exc})") from None


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as browsers send it in ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _raise_for_status(response: httpx.Response, what: str) -> None:
    status = response.status_code
    if status < 400:
        return
    detail = redact_url(str(response.url))
    if is_transient_status(status):
        raise TransientHttpError(status, what, detail=detail)
    raise HttpStatusError(status, what, detail=detail)


def _at_end(response: httpx.Response) -> bool:
    """Whether the server promised no more bytes than we already hold (for ``truncated``)."""
    try:
        return int(response.headers.get("content-length", "-1")) <= response.num_bytes_downloaded
    except ValueError:
        return False
