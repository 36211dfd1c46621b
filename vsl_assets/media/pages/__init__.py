"""Sales-page resolver: from a VSL URL to the stream the download step fetches.

Plain Python (no Dagster): ``resolve(url)`` fetches the page once, lets each player detector in
``players/`` read it, follows what the winning player needs (a vturb script, a Panda embed, an
iframe, yt-dlp for hosted players) and checks the stream with one small request.
"""

from vsl_assets.media.pages.errors import (
    DrmProtectedError,
    ExtractorError,
    HttpStatusError,
    NetworkError,
    NoPlayerFoundError,
    NotAStreamError,
    PlayerConfigError,
    PlayerUnavailableError,
    StreamExpiredError,
    TooManyRedirectsError,
    TransientHttpError,
)
from vsl_assets.media.pages.hls_probe import Variant
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.resolve import ResolvedSource, resolve

__all__ = [
    "DrmProtectedError",
    "ExtractorError",
    "HttpStatusError",
    "NetworkError",
    "NoPlayerFoundError",
    "NotAStreamError",
    "PlayerConfigError",
    "PlayerUnavailableError",
    "ResolveOptions",
    "ResolvedSource",
    "StreamExpiredError",
    "TooManyRedirectsError",
    "TransientHttpError",
    "Variant",
    "resolve",
]
