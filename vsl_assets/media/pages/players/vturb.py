"""vturb / ConverteAI "smartplayer", the most common VSL player in Brazil.

The page carries a placeholder element and a loader for the player's script::

    <vturb-smartplayer id="vid-<player>"></vturb-smartplayer>            (v4 web component)
    <div id="vid_<player>"><img id="thumb_<player>" src="...thumbnail.jpg"></div>   (v3)
    <script> s.src="https://scripts.converteai.net/<account>/players/<player>/v4/player.js" </script>

The script's configuration names the CDN host, the account and the video (not the same id as
the player), and the stream is ``https://<cdn>/<account>/<video>/main.m3u8``.  Pages using
vturb's "speed optimisation" snippet also preload that playlist with
``<link rel="preload" href=".../main.m3u8">``, which makes the script request unnecessary.

The script URL is taken from the page as-is (any host), so the same code serves the real CDN
and a test server.  The script is read with tolerant regular expressions rather than a JS parser
because its config is minified JS (unquoted keys, ``!0`` for true) whose layout changes often.

``cta_seconds`` — the moment the offer/buy button appears — comes from, in order:

* the page's delay snippet that vturb generates for "show elements after N seconds":
  ``var SECONDS_TO_DISPLAY = N`` (v3), ``var delaySeconds = N`` and
  ``player.displayHiddenElements(N, [...])`` (v4);
* the player config: a numeric ``displayTime``, ``delaySeconds``, ``secondsToDisplay``,
  ``ctaSeconds``/``ctaTime``, or ``delay: {time: N}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from vsl_assets.errors import VslError
from vsl_assets.media.pages.errors import PlayerConfigError
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page, decode_html
from vsl_assets.media.pages.players.base import Candidate, is_hls_url, number

KIND = "vturb"
DEFAULT_CDN = "cdn.converteai.net"

#: ``…/<account>/players/<player>[/v4]/player.js`` on any host (scripts.converteai.net in production).
PLAYER_SCRIPT = re.compile(
    r"(?P<url>(?:https?:)?//[^\s\"'<>]+?/(?P<account>[0-9a-zA-Z-]{6,64})/players/(?P<player>[0-9a-fA-F]{24})"
    r"(?:/v\d+)?/player\.js)(?:\?[^\s\"'<>]*)?"
)
_PLAYER_ID = re.compile(r"^vid[-_]?(?P<player>[0-9a-fA-F]{24})$")
_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]{6,64}$")
_CTA_IN_PAGE = (
    re.compile(r"\bSECONDS_TO_DISPLAY\s*=\s*(\d+(?:\.\d+)?)"),
    re.compile(r"\bdelaySeconds\s*=\s*(\d+(?:\.\d+)?)"),
    re.compile(r"\.displayHiddenElements\(\s*(\d+(?:\.\d+)?)"),
)
_CTA_IN_CONFIG = (
    re.compile(r"[\"']?(?:displayTime|delaySeconds|secondsToDisplay|ctaSeconds|ctaTime)[\"']?\s*:\s*(\d+(?:\.\d+)?)"),
    re.compile(r"[\"']?delay[\"']?\s*:\s*\{[^{}]*?[\"']?(?:time|seconds)[\"']?\s*:\s*(\d+(?:\.\d+)?)"),
)
_DRM_IN_CONFIG = re.compile(r"[\"']?(?:drm|drmEnabled|drm_enabled)[\"']?\s*:\s*(?:true|!0|1\b)")


@dataclass(frozen=True)
class PlayerScript:
    """A vturb player script reference found on a page."""

    url: str
    account: str
    player: str


@dataclass(frozen=True)
class PlayerConfig:
    """What the resolver needs from a player script."""

    stream_url: str
    cta_seconds: float | None
    drm: bool
    thumbnail: str | None


def find_player_scripts(page: Page) -> list[PlayerScript]:
    """Player scripts referenced anywhere on the page (src, loader snippet, preload), deduplicated."""
    found: dict[str, PlayerScript] = {}
    for match in PLAYER_SCRIPT.finditer(page.html.replace("\\/", "/")):
        url = page.absolute(match.group("url"))
        player = match.group("player").lower()
        if url and player not in found:
            found[player] = PlayerScript(url, match.group("account"), player)
    return list(found.values())


def player_ids(page: Page) -> list[str]:
    """Ids of vturb placeholders in document order (the first is normally the VSL)."""
    ids: list[str] = []
    for element in page.find("vturb-smartplayer", "div"):
        match = _PLAYER_ID.match(element.get("id"))
        if match:
            player = match.group("player").lower()
            if player not in ids:
                ids.append(player)
    return ids


def preloaded_playlists(page: Page) -> list[str]:
    urls: list[str] = []
    for link in page.find("link"):
        rels = link.get("rel").lower().split()
        url = page.absolute(link.get("href"))
        if url and {"preload", "prefetch"} & set(rels) and is_hls_url(url) and url not in urls:
            urls.append(url)
    return urls


def page_cta_seconds(page: Page) -> float | None:
    for script in page.scripts():
        for pattern in _CTA_IN_PAGE:
            match = pattern.search(script)
            if match:
                return number(match.group(1))
    return None


def parse_player_config(text: str, script_url: str, account: str | None = None) -> PlayerConfig:
    """Read the stream URL (and CTA/DRM settings) out of a player script.

    Raises :class:`PlayerConfigError` naming what is missing, so a changed vturb format shows up
    as a clear reason instead of a wrong URL.
    """
    if text.lstrip().startswith("<"):
        raise PlayerConfigError("the vturb player config could not be parsed: the player script is an HTML page")
    js = text.replace("\\/", "/")
    cta = _first_number(_CTA_IN_CONFIG, js)
    drm = bool(_DRM_IN_CONFIG.search(js))
    thumbnail = _string(js, "thumbnail", "thumbnailUrl", "cover", "poster")
    explicit = re.search(r"(?:https?:)?//[^\s\"'`<>]+?/main\.m3u8(?:\?[^\s\"'`<>]*)?", js)
    if explicit:
        stream = explicit.group(0)
        if stream.startswith("//"):
            stream = f"{urlsplit(script_url).scheme}:{stream}"
        return PlayerConfig(stream, cta, drm, thumbnail)
    video = _video_id(js)
    if video is None:
        raise PlayerConfigError("the vturb player config could not be parsed: no video id in the player script")
    account = _string(js, "accountId", "account_id", "account", "oid") or account
    if not account or not _SAFE_ID.match(account):
        raise PlayerConfigError("the vturb player config could not be parsed: no account id in the player script")
    cdn = _string(js, "cdn", "cdnHost", "cdnUrl", "cdn_url", "cdnDomain") or DEFAULT_CDN
    return PlayerConfig(stream_url(cdn, account, video, script_url), cta, drm, thumbnail)


def stream_url(cdn: str, account: str, video: str, script_url: str) -> str:
    """``<cdn>/<account>/<video>/main.m3u8``; a bare CDN host takes the script's scheme (https)."""
    cdn = cdn.rstrip("/")
    if "://" not in cdn:
        cdn = f"{urlsplit(script_url).scheme or 'https'}://{cdn.lstrip('/')}"
    return f"{cdn}/{account}/{video}/main.m3u8"


def detect(page: Page) -> Candidate | None:
    scripts = find_player_scripts(page)
    ids = player_ids(page)
    if not scripts and not (ids and ("converteai" in page.html or "vturb" in page.html)):
        return None
    by_player = {s.player: s for s in scripts}
    order = [p for p in ids if p in by_player] + [s.player for s in scripts if s.player not in ids]
    preloads = preloaded_playlists(page)
    cta = page_cta_seconds(page)
    thumbnail = _placeholder_thumbnail(page, order[0] if order else (ids[0] if ids else None))
    base = Candidate(kind=KIND, cta_seconds=cta, thumbnail=thumbnail, others=tuple(preloads[1:]), hls=True)
    if not order:
        if preloads:
            return replace(base, stream_url=preloads[0])

        def missing(_: Fetcher) -> Candidate:
            raise PlayerConfigError(
                "the vturb player config could not be parsed: the page has a vturb player but no player script URL"
            )

        return replace(base, complete=missing)
    main = by_player[order[0]]
    rest = [by_player[p] for p in order[1:]]
    referer = page.url

    def complete(fetcher: Fetcher) -> Candidate:
        preloaded = preloads[0] if preloads else None
        try:
            config = _load(fetcher, main, referer)
        except VslError:
            if preloaded is None:
                raise
            config = None  # the preloaded playlist is enough; the config only adds details
        others = list(base.others)
        for script in rest[: fetcher.options.max_other_players]:
            try:
                others.append(_load(fetcher, script, referer).stream_url)
            except VslError:
                others.append(script.url)  # still worth listing; resolving it is best-effort
        return replace(
            base,
            stream_url=preloaded or (config.stream_url if config else None),
            cta_seconds=cta if cta is not None else (config.cta_seconds if config else None),
            drm="vturb player has DRM enabled" if config and config.drm else None,
            thumbnail=base.thumbnail or (page.absolute(config.thumbnail) if config and config.thumbnail else None),
            others=tuple(others),
            complete=None,
        )

    return replace(base, complete=complete)


def _load(fetcher: Fetcher, script: PlayerScript, referer: str) -> PlayerConfig:
    fetched = fetcher.get(
        script.url,
        what="vturb player script",
        max_bytes=fetcher.options.max_playlist_bytes,
        headers=fetcher.headers(referer=referer),
        sniff_media=False,
    )
    text = decode_html(fetched.body, fetched.charset)
    return parse_player_config(text, fetched.url, script.account)


def _placeholder_thumbnail(page: Page, player: str | None) -> str | None:
    if player is None:
        return None
    for img in page.find("img"):
        if img.get("id") == f"thumb_{player}":
            return page.absolute(img.get("src") or img.get("data-src"))
    for element in page.find("vturb-smartplayer"):
        if element.get("id") == f"vid-{player}" and element.get("poster"):
            return page.absolute(element.get("poster"))
    return None


def _video_id(js: str) -> str | None:
    nested = re.search(
        r"[\"']?video[\"']?\s*:\s*\{[^{}]*?[\"']?(?:id|_id|videoId)[\"']?\s*:\s*[\"']([0-9A-Za-z_-]{6,64})[\"']", js
    )
    if nested:
        return nested.group(1)
    return _string(js, "videoId", "video_id", "mediaId")


def _string(js: str, *keys: str) -> str | None:
    for key in keys:
        match = re.search(rf"[\"']?\b{re.escape(key)}[\"']?\s*:\s*[\"']([^\"']+)[\"']", js)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None


def _first_number(patterns: tuple[re.Pattern[str], ...], text: str) -> float | None:
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            return number(match.group(1))
    return None
