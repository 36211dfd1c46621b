"""The second a sales page reveals its offer, read from the page's own delayed-reveal scripts.

Pages hide the buy button and show it when the pitch starts, whatever the player: vturb's
generated snippets (``SECONDS_TO_DISPLAY``, ``delaySeconds``, ``displayHiddenElements(N, …)``)
and hand-written ``setTimeout(function () { … display = "block" … }, 1245000)``.  A timeout only
counts when its body shows something and it is at least ``MIN_SECONDS`` long: short timeouts are
animations, not offers.
"""

from __future__ import annotations

import re

from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import vturb

MIN_SECONDS = 10.0
_TIMEOUT = re.compile(
    r"setTimeout\(\s*(?:function\s*\w*\s*\([^)]*\)|\([^)]*\)\s*=>|\w+\s*=>)\s*\{(?P<body>[^{}]{0,600})\}\s*,"
    r"\s*(?P<ms>\d{1,8})(?:\s*\*\s*(?P<times>\d{1,4}))?\s*\)"
)
_SHOWS = re.compile(r"display|classList\.(?:remove|add|toggle)|\.show\(|fadeIn|visibility|hidden|esconder|reveal", re.I)


def page_reveal(page: Page) -> tuple[float | None, str | None]:
    """``(seconds, where)`` of the page's reveal, or ``(None, None)``."""
    seconds, source = vturb.page_cta(page)
    if seconds is not None:
        return seconds, source
    for script in page.scripts():
        for match in _TIMEOUT.finditer(script):
            if not _SHOWS.search(match.group("body")):
                continue
            value = int(match.group("ms")) * int(match.group("times") or 1) / 1000
            if value >= MIN_SECONDS:
                return value, "page script setTimeout"
    return None, None
