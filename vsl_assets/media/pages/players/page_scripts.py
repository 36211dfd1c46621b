"""The page's own external scripts, for players that a script loads rather than the HTML.

Real sales pages copy vturb's ``player.js`` to their own server (``<script src="js/player.js">``)
or load a bundle that injects the player script at run time; the HTML then shows no player at
all.  Reading a few of the page's scripts finds them.  Every fetch goes through the resolver's
fetcher (network guard, timeouts, byte cap); libraries, analytics and pixels are skipped by name
because they are never players and would only cost requests.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from vsl_assets.errors import VslError
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page, decode_html

#: Script names and hosts that are libraries or trackers, never a page's player code.
_NOT_PLAYERS = re.compile(
    r"jquery|bootstrap|googletagmanager|google-analytics|gtag/js|fbevents|connect\.facebook|"
    r"hotjar|clarity\.ms|tiktok|wp-emoji|wp-includes|elementor|swiper|slick|owl\.carousel|"
    r"fontawesome|recaptcha|cloudflare|polyfill|lodash|moment|gsap|aos\.js|utmify|pixel|"
    r"lazysizes|lazyload|modernizr|/hls(?:\.min)?\.js|plyr|smartplayer\.js|"
    # UI frameworks pages load from a CDN (extra, youtube-nocookie_urbanabundance-vsl: React and
    # Babel from unpkg; youtube-multi_preciousfunnel-vsl and youtube-iframe_metodovap: Tailwind's
    # CDN script): never a player, and each would spend one of the few script reads.
    r"/react(?:-dom)?(?:\.production|\.development)?(?:\.min)?\.js|@babel/standalone|/babel(?:\.min)?\.js|"
    r"cdn\.tailwindcss\.com|/vue(?:\.global)?(?:\.prod)?(?:\.min)?\.js|alpinejs",
    re.I,
)


@dataclass(frozen=True)
class Script:
    """A fetched page script and the URL it came from (after redirects)."""

    url: str
    text: str


def script_urls(page: Page, limit: int) -> list[str]:
    """External scripts worth reading, the page's own host first, at most ``limit``."""
    urls: list[str] = []
    for element in page.find("script"):
        url = page.absolute(element.get("src"))
        if url and url not in urls and not _NOT_PLAYERS.search(url):
            urls.append(url)
    site = site_of(page.url)
    own = [u for u in urls if site_of(u) == site]
    return (own + [u for u in urls if u not in own])[:limit]


#: Scripts already fetched in one resolution (per fetcher): the vturb scan, the YouTube IFrame API
#: scan and the offer-second reader all read the same few files, each fetched once.
_CACHE: weakref.WeakKeyDictionary[Fetcher, dict[str, Script | None]] = weakref.WeakKeyDictionary()


def read(fetcher: Fetcher, page: Page, *, same_site: bool = False) -> Iterator[Script]:
    """Fetch the page's scripts one by one (lazily: the caller stops at the first player).

    At most ``max_page_scripts`` URLs are ever read for a page, however many readers ask, and a
    script fetched once in this resolution is not fetched again.  ``same_site`` keeps only the
    page's own host (offer timers live there; a third-party file says nothing about this page).
    """
    cache = _CACHE.setdefault(fetcher, {})
    site = site_of(page.url)
    for url in script_urls(page, fetcher.options.max_page_scripts):
        if same_site and site_of(url) != site:
            continue
        if url not in cache:
            cache[url] = _fetch(fetcher, page, url)
        script = cache[url]
        if script is not None:
            yield script


#: Second-level labels under which registrations sit one level deeper (``loja.com.br``, ``shop.co.uk``).
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "co", "ac"})


def site_of(url: str) -> str:
    """The site a URL belongs to, as browsers group hosts: ``www.``/``cdn.`` subdomains of one
    registered domain are the same site; an IP address is its own site (with its port)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or host.replace(".", "").isdigit() or ":" in host:
        return parts.netloc.lower()
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _fetch(fetcher: Fetcher, page: Page, url: str) -> Script | None:
    try:
        fetched = fetcher.get(
            url,
            what="page script",
            max_bytes=fetcher.options.max_playlist_bytes,
            headers=fetcher.headers(referer=page.url),
            sniff_media=False,
        )
    except VslError:
        return None  # one unreachable tracker must not hide the player script
    return Script(fetched.url, decode_html(fetched.body, fetched.charset))
