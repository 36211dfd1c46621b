"""YouTube players built with the IFrame API: ``<div id="player">`` plus a script with
``new YT.Player("player", {videoId: "…"})`` (or a ``VIDEO_ID``/``videoId`` variable it reads).

The page has no iframe until the API runs, so the embed detector sees nothing; the video id in
the script is the whole embed.  yt-dlp's YouTube extractor turns the watch URL into a stream.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.page import Page
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
        found = [m.group("id") for m in _VIDEO_ID.finditer(script.text)]
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
