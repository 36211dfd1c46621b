"""Panda Video (pandavideo.com.br), a Brazilian video host popular for VSLs and courses.

Its embed is an iframe ``https://player-vz-<library>.tv.pandavideo.com.br/embed/?v=<uuid>``
(with ``id="panda-<uuid>"``), and the video's HLS master lives at
``https://b-vz-<library>.tv.pandavideo.com.br/<uuid>/playlist.m3u8``.  Mapping the embed URL
to the playlist costs no request.  When the embed does not have that shape (a custom domain,
an old ``player.pandavideo.com.br`` URL, the JS API ``new PandaPlayer(...)``) the embed page is
read and the playlist URL taken from the player config inside it.

Panda's CDN checks that requests come from its player, so the embed URL is the Referer (and
its origin the Origin) for the stream, not the sales page.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import parse_qs, urljoin, urlsplit

from vsl_assets.media.pages.errors import PlayerConfigError
from vsl_assets.media.pages.fetch import Fetcher, origin_of
from vsl_assets.media.pages.page import Page, decode_html
from vsl_assets.media.pages.players.base import M3U8_IN_TEXT, Candidate, iframe_src

KIND = "panda"
_HOST = re.compile(r"^player-vz-(?P<library>[0-9a-z-]+)\.tv\.pandavideo\.com(?:\.br)?$", re.I)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_LIBRARY = re.compile(r"library_id\s*[:=]\s*[\"'](?:vz-)?(?P<library>[0-9a-z-]+)[\"']", re.I)
_EXTERNAL_ID = re.compile(r"video_external_id\s*[:=]\s*[\"'](?P<uuid>[0-9a-f-]{36})[\"']", re.I)
_DRM = re.compile(r"[\"']?(?:drm|drm_enabled|drmEnabled|isDrm)[\"']?\s*:\s*(?:true|!0)", re.I)


def playlist_url(embed_url: str) -> str | None:
    """The HLS master for a standard Panda embed URL, or None when the URL has another shape."""
    parts = urlsplit(embed_url)
    host = _HOST.match(parts.hostname or "")
    video = (parse_qs(parts.query).get("v") or [""])[0]
    if not host or not _UUID.match(video) or not parts.path.rstrip("/").endswith("/embed"):
        return None
    domain = (parts.hostname or "").split(".tv.", 1)[1]
    return f"https://b-vz-{host.group('library').lower()}.tv.{domain}/{video.lower()}/playlist.m3u8"


def embed_url(library: str, video: str) -> str:
    return f"https://player-vz-{library.lower()}.tv.pandavideo.com.br/embed/?v={video.lower()}"


def detect(page: Page) -> Candidate | None:
    embeds: list[str] = []
    for iframe in page.find("iframe"):
        src = page.absolute(iframe_src(iframe.attrs))
        if src and ("pandavideo" in (urlsplit(src).hostname or "") or iframe.get("id").startswith("panda-")):
            embeds.append(src)
    library, external = _LIBRARY.search(page.html), _EXTERNAL_ID.search(page.html)
    if library and external:
        embeds.append(embed_url(library.group("library"), external.group("uuid")))
    embeds = list(dict.fromkeys(embeds))
    if not embeds:
        return None
    main, rest = embeds[0], embeds[1:]
    others = tuple(playlist_url(e) or e for e in rest)
    origin = origin_of(main)
    mapped = playlist_url(main)
    base = Candidate(
        kind=KIND,
        referer=main,
        headers={"Referer": main, "Origin": origin},
        others=others,
        hls=True,
        claims=tuple(embeds),
    )
    if mapped:
        return replace(base, stream_url=mapped)

    def complete(fetcher: Fetcher) -> Candidate:
        fetched = fetcher.get(
            main,
            what="Panda embed page",
            max_bytes=fetcher.options.max_page_bytes,
            headers=fetcher.headers(referer=page.url, accept="text/html,*/*"),
        )
        text = decode_html(fetched.body, fetched.charset).replace("\\/", "/")
        match = M3U8_IN_TEXT.search(text) or re.search(r"[\"'](?P<url>[^\"'\s]+\.m3u8(?:\?[^\"'\s]*)?)[\"']", text)
        if match is None:
            raise PlayerConfigError(
                "the Panda Video player config could not be parsed: no playlist URL in the embed page"
            )
        stream = urljoin(fetched.url, match.group("url"))
        return replace(
            base,
            stream_url=stream,
            drm="Panda Video player has DRM enabled" if _DRM.search(text) else None,
            complete=None,
        )

    return replace(base, complete=complete)
