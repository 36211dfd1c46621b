"""YouTube players built with the IFrame API: ``<div id="player">`` plus a script with
``new YT.Player("player", {videoId: "…"})`` (or a ``VIDEO_ID``/``videoId`` variable it reads).

The page has no iframe until the API runs, so the embed detector sees nothing; the video id in
the script is the whole embed.  yt-dlp's YouTube extractor turns the watch URL into a stream.
Pages often keep that script in a file of their own (``<script src="js/youtube.js">`` with
``var VIDEO_ID = '…'`` and ``new YT.Player('player', {videoId: VIDEO_ID})``):
:func:`in_scripts` reads the page's same-site scripts for it.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import page_scripts
from vsl_assets.media.pages.players.base import Candidate

KIND = "youtube-api"
_NEW_PLAYER = re.compile(r"\bnew\s+YT\.Player\s*\(\s*(?:[\"'](?P<target>[\w-]+)[\"'])?")
_VIDEO_ID = re.compile(
    r"\b(?:videoId|VIDEO_ID|video_id|videoID|youtubeId|youtube_id|ytId)\b[\"']?\s*[:=]\s*[\"'](?P<id>[0-9A-Za-z_-]{11})[\"']"
)


def detect(page: Page) -> Candidate | None:
    scripts = [s for s in page.find("script") if s.text]
    if not any(_NEW_PLAYER.search(s.text) for s in scripts):
        return None
    ids: list[str] = []
    position: int | None = None
    target: str | None = None
    for script in scripts:
        player = _NEW_PLAYER.search(script.text)
        found = _ids_in(script.text)
        if player or found:
            position = script.index if position is None else position
            target = target or (player.group("target") if player else None)
        ids.extend(found)
    ids = list(dict.fromkeys(ids))
    if not ids:
        return None
    holder = next((e.index for e in page.elements if target and e.get("id") == target), None)
    urls = [f"https://www.youtube.com/watch?v={video}" for video in ids]
    return Candidate(
        kind=KIND,
        embed_url=urls[0],
        ytdlp=True,
        others=tuple(urls[1:]),
        claims=tuple(urls),
        position=holder if holder is not None else position,
    )


def video_ids(text: str) -> list[str]:
    """Video ids a script hands to ``new YT.Player`` (none when it builds no player)."""
    if not _NEW_PLAYER.search(text):
        return []
    return list(dict.fromkeys(_ids_in(text)))


_VIDEO_ID_VARIABLE = re.compile(r"\bvideoId\s*:\s*(?P<name>[A-Za-z_$][\w$]*)\b")


def _ids_in(text: str) -> list[str]:
    """Ids written next to their key, and ids a ``videoId: NAME`` option takes from a variable."""
    found = [m.group("id") for m in _VIDEO_ID.finditer(text)]
    for option in _VIDEO_ID_VARIABLE.finditer(text):
        name = re.escape(option.group("name"))
        value = re.search(rf"\b{name}\s*=\s*[\"'](?P<id>[0-9A-Za-z_-]{{11}})[\"']", text)
        if value:
            found.append(value.group("id"))
    return found


def in_scripts(fetcher: Fetcher, page: Page) -> Candidate | None:
    """The IFrame API player one of the page's own script files builds, or None.

    Only same-site files count: a third-party widget's player is not this page's VSL.  The files
    come from :mod:`page_scripts` (its limit and the resolver's guarded fetcher).
    """
    for script in page_scripts.read(fetcher, page, same_site=True):
        ids = video_ids(script.text)
        if ids:
            player = _NEW_PLAYER.search(script.text)
            target = player.group("target") if player else None
            holder = next((e.index for e in page.elements if target and e.get("id") == target), None)
            urls = [f"https://www.youtube.com/watch?v={video}" for video in ids]
            return Candidate(
                kind=KIND, embed_url=urls[0], ytdlp=True, others=tuple(urls[1:]), claims=tuple(urls), position=holder
            )
    return None
