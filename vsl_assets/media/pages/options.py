"""Limits and switches of the resolver, in one frozen object so callers can pass them around."""

from __future__ import annotations

from dataclasses import dataclass

from vsl_assets.media.ffmpeg import USER_AGENT
from vsl_assets.net.guard import STRICT, NetPolicy

#: Brazilian VSL pages are the common case; some serve a different page (or none) without pt-BR.
ACCEPT_LANGUAGE = "pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7"


@dataclass(frozen=True)
class ResolveOptions:
    """How far the resolver may go: every network step is bounded in time and size."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    #: Only this much of a page is read; a player hidden further down is not found (reported).
    max_page_bytes: int = 5 * 1024 * 1024
    #: HLS playlists and player scripts; a two-hour VOD playlist is a few hundred kB.
    max_playlist_bytes: int = 2 * 1024 * 1024
    #: Only applies to the client the resolver creates (httpx sets it per client).
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    accept_language: str = ACCEPT_LANGUAGE
    #: Fall back to yt-dlp's extractors (and use them directly for hosts such as YouTube).
    use_ytdlp: bool = True
    #: Fetch the resolved playlist once to confirm it is HLS and not DRM-protected.
    probe_stream: bool = True
    #: For a master playlist, also fetch its best variant: DRM keys and durations live there.
    probe_variant: bool = True
    #: Raise DrmProtectedError (default) or return the source with ``drm=True``.
    fail_on_drm: bool = True
    #: Iframes followed (one level deep) when the page itself has no player.
    max_iframes: int = 3
    #: Additional vturb players on the page whose scripts are read to list their streams.
    max_other_players: int = 4
    #: The page's own external scripts read when a player is loaded by one of them (a vturb
    #: player.js copied to the page's server, a bundle that injects the player script).
    max_page_scripts: int = 6
    #: What the address guard lets through (``NetPolicy.from_settings`` at the edge; strict by default).
    net: NetPolicy = STRICT
