"""Bunny Stream embeds when yt-dlp is off or fails: the embed page's own ``<video>`` player.

Bunny documents its embed as ``https://iframe.mediadelivery.net/embed/<library>/<video>`` (also
``/play/``, the newer ``player.mediadelivery.net`` host and ``video.bunnycdn.com/play/``) and its HLS
playlist as ``https://<pull zone>.b-cdn.net/<video>/playlist.m3u8``.  The embed URL does not name
the pull zone, so the playlist cannot be built from it: the embed page is read once (the guarded
fetcher, the page byte cap, the sales page as Referer, the signed ``token``/``expires`` kept) and
its HTML5 ``<video>`` sources are the stream, ``data-poster`` the poster and ``data-plyr-config``'s
``title`` the title — where yt-dlp's own Bunny extractor reads them.  The stream is then fetched
with the embed page as Referer, as the player does.

Streams behind Bunny's MediaCage must be activated and pinged while they play, which only yt-dlp
does: such an embed is refused with that reason, never downloaded half-way.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from vsl_assets.media.pages.errors import NoPlayerFoundError
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import decode_html, parse_page
from vsl_assets.media.pages.players.base import Candidate, is_hls_type, is_stream_url, pick_source

KIND = "bunny"
_EMBED = re.compile(
    r"^https?://(?:(?:iframe|player)\.mediadelivery\.net|video\.bunnycdn\.com)/(?:embed|play)/"
    r"(?P<library>\d{1,12})/(?P<video>[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12})(?:[/?#]|$)",
    re.I,
)
#: MediaCage's activation call in the embed page (yt-dlp's marker for it).
_MEDIACAGE = re.compile(r"""loadUrl\(\s*["'][^"']+/activate["']""")


def embed_page(url: str) -> str | None:
    """The embed page a Bunny embed/play URL plays in, with its signing kept (None: not Bunny)."""
    match = _EMBED.match(url.strip())
    if match is None:
        return None
    query = parse_qs(urlsplit(url).query)
    signed = {key: query[key][0] for key in ("token", "expires") if query.get(key)}
    page = f"https://iframe.mediadelivery.net/embed/{match.group('library')}/{match.group('video').lower()}"
    return f"{page}?{urlencode(signed)}" if signed else page


def complete(fetcher: Fetcher, embed_url: str, *, referer: str | None, max_bytes: int) -> Candidate:
    """The stream of a Bunny embed, read from its embed page."""
    page_url = embed_page(embed_url)
    if page_url is None:
        raise NoPlayerFoundError("no video player found on page", detail=embed_url)
    fetched = fetcher.get(
        page_url,
        what="Bunny embed page",
        max_bytes=max_bytes,
        headers=fetcher.headers(referer=referer, accept="text/html,*/*;q=0.8"),
    )
    page = parse_page(fetched.url, decode_html(fetched.body, fetched.charset))
    if _MEDIACAGE.search(page.html):
        raise NoPlayerFoundError(
            "the Bunny video is a MediaCage stream, which needs yt-dlp (it must be activated and pinged while it plays)",
            detail=embed_url,
        )
    videos = page.find("video")
    main = next((v for v in videos if v.get("id") == "main-video"), videos[0] if videos else None)
    if main is None:
        raise NoPlayerFoundError("no video player found in the Bunny embed page", detail=embed_url)
    sources: list[tuple[str, str]] = []
    for source in page.find("source"):
        if source.media_parent == main.index:
            url = page.absolute(source.get("src"))
            if url and (is_stream_url(url) or is_hls_type(source.get("type"))):
                sources.append((url, source.get("type")))
    own = page.absolute(main.get("src"))
    if own and is_stream_url(own):
        sources.append((own, main.get("type")))
    chosen, rest = pick_source(sources)
    if chosen is None:
        raise NoPlayerFoundError("no video player found in the Bunny embed page", detail=embed_url)
    return Candidate(
        kind=KIND,
        stream_url=chosen,
        title=_title(main.get("data-plyr-config")),
        thumbnail=page.absolute(main.get("data-poster") or main.get("poster")),
        referer=fetched.url,
        others=tuple(rest),
        hls=True if any(u == chosen and is_hls_type(m) for u, m in sources) else None,
    )


def _title(config: str) -> str | None:
    try:
        value = json.loads(config) if config else None
    except ValueError:
        return None
    title = value.get("title") if isinstance(value, dict) else None
    return title.strip() or None if isinstance(title, str) else None
