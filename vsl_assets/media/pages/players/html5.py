"""Plain HTML5 ``<video src>`` / ``<video><source type=...>`` players (self-hosted VSLs).

Decorative background clips (autoplay + muted + loop, no controls) are common on sales pages;
they are listed in ``other_videos`` but never chosen while a real player exists.
"""

from __future__ import annotations

from vsl_assets.media.pages.page import Element, Page
from vsl_assets.media.pages.players.base import Candidate, pick_source


def detect(page: Page) -> Candidate | None:
    players: list[tuple[str, str | None, list[str]]] = []  # (stream, poster, others)
    backgrounds: list[str] = []
    sources_by_parent: dict[int, list[tuple[str, str]]] = {}
    for element in page.find("source"):
        if element.media_parent is not None:
            url = page.absolute(element.get("src") or element.get("data-src"))
            if url:
                sources_by_parent.setdefault(element.media_parent, []).append((url, element.get("type")))
    for video in page.find("video"):
        own = page.absolute(video.get("src") or video.get("data-src"))
        sources = ([(own, video.get("type"))] if own else []) + sources_by_parent.get(video.index, [])
        chosen, rest = pick_source(sources)
        if chosen is None:
            continue
        if _is_background(video):
            backgrounds.append(chosen)
            continue
        players.append((chosen, page.absolute(video.get("poster")), rest))
    if not players:
        # Only decorative clips: nothing to choose, but they still belong in other_videos.
        return Candidate(kind="html5", others=tuple(backgrounds)) if backgrounds else None
    stream, poster, rest = players[0]
    others = [*rest, *(s for s, _, r in players[1:] for s in (s, *r)), *backgrounds]
    return Candidate(kind="html5", stream_url=stream, thumbnail=poster, others=tuple(others))


def _is_background(video: Element) -> bool:
    attrs = video.attrs
    return "loop" in attrs and "muted" in attrs and "autoplay" in attrs and "controls" not in attrs
