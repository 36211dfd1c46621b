"""yt-dlp's extractors for hosted players (YouTube, Vimeo, Wistia, JW Player, Bunny Stream...).

Writing our own parser for each of those sites would be chasing yt-dlp, which already tracks
their changes.  The resolver's own parsers go first (vturb and Panda are not in yt-dlp, and the
self-hosted ones are faster to read directly); yt-dlp is used for embeds of sites it knows,
for such a site's URL given directly, and as the last resort on any page (its generic extractor
knows JW Player ``setup()`` configs, Video.js, KVS, JSON-LD, Twitter cards and hundreds of
embeds).  yt-dlp is imported only when needed: it is an optional dependency.

Nothing is downloaded: ``extract_info(download=False)`` with bounded socket timeouts, no retries
(the pipeline retries transient failures itself), quiet logging and no cache on disk.
"""

from __future__ import annotations

import re
from typing import Any

from vsl_assets.errors import ConfigurationError, VslError, is_transient_status
from vsl_assets.media.pages.errors import (
    DrmProtectedError,
    ExtractorError,
    HttpStatusError,
    NetworkError,
    NoPlayerFoundError,
    TransientHttpError,
)
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.players.base import Candidate
from vsl_assets.net.guard import check_url, guarded_resolution
from vsl_assets.net.urls import redact_url

#: Format choice: one URL carrying audio (video+audio if the site has it, else audio alone),
#: preferring HLS/progressive over DASH, which a single ffmpeg URL cannot download.
FORMAT = "best[protocol!*=dash]/bestaudio[protocol!*=dash]/best/bestaudio"
_URL_IN_TEXT = re.compile(r"https?://\S+")
_HTTP_ERROR = re.compile(r"HTTP Error (\d{3})")
#: Failures of the network rather than of the site: worth a later retry.
_NETWORK_NEEDLES = (
    "timed out",
    "connection refused",
    "connection reset",
    "connection aborted",
    "temporary failure",
    "failed to resolve",
    "name or service not known",
    "remote end closed",
    "transporterror",
    "unable to download webpage",
    "unable to download json metadata",
)


def extract(url: str, *, referer: str | None, options: ResolveOptions, what: str = "page") -> Candidate:
    """Run yt-dlp on ``url`` and describe the chosen format as a candidate (kind ``yt-dlp:<extractor>``)."""
    try:
        import yt_dlp
    except ImportError:
        raise ConfigurationError(f"yt-dlp is needed to resolve {redact_url(url)}: `pip install yt-dlp`") from None
    # yt-dlp does its own HTTP: the page URL is vetted here for a clear reason, every host it
    # resolves while extracting (redirects, player APIs) by guarded_resolution, and the chosen
    # format URL below (it is fetched later by our own guarded client).
    check_url(url, policy=options.net)
    headers = {"User-Agent": options.user_agent, "Accept-Language": options.accept_language}
    if referer:
        headers["Referer"] = referer
    logger = _Logger()
    params: dict[str, Any] = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": logger,
        "skip_download": True,
        "simulate": True,
        "noplaylist": True,
        "playlistend": 20,
        "socket_timeout": max(options.connect_timeout_s, options.read_timeout_s),
        "retries": 0,
        "extractor_retries": 0,
        "cachedir": False,
        "http_headers": headers,
        "format": FORMAT,
        "check_formats": False,
    }
    try:
        with guarded_resolution(options.net) as refused, yt_dlp.YoutubeDL(params) as ydl:
            info = ydl.extract_info(url, download=False, process=True)
    except yt_dlp.utils.DownloadError as exc:
        if refused:
            raise refused[0] from None
        error = _error(str(exc), what)
        error.detail = "\n".join([error.detail or "", *(_redact(m) for m in logger.messages[-5:])]).strip()
        raise error from None
    if not isinstance(info, dict):
        raise NoPlayerFoundError("no video player found on page")
    candidate = _candidate(info, referer)
    if candidate.stream_url:
        check_url(candidate.stream_url, policy=options.net)
    return candidate


def _candidate(info: dict[str, Any], referer: str | None) -> Candidate:
    others: list[str] = []
    if info.get("_type") == "playlist" or "entries" in info:
        entries = [e for e in info.get("entries") or [] if isinstance(e, dict)]
        playable = [e for e in entries if e.get("url") or e.get("formats")]
        if not playable:
            raise NoPlayerFoundError("no video player found on page")
        others = [str(e.get("manifest_url") or e.get("url") or e.get("webpage_url")) for e in playable[1:]]
        info = playable[0]
    if info.get("requested_formats"):
        chosen = info["requested_formats"][0]
    else:
        chosen = info
    if info.get("has_drm") or chosen.get("has_drm") or info.get("_has_drm"):
        raise DrmProtectedError(f"{info.get('extractor_key') or 'the site'} reports DRM")
    protocol = str(chosen.get("protocol") or "")
    is_hls = protocol.startswith("m3u8")
    stream = (chosen.get("manifest_url") if is_hls else None) or chosen.get("url")
    if not stream:
        raise ExtractorError("yt-dlp found the video but no downloadable format")
    headers = {k: str(v) for k, v in (chosen.get("http_headers") or {}).items() if k.lower() != "accept-encoding"}
    if referer and not any(k.lower() == "referer" for k in headers):
        headers["Referer"] = referer
    extractor = str(info.get("extractor") or info.get("extractor_key") or "generic").lower()
    duration = info.get("duration")
    return Candidate(
        kind=f"yt-dlp:{extractor}",
        stream_url=str(stream),
        title=info.get("title") if isinstance(info.get("title"), str) else None,
        thumbnail=info.get("thumbnail") if isinstance(info.get("thumbnail"), str) else None,
        referer=headers.get("Referer") or referer,
        headers=headers,
        others=tuple(others),
        hls=is_hls,
        duration_s=float(duration) if isinstance(duration, int | float) else None,
    )


def _error(message: str, what: str) -> VslError:
    """Turn yt-dlp's message into a typed error whose reason carries no signed URL."""
    text = _redact(message.replace("ERROR: ", "")).strip()
    lowered = text.lower()
    status = _HTTP_ERROR.search(text)
    if "unsupported url" in lowered:
        return NoPlayerFoundError("no video player found on page", detail=text)
    if "drm" in lowered:
        return DrmProtectedError("the site reports DRM", detail=text)
    if status:
        code = int(status.group(1))
        if is_transient_status(code):
            return TransientHttpError(code, what, detail=text)
        return HttpStatusError(code, what, detail=text)
    if any(needle in lowered for needle in _NETWORK_NEEDLES):
        return NetworkError(f"the {what} could not be reached by yt-dlp", detail=text)
    return ExtractorError(f"yt-dlp could not extract the video: {text[:300]}", detail=text)


def _redact(text: str) -> str:
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


class _Logger:
    """Keeps yt-dlp silent; its messages end up in the error detail instead."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, msg: str) -> None:
        return

    def info(self, msg: str) -> None:
        return

    def warning(self, msg: str) -> None:
        self.messages.append(msg)

    def error(self, msg: str) -> None:
        self.messages.append(msg)
