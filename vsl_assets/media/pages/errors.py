"""Why a sales page could not be turned into a stream URL.

Every failure a person may see in ``vsl status`` gets its own class and a reason in plain words,
so the asset layer can record it without knowing anything about HTML or players.  Permanent
failures (404, DRM, an expired token) stop retries; transient ones (5xx, timeouts) let the
pipeline try again later.
"""

from __future__ import annotations

from vsl_assets.errors import PermanentError, TransientError, VslError


class HttpStatusError(PermanentError):
    """The server answered with a 4xx that will not change by retrying (404, 403, 410...)."""

    def __init__(self, status: int, what: str, *, detail: str | None = None) -> None:
        super().__init__(f"HTTP {status} from the {what}", detail=detail)
        self.status = status


class TransientHttpError(TransientError):
    """The server answered 408/425/429 or 5xx: worth another try later."""

    def __init__(self, status: int, what: str, *, detail: str | None = None) -> None:
        super().__init__(f"HTTP {status} from the {what}", detail=detail)
        self.status = status


class NetworkError(TransientError):
    """Timeout, refused or broken connection: the host may be back later."""


class TooManyRedirectsError(PermanentError):
    """A redirect loop or chain longer than the configured limit."""


class NoPlayerFoundError(PermanentError):
    """The page was fetched but nothing on it looks like a video player."""


class PlayerConfigError(PermanentError):
    """A known player was found but its configuration did not yield a stream URL."""


class PlayerUnavailableError(TransientError):
    """A known player was found but its script or config could not be fetched now (5xx, timeout)."""


def unreadable(player: str, what: str, exc: VslError) -> VslError:
    """``"<player> player found but its <what> could not be read: HTTP 403"``, keeping transience.

    The fetch error alone ("HTTP 403 from the ...") hides that the page itself was fine and the
    player was recognised; a person deciding what to do next needs both halves.
    """
    status = getattr(exc, "status", None)
    why = f"HTTP {status}" if isinstance(status, int) else exc.reason
    reason = f"{player} player found but its {what} could not be read: {why}"
    if exc.transient:
        return PlayerUnavailableError(reason, detail=exc.detail)
    return PlayerConfigError(reason, detail=exc.detail)


class DrmProtectedError(PermanentError):
    """The stream is encrypted with a DRM system; ffmpeg cannot decrypt it."""

    def __init__(self, why: str, *, detail: str | None = None) -> None:
        super().__init__(f"the video is DRM-protected ({why}); it cannot be downloaded", detail=detail)
        self.why = why


class StreamExpiredError(PermanentError):
    """A signed stream URL whose token has run out: the page must be resolved again."""

    def __init__(self, *, detail: str | None = None) -> None:
        super().__init__("the stream URL has expired (signed URL token no longer valid)", detail=detail)


class NotAStreamError(PermanentError):
    """The stream URL answered with something that is neither an HLS playlist nor media."""


class ExtractorError(PermanentError):
    """yt-dlp recognised the site but could not extract a downloadable video."""
