"""schema.org ``VideoObject`` in JSON-LD, which SEO plugins add to many sales pages.

``contentUrl`` is the media itself; ``embedUrl`` is a player page to follow (through yt-dlp for
sites it knows).  ``name`` and ``thumbnailUrl`` describe the video better than the page does.
Malformed JSON-LD is common and simply ignored: it is metadata, not the player.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import Candidate, is_stream_url

KIND = "json-ld"


def detect(page: Page) -> Candidate | None:
    candidates: list[Candidate] = []
    for script in page.find("script"):
        if script.get("type").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except ValueError:
            continue
        for video in _videos(data):
            content = page.absolute(_text(video.get("contentUrl")))
            embed = page.absolute(_text(video.get("embedUrl")))
            if embed and is_stream_url(embed) and not content:
                content, embed = embed, None
            if not content and not embed:
                continue
            candidates.append(
                Candidate(
                    kind=KIND,
                    stream_url=content,
                    embed_url=None if content else embed,
                    ytdlp=bool(embed and not content and is_known_host(embed, embed=True)),
                    title=_text(video.get("name")),
                    thumbnail=page.absolute(_thumbnail(video.get("thumbnailUrl") or video.get("thumbnail"))),
                    others=(embed,) if content and embed else (),
                )
            )
    if not candidates:
        return None
    main = candidates[0]
    rest = [u for c in candidates[1:] for u in (c.target, *c.others) if u]
    return replace(main, others=(*main.others, *rest))


def _videos(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _videos(item)
    elif isinstance(data, dict):
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "VideoObject" in kinds:
            yield data
        for key in ("@graph", "video", "mainEntity", "hasPart"):
            if key in data:
                yield from _videos(data[key])


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _thumbnail(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _thumbnail(value[0])
    return _text(value)
