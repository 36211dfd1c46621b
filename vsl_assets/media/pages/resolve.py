"""Turning a VSL URL (a sales page, a player page or a stream) into one downloadable stream.

The order of work, cheapest and most certain first:

1. a URL that is itself a stream (by extension, Content-Type or ``#EXTM3U``) is used as is;
2. a URL of a site yt-dlp knows (YouTube, Vimeo, Wistia...) goes straight to yt-dlp;
3. otherwise the page is fetched once and every detector reads it; candidates are ranked
   (``players.rank``: VSL players — vturb, Panda, Vidalytics — first, then page players —
   known embeds, the YouTube IFrame API, lightboxes, hls.js, video.js, ``<video>`` — in page
   order, then JSON-LD/og:video, then iframes) and the rest become ``other_videos``; markup in
   comments, ``<template>`` and ``<noscript>`` never yields a candidate;
4. iframes are followed one level deep when nothing better is on the page;
5. the page's own scripts are read (a few, bounded) for a player they load, such as a copied
   vturb ``player.js``;
6. yt-dlp's generic extractor is the last resort (its answer is refused when the video is only
   in a comment or template); a self-hosted JW Player ``setup({file})`` is read by the project
   itself when yt-dlp is off or fails (``players.jwplayer``), and so is a Bunny Stream embed, from
   its embed page (``players.bunny``);
7. the chosen stream is checked with one small GET (expired? HLS? DRM?).

Only step 7 and the player-specific steps (a vturb script, a Panda embed page or config, a
Vidalytics loader, page scripts) cost requests beyond the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit

import httpx

from vsl_assets.errors import VslError
from vsl_assets.media.pages import hls_probe, ytdlp
from vsl_assets.media.pages.errors import DrmProtectedError, NoPlayerFoundError
from vsl_assets.media.pages.fetch import Fetched, Fetcher, origin_of
from vsl_assets.media.pages.hls_probe import StreamCheck, Variant
from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.page import Page, decode_html, parse_page
from vsl_assets.media.pages.players import DETECTORS, Candidate, bunny, jwplayer, panda, scripted, vturb
from vsl_assets.media.pages.players import iframe as iframe_player
from vsl_assets.media.pages.players.base import is_hls_url, is_media_url
from vsl_assets.media.pages.players.rank import rank
from vsl_assets.media.pages.players.reveal import page_reveal
from vsl_assets.net.urls import normalize_url


@dataclass(frozen=True)
class ResolvedSource:
    """Everything the download step needs, plus what the catalogue shows about the video."""

    #: The URL as given (stripped).
    page_url: str
    stream_url: str
    #: How the stream was found: ``direct-hls``, ``direct-media``, ``vturb``, ``panda``,
    #: ``vidalytics``, ``lightbox`` (a click-to-play link to a stream file), ``hls.js``, ``videojs``,
    #: ``html5``, ``json-ld``, ``og-video``, ``iframe`` (a self-hosted player inside a followed
    #: iframe; vturb/Panda/yt-dlp keep their own kind there), ``jwplayer`` and ``bunny`` (read by
    #: the project when yt-dlp is off or fails), ``mux`` and ``cloudflare-stream`` (the playlist
    #: their embed's id names) or ``yt-dlp:<extractor>`` (hosted
    #: players: YouTube, also through the IFrame API or a lightbox, Vimeo, Wistia, JW, Bunny...).
    kind: str
    title: str | None = None
    thumbnail: str | None = None
    #: Other candidate streams or player embeds seen on the page (testimonials, backgrounds...).
    other_videos: list[str] = field(default_factory=list)
    #: The kind of each of ``other_videos`` (``youtube``-like embeds, ``html5``, ``vturb``...).
    other_video_kinds: dict[str, str] = field(default_factory=dict)
    #: Second at which the offer/CTA is revealed, when the player configuration or the page says so.
    cta_seconds: float | None = None
    #: Where ``cta_seconds`` was read: "vturb config pitchTime", "page script delaySeconds"...
    cta_source: str | None = None
    #: Referer the stream's CDN expects (the document the player runs in).
    referer: str | None = None
    #: Headers to send with every stream request (Referer/Origin, yt-dlp's per-format headers).
    headers: dict[str, str] = field(default_factory=dict)
    #: Only True when ``ResolveOptions.fail_on_drm`` is off; otherwise DRM raises.
    drm: bool = False
    #: The player page the stream was found in, when it was an iframe/embed rather than the page.
    embed_url: str | None = None
    is_hls: bool = False
    #: Renditions of a master playlist, best first.
    variants: tuple[Variant, ...] = ()
    duration_s: float | None = None


def resolve(url: str, *, client: httpx.Client | None = None, options: ResolveOptions | None = None) -> ResolvedSource:
    """Find the video stream behind ``url``.

    Raises a :class:`~vsl_assets.errors.VslError` subclass with a human reason: permanent for
    404s, pages without a player, DRM and expired signed URLs; transient for 5xx and timeouts.
    A caller-supplied ``client`` keeps its own redirect limit; timeouts are applied per request.
    """
    options = options or ResolveOptions()
    normalize_url(url)  # rejects what cannot be fetched, with a reason
    url = url.strip()
    with Fetcher(options, client) as fetcher:
        return _Resolver(fetcher, options).run(url)


def resolve_fetched(url: str, fetched: Fetched, fetcher: Fetcher, options: ResolveOptions) -> ResolvedSource:
    """Find the stream behind a page already fetched by the caller (the watch's conditional GET).

    The same work as :func:`resolve` after its first request, through the caller's ``fetcher`` (so
    the caller sees every player configuration fetched, and their validators).
    """
    resolver = _Resolver(fetcher, options)
    if fetched.stream_kind is not None:
        return resolver._direct(url, fetched)
    return resolver._from_page(url, _page(fetched))


#: Players whose kind survives being found inside an iframe.
_NAMED_PLAYERS = frozenset({vturb.KIND, panda.KIND})


class _Resolver:
    def __init__(self, fetcher: Fetcher, options: ResolveOptions) -> None:
        self.fetcher = fetcher
        self.options = options

    def run(self, url: str) -> ResolvedSource:
        if is_hls_url(url) or is_media_url(url):
            return self._direct(url)
        if self.options.use_ytdlp and is_known_host(url):
            candidate = ytdlp.extract(url, referer=None, options=self.options)
            return self._finish(url, candidate, document=None, others=_family(candidate))
        fetched = self.fetcher.get(
            url,
            what="page",
            max_bytes=self.options.max_page_bytes,
            headers=self.fetcher.headers(accept="text/html,application/xhtml+xml,*/*;q=0.8"),
        )
        if fetched.stream_kind is not None:
            return self._direct(url, fetched)
        page = _page(fetched)
        try:
            return self._from_page(url, page)
        except VslError as exc:  # the page was read: whatever failed after, it is named by its title
            exc.page_title = exc.page_title or page.title
            raise

    # -- streams given directly ---------------------------------------------------------------

    def _direct(self, url: str, fetched: Fetched | None = None) -> ResolvedSource:
        first = (fetched.content_type, fetched.body) if fetched else None
        target = fetched.url if fetched else url
        check = hls_probe.check_stream(
            self.fetcher, target, headers=self.fetcher.headers(), hls_hint=_url_hint(url), first=first
        )
        # The response decides, not the extension: a ".mp4" URL serving a playlist is HLS.
        kind = "direct-hls" if check.is_hls else "direct-media"
        return self._source(url, url, kind, Candidate(kind=kind), check, referer=None, headers={})

    # -- pages --------------------------------------------------------------------------------

    def _from_page(self, url: str, page: Page) -> ResolvedSource:
        candidates = _detect(page)
        chosen = [c for c in candidates if c.target or c.complete]
        others = _targets(candidates)
        # Nothing on the page itself: the player may be loaded by one of the page's own scripts.
        for candidate in [*chosen, scripted.in_page_scripts(page)]:
            if candidate.kind == iframe_player.KIND:
                found = self._follow_iframes(page, candidate)
                if found is None:
                    continue
                inner, frame = found
                return self._finish(url, inner, document=frame, others=others, embed_url=frame, page=page)
            if candidate.tentative and candidate.complete is not None:
                try:
                    candidate = candidate.complete(self.fetcher)
                except NoPlayerFoundError:
                    continue
            return self._finish(url, candidate, document=page.url, others=others, page=page)
        # A self-hosted JW Player setup: yt-dlp reads it with the formats' headers, so it goes
        # first; the setup itself (with its title and poster) serves when yt-dlp is off or fails.
        jw = jwplayer.detect(page)
        if self.options.use_ytdlp and not page.truncated:
            # The player runs in this page: its CDN sees the page as Referer, so yt-dlp sends it too.
            # Not for a page cut at the size limit: yt-dlp would fetch it whole and bypass the cap.
            try:
                candidate = ytdlp.extract(page.url, referer=page.url, options=self.options)
            except VslError:
                if jw is None:
                    raise
                return self._finish(url, jw, document=page.url, others=others, page=page)
            if candidate.stream_url and _only_in_inert_markup(page, candidate.stream_url):
                raise NoPlayerFoundError(
                    "no video player found on page (the only video is inside an HTML comment, "
                    "<template> or <noscript>, which browsers do not play)"
                )
            return self._finish(url, candidate, document=page.url, others=others + _family(candidate), page=page)
        if jw is not None:
            return self._finish(url, jw, document=page.url, others=others, page=page)
        raise NoPlayerFoundError(_no_player_reason(page))

    def _follow_iframes(self, page: Page, candidate: Candidate) -> tuple[Candidate, str] | None:
        """Look inside up to ``max_iframes`` iframes for a player our detectors know."""
        frames = [u for u in (candidate.embed_url, *candidate.others) if u][: self.options.max_iframes]
        for frame in frames:
            try:
                fetched = self.fetcher.get(
                    frame,
                    what="embedded player page",
                    max_bytes=self.options.max_page_bytes,
                    headers=self.fetcher.headers(referer=page.url, accept="text/html,*/*;q=0.8"),
                )
            except VslError:
                continue  # an unreachable widget iframe must not hide the real player
            if fetched.stream_kind is not None:
                return Candidate(kind=iframe_player.KIND, stream_url=fetched.url), frame
            inner_page = _page(fetched)
            for inner in rank(_detect(inner_page, follow_iframes=False)):
                if inner.target or inner.complete:
                    inner = inner.complete(self.fetcher) if inner.complete else inner
                    # Named platforms keep their kind (it says what cta/DRM mean); generic players
                    # found inside a frame are reported as "iframe".
                    named = inner.ytdlp or inner.kind in _NAMED_PLAYERS or inner.kind.startswith("yt-dlp:")
                    kind = inner.kind if named else iframe_player.KIND
                    return replace(inner, kind=kind, referer=inner.referer or inner_page.url), frame
        return None

    # -- the chosen candidate -----------------------------------------------------------------

    def _finish(
        self,
        url: str,
        candidate: Candidate,
        *,
        document: str | None,
        others: list[tuple[str, str]],
        embed_url: str | None = None,
        page: Page | None = None,
    ) -> ResolvedSource:
        if candidate.complete is not None:
            candidate = candidate.complete(self.fetcher)
        if candidate.stream_url is None and candidate.embed_url:
            embed_url = embed_url or candidate.embed_url
            own = bunny.embed_page(candidate.embed_url) is not None  # a scheme the project reads itself
            if not self.options.use_ytdlp and not own:
                host = urlsplit(candidate.embed_url).hostname
                raise NoPlayerFoundError(
                    f"no video player found on page (the video is embedded from {host}, which needs yt-dlp)",
                    detail=candidate.embed_url,  # the embed found, for whoever can run yt-dlp
                )
            if self.options.use_ytdlp:
                try:
                    resolved = ytdlp.extract(
                        candidate.embed_url, referer=document, options=self.options, what="embedded player"
                    )
                except VslError:
                    if not own:
                        raise
                    resolved = self._bunny(candidate.embed_url, document)
            else:
                resolved = self._bunny(candidate.embed_url, document)
            candidate = replace(
                resolved,
                title=candidate.title or resolved.title,
                thumbnail=candidate.thumbnail or resolved.thumbnail,
                others=(*candidate.others, *resolved.others),
            )
        stream = candidate.stream_url
        if stream is None:
            raise NoPlayerFoundError("no video player found on page")
        if candidate.drm:
            self._drm(candidate.drm)
        referer = candidate.referer or document
        headers = dict(candidate.headers)
        if not headers and referer:
            headers = {"Referer": referer, "Origin": origin_of(referer)}
        check = None
        if self.options.probe_stream:
            probe_headers = {**self.fetcher.headers(), **headers}
            check = hls_probe.check_stream(self.fetcher, stream, headers=probe_headers, hls_hint=_hls_hint(candidate))
        if page is not None:
            candidate = replace(
                candidate,
                title=candidate.title or page.title,
                thumbnail=candidate.thumbnail or page.image,
            )
            if candidate.cta_seconds is None and candidate.kind == panda.KIND and panda.calls_load_button(page):
                # The page hands its buttons to Panda's player: their second is in the video's config.
                cta, where = panda.config_cta(self.fetcher, candidate)
                candidate = replace(candidate, cta_seconds=cta, cta_source=where)
            if candidate.cta_seconds is None:
                cta, where = page_reveal(page, self.fetcher)
                candidate = replace(candidate, cta_seconds=cta, cta_source=where)
        all_others = [*_family(candidate), *others]
        return self._source(url, stream, candidate.kind, candidate, check, referer, headers, all_others, embed_url)

    def _bunny(self, embed: str, document: str | None) -> Candidate:
        return bunny.complete(self.fetcher, embed, referer=document, max_bytes=self.options.max_page_bytes)

    def _source(
        self,
        url: str,
        stream: str,
        kind: str,
        candidate: Candidate,
        check: StreamCheck | None,
        referer: str | None,
        headers: dict[str, str],
        others: list[tuple[str, str]] | None = None,
        embed_url: str | None = None,
    ) -> ResolvedSource:
        drm = bool(candidate.drm)
        playlist = check.playlist if check else None
        if playlist and playlist.drm:
            self._drm(playlist.drm)
            drm = True
        excluded = {stream, url, embed_url, referer}
        kinds: dict[str, str] = {}
        for other, other_kind in others or []:
            if other and other not in excluded:
                kinds.setdefault(other, other_kind)
        is_hls = check.is_hls if check else bool(candidate.hls or is_hls_url(stream))
        return ResolvedSource(
            page_url=url,
            stream_url=stream,
            kind=kind,
            title=candidate.title,
            thumbnail=candidate.thumbnail,
            other_videos=list(kinds),
            other_video_kinds=kinds,
            cta_seconds=candidate.cta_seconds,
            cta_source=candidate.cta_source if candidate.cta_seconds is not None else None,
            referer=referer,
            headers=headers,
            drm=drm,
            embed_url=embed_url,
            is_hls=is_hls,
            variants=playlist.variants if playlist else (),
            duration_s=(playlist.duration_s if playlist else None) or candidate.duration_s,
        )

    def _drm(self, why: str) -> None:
        if self.options.fail_on_drm:
            raise DrmProtectedError(why)


def _page(fetched: Fetched) -> Page:
    return parse_page(fetched.url, decode_html(fetched.body, fetched.charset), truncated=fetched.truncated)


def _detect(page: Page, *, follow_iframes: bool = True) -> list[Candidate]:
    """Every detector's candidate, with iframes already accounted for by a player removed."""
    found: list[Candidate] = []
    claimed: set[str] = set()
    for detector in DETECTORS:
        candidate = detector(page)
        if candidate is None:
            continue
        if candidate.kind == iframe_player.KIND:
            frames = [u for u in (candidate.embed_url, *candidate.others) if u and u not in claimed]
            if not follow_iframes or not frames:
                continue
            candidate = replace(candidate, embed_url=frames[0], others=tuple(frames[1:]))
        claimed.update(candidate.claims)
        found.append(candidate)
    return rank(found)


def _family(candidate: Candidate) -> list[tuple[str, str]]:
    """The other videos a candidate found of its own kind (A/B variants, testimonial embeds...)."""
    return [(u, candidate.kind) for u in candidate.others if u]


def _targets(candidates: list[Candidate]) -> list[tuple[str, str]]:
    """Every candidate's video with its kind: what the page shows besides the one chosen."""
    return [(u, c.kind) for c in candidates for u in (c.target, *c.others) if u]


def _hls_hint(candidate: Candidate) -> bool | None:
    if candidate.hls is not None:
        return candidate.hls
    return _url_hint(candidate.stream_url or "")


def _url_hint(url: str) -> bool | None:
    """True/False when the URL's extension promises a playlist/media file, None when it cannot tell."""
    if is_hls_url(url):
        return True
    if is_media_url(url):
        return False
    return None


def _only_in_inert_markup(page: Page, url: str) -> bool:
    """Whether ``url`` appears on the page only where browsers never play it (comments, templates)."""
    parts = urlsplit(url)
    forms = {url, parts.path, parts.path.rsplit("/", 1)[-1]} - {"", "/"}
    forms |= {unquote(form) for form in forms}  # the page writes "my vsl.mp4", the URL "my%20vsl.mp4"
    raw = [form for form in forms if form in page.html]
    return bool(raw) and not any(form in page.live_html for form in raw)


def _no_player_reason(page: Page) -> str:
    if page.truncated:
        return "no video player found on page (only the first part of a very large page was read)"
    return "no video player found on page"
