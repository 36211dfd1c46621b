"""One cheap look at a resolved stream before the pipeline commits to downloading it.

A player URL that 404s, a "playlist" that is really an HTML error page, a signed URL that has
expired or a FairPlay/Widevine-encrypted stream all fail the download minutes later with an
obscure ffmpeg message.  Fetching the playlist (kilobytes) or sniffing the first bytes of a
media file turns those into clear, typed reasons now.  Segments are never requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from vsl_assets.errors import InvalidUrlError
from vsl_assets.media.hls.playlist import drm_system
from vsl_assets.media.pages.errors import DrmProtectedError, HttpStatusError, NotAStreamError, StreamExpiredError
from vsl_assets.media.pages.fetch import Fetched, Fetcher, sniff
from vsl_assets.media.pages.signed import is_expired, is_signed
from vsl_assets.net.urls import redact_url

_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


@dataclass(frozen=True)
class Variant:
    """One rendition listed by a master playlist."""

    url: str
    bandwidth: int | None
    resolution: str | None
    codecs: str | None


@dataclass(frozen=True)
class Playlist:
    """What a playlist says about the stream, without touching any segment."""

    url: str
    is_master: bool
    variants: tuple[Variant, ...]
    #: Why the stream needs a DRM licence (e.g. "FairPlay key in the HLS playlist"), if it does.
    drm: str | None
    segments: int
    #: Sum of ``#EXTINF`` durations of the media playlist, when one was read.
    duration_s: float | None
    endlist: bool


@dataclass(frozen=True)
class StreamCheck:
    """Outcome of probing a stream URL."""

    is_hls: bool
    content_type: str
    playlist: Playlist | None = None


def parse_playlist(text: str, url: str) -> Playlist:
    """Parse an M3U8 (master or media); raise :class:`NotAStreamError` if it is not one."""
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    if not lines or not lines[0].startswith("#EXTM3U"):
        raise NotAStreamError("the stream URL did not return an HLS playlist", detail=redact_url(url))
    variants: list[Variant] = []
    drm: str | None = None
    segments = 0
    duration = 0.0
    pending_inf: dict[str, str] | None = None
    for line in lines[1:]:
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending_inf = _attrs(line)
        elif line.startswith(("#EXT-X-KEY:", "#EXT-X-SESSION-KEY:")):
            drm = drm or _drm_reason(_attrs(line))
        elif line.startswith("#EXTINF:"):
            try:
                duration += float(line[8:].split(",")[0])
            except ValueError:
                pass
        elif line and not line.startswith("#"):
            if pending_inf is not None:
                variants.append(_variant(urljoin(url, line), pending_inf))
                pending_inf = None
            else:
                segments += 1
    is_master = bool(variants)
    return Playlist(
        url=url,
        is_master=is_master,
        variants=tuple(sorted(variants, key=lambda v: v.bandwidth or 0, reverse=True)),
        drm=drm,
        segments=segments,
        duration_s=None if is_master else round(duration, 3),
        endlist="#EXT-X-ENDLIST" in lines,
    )


def check_stream(
    fetcher: Fetcher,
    url: str,
    *,
    headers: dict[str, str],
    hls_hint: bool | None = None,
    first: tuple[str, bytes] | None = None,
) -> StreamCheck:
    """Confirm ``url`` is a playable HLS playlist or media file (one small GET, two for a master).

    ``first`` is a response already in hand (content type, body) when the caller fetched the URL
    itself; ``hls_hint`` says whether the URL's shape promises a playlist.
    """
    if is_expired(url):
        raise StreamExpiredError(detail=redact_url(url))
    if first is None:
        request_headers = dict(headers)
        if hls_hint is False:
            # Only the first bytes of a media file are needed; a ranged GET keeps it at that.
            request_headers["Range"] = "bytes=0-4095"
        fetched = _get(fetcher, url, request_headers, "stream URL")
        content_type, body = fetched.content_type, fetched.body
        url = fetched.url
    else:
        content_type, body = first
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"#EXTM3U"):
        playlist = parse_playlist(body.decode("utf-8", errors="replace"), url)
        if playlist.is_master and playlist.drm is None and fetcher.options.probe_variant:
            playlist = _with_variant(fetcher, playlist, headers)
        if not playlist.is_master and playlist.segments == 0:
            raise NotAStreamError("the HLS playlist lists no segments", detail=redact_url(url))
        return StreamCheck(True, content_type, playlist)
    if sniff(content_type, body) == "media":
        return StreamCheck(False, content_type)
    shown = _what_came(content_type, head)
    if hls_hint:
        raise NotAStreamError(f"the stream URL did not return an HLS playlist (got {shown})", detail=redact_url(url))
    raise NotAStreamError(f"the stream URL did not return video (got {shown})", detail=redact_url(url))


def _what_came(content_type: str, head: bytes) -> str:
    """What the server sent, in words: the body says more than a (possibly wrong) content type."""
    if not head:
        return "an empty response"
    start = head[:512].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start or b"<head" in start:
        return "a web page"
    return content_type or "no content type"


def drm_error(playlist: Playlist) -> DrmProtectedError | None:
    return DrmProtectedError(playlist.drm, detail=redact_url(playlist.url)) if playlist.drm else None


def _with_variant(fetcher: Fetcher, master: Playlist, headers: dict[str, str]) -> Playlist:
    """Read the best variant: keys and segment durations are only in media playlists."""
    variant_url = master.variants[0].url
    scheme = urlsplit(variant_url).scheme.lower()
    if scheme not in ("http", "https"):
        # Checked here: an HTTP client would read a host-less file:///… as a relative path.
        raise InvalidUrlError(
            f"refusing to fetch a URL with scheme {scheme or 'none'!r}: only http and https are fetched",
            detail=redact_url(master.url),
        )
    fetched = _get(fetcher, variant_url, headers, "stream URL (variant playlist)")
    media = parse_playlist(fetched.body.decode("utf-8", errors="replace"), fetched.url)
    if media.segments == 0 and not media.is_master:
        raise NotAStreamError("the HLS variant playlist lists no segments", detail=redact_url(variant_url))
    return Playlist(
        url=master.url,
        is_master=True,
        variants=master.variants,
        drm=media.drm,
        segments=media.segments,
        duration_s=media.duration_s,
        endlist=media.endlist,
    )


def _get(fetcher: Fetcher, url: str, headers: dict[str, str], what: str) -> Fetched:
    if is_expired(url):
        raise StreamExpiredError(detail=redact_url(url))
    try:
        return fetcher.get(url, what=what, max_bytes=fetcher.options.max_playlist_bytes, headers=headers)
    except HttpStatusError as exc:
        if exc.status in (401, 403, 410) and is_signed(url):
            raise StreamExpiredError(detail=f"HTTP {exc.status} from {redact_url(url)}") from None
        raise


def _attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR.findall(line.partition(":")[2])}


def _variant(url: str, attrs: dict[str, str]) -> Variant:
    bandwidth = attrs.get("BANDWIDTH", "")
    return Variant(
        url=url,
        bandwidth=int(bandwidth) if bandwidth.isdigit() else None,
        resolution=attrs.get("RESOLUTION") or None,
        codecs=attrs.get("CODECS") or None,
    )


def _drm_reason(attrs: dict[str, str]) -> str | None:
    return drm_system(attrs.get("METHOD", ""), attrs.get("KEYFORMAT"), attrs.get("URI"))
