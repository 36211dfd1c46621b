"""Players that only the page's own script files name: the last detector, run on demand.

The HTML may carry nothing but an empty placeholder and ``<script src="js/…">``: a copied vturb
``player.js`` or a bundle that injects its loader, a YouTube IFrame API script holding the
video id, or a click-to-play script that writes a YouTube/Vimeo/Wistia iframe into the page.
This candidate is tentative: it reads the page's scripts (bounded by ``max_page_scripts``,
through the resolver's guarded fetcher, each file once) only when nothing on the page itself is
a player, and gives way to the resolver's other fallbacks when none of the scripts builds one.
"""

from __future__ import annotations

from dataclasses import replace

from vsl_assets.media.pages.errors import NoPlayerFoundError
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import embeds, vturb, youtube_api
from vsl_assets.media.pages.players.base import Candidate


def in_page_scripts(page: Page) -> Candidate:
    """A tentative candidate: vturb first (its config is the stream), then the YouTube IFrame API,
    then an embed a script writes in."""
    base = vturb.in_page_scripts(page)
    scan = base.complete
    assert scan is not None  # vturb.in_page_scripts always defers to the scripts

    def complete(fetcher: Fetcher) -> Candidate:
        try:
            return scan(fetcher)
        except NoPlayerFoundError:
            found = youtube_api.in_scripts(fetcher, page) or embeds.in_scripts(fetcher, page)
            if found is None:
                raise
            return found

    return replace(base, complete=complete)
