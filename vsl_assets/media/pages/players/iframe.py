"""Iframes to follow one level deep: a sales page often frames a player page from another host.

Lazy loaders leave ``src="about:blank"`` (or no src) and the real URL in ``data-src`` /
``data-lazy-src`` until scrolled into view, so those count too.  Tag managers, captchas, chat
widgets and social plugins are never players and are skipped to save requests.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import Candidate, iframe_src

KIND = "iframe"
_NOT_PLAYERS = (
    "googletagmanager.com",
    "google.com",
    "doubleclick.net",
    "facebook.com/plugins",
    "facebook.com/tr",
    "recaptcha.net",
    "hotjar.com",
    "hotmart.com/checkout",
    "pay.hotmart.com",
    "typeform.com",
    "calendly.com",
    "maps.google",
    "googlesyndication.com",
    "tiktok.com/embed/v2/pixel",
    "zopim.com",
    "tawk.to",
    "intercom.io",
    "clarity.ms",
)


def detect(page: Page) -> Candidate | None:
    urls: list[str] = []
    for element in page.find("iframe", "frame"):
        url = page.absolute(iframe_src(element.attrs))
        if url and url != page.url and not _skipped(url) and url not in urls:
            urls.append(url)
    if not urls:
        return None
    return Candidate(kind=KIND, embed_url=urls[0], others=tuple(urls[1:]))


def _skipped(url: str) -> bool:
    parts = urlsplit(url)
    where = f"{(parts.hostname or '').lower()}{parts.path}"
    return any(where == s or where.startswith(s) or f".{s}" in f".{where}" for s in _NOT_PLAYERS)
