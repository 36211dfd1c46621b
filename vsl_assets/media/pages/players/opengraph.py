"""Open Graph / Twitter card video tags (``og:video``, ``og:video:secure_url``, ``twitter:player``).

Pages set them so social networks can play the video inline.  ``og:video:type: text/html`` (or
a URL that is not a media file) means the value is a player page, followed like an iframe.
"""

from __future__ import annotations

from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players.base import Candidate, is_stream_url

KIND = "og-video"


def detect(page: Page) -> Candidate | None:
    video = page.absolute(page.meta("og:video:secure_url", "og:video:url", "og:video", "twitter:player:stream"))
    player = page.absolute(page.meta("twitter:player"))
    mime = (page.meta("og:video:type") or "").lower()
    if video and (
        mime.startswith(("video/", "application/x-mpegurl", "application/vnd.apple")) or is_stream_url(video)
    ):
        others = (player,) if player else ()
        return Candidate(kind=KIND, stream_url=video, thumbnail=page.image, others=others)
    embed = video or player
    if not embed:
        return None
    return Candidate(kind=KIND, embed_url=embed, ytdlp=is_known_host(embed, embed=True), thumbnail=page.image)
