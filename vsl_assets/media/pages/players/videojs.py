"""Video.js players: ``<video class="video-js" data-setup='{"sources": [...]}'>`` or ``<source>``
children, and the scripted form ``videojs("id").src({src: "…", type: "application/x-mpegURL"})``.
"""

from __future__ import annotations

import json
import re

from vsl_assets.media.pages.page import Element, Page
from vsl_assets.media.pages.players.base import Candidate, pick_source

KIND = "videojs"
_SCRIPTED = re.compile(
    r"\.src\(\s*\[?\s*\{[^{}]*?\bsrc\s*:\s*([\"'])(?P<url>[^\"']+)\1(?:[^{}]*?\btype\s*:\s*([\"'])(?P<type>[^\"']+)\3)?"
)


def detect(page: Page) -> Candidate | None:
    sources: list[tuple[str, str]] = []
    poster: str | None = None
    position: int | None = None
    sources_by_parent: dict[int, list[Element]] = {}
    for source in page.find("source"):
        if source.media_parent is not None:
            sources_by_parent.setdefault(source.media_parent, []).append(source)
    for video in page.find("video", "video-js"):
        setup = _setup(video)
        if setup is None and "video-js" not in video.classes and video.tag != "video-js":
            continue
        setup = setup or {}
        listed = setup.get("sources")
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("src"), str):
                url = page.absolute(item["src"])
                if url:
                    sources.append((url, str(item.get("type") or "")))
        for source in sources_by_parent.get(video.index, []):
            url = page.absolute(source.get("src"))
            if url:
                sources.append((url, source.get("type")))
        own = page.absolute(video.get("src"))
        if own:
            sources.append((own, video.get("type")))
        if sources and position is None:
            position = video.index
        poster = poster or page.absolute(video.get("poster") or str(setup.get("poster") or ""))
    if "videojs" in page.html:
        for script in page.scripts():
            if "videojs" not in script:
                continue
            for match in _SCRIPTED.finditer(script):
                url = page.absolute(match.group("url"))
                if url:
                    sources.append((url, match.group("type") or ""))
    chosen, rest = pick_source(sources)
    if chosen is None:
        return None
    return Candidate(kind=KIND, stream_url=chosen, thumbnail=poster, others=tuple(rest), position=position)


def _setup(video: Element) -> dict[str, object] | None:
    raw = video.attrs.get("data-setup")
    if raw is None:
        return None
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
