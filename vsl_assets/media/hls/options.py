"""What a download may do and where it stops: variant policy, concurrency, retries, timeouts, limits, headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vsl_assets.errors import ConfigurationError
from vsl_assets.media.ffmpeg import USER_AGENT
from vsl_assets.net.guard import STRICT, NetPolicy

#: Where progress and decisions are reported (a person reads them in the run's log).
Log = Callable[[str], None]


_POLICY_RE = re.compile(r"^\s*best\s*<=\s*(\d+)\s*p?\s*$")


def parse_policy(policy: str) -> tuple[str, int | None]:
    text = policy.strip().lower()
    if text in ("best", "smallest"):
        return text, None
    match = _POLICY_RE.match(text)
    if match:
        return "best<=", int(match.group(1))
    raise ConfigurationError(
        f"unknown HLS variant policy {policy!r}: use best, smallest or best<=HEIGHT (e.g. best<=720)"
    )


@dataclass(frozen=True)
class HlsOptions:
    #: Which variant of a master playlist: "best<=720" (the best with height <= 720, else the
    #: lowest above), "best" (highest resolution, then bandwidth) or "smallest".
    variant_policy: str = "best<=720"
    #: Segment requests in flight at once (also the HTTP connection pool size).
    concurrency: int = 8
    #: Segments downloaded ahead of the one ffmpeg needs next (memory bound); None = 2 x concurrency.
    reorder_window: int | None = None
    #: Attempts per request for transient failures (timeouts, resets, 408/425/429/5xx).
    attempts: int = 4
    #: Attempts per segment/key for 4xx answers (403/404/410...): one retry absorbs a CDN edge
    #: hiccup.  A playlist answering 4xx is not retried.
    client_error_attempts: int = 2
    #: First retry delay; doubled per attempt, jittered x0.5-1.5, capped at ``backoff_max_s``.
    backoff_s: float = 0.5
    backoff_max_s: float = 10.0
    connect_timeout_s: float = 10.0
    #: A response that delivers no byte for this long fails (and is retried).
    read_timeout_s: float = 30.0
    #: Wall-clock cap for one request (a server dripping bytes forever).
    segment_timeout_s: float = 300.0
    #: Wall-clock cap for the whole download.
    step_timeout_s: float = 4 * 3600.0
    max_segments: int = 20_000
    max_total_bytes: int = 16 * 1024**3
    #: A playlist announcing more media than this is refused before any segment is fetched.
    max_duration_s: float = 4 * 3600.0
    max_playlist_bytes: int = 8 * 1024**2
    user_agent: str = USER_AGENT
    referer: str | None = None
    origin: str | None = None
    #: Extra request headers (e.g. from the resolver); they win over the ones above.
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Download a separate audio rendition and mux it (False: keep only the variant's own tracks).
    audio_rendition: bool = True
    #: Progress is logged at most this often (and at each 10 % step, at most once a second).
    progress_interval_s: float = 5.0
    #: ffmpeg binary (``VSL_FFMPEG``, handed in); None = :func:`find_ffmpeg`.
    ffmpeg: str | None = None
    #: What the address guard lets through (``NetPolicy.from_settings`` at the edge; strict by default).
    net: NetPolicy = STRICT

    def __post_init__(self) -> None:
        parse_policy(self.variant_policy)
        if self.concurrency < 1 or self.attempts < 1 or self.client_error_attempts < 1:
            raise ConfigurationError("HLS concurrency and attempts must be at least 1")
        if self.reorder_window is not None and self.reorder_window < 1:
            raise ConfigurationError("the HLS reorder window must be at least 1 segment")

    @property
    def window(self) -> int:
        return max(self.reorder_window or 2 * self.concurrency, 1)

    def request_headers(self) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept": "*/*"}
        if self.referer:
            headers["Referer"] = self.referer
        if self.origin:
            headers["Origin"] = self.origin
        headers.update(self.headers)
        return headers
