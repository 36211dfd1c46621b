"""Plain HTML5 ``<video src>`` / ``<video><source type=...>`` players (self-hosted VSLs).

Decorative clips are common on sales pages: background loops (muted + loop, no controls) and
hidden, muted "pause" clips placed before the real player.  They are listed in ``other_videos``
but never chosen.

One exception: pages imitating vturb's "smart autoplay" play the VSL itself muted and looping
behind a "click to unmute" overlay.  A muted loop is the VSL when the page offers to unmute it
(an unmute element, or a script that sets ``muted = false``), it is not styled as a backdrop
(``position: fixed``, negative ``z-index``, a ``bg``/``background`` class) and it is the first
visible clip; such a candidate has no page position, so any other player on the page wins.
"""

from __future__ import annotations

import re

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
        main = _muted_vsl(page)
        if main is not None:
            stream, poster = main
            clips = tuple(b for b in backgrounds if b != stream)
            return Candidate(kind="html5", stream_url=stream, thumbnail=poster, others=clips, position=None)
        # Only decorative clips: nothing to choose, but they still belong in other_videos.
        return Candidate(kind="html5", others=tuple(backgrounds)) if backgrounds else None
    stream, poster, rest, position = players[0]
    others = [*rest, *(s for s, _, r, _ in players[1:] for s in (s, *r)), *backgrounds]
    return Candidate(kind="html5", stream_url=stream, thumbnail=poster, others=tuple(others), position=position)


#: An element or script that offers to turn the sound on ("clique para ativar o som", "tap to unmute").
_UNMUTE_MARK = re.compile(
    r"unmute|un-mute|desmut|ativar[-_ ]?(?:o[-_ ]?)?som|ative[-_ ]?o[-_ ]?som|sound[-_]?(?:on|overlay|button)", re.I
)
_UNMUTE_SCRIPT = re.compile(
    r"\.muted\s*=\s*(?:false|!1)|prop\(\s*[\"']muted[\"']\s*,\s*false|removeAttribute\(\s*[\"']muted|\.unMute\(|unmute",
    re.I,
)
_BACKDROP_STYLE = re.compile(r"position:fixed|z-index:-|pointer-events:none")
_BACKDROP_NAME = re.compile(r"(?:^|[-_ ])(?:bg|background|backdrop|hero-video|video-bg)(?:$|[-_ ])", re.I)


def _muted_vsl(page: Page) -> tuple[str, str | None] | None:
    """The muted, looping clip that is really the VSL (see the module docstring), or None."""
    offers_unmute = any(
        _UNMUTE_MARK.search(" ".join((e.get("id"), e.get("class"), e.get("onclick"))))
        for e in page.elements
        if e.tag not in ("video", "source", "script")
    ) or any(_UNMUTE_SCRIPT.search(text) for text in page.scripts())
    if not offers_unmute:
        return None
    for video in page.find("video"):
        if _is_hidden(video):
            continue
        style = video.get("style").replace(" ", "").lower()
        if _BACKDROP_STYLE.search(style) or _BACKDROP_NAME.search(f"{video.get('id')} {video.get('class')}"):
            return None  # the first visible clip is a backdrop: the page's VSL is elsewhere
        own = page.absolute(video.get("src") or video.get("data-src"))
        sources = ([(own, video.get("type"))] if own else []) + [
            (url, e.get("type"))
            for e in page.find("source")
            if e.media_parent == video.index and (url := page.absolute(e.get("src") or e.get("data-src")))
        ]
        chosen, _ = pick_source(sources)
        if chosen is not None:
            return chosen, page.absolute(video.get("poster"))
    return None


_HIDDEN_CLASSES = frozenset({"hidden", "d-none", "hide", "invisible", "is-hidden", "sr-only"})


def _is_decorative(video: Element) -> bool:
    """A looping muted background, or a clip nobody can see (hidden by attribute, style or class)."""
    attrs = video.attrs
    background = "loop" in attrs and "muted" in attrs and "controls" not in attrs
    return _is_hidden(video) or background


def _is_hidden(video: Element) -> bool:
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
    return hidden
