"""Panda Video (pandavideo.com.br), a Brazilian video host popular for VSLs and courses.

Its embed is an iframe ``https://player-vz-<library>.tv.pandavideo.com.br/embed/?v=<uuid>``
(with ``id="panda-<uuid>"``), and the video's HLS master lives at
``https://b-vz-<library>.tv.pandavideo.com.br/<uuid>/playlist.m3u8``.  Mapping the embed URL
to the playlist costs no request.  Single-page-app shells have no iframe in their HTML (the body
is ``<div id="root">``) but Panda's "speed" snippet in their head preloads the playlist
(``<link rel="preload" href="https://b-vz-…/<uuid>/playlist.m3u8">``) and prerenders the embed
(``<link rel="prerender" href="https://player-vz-…/embed/?v=<uuid>">``); both are read.

When the embed does not have the standard shape (a custom domain, an old
``player.pandavideo.com.br`` URL, the JS API ``new PandaPlayer(...)``) the embed page is read.  A
real embed page has no ``.m3u8`` in its HTML: its player builds the playlist URL from the library
and video ids, reading the video's config JSON (``config.tv.pandavideo.com.br/vz-<library>/<uuid>.json``).
So the embed page is searched for, in order: a playlist URL, a config JSON (fetched and searched
the same way), and the library id and video id — the latter used only when the page itself
refers to the ``b-<library>`` playlist host or the ``playlist.m3u8`` name, never guessed.

Panda's CDN checks that requests come from its player, so the embed URL is the Referer (and
its origin the Origin) for the stream, not the sales page.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import parse_qs, urljoin, urlsplit

from vsl_assets.errors import VslError
from vsl_assets.media.pages.errors import PlayerConfigError, unreadable
from vsl_assets.media.pages.fetch import Fetcher, origin_of
from vsl_assets.media.pages.page import Page, decode_html
from vsl_assets.media.pages.players.base import M3U8_IN_TEXT, Candidate, iframe_src

KIND = "panda"
NAME = "Panda Video"
_HOST = re.compile(r"^player-vz-(?P<library>[0-9a-z-]+)\.tv\.pandavideo\.com(?:\.br)?$", re.I)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_UUID_TEXT = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_LIBRARY = re.compile(r"library_id[\"']?\s*[:=]\s*[\"'](?:vz-)?(?P<library>[0-9a-z-]+)[\"']", re.I)
_EXTERNAL_ID = re.compile(
    rf"(?:video_external_id|video_id|videoId)[\"']?\s*[:=]\s*[\"'](?P<uuid>{_UUID_TEXT})[\"']", re.I
)
_PLAYLIST_PATH = re.compile(rf"/(?P<uuid>{_UUID_TEXT})/playlist\.m3u8$", re.I)
_CONFIG_JSON = re.compile(
    rf"(?P<url>(?:https?:)?//[^\s\"'<>]+?/vz-(?P<library>[0-9a-z-]+)/(?P<uuid>{_UUID_TEXT})\.json)", re.I
)
_PLAYLIST_HOST = re.compile(r"\bb-vz-(?P<library>[0-9a-z-]+)\.tv\.pandavideo\.com(?:\.br)?", re.I)
_DRM = re.compile(r"[\"']?(?:drm|drm_enabled|drmEnabled|isDrm)[\"']?\s*:\s*(?:true|!0)", re.I)
#: A library ("pullzone") id as Panda's embed page reads it from a host name or the ``l`` parameter.
_PULLZONE = re.compile(r"vz-(?P<library>[0-9a-z]{8}-[0-9a-z]{3})")
#: Where Panda's player reads each video's config (CTA times, DRM): ``<base>/vz-<library>/<uuid>.json``.
CONFIG_BASE = "https://config.tv.pandavideo.com.br"
#: Panda's old, library-less embed host: its page learns the library from ``l=`` or not at all.
_OLD_HOSTS = frozenset({"player.pandavideo.com.br", "player.pandavideo.com"})
_LOAD_BUTTON = re.compile(r"\.loadButtonInTime\s*\(")
_QUOTED_M3U8 = re.compile(r"[\"'](?P<url>[^\"'\s]+\.m3u8(?:\?[^\"'\s]*)?)[\"']")


def playlist_url(embed_url: str) -> str | None:
    """The HLS master for a Panda embed URL, or None when the URL does not name the library.

    Panda's own embed page takes the library ("pullzone") from its host name
    (``player-vz-<library>.tv.pandavideo.com.br``, also on other Panda hosts) or, on the old
    ``player.pandavideo.com.br`` host, from the ``l=vz-<library>`` query parameter.
    """
    parts = urlsplit(embed_url)
    query = parse_qs(parts.query)
    video = (query.get("v") or [""])[0]
    if not _UUID.match(video) or not parts.path.rstrip("/").endswith("/embed") or not _is_panda(embed_url):
        return None
    hostname = (parts.hostname or "").lower()
    host = _HOST.match(hostname) or _PULLZONE.search(hostname)
    library = host.group("library") if host else None
    if library is None:
        param = _PULLZONE.fullmatch((query.get("l") or [""])[0].lower())
        library = param.group("library") if param else None
    if library is None:
        return None
    domain = "pandavideo.com" if hostname.endswith(".pandavideo.com") else "pandavideo.com.br"
    return f"https://b-vz-{library.lower()}.tv.{domain}/{video.lower()}/playlist.m3u8"


def config_url(candidate: Candidate) -> str | None:
    """The video's player config (``config.tv.pandavideo.com.br/vz-<library>/<uuid>.json``)."""
    for url in (candidate.stream_url, *(candidate.claims or ()), candidate.referer):
        if not url:
            continue
        parts = urlsplit(url)
        host = _PLAYLIST_HOST.search(parts.hostname or "")
        path = _PLAYLIST_PATH.search(parts.path)
        if host and path:
            return f"{CONFIG_BASE}/vz-{host.group('library').lower()}/{path.group('uuid').lower()}.json"
        mapped = playlist_url(url)
        if mapped:
            return config_url(replace(candidate, stream_url=mapped, claims=(), referer=None))
    return None


def calls_load_button(page: Page) -> bool:
    """Whether the page asks Panda's player to show the CTA buttons at their configured time."""
    return any(_LOAD_BUTTON.search(text) for text in page.scripts())


def config_cta(fetcher: Fetcher, candidate: Candidate) -> tuple[float | None, str | None]:
    """The CTA second the video's Panda config sets (what ``loadButtonInTime`` shows), if any.

    ``outsideCta[].time`` (buttons under the player, the earliest wins), then ``ctas[]`` items of
    ``type == "video"`` (``time``).  A config that cannot be read leaves the second unknown: it
    never fails the resolution.
    """
    url = config_url(candidate)
    if url is None:
        return None, None
    embed = candidate.referer or url
    try:
        fetched = fetcher.get(
            url,
            what="Panda Video config",
            max_bytes=fetcher.options.max_playlist_bytes,
            headers=fetcher.headers(referer=embed, origin=True, accept="application/json,*/*"),
            sniff_media=False,
        )
        config = json.loads(decode_html(fetched.body, fetched.charset))
    except (VslError, ValueError):
        return None, None
    if not isinstance(config, dict):
        return None, None
    outside = [_seconds(item.get("time")) for item in _items(config.get("outsideCta"))]
    if any(t is not None for t in outside):
        return min(t for t in outside if t is not None), "Panda config outsideCta"
    ctas = [_seconds(item.get("time")) for item in _items(config.get("ctas")) if item.get("type") == "video"]
    if any(t is not None for t in ctas):
        return min(t for t in ctas if t is not None), "Panda config ctas"
    return None, None


def _items(value: object) -> list[dict[str, object]]:
    if isinstance(value, dict):
        value = [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _seconds(value: object) -> float | None:
    """Seconds from a number, a numeric string or ``"mm:ss"``/``"hh:mm:ss"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"\d+(?::\d{1,2}){0,2}(?:\.\d+)?", value.strip()):
        total = 0.0
        for part in value.strip().split(":"):
            total = total * 60 + float(part)
        return total
    return None


def embed_url(library: str, video: str) -> str:
    return f"https://player-vz-{library.lower()}.tv.pandavideo.com.br/embed/?v={video.lower()}"


def _is_panda(url: str) -> bool:
    return "pandavideo" in (urlsplit(url).hostname or "")


def detect(page: Page) -> Candidate | None:
    embeds: list[str] = []
    position: int | None = None
    for iframe in page.find("iframe"):
        src = page.absolute(iframe_src(iframe.attrs))
        if src and (_is_panda(src) or iframe.get("id").startswith("panda-")):
            embeds.append(src)
            position = iframe.index if position is None else position
    preloads: list[str] = []
    panda_page = "pandavideo" in page.html.lower()
    for link in page.find("link"):
        rels = set(link.get("rel").lower().split())
        href = page.absolute(link.get("href"))
        if not href:
            continue
        if rels & {"prerender", "prefetch", "preload"} and _is_panda(href) and _is_embed_page(href):
            embeds.append(href)
        elif rels & {"preload", "prefetch"} and _PLAYLIST_PATH.search(urlsplit(href).path) and panda_page:
            preloads.append(href)
    library, external = _LIBRARY.search(page.html), _EXTERNAL_ID.search(page.html)
    if library and external:
        embeds.append(embed_url(library.group("library"), external.group("uuid")))
    embeds = list(dict.fromkeys(embeds))
    preloads = list(dict.fromkeys(preloads))
    if not embeds and not preloads:
        return None
    if preloads and not embeds:
        embeds = [_embed_for_playlist(preloads[0])]
    main, rest = embeds[0], embeds[1:]
    mapped = playlist_url(main)
    preloaded = _matching(preloads, main) or (preloads[0] if preloads and not mapped else None)
    others = tuple(u for u in dict.fromkeys([*(playlist_url(e) or e for e in rest), *preloads]) if u != preloaded)
    base = Candidate(
        kind=KIND,
        referer=main,
        headers={"Referer": main, "Origin": origin_of(main)},
        others=tuple(o for o in others if o != mapped),
        hls=True,
        claims=tuple(embeds),
        position=position,
    )
    if preloaded or mapped:
        return replace(base, stream_url=preloaded or mapped)

    def complete(fetcher: Fetcher) -> Candidate:
        stream, drm, player = _from_embed_page(fetcher, main, page.url)
        return replace(
            base,
            stream_url=stream,
            drm="Panda Video player has DRM enabled" if drm else None,
            referer=player,
            headers={"Referer": player, "Origin": origin_of(player)},
            complete=None,
        )

    return replace(base, complete=complete)


def _is_embed_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.rstrip("/").endswith("/embed") and "v" in parse_qs(parts.query)


def _matching(preloads: list[str], embed: str) -> str | None:
    video = (parse_qs(urlsplit(embed).query).get("v") or [""])[0].lower()
    return next((p for p in preloads if video and f"/{video}/" in p.lower()), None)


def _embed_for_playlist(playlist: str) -> str:
    """The player page a preloaded playlist belongs to: Panda's CDN expects it as the Referer."""
    parts = urlsplit(playlist)
    host = parts.hostname or ""
    match = _PLAYLIST_PATH.search(parts.path)
    video = match.group("uuid").lower() if match else ""
    if host.startswith("b-vz-") and ".tv." in host:
        return f"https://player-{host[2:]}/embed/?v={video}"
    return f"{parts.scheme}://{parts.netloc}/embed/?v={video}"


def _from_embed_page(fetcher: Fetcher, embed: str, referer: str) -> tuple[str, bool, str]:
    """The playlist a non-standard embed page's player would load, whether DRM is on, and the
    page the player runs in (the embed URL, or where it redirected: the stream's Referer)."""
    try:
        fetched = fetcher.get(
            embed,
            what="Panda Video embed page",
            max_bytes=fetcher.options.max_page_bytes,
            headers=fetcher.headers(referer=referer, accept="text/html,*/*"),
        )
    except VslError as exc:
        raise unreadable(NAME, "embed page", exc) from None
    text = decode_html(fetched.body, fetched.charset).replace("\\/", "/")
    drm = bool(_DRM.search(text))
    player = fetched.url
    stream = _playlist_in(text, fetched.url)
    if stream:
        return stream, drm, player
    # Panda's embed page takes the library from its own address (``window.location``: the host
    # ``player-vz-<lib>…`` or ``l=vz-<lib>``; see the real embed page in shared/realpages, component
    # panda-real-embed-page-fallback): after a redirect that is the address it landed on.
    moved = playlist_url(fetched.url) if fetched.url != embed else None
    if moved:
        return moved, drm, player
    video = (parse_qs(urlsplit(embed).query).get("v") or [""])[0].lower() or None
    for match in _CONFIG_JSON.finditer(text):
        config_url = urljoin(fetched.url, match.group("url"))
        try:
            config = fetcher.get(
                config_url,
                what="Panda Video config",
                max_bytes=fetcher.options.max_playlist_bytes,
                headers=fetcher.headers(referer=fetched.url, origin=True, accept="application/json,*/*"),
                sniff_media=False,
            )
        except VslError as exc:
            raise unreadable(NAME, "video config", exc) from None
        config_text = decode_html(config.body, config.charset).replace("\\/", "/")
        drm = drm or bool(_DRM.search(config_text))
        stream = _playlist_in(config_text, config.url, relative=False)
        if stream:
            return stream, drm, player
        text += "\n" + config_text
        video = video or match.group("uuid").lower()
    built = _built_playlist(text, embed, video)
    if built:
        return built, drm, player
    if urlsplit(embed).hostname in _OLD_HOSTS and not _PULLZONE.search(text):
        raise PlayerConfigError(
            "the Panda Video player config could not be parsed: the embed URL names no library "
            "(an old player.pandavideo.com.br embed without l=vz-…) and its page builds the playlist in a script"
        )
    raise PlayerConfigError("the Panda Video player config could not be parsed: no playlist URL in the embed page")


def _playlist_in(text: str, base: str, *, relative: bool = True) -> str | None:
    """An absolute playlist URL in ``text``; a quoted relative one only in an HTML page (a config's
    bare ``"playlist.m3u8"`` is a file name for the player to place, not a URL)."""
    match = M3U8_IN_TEXT.search(text) or (_QUOTED_M3U8.search(text) if relative else None)
    return urljoin(base, match.group("url")) if match else None


def _built_playlist(text: str, embed: str, video: str | None) -> str | None:
    """``https://b-vz-<library>.tv.pandavideo.com.br/<uuid>/playlist.m3u8``, where the page says so.

    Only when the embed page (or its config) names the ``b-vz-<library>`` playlist host, or the
    library id together with the ``playlist.m3u8`` name its player fills in.
    """
    host = _PLAYLIST_HOST.search(text)
    library = _LIBRARY.search(text)
    named = _EXTERNAL_ID.search(text)
    video = video or (named.group("uuid").lower() if named else None)
    if not video or not _UUID.match(video):
        return None
    if host:
        return f"https://{host.group(0).lower()}/{video}/playlist.m3u8"
    if library and "playlist.m3u8" in text:
        domain = "pandavideo.com" if ".pandavideo.com/" in embed and ".com.br" not in embed else "pandavideo.com.br"
        return f"https://b-vz-{library.group('library').lower()}.tv.{domain}/{video}/playlist.m3u8"
    return None
