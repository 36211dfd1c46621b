"""Embeds of sites that yt-dlp's extractors know (YouTube, Vimeo, Wistia, JW Player, Bunny...).

Only the embed URL is found here; yt-dlp turns it into a stream.  Besides iframes, two
script-based embeds are common on sales pages: Wistia's ``<div class="wistia_embed
wistia_async_<id>">`` and JW Player's cloud-hosted ``cdn.jwplayer.com/players/<media>-<player>.js``.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import Candidate, iframe_src

KIND = "embed"
_WISTIA_ASYNC = re.compile(r"\bwistia_async_([0-9a-z]{6,20})\b", re.I)
_JW_SCRIPT = re.compile(
    r"(?:https?:)?//(?:cdn\.jwplayer\.com|content\.jwplatform\.com)/players/([0-9A-Za-z]{8})-[0-9A-Za-z]{8}\.js"
)


def detect(page: Page) -> Candidate | None:
    urls: list[str] = []
    for element in page.find("iframe", "embed"):
        url = page.absolute(iframe_src(element.attrs))
        if url and is_known_host(url, embed=True):
            urls.append(url)
    for element in page.find("div", "span"):
        match = _WISTIA_ASYNC.search(element.get("class"))
        if match:
            urls.append(f"https://fast.wistia.net/embed/iframe/{match.group(1)}")
    for element in page.find("script"):
        match = _JW_SCRIPT.search(element.get("src"))
        if match:
            urls.append(f"https://cdn.jwplayer.com/v2/media/{match.group(1)}")
    urls = list(dict.fromkeys(urls))
    if not urls:
        return None
    return Candidate(kind=KIND, embed_url=urls[0], ytdlp=True, others=tuple(urls[1:]), claims=tuple(urls))
