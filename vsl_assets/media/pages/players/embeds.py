"""Embeds of sites that yt-dlp's extractors know (YouTube, Vimeo, Wistia, JW Player, Bunny...).

Only the embed URL is found here; yt-dlp turns it into a stream.  Besides iframes, the
script-based and element-based embeds common on sales pages are read:

* Wistia's ``<div class="wistia_embed wistia_async_<id>">`` and ``<wistia-player media-id="<id>">``;
* JW Player's cloud-hosted ``cdn.jwplayer.com/players/<media>-<player>.js``;
* Brightcove's ``<video-js data-account data-player data-video-id>`` (its public player page);
* Plyr's ``<div data-plyr-provider="youtube|vimeo" data-plyr-embed-id="<id>">``;
* Vimeo's ``<div data-vimeo-id>``/``data-vimeo-url`` (its player.js API);
* Vooplayer/Spotlightr "longcode" links ``<a class="vooplayer" data-playerId="<id>">`` next to
  ``https://<account>.cdn.vooplayer.com/assets/vooplayer.js`` (or ``spotlightr.js``): their
  player page is ``https://<account>.cdn.vooplayer.com/publish/<id>`` (``…spotlightr.com/watch/<id>``);
* ``<lite-youtube videoid="<id>">``, the lazy YouTube facade many page builders use;
* Vidyard's v4 embed code ``<img class="vidyard-player-embed" data-uuid="<uuid>">`` (next to
  ``play.vidyard.com/embed/v4.js``): its player page is ``https://play.vidyard.com/<uuid>``;
* Elementor's video widget (WordPress): ``<div class="elementor-widget-video" data-settings=
  '{"video_type": "youtube", "youtube_url": "…"}'>`` — the iframe is built by Elementor's script,
  so the saved HTML has only the setting (``vimeo_url``/``dailymotion_url`` for those types), as
  yt-dlp's ElementorEmbed extractor reads it (real pages: code corpus find_string ids 40611653654,
  124958005, 12925496636, 7747339920, 30276113191).

* a ``<body>`` inline script that builds an iframe (``createElement("iframe")`` or ``<iframe`` in
  its text, JSX included) with such a player URL: the player sits where that script is.

Embeds are kept in page order: the VSL sits above the testimonials.

:func:`in_scripts` reads the page's own script files for an embed they write in: a click-to-play
cover whose script puts ``<iframe src="https://www.youtube.com/embed/<id>">`` into the page, or
``createElement("iframe")`` given such a URL (extra real pages youtube-click-to-play-script_rfrancodev
and youtube-iframe-script_youthduo).
"""

from __future__ import annotations

import json
import re

from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import page_scripts
from vsl_assets.media.pages.players.base import Candidate, iframe_src

KIND = "embed"
_WISTIA_ASYNC = re.compile(r"\bwistia_async_([0-9a-z]{6,20})\b", re.I)
_JW_SCRIPT = re.compile(
    r"(?:https?:)?//(?:cdn\.jwplayer\.com|content\.jwplatform\.com)/players/([0-9A-Za-z]{8})-[0-9A-Za-z]{8}\.js"
)
_ID = re.compile(r"^[0-9A-Za-z_-]{4,64}$")
_PLYR_URLS = {
    "youtube": "https://www.youtube.com/watch?v={}",
    "vimeo": "https://player.vimeo.com/video/{}",
}


def detect(page: Page) -> Candidate | None:
    found: list[tuple[int, str]] = []
    for element in page.find("iframe", "embed"):
        url = page.absolute(iframe_src(element.attrs))
        if url and is_known_host(url, embed=True):
            found.append((element.index, url))
    for element in page.find("div", "span", "wistia-player"):
        match = _WISTIA_ASYNC.search(element.get("class"))
        media = element.get("media-id") if element.tag == "wistia-player" else ""
        wistia = match.group(1) if match else media
        if wistia and _ID.match(wistia):
            found.append((element.index, f"https://fast.wistia.net/embed/iframe/{wistia}"))
    for element in page.find("script"):
        match = _JW_SCRIPT.search(element.get("src"))
        if match:
            found.append((element.index, f"https://cdn.jwplayer.com/v2/media/{match.group(1)}"))
    found.extend(_element_embeds(page))
    found.extend(_inline_script_embeds(page))
    if not found:
        return None
    # The first embed on the page is the VSL; the rest keep the order they were found in, each
    # video once (a saved Elementor page keeps the widget's setting and the iframe it built).
    position, main = min(found)
    every = list(dict.fromkeys([main, *(url for _, url in found)]))
    urls: list[str] = []
    seen: set[str] = set()
    for url in every:
        if _video_key(url) not in seen:
            seen.add(_video_key(url))
            urls.append(url)
    return Candidate(
        kind=KIND, embed_url=main, ytdlp=True, others=tuple(urls[1:]), claims=tuple(every), position=position
    )


_VOO_SCRIPT = re.compile(r"^(?P<origin>https://[0-9a-z-]+\.cdn\.(?:vooplayer|spotlightr)\.com)/assets/", re.I)


def _element_embeds(page: Page) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    voo = next((m.group("origin") for s in page.find("script") if (m := _VOO_SCRIPT.match(s.get("src")))), None)
    for element in page.elements:
        attrs = element.attrs
        account, player, video = attrs.get("data-account"), attrs.get("data-player"), attrs.get("data-video-id")
        if account and video and element.tag in ("video-js", "video") and account.isdigit() and _ID.match(video):
            found.append((element.index, _brightcove(account, player or "default", video)))
        provider, plyr_id = attrs.get("data-plyr-provider", "").lower(), attrs.get("data-plyr-embed-id", "")
        if provider in _PLYR_URLS and plyr_id:
            url = plyr_id if plyr_id.startswith("http") else _PLYR_URLS[provider].format(plyr_id)
            found.append((element.index, url))
        player_id = attrs.get("data-playerid", "")
        if voo and player_id and re.fullmatch(r"[0-9A-Za-z=_-]{2,64}", player_id):
            path = "watch" if "spotlightr" in voo else "publish"
            found.append((element.index, f"{voo}/{path}/{player_id}"))
        lite = attrs.get("videoid", "") if element.tag == "lite-youtube" else ""
        if re.fullmatch(r"[0-9A-Za-z_-]{11}", lite):
            found.append((element.index, f"https://www.youtube.com/watch?v={lite}"))
        vidyard = attrs.get("data-uuid", "") if "vidyard-player-embed" in element.classes else ""
        if re.fullmatch(r"[0-9A-Za-z_-]{10,40}", vidyard):
            found.append((element.index, f"https://play.vidyard.com/{vidyard}"))
        elementor = _elementor_video(attrs) if "elementor-widget-video" in element.classes else None
        if elementor:
            found.append((element.index, elementor))
        vimeo = attrs.get("data-vimeo-url") or attrs.get("data-vimeo-id")
        if vimeo and element.tag != "a":  # click-to-play links are the lightbox detector's
            url = vimeo if vimeo.startswith("http") else f"https://player.vimeo.com/video/{vimeo}"
            if is_known_host(url, embed=True):
                found.append((element.index, url))
    return found


_YOUTUBE_ID = re.compile(r"(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtu\.be/)([\w-]{11})")
_VIMEO_ID = re.compile(r"vimeo\.com/(?:video/)?(\d{4,12})(?:[/?#]|$)")


def _video_key(url: str) -> str:
    """One key per video for the URL forms of one YouTube or Vimeo video; the URL otherwise."""
    youtube, vimeo = _YOUTUBE_ID.search(url), _VIMEO_ID.search(url)
    return f"youtube:{youtube.group(1)}" if youtube else f"vimeo:{vimeo.group(1)}" if vimeo else url


#: Elementor video widget types whose URL setting is a video site's page (``hosted`` is a <video>).
_ELEMENTOR_TYPES = ("youtube", "vimeo", "dailymotion")


def _elementor_video(attrs: dict[str, str]) -> str | None:
    """The video page an Elementor video widget's ``data-settings`` names (YouTube by default)."""
    try:
        settings = json.loads(attrs.get("data-settings") or "{}")
    except ValueError:
        return None
    if not isinstance(settings, dict):
        return None
    kind = settings.get("video_type") or "youtube"
    url = settings.get(f"{kind}_url") if kind in _ELEMENTOR_TYPES else None
    if isinstance(url, str) and url.startswith(("https://", "http://")) and is_known_host(url, embed=True):
        return url.strip()
    return None


def _brightcove(account: str, player: str, video: str) -> str:
    player = player if _ID.match(player) else "default"
    return f"https://players.brightcove.net/{account}/{player}_default/index.html?videoId={video}"


#: A quoted YouTube, Vimeo or Wistia player URL inside script text.
_EMBED_IN_SCRIPT = re.compile(
    r"""["'`](?P<url>(?:https?:)?//(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/[\w-]{11}|"""
    r"""player\.vimeo\.com/video/\d{4,12}|fast\.wistia\.(?:net|com)/embed/iframe/[0-9a-z]{6,20})"""
    r"""(?:[?&#][^"'`\s<>\\]*)?)["'`]""",
    re.I,
)
#: The script builds an iframe: written as markup or created with the DOM API.
_BUILDS_IFRAME = re.compile(r"""<iframe\b|createElement\(\s*["'`]iframe["'`]\s*\)""", re.I)


def _inline_script_embeds(page: Page) -> list[tuple[int, str]]:
    """The player a ``<body>`` inline script writes in, at that script's place on the page.

    The same reading as :func:`in_scripts`, for the page's own inline code: a hero that swaps its
    placeholder for ``createElement("iframe")`` with a youtube-nocookie URL (extra real page
    youtube-inline-createelement-plus-loop-video_ridley-lprewrite), or a React-in-the-browser page
    whose JSX holds the ``<iframe src>`` (youtube-nocookie_urbanabundance-vsl).  Head scripts are
    left out: what they build (a consent dialog, a pop-up) is not where the page shows its video.
    """
    body = next(iter(page.find("body")), None)
    if body is None:
        return []
    found: list[tuple[int, str]] = []
    for script in page.find("script"):
        if script.index < body.index or script.get("src") or not _BUILDS_IFRAME.search(script.text):
            continue
        match = _EMBED_IN_SCRIPT.search(script.text)
        if match:
            url = match.group("url")
            found.append((script.index, "https:" + url if url.startswith("//") else url))
    return found


def in_scripts(fetcher: Fetcher, page: Page) -> Candidate | None:
    """The player embed one of the page's own script files writes into the page, or None.

    Only same-site files that build an iframe count (a third-party widget's video is not this
    page's VSL); the first embed they name is the VSL, the others are listed.
    """
    for script in page_scripts.read(fetcher, page, same_site=True):
        if not _BUILDS_IFRAME.search(script.text):
            continue
        urls = [m.group("url") for m in _EMBED_IN_SCRIPT.finditer(script.text)]
        urls = list(dict.fromkeys("https:" + u if u.startswith("//") else u for u in urls))
        if urls:
            return Candidate(kind=KIND, embed_url=urls[0], ytdlp=True, others=tuple(urls[1:]), claims=tuple(urls))
    return None
