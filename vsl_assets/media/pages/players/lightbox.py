"""Click-to-play lightboxes: a thumbnail or button that opens the video in a popup.

The video is named on the trigger element, not in an iframe: ``<a data-video="https://www.youtube.com/embed/…">``,
``data-src``/``data-url`` (Fancybox, GLightbox, Lity), ``data-video-id`` (YouTube ids), ``data-vimeo-id``,
``data-wistia-id``, or a plain ``href`` to the video on a link the page marks as a lightbox.  A value
is used only when it is a video URL of a site yt-dlp knows or a stream file; a bare ``data-video-id``
counts as YouTube only where the element or the page says YouTube.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import Element, Page
from vsl_assets.media.pages.players.base import Candidate, is_stream_url

KIND = "lightbox"
#: Elements whose data-src is lazy loading of the element itself, read by other detectors.
_LAZY_ELEMENTS = frozenset(
    {"iframe", "img", "source", "video", "audio", "video-js", "script", "link", "embed", "picture"}
)
_URL_ATTRS = (
    "data-video",
    "data-video-url",
    "data-video-src",
    "data-src",
    "data-url",
    "data-href",
    "data-embed",
    "data-iframe",
)
_ID_URLS = {
    "data-youtube-id": "https://www.youtube.com/watch?v={}",
    "data-yt-id": "https://www.youtube.com/watch?v={}",
    "data-ytid": "https://www.youtube.com/watch?v={}",
    "data-vimeo-id": "https://player.vimeo.com/video/{}",
    "data-wistia-id": "https://fast.wistia.net/embed/iframe/{}",
}
_LIGHTBOX_MARKS = re.compile(r"lightbox|popup|fancybox|venobox|glightbox|magnific|lity|modal|video-trigger", re.I)
_YOUTUBE_ID = re.compile(r"^[0-9A-Za-z_-]{11}$")
_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]{4,40}$")


def detect(page: Page) -> Candidate | None:
    youtube_page = "youtube" in page.html.lower()
    found: list[tuple[int, str, bool]] = []  # (position, url, is an embed for yt-dlp)
    for element in page.elements:
        if element.tag in _LAZY_ELEMENTS:
            continue
        for url in _urls(page, element, youtube_page):
            if is_known_host(url, embed=True):
                found.append((element.index, url, True))
            elif is_stream_url(url):
                found.append((element.index, url, False))
    if not found:
        return None
    urls = list(dict.fromkeys(url for _, url, _ in found))
    position, main, embed = found[0]
    return Candidate(
        kind=KIND,
        stream_url=None if embed else main,
        embed_url=main if embed else None,
        ytdlp=embed,
        others=tuple(urls[1:]),
        claims=tuple(u for _, u, is_embed in found if is_embed),
        position=position,
    )


def _urls(page: Page, element: Element, youtube_page: bool) -> list[str]:
    attrs = element.attrs
    urls: list[str] = []
    for name in _URL_ATTRS:
        value = attrs.get(name, "").strip()
        if not value:
            continue
        if _YOUTUBE_ID.match(value) and _says_youtube(element, youtube_page):
            urls.append(f"https://www.youtube.com/watch?v={value}")
            continue
        url = page.absolute(value)
        if url:
            urls.append(url)
    for name, template in _ID_URLS.items():
        value = attrs.get(name, "").strip()
        if value and _SAFE_ID.match(value):
            urls.append(template.format(value))
    video_id = attrs.get("data-video-id", "").strip()
    if _YOUTUBE_ID.match(video_id) and _says_youtube(element, youtube_page) and "data-account" not in attrs:
        urls.append(f"https://www.youtube.com/watch?v={video_id}")
    if element.tag == "a" and _is_lightbox(element):
        url = page.absolute(attrs.get("href"))
        if url and _names_one_video(url):
            urls.append(url)
    return urls


_CHANNEL_PATHS = re.compile(r"^/(?:@|c/|channel/|user/|playlist|results|feed)", re.I)


def _names_one_video(url: str) -> bool:
    """A link to one video, not to a channel or playlist page (social "follow us" popups)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(("youtube.com", "youtube-nocookie.com")):
        return parts.path.startswith(("/watch", "/embed/", "/shorts/", "/live/"))
    if host.endswith("vimeo.com"):
        return bool(re.search(r"/\d{5,}", parts.path))
    return not _CHANNEL_PATHS.match(parts.path)


def _says_youtube(element: Element, youtube_page: bool) -> bool:
    text = " ".join([*element.attrs.values(), *element.attrs.keys()]).lower()
    if "vimeo" in text or "wistia" in text:
        return False
    return "youtube" in text or "yt" in element.classes or youtube_page


def _is_lightbox(element: Element) -> bool:
    attrs = element.attrs
    marks = " ".join(
        [attrs.get("class", ""), attrs.get("rel", ""), attrs.get("data-toggle", ""), attrs.get("data-bs-toggle", "")]
    )
    return bool(_LIGHTBOX_MARKS.search(marks)) or any(
        k in attrs for k in ("data-fancybox", "data-lity", "data-glightbox")
    )
