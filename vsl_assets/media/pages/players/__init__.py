"""Player detectors, in the order the resolver trusts them.

Each module exposes ``detect(page) -> Candidate | None`` and reads only the parsed page.  Known
VSL players come first (their configs are authoritative), then embeds of sites yt-dlp knows,
then self-hosted players by how explicit their source is, then metadata tags, and finally plain
iframes, which cost a request to look inside.  ``rank`` then orders what was found (VSL players
first, the first on the page among equals).  A new player is a new module added here.
"""

from __future__ import annotations

from collections.abc import Callable

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import (
    embeds,
    hlsjs,
    html5,
    iframe,
    jsonld,
    lightbox,
    opengraph,
    panda,
    streamhosts,
    vidalytics,
    videojs,
    vsltube,
    vturb,
    youtube_api,
)
from vsl_assets.media.pages.players.base import Candidate

Detector = Callable[[Page], Candidate | None]

DETECTORS: tuple[Detector, ...] = (
    vturb.detect,
    panda.detect,
    vidalytics.detect,
    vsltube.detect,
    embeds.detect,
    streamhosts.detect,
    youtube_api.detect,
    lightbox.detect,
    hlsjs.detect,
    videojs.detect,
    html5.detect,
    jsonld.detect,
    opengraph.detect,
    iframe.detect,
)

__all__ = ["DETECTORS", "Candidate", "Detector"]
