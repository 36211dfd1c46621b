"""VSLtube: a YouTube wrapper that hides the video id in an obfuscated ``data-key``.

The embed code is ``<div id="vsltube" data-key="48115a…">`` plus ``cdn.vsltube.com/app/vsltube.js``,
usually pasted inside an ``<iframe srcdoc>`` (whose elements the page parser splices in).  The key
is hex; each byte XOR 0x33 gives a JSON object whose ``idvideo`` is the YouTube id the wrapper
plays.  Nothing in the page names the video otherwise, so the embed and iframe detectors only see
the wrapper's script.

A key that does not decode to such an object is ignored (no guess): only an 11-character YouTube
id taken from valid JSON becomes a candidate.  The wrapper's own reveal setting (``showElement``
after ``showTime``) is not read as the offer second: its unit is not documented and the real page
seen aims it at a placeholder class.
"""

from __future__ import annotations

import json
import re

from vsl_assets.media.pages.page import Element, Page
from vsl_assets.media.pages.players.base import Candidate

KIND = "vsltube"
_KEY = 0x33
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}){8,8192}$")
_YOUTUBE_ID = re.compile(r"^[0-9A-Za-z_-]{11}$")


def detect(page: Page) -> Candidate | None:
    found: list[tuple[int, str]] = []
    for element in page.elements:
        if not _is_wrapper(element):
            continue
        video = decode_key(element.get("data-key"))
        if video:
            found.append((element.index, f"https://www.youtube.com/watch?v={video}"))
    if not found:
        return None
    urls = list(dict.fromkeys(url for _, url in found))
    return Candidate(
        kind=KIND,
        embed_url=urls[0],
        ytdlp=True,
        others=tuple(urls[1:]),
        claims=tuple(urls),
        position=found[0][0],
    )


def decode_key(key: str) -> str | None:
    """The YouTube id in a VSLtube ``data-key``, or None when the key is not one."""
    key = key.strip()
    if not _HEX.match(key):
        return None
    try:
        config = json.loads(bytes(b ^ _KEY for b in bytes.fromhex(key)).decode("utf-8", "replace"))
    except ValueError:
        return None
    video = config.get("idvideo") if isinstance(config, dict) else None
    return video if isinstance(video, str) and _YOUTUBE_ID.match(video) else None


def _is_wrapper(element: Element) -> bool:
    if not element.get("data-key"):
        return False
    return element.get("id").lower().startswith("vsltube") or any(
        c.lower().startswith("vsltube") for c in element.classes
    )
