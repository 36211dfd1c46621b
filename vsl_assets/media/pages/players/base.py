"""What a player detector reports, and helpers shared by several detectors.

A detector only reads the parsed page (no network), so all of them can run on every page and
the ones that did not win still contribute ``other_videos``.  When a player needs one more
request to reveal its stream (vturb's player script, a Panda embed page), the detector returns
a candidate with ``complete``: the resolver calls it only for the candidate it picks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from vsl_assets.media.pages.fetch import Fetcher

#: MIME types players use for HLS sources.
HLS_MIME = ("application/x-mpegurl", "application/vnd.apple.mpegurl", "audio/mpegurl", "audio/x-mpegurl")
_MEDIA_EXT = (".mp4", ".m4v", ".mov", ".webm", ".m4a", ".mp3", ".ogg", ".ogv")
#: A quoted absolute or protocol-relative URL of an HLS playlist inside script text.
M3U8_IN_TEXT = re.compile(r"""(?P<url>(?:https?:)?//[^\s"'`<>\\]+?\.m3u8(?:\?[^\s"'`<>\\]*)?)(?=["'`\s\\<])""")


@dataclass(frozen=True)
class Candidate:
    """A video a detector found: a stream, an embed to follow, or a step still to run."""

    kind: str
    stream_url: str | None = None
    #: A player page to resolve further (an iframe, a JSON-LD embedUrl, a YouTube embed).
    embed_url: str | None = None
    #: ``embed_url`` belongs to a site yt-dlp's extractors know (YouTube, Vimeo, Wistia...).
    ytdlp: bool = False
    title: str | None = None
    thumbnail: str | None = None
    cta_seconds: float | None = None
    #: Why the player's own configuration says the stream is DRM-protected.
    drm: str | None = None
    #: The document the player runs in, when that is not the page (e.g. a Panda iframe).
    referer: str | None = None
    #: Extra request headers a downloader must send (yt-dlp formats carry them).
    headers: dict[str, str] = field(default_factory=dict)
    #: Other streams/embeds of the same family found on the page.
    others: tuple[str, ...] = ()
    #: The stream URL is an HLS playlist (None: decide from the URL and the response).
    hls: bool | None = None
    duration_s: float | None = None
    #: Embed URLs this candidate accounts for (a Panda iframe), so they are not listed twice.
    claims: tuple[str, ...] = ()
    #: Index of the element that carries the player: among equals, the first on the page wins.
    position: int | None = None
    #: Only a weak sign of the player (a bare placeholder): if it cannot be completed, the next
    #: candidate is tried instead of failing the page.
    tentative: bool = False
    #: Only a leftover sign of a player (a preloaded playlist with no player in the body): any
    #: other player on the page is preferred, and this one is used only when there is none.
    fallback: bool = False
    #: Where ``cta_seconds`` was read ("vturb config pitchTime", "page script delaySeconds"...).
    cta_source: str | None = None
    complete: Callable[[Fetcher], Candidate] | None = field(default=None, repr=False, compare=False)

    @property
    def target(self) -> str | None:
        return self.stream_url or self.embed_url


def is_hls_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".m3u8", ".m3u"))


def is_media_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_MEDIA_EXT)


def is_stream_url(url: str) -> bool:
    return is_hls_url(url) or is_media_url(url)


def is_hls_type(mime: str) -> bool:
    return mime.split(";")[0].strip().lower() in HLS_MIME


def pick_source(sources: list[tuple[str, str]]) -> tuple[str | None, list[str]]:
    """Choose among ``(url, mime)`` sources: HLS first (adaptive, what the player plays), then files.

    Returns the choice and the rest, deduplicated, in page order.
    """
    unique: list[tuple[str, str]] = []
    for url, mime in sources:
        if url and url not in (u for u, _ in unique):
            unique.append((url, mime))
    if not unique:
        return None, []
    hls = [u for u, m in unique if is_hls_type(m) or is_hls_url(u)]
    chosen = hls[0] if hls else unique[0][0]
    return chosen, [u for u, _ in unique if u != chosen]


def iframe_src(attrs: dict[str, str]) -> str:
    """The URL an iframe will load: lazy loaders keep it in ``data-src`` until scrolled into view."""
    src = attrs.get("src", "").strip()
    if not src or src.lower().startswith(("about:", "javascript:", "data:")):
        src = attrs.get("data-src") or attrs.get("data-lazy-src") or attrs.get("data-litespeed-src") or ""
    return src


def number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None
