"""A cheap re-check of a page already resolved once: has its VSL changed?

The watch (``services/watch.py``) asks this of every watched page on a schedule, so it must cost
little on both sides: the page and the player configurations the resolver read (a vturb
``player.js``...) are fetched with ``If-None-Match``/``If-Modified-Since`` through the same guarded
client; when every one answers 304 (or, for a server without validators, the same bytes as last
time) nothing is parsed and nothing else is fetched.  Otherwise the page is resolved as the
pipeline would, minus the stream probe and yt-dlp: the stream itself is never requested, let alone
downloaded.  Every request is also bounded as a whole (``check_timeout_s``): a page that drips a
byte every few seconds cannot hold a check slot for longer than that.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from vsl_assets.errors import VslError
from vsl_assets.media.pages.errors import NoPlayerFoundError
from vsl_assets.media.pages.fetch import Fetched, Fetcher
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.resolve import ResolvedSource, resolve_fetched
from vsl_assets.media.pages.signed import TOKEN_PARAMS
from vsl_assets.net.guard import guard_client_kwargs

HTML_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"

#: Check outcomes (``watch_checks.outcome``).
NOT_MODIFIED = "not_modified"
SAME = "same"
CHANGED = "changed"
DOWN = "down"
ERROR = "error"


def stream_identity(url: str) -> str:
    """What names "the same video" across checks: a fingerprint of the stream URL without its token.

    Signed CDN URLs change their query on every page load (``token``, ``expires``...), so those
    parameters (``signed.TOKEN_PARAMS``) and the fragment are dropped; the host, path and any other
    parameters (a ``?v=<id>``) stay.  A hash, so no URL (and no token) is stored in the identity.
    """
    parts = urlsplit(url.strip())
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in TOKEN_PARAMS)
    bare = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))
    return "s1:" + hashlib.sha256(bare.encode("utf-8")).hexdigest()[:40]


def site_of(url: str) -> str:
    """The host a page belongs to, without ``www.`` (a redirect between the two is not "elsewhere")."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


# -- a whole-request deadline -----------------------------------------------------------------------

_deadline = threading.local()


@contextlib.contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Every response body read on this thread inside the block stops at ``seconds`` from now."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = previous


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream) -> None:
        self.inner = inner

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            ends = getattr(_deadline, "at", None)
            if ends is not None and time.monotonic() > ends:
                raise httpx.ReadTimeout("the whole response took longer than the check's time limit")
            yield chunk

    def close(self) -> None:
        self.inner.close()


class DeadlineTransport(httpx.BaseTransport):
    """Wraps the guarded transport: httpx's timeouts are per read, this one is per response."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ends = getattr(_deadline, "at", None)
        if ends is not None and time.monotonic() > ends:
            raise httpx.ReadTimeout("the check's time limit passed before this request", request=request)
        response = self.inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _DeadlineStream(response.stream)
        return response

    def close(self) -> None:
        self.inner.close()


def check_client(options: ResolveOptions, *, connections: int) -> httpx.Client:
    """One guarded client for a whole run (connection reuse across the pages of one host)."""
    kwargs = guard_client_kwargs(
        options.net, limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    )
    kwargs["transport"] = DeadlineTransport(kwargs["transport"])
    timeout = httpx.Timeout(options.read_timeout_s, connect=options.connect_timeout_s, pool=options.connect_timeout_s)
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=options.max_redirects, **kwargs)


# -- the check ------------------------------------------------------------------------------------


def _validators(fetched: Fetched) -> dict[str, str]:
    found = {
        "etag": fetched.headers.get("etag"),
        "last_modified": fetched.headers.get("last-modified"),
        # For servers that send neither: the same bytes as last time also mean "unchanged".
        "sha": hashlib.sha256(fetched.body).hexdigest()[:32],
    }
    return {k: v for k, v in found.items() if v}


def _conditional(known: dict[str, str] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if known and known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known and known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    return headers


class RecordingFetcher(Fetcher):
    """The resolver's fetcher, counting requests and keeping each document's validators."""

    def __init__(self, options: ResolveOptions, client: httpx.Client) -> None:
        super().__init__(options, client)
        self.requests = 0
        self.seen: dict[str, dict[str, str]] = {}

    def get(
        self,
        url: str,
        *,
        what: str,
        max_bytes: int,
        headers: dict[str, str] | None = None,
        sniff_media: bool = True,
    ) -> Fetched:
        self.requests += 1
        fetched = super().get(url, what=what, max_bytes=max_bytes, headers=headers, sniff_media=sniff_media)
        if fetched.status == 200 and not fetched.truncated:
            self.seen[url] = _validators(fetched)
        return fetched


@dataclass
class PageCheck:
    """What one check found, before anything is written (``services.watch`` records it)."""

    outcome: str
    http_status: int | None = None
    requests: int = 0
    elapsed_ms: int = 0
    #: The validators to send next time: ``{url: {"etag", "last_modified", "sha"}}``.
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    source: ResolvedSource | None = None
    #: A player only yt-dlp can read (YouTube, Vimeo...): its embed URL names the video.
    embed_url: str | None = None
    identity: str | None = None
    error: str | None = None
    #: Whether a later check can succeed where this one failed (a timeout, a 5xx).
    transient: bool = False

    @property
    def etag(self) -> str | None:
        return next((v.get("etag") for v in self.validators.values() if v.get("etag")), None)

    @property
    def last_modified(self) -> str | None:
        return next((v.get("last_modified") for v in self.validators.values() if v.get("last_modified")), None)


def check_page(
    url: str,
    client: httpx.Client,
    options: ResolveOptions,
    *,
    validators: dict[str, Any],
    timeout_s: float,
    ytdlp_fallback: bool = False,
) -> PageCheck:
    """Check ``url`` against what the last check saw (``validators``); never raises a VslError.

    ``ytdlp_fallback``: the pipeline found this page's video only through yt-dlp's generic
    extractor, so "no player our detectors know" is not "the player is gone": yt-dlp is asked
    too (it reads the page, never the video) before the page is called down.
    """
    start = time.monotonic()
    fetcher = RecordingFetcher(options, client)
    try:
        with request_deadline(timeout_s):
            result = _check(url, fetcher, options, validators, ytdlp_fallback)
    except VslError as exc:
        reason = exc.reason
        result = PageCheck(ERROR if exc.transient else DOWN, error=reason, transient=exc.transient)
        result.http_status = getattr(exc, "status", None)
    result.requests = fetcher.requests
    result.elapsed_ms = int((time.monotonic() - start) * 1000)
    return result


def _unchanged(fetched: Fetched, known: dict[str, str] | None) -> bool:
    if fetched.status == 304:
        return True
    return bool(known) and fetched.status == 200 and _validators(fetched).get("sha") == (known or {}).get("sha")


def _check(
    url: str, fetcher: RecordingFetcher, options: ResolveOptions, validators: dict[str, Any], ytdlp_fallback: bool
) -> PageCheck:
    headers = fetcher.headers(accept=HTML_ACCEPT)
    page_known = validators.get(url)
    fetched = fetcher.get(
        url, what="page", max_bytes=options.max_page_bytes, headers={**headers, **_conditional(page_known)}
    )
    if _unchanged(fetched, page_known):
        # The page is as it was: its player's configuration may still have changed (a vturb player
        # keeps its id when its video is swapped), so each one read last time is asked too.
        for other, known in validators.items():
            if other == url:
                continue
            got = fetcher.get(
                other,
                what="player configuration",
                max_bytes=options.max_playlist_bytes,
                headers={**fetcher.headers(referer=url), **_conditional(known)},
            )
            if not _unchanged(got, known):
                break
        else:
            return PageCheck(NOT_MODIFIED, http_status=fetched.status, validators=validators)
        fetched = fetcher.get(url, what="page", max_bytes=options.max_page_bytes, headers=headers)
    if site_of(fetched.url) != site_of(url):
        return PageCheck(
            DOWN, http_status=fetched.status, error=f"the page redirects to another site ({site_of(fetched.url)})"
        )
    try:
        try:
            found = resolve_fetched(url, fetched, fetcher, options)
        except NoPlayerFoundError as first:
            if not ytdlp_fallback or first.detail:
                raise
            found = resolve_fetched(url, fetched, fetcher, replace(options, use_ytdlp=True))
            # Live, but which video is unknown: yt-dlp's URLs may carry per-request tokens in their
            # path, and a token taken for a new video would make a false version every day.
            return PageCheck(SAME, http_status=fetched.status, source=found, identity=None)
    except NoPlayerFoundError as exc:
        embed = exc.detail if exc.detail and exc.detail.startswith(("http://", "https://")) else None
        if embed is None:
            return PageCheck(DOWN, http_status=fetched.status, error=exc.reason)
        return PageCheck(
            SAME, http_status=fetched.status, embed_url=embed, identity=stream_identity(embed), validators=fetcher.seen
        )
    return PageCheck(
        SAME,
        http_status=fetched.status,
        source=found,
        identity=stream_identity(found.stream_url),
        validators=fetcher.seen,
    )
