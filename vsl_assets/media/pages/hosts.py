"""Sites whose players are left to yt-dlp's extractors.

Kept apart from the yt-dlp wrapper so detectors can recognise such embeds without importing it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

#: Video platforms: their page URLs and their embeds on a sales page go to yt-dlp.
VIDEO_HOSTS = (
    "youtube.com",
    "youtu.be",
    "youtube-nocookie.com",
    "vimeo.com",
    "wistia.com",
    "wistia.net",
    "wi.st",
    "jwplayer.com",
    "jwplatform.com",
    "mediadelivery.net",
    "video.bunnycdn.com",
    "dailymotion.com",
    "dai.ly",
    "loom.com",
    "vidyard.com",
    "brightcove.net",
    "streamable.com",
    "rumble.com",
    "twitch.tv",
    # Vooplayer/Spotlightr publish pages carry a video.js player that yt-dlp's generic extractor reads.
    "vooplayer.com",
    "spotlightr.com",
)
#: Social networks: a post URL given directly goes to yt-dlp, but their iframes on a sales page
#: are like buttons and pixels far more often than videos.
SOCIAL_HOSTS = ("facebook.com", "fb.watch", "instagram.com", "tiktok.com")


def is_known_host(url: str, *, embed: bool = False) -> bool:
    """Whether yt-dlp should handle ``url`` (``embed``: found inside a page rather than given)."""
    host = (urlsplit(url).hostname or "").lower()
    hosts = VIDEO_HOSTS if embed else VIDEO_HOSTS + SOCIAL_HOSTS
    return any(host == known or host.endswith("." + known) for known in hosts)
