"""Vidalytics (vidalytics.com), a VSL player common on US sales pages.

The page carries ``<div id="vidalytics_embed_<embed>">`` and an inline loader snippet that calls
its IIFE with the embed's base URL, ``https://fast.vidalytics.com/embeds/<account>/<embed>/``; the
snippet then loads ``loader.min.js`` and ``player.min.js`` from there.  yt-dlp has no extractor
for it and the embed page itself is bot-protected, but ``loader.min.js`` is a public script whose
configuration names every video of the embed with its full HLS path
(``…/video/<account>/<video>/<n>/<n>__FFMPEG/stream.m3u8``, slashes escaped as ``\\/``) and its
duration.  An embed may carry short intro or CTA loops besides the VSL, so the longest video wins
and the others are listed.  Nothing is guessed: no stream in the loader is a clear failure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urljoin

from vsl_assets.errors import VslError
from vsl_assets.media.pages.errors import PlayerConfigError, unreadable
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page, decode_html
from vsl_assets.media.pages.players.base import Candidate, is_hls_url, number

KIND = "vidalytics"
NAME = "Vidalytics"
_EMBED_ID = re.compile(r"^vidalytics_embed_(?P<embed>[0-9A-Za-z_-]{4,40})$")
_LOADER_BASE = re.compile(
    r"(?P<base>(?:https?:)?//[^\s\"'<>()]+?/embeds/(?P<account>[0-9A-Za-z_-]{4,40})/(?P<embed>[0-9A-Za-z_-]{4,40})/)"
)
_STREAM = re.compile(r"(?P<url>(?:https?:)?//[^\s\"'<>\\]+?\.(?:m3u8|mp4)(?:\?[^\s\"'<>\\]*)?)(?=[\"'\s\\])")
_DURATION = re.compile(r"[\"']?duration[\"']?\s*:\s*(\d+(?:\.\d+)?)")
_THUMBNAIL = re.compile(
    r"[\"']thumbnail[\"']\s*:\s*\{.*?[\"']default[\"']\s*:\s*\{[^{}]*?[\"']source[\"']\s*:\s*[\"']([^\"']+)[\"']", re.S
)
#: How far from a stream URL its ``duration`` may be written (same config object).
_NEAR = 600


def detect(page: Page) -> Candidate | None:
    embeds = [(e.index, m.group("embed")) for e in page.find("div") if (m := _EMBED_ID.match(e.get("id")))]
    if not embeds:
        return None
    position, embed = embeds[0]
    bases = {m.group("embed"): m.group("base") for m in _LOADER_BASE.finditer(page.html.replace("\\/", "/"))}
    base = page.absolute(bases.get(embed) or "")
    candidate = Candidate(kind=KIND, hls=None, position=position, referer=page.url)

    def complete(fetcher: Fetcher) -> Candidate:
        if not base:
            raise PlayerConfigError(
                f"Vidalytics player found but the page has no loader URL (…/embeds/<account>/{embed}/) for it"
            )
        loader = urljoin(base, "loader.min.js")
        try:
            fetched = fetcher.get(
                loader,
                what="Vidalytics loader script",
                max_bytes=fetcher.options.max_playlist_bytes,
                headers=fetcher.headers(referer=page.url),
                sniff_media=False,
            )
        except VslError as exc:
            raise unreadable(NAME, "loader script", exc) from None
        text = decode_html(fetched.body, fetched.charset).replace("\\/", "/")
        streams = choose_streams(text, fetched.url)
        if not streams:
            raise PlayerConfigError("Vidalytics player found but its loader script names no stream")
        thumb = _THUMBNAIL.search(text)
        return replace(
            candidate,
            stream_url=streams[0],
            hls=is_hls_url(streams[0]),
            others=tuple(streams[1:]),
            thumbnail=urljoin(fetched.url, thumb.group(1)) if thumb else None,
            complete=None,
        )

    return replace(candidate, complete=complete)


def choose_streams(text: str, script_url: str) -> list[str]:
    """Streams named in a loader, the VSL first: the longest video, HLS over MP4 among equals."""
    found: dict[str, tuple[float, int, int]] = {}
    durations = [(m.start(), number(m.group(1)) or 0.0) for m in _DURATION.finditer(text)]
    for match in _STREAM.finditer(text):
        url = urljoin(script_url, match.group("url"))
        if url.startswith("//"):
            url = "https:" + url
        near = [(abs(at - match.start()), value) for at, value in durations if abs(at - match.start()) <= _NEAR]
        duration = min(near)[1] if near else 0.0
        if url not in found:
            found[url] = (duration, 0 if is_hls_url(url) else 1, len(found))
    return sorted(found, key=lambda u: (-found[u][0], found[u][1], found[u][2]))
