"""Choosing the VSL among the videos a page carries.

A sales page often has several: the VSL, testimonial clips, a muted background loop, a hidden
"pause" clip.  Candidates are ordered by how much their kind says "this is the VSL" (a VSL
player such as vturb, Panda, Vidalytics or the VSLtube wrapper over generic embeds and self-hosted players, those over
metadata tags, plain iframes last) and, among equals, by their place on the page: the main video
sits above the testimonials.  A ``fallback`` candidate (a stale preload with no player in the body)
goes after every real player the page embeds.  Decorative clips never become candidates (see ``html5``).
"""

from __future__ import annotations

from vsl_assets.media.pages.players.base import Candidate

#: Lower is more trusted.  Kinds not listed rank with the page players.
_TIERS = {
    "vturb": 0,
    "panda": 0,
    "vidalytics": 0,
    "vsltube": 0,
    "json-ld": 2,
    "og-video": 2,
    "iframe": 3,
}
_PAGE_PLAYERS = 1
#: Metadata tags and plain iframes are not "another player" that beats a fallback candidate.
_METADATA = 2
_LAST = 1 << 30


def tier(candidate: Candidate) -> int:
    return _TIERS.get(candidate.kind, _PAGE_PLAYERS)


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Most likely VSL first; the detectors' own order breaks remaining ties."""
    order = sorted(
        enumerate(candidates),
        key=lambda item: (
            item[1].fallback and any(_real_player(c) for c in candidates),
            tier(item[1]),
            item[1].position if item[1].position is not None and tier(item[1]) == _PAGE_PLAYERS else _LAST,
            item[0],
        ),
    )
    return [candidate for _, candidate in order]


def _real_player(candidate: Candidate) -> bool:
    """A player the page embeds (not metadata, not a plain iframe, not a leftover preload)."""
    return not candidate.fallback and tier(candidate) < _METADATA and bool(candidate.target or candidate.complete)
