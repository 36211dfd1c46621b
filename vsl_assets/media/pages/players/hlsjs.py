"""Self-hosted players built on hls.js: ``const hls = new Hls(); hls.loadSource("…/master.m3u8")``.

The source is usually a string literal, sometimes a variable assigned just before; both are
read.  Pages that mention Hls but hide the URL elsewhere fall back to the first ``.m3u8`` URL
quoted in their scripts.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import M3U8_IN_TEXT, Candidate

KIND = "hls.js"
_LOAD_LITERAL = re.compile(r"\.loadSource\(\s*([\"'`])(?P<url>[^\"'`]+)\1\s*\)")
_LOAD_VARIABLE = re.compile(r"\.loadSource\(\s*(?P<name>[A-Za-z_$][\w$.]*)\s*\)")
_USES_HLS = re.compile(r"\bnew\s+Hls\s*\(|\bHls\.isSupported\s*\(")


def detect(page: Page) -> Candidate | None:
    found: list[str] = []
    position: int | None = None
    uses_hls = any("hls" in s.get("src").lower() for s in page.find("script"))
    for element in page.find("script"):
        script = element.text
        if not (_USES_HLS.search(script) or ".loadSource(" in script):
            continue
        uses_hls = True
        position = element.index if position is None else position
        for match in _LOAD_LITERAL.finditer(script):
            found.append(match.group("url"))
        for match in _LOAD_VARIABLE.finditer(script):
            name = re.escape(match.group("name").split(".")[-1])
            assigned = re.search(rf"\b{name}\s*[:=]\s*([\"'`])(?P<url>[^\"'`]+)\1", script)
            if assigned:
                found.append(assigned.group("url"))
        if not found:
            found.extend(m.group("url") for m in M3U8_IN_TEXT.finditer(script))
    if not uses_hls:
        return None
    urls = list(dict.fromkeys(u for u in (page.absolute(f) for f in found) if u))
    if not urls:
        return None
    videos = page.find("video")
    poster = next((page.absolute(v.get("poster")) for v in videos if v.get("poster")), None)
    # The player sits where its <video> is, usually just above the script that feeds it.
    before = [v.index for v in videos if position is not None and v.index < position]
    where = before[-1] if before else position
    return Candidate(kind=KIND, stream_url=urls[0], thumbnail=poster, others=tuple(urls[1:]), hls=True, position=where)
