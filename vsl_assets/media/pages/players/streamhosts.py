"""Hosted players whose embed names the stream itself: Mux and Cloudflare Stream.

Both document the HLS playlist as a function of the id their embed carries, so the stream is
built without a request and without yt-dlp:

* Mux (docs: mux.com/docs/guides/play-your-videos, .../mux-player-web): ``<mux-player
  playback-id="<id>">`` (also ``<mux-video>``) or the iframe ``https://player.mux.com/<id>``; the
  playlist is ``https://stream.mux.com/<id>.m3u8``.  A signed playback id carries its JWT in
  ``playback-token`` (``?token=`` on the playlist URL, as the docs' signed URLs do).
* Cloudflare Stream (docs: developers.cloudflare.com/stream/viewing-videos/using-the-stream-player
  and .../using-own-player): the iframe ``https://customer-<code>.cloudflarestream.com/<uid>/iframe``
  plays ``https://customer-<code>.cloudflarestream.com/<uid>/manifest/video.m3u8``; the older
  embeds — ``https://iframe.videodelivery.net/<uid>`` and the ``<stream src="<uid>">`` element of
  its SDK script (``embed.cloudflarestream.com`` / ``embed.videodelivery.net``) — play
  ``https://videodelivery.net/<uid>/manifest/video.m3u8``.  A signed video's token stands where the
  uid does, in the same URLs.

The ids are checked against each host's documented alphabet before a URL is built from them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import Candidate, iframe_src

MUX = "mux"
CLOUDFLARE = "cloudflare-stream"
#: Mux playback ids are base62 (public and signed alike).
_MUX_ID = re.compile(r"^[0-9A-Za-z]{10,80}$")
#: A JWT (header.payload.signature, base64url): a signed Mux playback or Cloudflare video token.
_JWT = re.compile(r"^[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$")
#: Cloudflare video uids are 32 hex digits; a signed video's token takes their place.
_CF_UID = re.compile(r"^[0-9a-f]{32}$", re.I)
_CF_CUSTOMER = re.compile(r"^customer-[0-9a-z]{4,40}\.cloudflarestream\.com$", re.I)
_CF_LEGACY_FRAMES = frozenset({"iframe.videodelivery.net", "iframe.cloudflarestream.com", "watch.videodelivery.net"})
_CF_SDK = re.compile(r"^(?:https?:)?//embed\.(?:cloudflarestream\.com|videodelivery\.net)/", re.I)


def detect(page: Page) -> Candidate | None:
    """The first Mux or Cloudflare Stream embed on the page; the rest of either kind are ``others``."""
    found: list[tuple[int, str, str, str | None]] = []  # (position, kind, stream, embed claimed)
    sdk = any(_CF_SDK.match(s.get("src")) for s in page.find("script"))
    for element in page.elements:
        if element.tag in ("mux-player", "mux-video"):
            stream = mux_stream(element.get("playback-id"), element.get("playback-token"))
            if stream:
                found.append((element.index, MUX, stream, None))
        elif element.tag == "stream" and sdk:
            stream = cloudflare_stream(element.get("src").strip())
            if stream:
                found.append((element.index, CLOUDFLARE, stream, None))
        elif element.tag == "iframe":
            src = page.absolute(iframe_src(element.attrs))
            mapped = embed_stream(src) if src else None
            if mapped:
                found.append((element.index, mapped[0], mapped[1], src))
    if not found:
        return None
    found.sort(key=lambda item: item[0])
    position, kind, stream, _ = found[0]
    streams = list(dict.fromkeys(s for _, _, s, _ in found))
    return Candidate(
        kind=kind,
        stream_url=stream,
        hls=True,
        others=tuple(streams[1:]),
        claims=tuple(e for _, _, _, e in found if e),
        position=position,
    )


def embed_stream(url: str) -> tuple[str, str] | None:
    """``(kind, playlist)`` for a Mux or Cloudflare Stream player URL, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if host == "player.mux.com" and len(segments) == 1:
        token = (query.get("playback-token") or query.get("token") or [""])[0]
        stream = mux_stream(segments[0], token)
        return (MUX, stream) if stream else None
    if _CF_CUSTOMER.match(host) and len(segments) == 2 and segments[1] == "iframe":
        uid = segments[0]
        if _CF_UID.match(uid) or _JWT.match(uid):
            return CLOUDFLARE, f"https://{host}/{uid}/manifest/video.m3u8"
        return None
    if host in _CF_LEGACY_FRAMES and len(segments) == 1:
        stream = cloudflare_stream(segments[0])
        return (CLOUDFLARE, stream) if stream else None
    return None


def mux_stream(playback_id: str, token: str = "") -> str | None:
    playback_id, token = playback_id.strip(), token.strip()
    if not _MUX_ID.match(playback_id):
        return None
    url = f"https://stream.mux.com/{playback_id}.m3u8"
    return f"{url}?token={quote(token, safe='')}" if token and _JWT.match(token) else url


def cloudflare_stream(uid: str) -> str | None:
    if not (_CF_UID.match(uid) or _JWT.match(uid)):
        return None
    return f"https://videodelivery.net/{uid}/manifest/video.m3u8"
