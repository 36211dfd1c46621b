"""Plain HTML5 ``<video src>`` / ``<video><source type=...>`` players (self-hosted VSLs).

Decorative clips are common on sales pages: background loops (muted + loop, no controls) and
hidden, muted "pause" clips placed before the real player.  They are listed in ``other_videos``
but never chosen.
"""

from __future__ import annotations

from vsl_assets.media.pages.page import Element, Page
from vsl_assets.media.pages.players.base import Candidate, pick_source


def detect(page: Page) -> Candidate | None:
    players: list[tuple[str, str | None, list[str], int]] = []  # (stream, poster, others, position)
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
        if _is_decorative(video):
            backgrounds.append(chosen)
            continue
        players.append((chosen, page.absolute(video.get("poster")), rest, video.index))
    if not players:
        # Only decorative clips: nothing to choose, but they still belong in other_videos.
        return Candidate(kind="html5", others=tuple(backgrounds)) if backgrounds else None
    stream, poster, rest, position = players[0]
    others = [*rest, *(s for s, _, r, _ in players[1:] for s in (s, *r)), *backgrounds]
    return Candidate(kind="html5", stream_url=stream, thumbnail=poster, others=tuple(others), position=position)


_HIDDEN_CLASSES = frozenset({"hidden", "d-none", "hide", "invisible", "is-hidden", "sr-only"})


def _is_decorative(video: Element) -> bool:
    """A looping muted background, or a clip nobody can see (hidden by attribute, style or class)."""
    attrs = video.attrs
    style = attrs.get("style", "").replace(" ", "").lower()
    hidden = (
        "hidden" in attrs
        or attrs.get("aria-hidden") == "true"
        or "display:none" in style
        or "visibility:hidden" in style
        or attrs.get("width") in ("0", "1")
        or attrs.get("height") in ("0", "1")
        or bool(_HIDDEN_CLASSES & set(video.classes))
    )
    background = "loop" in attrs and "muted" in attrs and "controls" not in attrs
    return hidden or background
