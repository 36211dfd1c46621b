"""Self-hosted JW Player: ``jwplayer("id").setup({file: "…/master.m3u8", image: "…", title: "…"})``.

JW Player's documented setup (``jwplayer(div).setup(options)``) names the media in ``file``, in
``sources: [{file, type}]`` or in ``playlist: [{file | sources, image, title}]``; ``image`` is the
poster and ``title`` the title.  yt-dlp's generic extractor reads the same setup and also brings the
formats' own request headers, so the resolver keeps yt-dlp first; this detector is used only when
yt-dlp is switched off or fails on the page, and then carries the setup's title and poster itself.

Only files that are streams count (``.m3u8``/``.mp4``…, or a file the setup types as ``hls``/``mp4``):
a ``file`` naming a YouTube page, an RTMP or DASH URL, a caption or thumbnail track is not a stream
this project downloads.  A setup that declares a ``drm`` block is reported as DRM-protected.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import HLS_MIME, Candidate, is_stream_url, pick_source

KIND = "jwplayer"
#: How far a setup object is read (a setup is a few hundred characters; a bundle is not a setup).
_MAX_SETUP = 8000
_USES_JW = re.compile(r"\bjwplayer\s*\(\s*(?:[\"'](?P<id>[\w-]{1,80})[\"'])?\s*\)")
_SETUP = re.compile(r"\.setup\s*\(\s*\{")
_QUOTED = r"""\s*:\s*(["'])(?P<value>[^"'\n]{1,2000})\1"""
_FILE = re.compile(r"""["']?\bfile["']?""" + _QUOTED)
_TITLE = re.compile(r"""["']?\btitle["']?""" + _QUOTED)
_IMAGE = re.compile(r"""["']?\bimage["']?""" + _QUOTED)
_TYPE = re.compile(r"""["']?\btype["']?\s*:\s*["'](?P<type>[\w/.+-]{1,40})["']""")
_DRM = re.compile(r"""["']?\bdrm["']?\s*:\s*\{""")
_STREAM_TYPES = {"hls": HLS_MIME[0], "m3u8": HLS_MIME[0], "mp4": "video/mp4", "video/mp4": "video/mp4"}


def detect(page: Page) -> Candidate | None:
    for element in page.find("script"):
        script = element.text
        uses = _USES_JW.search(script)
        if uses is None:
            continue
        for setup in _SETUP.finditer(script):
            body = _object(script, setup.end() - 1)
            if body is None:
                continue
            candidate = _candidate(page, body)
            if candidate is None:
                continue
            div = uses.group("id")
            target = next((e for e in page.elements if div and e.get("id") == div), None)
            position = target.index if target is not None else element.index
            return Candidate(
                kind=candidate.kind,
                stream_url=candidate.stream_url,
                title=candidate.title,
                thumbnail=candidate.thumbnail,
                drm=candidate.drm,
                others=candidate.others,
                hls=candidate.hls,
                position=position,
            )
    return None


def _candidate(page: Page, setup: str) -> Candidate | None:
    sources: list[tuple[str, str]] = []
    for match in _FILE.finditer(setup):
        url = page.absolute(match.group("value").strip())
        if not url:
            continue
        near = _TYPE.search(setup[match.end() : match.end() + 200].split("}")[0])
        mime = _STREAM_TYPES.get(near.group("type").lower(), "") if near else ""
        if is_stream_url(url) or mime:
            sources.append((url, mime))
    chosen, rest = pick_source(sources)
    if chosen is None:
        return None
    title = _TITLE.search(setup)
    image = _IMAGE.search(setup)
    drm = "the JW Player setup declares DRM (a drm block)" if _DRM.search(setup) else None
    hls = next((m in HLS_MIME for u, m in sources if u == chosen and m), None)
    return Candidate(
        kind=KIND,
        stream_url=chosen,
        title=title.group("value").strip() if title else None,
        thumbnail=page.absolute(image.group("value").strip()) if image else None,
        drm=drm,
        others=tuple(rest),
        hls=hls,
    )


def _object(script: str, open_at: int) -> str | None:
    """The text of the ``{…}`` starting at ``open_at`` (braces inside strings are rare in setups)."""
    depth = 0
    for i in range(open_at, min(len(script), open_at + _MAX_SETUP)):
        char = script[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return script[open_at : i + 1]
    return None
